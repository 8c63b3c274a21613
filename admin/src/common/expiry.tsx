import { Chip } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';

/** Colours of the expiry statuses: expired red, critical orange-red, soon amber, fresh green. */
export const EXPIRY_COLOURS: Record<string, { bg: string; fg: string }> = {
  expired: { bg: '#c62828', fg: '#fff' },
  critical: { bg: '#ef6c00', fg: '#fff' },
  soon: { bg: '#ffb300', fg: '#000' },
  fresh: { bg: '#2e7d32', fg: '#fff' },
};

/** "还剩 3 天" / "已过期 2 天" in the colour of the record's expiry_status. */
export const ExpiryChip = (_: { source?: string; label?: string; sortable?: boolean }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  if (!record || record.expiry_status == null) return null;
  const status = String(record.expiry_status);
  const days = Number(record.days_left);
  const colours = EXPIRY_COLOURS[status] ?? EXPIRY_COLOURS.fresh;
  const label = Number.isFinite(days)
    ? days < 0
      ? translate('app.stock.expired_days', { days: -days })
      : translate('app.stock.days_left', { days })
    : translate(`choices.expiry_status.${status}`, { _: status });
  return (
    <Chip
      size="small"
      label={label}
      data-testid={`expiry-${status}`}
      title={translate(`choices.expiry_status.${status}`, { _: status })}
      sx={{ bgcolor: colours.bg, color: colours.fg, fontWeight: 600 }}
    />
  );
};
