import { Box, Chip, LinearProgress, Stack, Typography } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import { formatKg, toNumber, useKgText, useTonnesText } from '../../common/weights';

/** Fill level colour: green to 80 %, amber to 95 %, red beyond. */
const fillColour = (ratio: number) => (ratio >= 0.95 ? 'error' : ratio >= 0.8 ? 'warning' : 'success');

/** Capacity, stock and fill level of a room, as a bar. */
export const RoomFill = (_: { label?: string }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  const kgText = useKgText();
  const tText = useTonnesText();
  const capacity = toNumber(record?.capacity_kg);
  const stock = toNumber(record?.stock_kg) ?? 0;
  if (!record || !capacity) return null;
  const ratio = stock / capacity;
  return (
    <Box sx={{ minWidth: 240 }} data-testid="room-fill">
      <Typography variant="body2">
        {translate('app.stock.fill', { stock: kgText(stock), capacity: tText(capacity), percent: Math.round(ratio * 100) })}
      </Typography>
      <LinearProgress variant="determinate" value={Math.min(100, ratio * 100)} color={fillColour(ratio)} sx={{ height: 10, borderRadius: 1, mt: 0.5 }} />
      <Typography variant="caption" color="text.secondary">
        {translate('app.stock.free', { free: formatKg(Math.max(0, capacity - stock)) })}
      </Typography>
    </Box>
  );
};

/** The room's last temperature reading, flagged when outside the room's zone. */
export const LastReading = (_: { label?: string }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  if (!record) return null;
  if (record.last_temperature_c == null) return <Typography variant="body2" color="text.secondary">{translate('app.stock.no_reading')}</Typography>;
  const at = record.last_reading_at ? new Date(String(record.last_reading_at)).toLocaleString('zh-CN') : '';
  const zone = record.zone_min_c != null ? translate('app.stock.zone', { min: record.zone_min_c, max: record.zone_max_c }) : '';
  return (
    <Stack direction="row" spacing={1} sx={{ alignItems: 'center' }} data-testid="last-reading">
      <Typography variant="body1" sx={{ fontWeight: 600, color: record.last_reading_out_of_range ? 'error.main' : 'text.primary' }}>
        {toNumber(record.last_temperature_c)?.toFixed(1)} °C
      </Typography>
      {record.last_reading_out_of_range && <Chip size="small" color="error" label={translate('app.stock.out_of_range')} data-testid="out-of-range" />}
      <Typography variant="caption" color="text.secondary">
        {at} {zone}
      </Typography>
    </Stack>
  );
};
