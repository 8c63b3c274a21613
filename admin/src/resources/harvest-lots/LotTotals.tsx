import { Box, Paper, Stack, Typography } from '@mui/material';
import { useListContext, useTranslate } from 'react-admin';
import { useApiGet, withFilter } from '../../common/useApi';
import { formatYuan, toNumber, useKgText, useTonnesText } from '../../common/weights';

interface Part {
  lots: number;
  quantity_kg: string | number;
  intake_amount: string | number;
}
export interface LotTotalsBody extends Part {
  members: Part;
  non_members: Part;
}

const Figure = ({ label, value, testId }: { label: string; value: string; testId?: string }) => (
  <Box sx={{ minWidth: 120 }}>
    <Typography variant="caption" color="text.secondary" component="div">
      {label}
    </Typography>
    <Typography variant="subtitle1" component="div" sx={{ fontWeight: 600 }} data-testid={testId}>
      {value}
    </Typography>
  </Box>
);

/**
 * The running total of the lots the list shows (its current filter): lots, kg (斤, tonnes)
 * and intake amount, with members' and non-members' intake apart (the cooperative law books
 * them separately). A member's list is scoped to their household by the server.
 */
export const LotTotals = () => {
  const { filterValues, total } = useListContext();
  const translate = useTranslate();
  const kgText = useKgText();
  const tText = useTonnesText();
  // `total` changes after a create or an import: the figures follow.
  const { data } = useApiGet<LotTotalsBody>(withFilter('harvest-lots/totals', filterValues ?? {}), total);
  if (!data) return null;
  const kg = toNumber(data.quantity_kg) ?? 0;
  const yuan = (v: unknown) => translate('app.weight.yuan', { amount: formatYuan(toNumber(v) ?? 0) });
  const part = (p: Part) =>
    translate('app.totals.part', { lots: p.lots, kg: kgText(toNumber(p.quantity_kg) ?? 0), amount: yuan(p.intake_amount) });
  return (
    <Paper variant="outlined" sx={{ m: 1, p: 1.5 }} data-testid="lot-totals">
      <Stack direction="row" spacing={3} useFlexGap sx={{ flexWrap: 'wrap' }}>
        <Figure label={translate('app.totals.lots')} value={String(data.lots)} />
        <Figure label={translate('app.totals.quantity')} value={`${kgText(kg)} · ${tText(kg)}`} testId="lot-totals-kg" />
        <Figure label={translate('app.totals.intake_amount')} value={yuan(data.intake_amount)} />
      </Stack>
      <Typography variant="body2" color="text.secondary" sx={{ mt: 1 }}>
        {translate('app.totals.members')}：{part(data.members)}　{translate('app.totals.non_members')}：{part(data.non_members)}
      </Typography>
    </Paper>
  );
};
