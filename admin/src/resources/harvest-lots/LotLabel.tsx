import { Box, Typography } from '@mui/material';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { useTranslate, type RaRecord } from 'react-admin';
import { useMonthDay } from '../../common/dates';
import { formatJin, formatKg, toNumber } from '../../common/weights';

/**
 * The address a lot's QR code opens: its public trace page (origin, harvest, residue tests;
 * no personal data), which anyone who scans it can read without an account.
 */
export const lotUrl = (code: unknown) => `${window.location.origin}/t/${encodeURIComponent(String(code))}`;

/** One printed label: code, crop, grade, kg and 斤, village, harvest date, and a QR code of the lot's public trace page. */
export const LotLabel = ({ lot, crop, village }: { lot: RaRecord; crop?: RaRecord; village?: RaRecord }) => {
  const translate = useTranslate();
  const md = useMonthDay();
  const [qr, setQr] = useState<string>();
  useEffect(() => {
    let live = true;
    QRCode.toDataURL(lotUrl(lot.code), { margin: 1, width: 240, errorCorrectionLevel: 'M' }).then((url) => live && setQr(url), () => undefined);
    return () => {
      live = false;
    };
  }, [lot.code]);
  const kg = toNumber(lot.quantity_kg) ?? 0;
  const line = (label: string, value: string) => (
    <Typography variant="body2" sx={{ lineHeight: 1.5 }}>
      <Box component="span" sx={{ color: '#555' }}>{label}：</Box>
      {value}
    </Typography>
  );
  return (
    <Box
      className="lot-label"
      data-testid="lot-label"
      sx={{ border: '1px dashed #999', p: 1.5, display: 'flex', gap: 1.5, alignItems: 'center', breakInside: 'avoid', bgcolor: '#fff', color: '#000' }}
    >
      <Box sx={{ flex: 1, minWidth: 0 }}>
        <Typography sx={{ fontWeight: 700, fontSize: 18, fontFamily: 'monospace' }} data-testid="label-code">{String(lot.code)}</Typography>
        <Typography sx={{ fontWeight: 700, fontSize: 20 }}>{crop ? String(crop.name_zh) : ''}</Typography>
        {line(translate('resources.harvest-lots.fields.grade'), translate(`choices.lot_grade.${String(lot.grade)}`, { _: String(lot.grade) }))}
        {line(translate('app.labels.weight'), `${formatKg(kg)} kg（${formatJin(kg)} 斤）`)}
        {line(translate('app.labels.village'), village ? String(village.name) : '')}
        {line(translate('resources.harvest-lots.fields.harvested_on'), `${String(lot.harvested_on)}（${md(lot.harvested_on)}）`)}
      </Box>
      {qr && <img src={qr} alt={String(lot.code)} width={120} height={120} />}
    </Box>
  );
};
