import { Box, Chip } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import { todayIso, useMonthDay } from '../../common/dates';

/**
 * Whether the planting may be harvested today: green "可采收", or in red
 * "安全间隔期内，5月12日起可采收" while a pesticide's pre-harvest interval is in force.
 * `harvestable_from` is derived by the server from the applications, never typed in.
 */
export const HarvestableField = ({ size = 'small' }: { label?: string; size?: 'small' | 'medium'; sortable?: boolean }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  const md = useMonthDay();
  if (!record) return null;
  if (record.status === 'finished') return <Chip size={size} label={translate('choices.planting_status.finished')} />;
  // Not in the ground yet: nothing to harvest, whatever the pesticides.
  if (String(record.planted_on) > todayIso()) return <Chip size={size} variant="outlined" label={translate('app.planting.not_planted')} />;
  if (record.harvestable_now === false) {
    return (
      <Box component="span" data-testid="harvest-blocked" sx={{ color: 'error.main', fontWeight: 600 }}>
        {translate('app.planting.blocked', { date: md(record.harvestable_from) })}
      </Box>
    );
  }
  return <Chip size={size} color="success" data-testid="harvestable" label={translate('app.planting.harvestable')} />;
};
