import { Chip, Stack } from '@mui/material';
import { Link, useCreatePath, useRecordContext, useTranslate } from 'react-admin';

/**
 * An application's standing: "已更正" (amber, linked to the correcting record) when a later
 * record corrects it, "更正 #n" when it is itself a correction, "有效" otherwise.
 * Corrected records stay visible: food-safety records are never edited or deleted.
 */
export const CorrectedMark = (_: { source?: string; label?: string }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  const createPath = useCreatePath();
  if (!record) return null;
  const link = (id: unknown) => createPath({ resource: 'input-applications', id: id as number, type: 'show' });
  return (
    <Stack direction="row" spacing={0.5} useFlexGap sx={{ flexWrap: 'wrap' }} onClick={(e) => e.stopPropagation()}>
      {record.corrected_by_id != null ? (
        <Chip
          size="small"
          color="warning"
          data-testid="corrected"
          label={translate('app.input.corrected')}
          component={Link}
          to={link(record.corrected_by_id)}
          clickable
        />
      ) : (
        <Chip size="small" color="success" variant="outlined" label={translate('app.input.in_force')} />
      )}
      {record.corrects_id != null && (
        <Chip
          size="small"
          variant="outlined"
          label={translate('app.input.corrects', { id: record.corrects_id })}
          component={Link}
          to={link(record.corrects_id)}
          clickable
        />
      )}
    </Stack>
  );
};
