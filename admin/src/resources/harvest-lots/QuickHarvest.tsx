import { Alert, Box, Button, Card, CardContent, MenuItem, Stack, TextField, ToggleButton, ToggleButtonGroup, Typography } from '@mui/material';
import { useEffect, useState, type ReactNode } from 'react';
import { Title, useDataProvider, useGetList, useLocation, usePermissions, useTranslate, type RaRecord } from 'react-admin';
import { todayIso, useMonthDay } from '../../common/dates';
import { useIdempotencyKey } from '../../common/idempotency';
import { LOT_GRADES } from '../../common/productionChoices';
import type { PlantingChoice } from '../../common/usePlantingChoices';
import { jinToKg, toNumber, useKgText } from '../../common/weights';
import type { AppDataProvider } from '../../dataProvider';
import { canRead, type Permissions } from '../../types';
import { HarvestDone } from './HarvestDone';
import { harvestErrorText } from './harvestErrors';
import { PlantingPicker } from './PlantingPicker';

const BIG = { minHeight: 56, fontSize: 18 };

const Section = ({ label, children }: { label: string; children: ReactNode }) => (
  <Box>
    <Typography variant="subtitle2" sx={{ mb: 0.5 }}>{label}</Typography>
    {children}
  </Box>
);

/**
 * The harvest form for a phone (360–414 px, big touch targets): planting, kg (or 斤), grade,
 * intake price, an optional room to receive into, the date. One Idempotency-Key per filled
 * form: a retry after a network error sends the same key, so the server makes one lot.
 */
