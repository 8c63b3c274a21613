import { Paper, Stack, Typography } from '@mui/material';
import { useTranslate } from 'react-admin';
import { useWatch } from 'react-hook-form';
import { toNumber, useKgText } from '../../common/weights';

const sum = (rows: unknown): number =>
  Array.isArray(rows) ? rows.reduce<number>((s, r) => s + (toNumber((r as { quantity_kg?: unknown } | null)?.quantity_kg) ?? 0), 0) : 0;

/** Input total, output total and loss, as the user types; outputs above inputs are flagged. */
export const RunTotals = () => {
  const translate = useTranslate();
  const kgText = useKgText();
  const inputs = sum(useWatch({ name: 'inputs' }));
  const outputs = sum(useWatch({ name: 'outputs' }));
  const loss = Math.round((inputs - outputs) * 100) / 100;
  const over = outputs > inputs + 1e-9;
  const rate = inputs > 0 ? Math.round((loss / inputs) * 1000) / 10 : 0;
  return (
    <Paper variant="outlined" sx={{ p: 1.5, my: 1, width: '100%' }} data-testid="run-totals">
      <Stack direction="row" spacing={3} useFlexGap sx={{ flexWrap: 'wrap' }}>
        <Typography>{translate('app.run.input_total')}：{kgText(inputs)}</Typography>
        <Typography>{translate('app.run.output_total')}：{kgText(outputs)}</Typography>
        <Typography sx={{ color: over ? 'error.main' : 'text.primary', fontWeight: 600 }}>
          {over ? translate('app.run.outputs_exceed') : translate('app.run.loss', { kg: kgText(loss), rate })}
        </Typography>
      </Stack>
    </Paper>
  );
};
