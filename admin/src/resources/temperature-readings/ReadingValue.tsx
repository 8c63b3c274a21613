import { Box } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';
import { toNumber } from '../../common/weights';

/** "3.5 °C", in red with a flag when outside the room's zone. */
export const ReadingValue = (_: { source?: string; label?: string; sortable?: boolean }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  const t = toNumber(record?.temperature_c);
  if (t == null) return null;
  return (
    <Box component="span" sx={{ color: record?.out_of_range ? 'error.main' : 'inherit', fontWeight: record?.out_of_range ? 700 : 400 }}>
      {t.toFixed(1)} °C{record?.out_of_range ? ` · ${translate('app.stock.out_of_range')}` : ''}
    </Box>
  );
};
