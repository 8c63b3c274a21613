import { Paper, Stack, Typography } from '@mui/material';
import { useListContext, useTranslate } from 'react-admin';
import { useApiGet, withFilter } from '../../common/useApi';
import { formatYuan, toNumber } from '../../common/weights';

interface WorkTotalsBody {
  records: number;
  person_days: string | number;
  wages: string | number;
  people: number;
}

/** Employment figures of the list's current filter: person-times, person-days, people, wages. */
export const WorkTotals = () => {
  const { filterValues, total } = useListContext();
  const translate = useTranslate();
  const { data } = useApiGet<WorkTotalsBody>(withFilter('work-records/totals', filterValues ?? {}), total);
  if (!data) return null;
  const figures: [string, string][] = [
    ['app.work.records', String(data.records)],
    ['app.work.person_days', (toNumber(data.person_days) ?? 0).toLocaleString('zh-CN', { maximumFractionDigits: 1 })],
    ['app.work.people', String(data.people)],
    ['app.work.wages', translate('app.weight.yuan', { amount: formatYuan(toNumber(data.wages) ?? 0) })],
  ];
  return (
    <Paper variant="outlined" sx={{ m: 1, p: 1.5 }} data-testid="work-totals">
      <Stack direction="row" spacing={3} useFlexGap sx={{ flexWrap: 'wrap' }}>
        {figures.map(([label, value]) => (
          <div key={label}>
            <Typography variant="caption" color="text.secondary" component="div">{translate(label)}</Typography>
            <Typography variant="subtitle1" component="div" sx={{ fontWeight: 600 }}>{value}</Typography>
          </div>
        ))}
      </Stack>
    </Paper>
  );
};