export const QuickHarvest = () => {
  const translate = useTranslate();
  const md = useMonthDay();
  const kgText = useKgText();
  const dataProvider = useDataProvider<AppDataProvider>();
  const { permissions } = usePermissions<Permissions>();
  const { key, renew } = useIdempotencyKey();
  const preset = Number(new URLSearchParams(useLocation().search).get('planting_id')) || null;
  const [planting, setPlanting] = useState<number | null>(preset);
  const [cropId, setCropId] = useState<number | null>(null);
  const [amount, setAmount] = useState('');
  const [unit, setUnit] = useState<'kg' | 'jin'>('kg');
  const [grade, setGrade] = useState<string>('first');
  const [price, setPrice] = useState('');
  const [warehouse, setWarehouse] = useState<string>('');
  const [date, setDate] = useState(todayIso());
  const [error, setError] = useState<{ text: string; network: boolean } | null>(null);
  const [saving, setSaving] = useState(false);
  const [done, setDone] = useState<RaRecord | null>(null);
  const rooms = useGetList('warehouses', { sort: { field: 'name', order: 'ASC' }, pagination: { page: 1, perPage: 100 } }, { enabled: canRead(permissions, 'warehouses') });

  // Another filled form is another request: a change of any field takes a new key.
  const edit = <T,>(set: (v: T) => void) => (v: T) => { set(v); setError(null); renew(); };

  // The intake price starts at the last one paid for the crop.
  useEffect(() => {
    if (cropId == null) return;
    dataProvider
      .getList('harvest-lots', { filter: { crop_id: cropId, source: 'harvest' }, sort: { field: 'harvested_on', order: 'DESC' }, pagination: { page: 1, perPage: 1 } })
      .then(({ data }) => data[0] && setPrice((p) => p || String(toNumber(data[0].intake_price) ?? '')), () => undefined);
  }, [cropId, dataProvider]);

  const typed = toNumber(amount);
  const kg = typed == null ? null : unit === 'jin' ? jinToKg(typed) : Math.round(typed * 100) / 100;
  const ready = planting != null && kg != null && kg > 0 && !!grade && toNumber(price) != null && toNumber(price)! >= 0 && !!date && date <= todayIso();

  const submit = async () => {
    if (!ready) return;
    setSaving(true);
    setError(null);
    const body = { planting_id: planting, harvested_on: date, grade, quantity_kg: kg.toFixed(2), intake_price: String(price), ...(warehouse && { warehouse_id: Number(warehouse) }) };
    try {
      setDone(await dataProvider.request<RaRecord>('harvest-lots', { method: 'POST', body, idempotencyKey: key }));
    } catch (e) {
      setError(harvestErrorText(e, translate, md));
    } finally {
      setSaving(false);
    }
  };
  const again = () => { setDone(null); setAmount(''); renew(); };

  return (
    <Box sx={{ maxWidth: 480, mx: 'auto', my: 1 }}>
      <Title title="app.harvest.title" />
      {done ? (
        <HarvestDone lot={done} onAgain={again} />
      ) : (
        <Card>
          <CardContent component={Stack} spacing={2.5}>
            <Section label={translate('app.harvest.planting')}>
              <PlantingPicker value={planting} onChange={(c: PlantingChoice) => { edit(setPlanting)(c.id); setCropId(c.record.crop_id as number); }} />
            </Section>
            <Section label={translate('app.harvest.quantity')}>
              <Stack direction="row" spacing={1}>
                <TextField value={amount} onChange={(e) => edit(setAmount)(e.target.value)} inputProps={{ inputMode: 'decimal', 'aria-label': translate('app.harvest.quantity') }} sx={{ flex: 1, '& input': { fontSize: 22, py: 1.5 } }} />
                <ToggleButtonGroup exclusive value={unit} onChange={(_, v: 'kg' | 'jin' | null) => v && edit(setUnit)(v)}>
                  <ToggleButton value="kg" sx={BIG}>{translate('app.weight.unit_kg')}</ToggleButton>
                  <ToggleButton value="jin" sx={BIG}>{translate('app.weight.unit_jin')}</ToggleButton>
                </ToggleButtonGroup>
              </Stack>
              {kg != null && kg > 0 && <Typography variant="body2" color="text.secondary" data-testid="kg-preview">= {kgText(kg)}</Typography>}
            </Section>
            <Section label={translate('resources.harvest-lots.fields.grade')}>
              <ToggleButtonGroup exclusive value={grade} onChange={(_, v: string | null) => v && edit(setGrade)(v)} sx={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 1 }}>
                {LOT_GRADES.map((g) => (
                  <ToggleButton key={g} value={g} color="primary" sx={{ ...BIG, border: '1px solid', borderRadius: '4px !important' }}>
                    {translate(`choices.lot_grade.${g}`)}
                  </ToggleButton>
                ))}
              </ToggleButtonGroup>
            </Section>
            <TextField label={translate('app.harvest.intake_price')} value={price} onChange={(e) => edit(setPrice)(e.target.value)} inputProps={{ inputMode: 'decimal' }} />
            {canRead(permissions, 'warehouses') && (
              <TextField select label={translate('app.harvest.warehouse')} value={warehouse} onChange={(e) => edit(setWarehouse)(e.target.value)} SelectProps={{ MenuProps: { disablePortal: false } }}>
                <MenuItem value="" sx={BIG}>{translate('app.harvest.no_warehouse')}</MenuItem>
                {(rooms.data ?? []).filter((w) => w.kind !== 'processing_hall').map((w) => (
                  <MenuItem key={w.id} value={String(w.id)} sx={BIG}>{w.name}</MenuItem>
                ))}
              </TextField>
            )}
            <TextField type="date" label={translate('resources.harvest-lots.fields.harvested_on')} value={date} onChange={(e) => edit(setDate)(e.target.value)} inputProps={{ max: todayIso() }} InputLabelProps={{ shrink: true }} />
            {error && <Alert severity={error.network ? 'warning' : 'error'} data-testid="harvest-error">{error.text}</Alert>}
            <Button variant="contained" size="large" disabled={!ready || saving} onClick={() => void submit()} sx={{ ...BIG, fontSize: 20 }} data-testid="harvest-submit">
              {translate(error?.network ? 'app.harvest.retry' : 'app.harvest.submit')}
            </Button>
          </CardContent>
        </Card>
      )}
    </Box>
  );
};
