import { Box, ButtonBase, CircularProgress, Stack, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import { todayIso, useMonthDay } from '../../common/dates';
import { ACTIVE_PLANTING_STATUSES } from '../../common/productionChoices';
import { usePlantingChoices, type PlantingChoice } from '../../common/usePlantingChoices';

/** Active plantings already in the ground: one planned for next week has nothing to harvest yet. */
const activeFilter = () => ({ status: [...ACTIVE_PLANTING_STATUSES], planted_on_lte: todayIso() });

/**
 * The plantings one may harvest from (planned, growing, harvesting), most recently planted
 * first, as big cards: plot, crop, and whether a pesticide's interval still blocks a harvest.
 */
export const PlantingPicker = ({ value, onChange }: { value: number | null; onChange: (choice: PlantingChoice) => void }) => {
  const translate = useTranslate();
  const md = useMonthDay();
  const { choices, isPending } = usePlantingChoices(activeFilter());
  if (isPending) return <CircularProgress size={24} />;
  if (choices.length === 0) return <Typography color="text.secondary">{translate('app.harvest.no_plantings')}</Typography>;
  return (
    <Stack spacing={1} role="radiogroup" aria-label={translate('app.harvest.planting')} sx={{ maxHeight: 320, overflowY: 'auto', pr: 0.5 }}>
      {choices.map((c) => {
        const selected = c.id === value;
        const blocked = c.record.harvestable_now === false;
        return (
          <ButtonBase
            key={c.id}
            role="radio"
            aria-checked={selected}
            data-testid={`planting-${c.id}`}
            onClick={() => onChange(c)}
            sx={{
              display: 'block', textAlign: 'left', width: '100%', minHeight: 56, px: 1.5, py: 1, borderRadius: 1,
              border: 2, borderColor: selected ? 'primary.main' : 'divider', bgcolor: selected ? 'action.selected' : 'background.paper',
            }}
          >
            <Typography sx={{ fontWeight: 600 }}>
              {c.plot ? `${c.plot.code} ${c.plot.name}` : `#${c.record.plot_id}`} · {c.crop ? String(c.crop.name_zh) : `#${c.record.crop_id}`}
            </Typography>
            <Box sx={{ fontSize: 14, color: blocked ? 'error.main' : 'success.main', fontWeight: blocked ? 600 : 400 }}>
              {blocked
                ? translate('app.planting.blocked', { date: md(c.record.harvestable_from) })
                : translate('app.planting.harvestable')}
              <Box component="span" sx={{ color: 'text.secondary', fontWeight: 400 }}>
                {' · '}
                {translate('app.harvest.planted_on', { date: md(c.record.planted_on) })}
              </Box>
            </Box>
          </ButtonBase>
        );
      })}
    </Stack>
  );
};
