import { Typography } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';

const when = (value: unknown): string | null => {
  if (typeof value !== 'string' && !(value instanceof Date)) return null;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? null : d.toLocaleString('zh-CN');
};

/**
 * The bookkeeping every record has (id, version, created_at, updated_at) as one small line
 * under a show page, not as full fields: `<Show><SimpleShowLayout>…</SimpleShowLayout><RecordMeta /></Show>`.
 */
export const RecordMeta = () => {
  const record = useRecordContext();
  const translate = useTranslate();
  if (!record) return null;
  const parts = [
    `ID ${String(record.id)}`,
    record.version != null ? translate('app.meta.version', { version: String(record.version) }) : null,
    when(record.created_at) && translate('app.meta.created', { at: when(record.created_at) }),
    when(record.updated_at) && translate('app.meta.updated', { at: when(record.updated_at) }),
  ].filter((p): p is string => !!p);
  return (
    <Typography
      variant="caption"
      color="text.secondary"
      component="p"
      data-testid="record-meta"
      sx={{ px: 2, pb: 1.5, pt: 0.5, borderTop: 1, borderColor: 'divider' }}
    >
      {parts.join(' · ')}
    </Typography>
  );
};
