import { Typography } from '@mui/material';
import {
  DateTimeInput,
  FormDataConsumer,
  maxLength,
  minValue,
  NumberInput,
  RadioButtonGroupInput,
  required,
  SimpleForm,
  TextInput,
  useGetList,
  useTranslate,
} from 'react-admin';
import { useWatch } from 'react-hook-form';
import { useIdempotencyKey } from '../../common/idempotency';
import { LotInput, WarehouseInput } from '../../common/LotInput';
import { postableMovementKindChoices } from '../../common/productionChoices';
import { maxDecimals } from '../../common/validators';
import { AppCreate } from '../../common/views';
import { useKgText, toNumber } from '../../common/weights';

/** The fields each kind of movement takes (docs: stock-movements). */
const FIELDS: Record<string, string[]> = {
  receive: ['lot_id', 'to_warehouse_id', 'quantity_kg'],
  transfer: ['lot_id', 'from_warehouse_id', 'to_warehouse_id', 'quantity_kg'],
  loss: ['lot_id', 'from_warehouse_id', 'quantity_kg', 'reason'],
  adjust: ['lot_id', 'warehouse_id', 'counted_kg', 'reason'],
  reversal: ['reverses_id', 'reason'],
};

/** What the lot has in the room the movement takes from (or counts). */
const InRoom = ({ room }: { room: string }) => {
  const translate = useTranslate();
  const kgText = useKgText();
  const lot: unknown = useWatch({ name: 'lot_id' });
  const warehouse: unknown = useWatch({ name: room });
  const enabled = lot != null && lot !== '' && warehouse != null && warehouse !== '';
  const { data } = useGetList('stock', { filter: { lot_id: lot, warehouse_id: warehouse }, pagination: { page: 1, perPage: 1 } }, { enabled });
  if (!enabled || !data) return null;
  const kg = toNumber(data[0]?.quantity_kg) ?? 0;
  return <Typography variant="body2" color="text.secondary" sx={{ mb: 1 }}>{translate('app.stock.in_room', { kg: kgText(kg) })}</Typography>;
};

const kgValidators = [required(), minValue(0.01), maxDecimals(2)];

const KindFields = ({ kind }: { kind?: string }) => {
  const translate = useTranslate();
  const f = FIELDS[kind ?? ''] ?? [];
  return (
    <>
      {f.includes('lot_id') && <LotInput />}
      {f.includes('from_warehouse_id') && <WarehouseInput source="from_warehouse_id" isRequired />}
      {f.includes('from_warehouse_id') && <InRoom room="from_warehouse_id" />}
      {f.includes('warehouse_id') && <WarehouseInput source="warehouse_id" isRequired label="resources.stock-movements.fields.warehouse_id" />}
      {f.includes('warehouse_id') && <InRoom room="warehouse_id" />}
      {f.includes('to_warehouse_id') && <WarehouseInput source="to_warehouse_id" isRequired />}
      {f.includes('quantity_kg') && <NumberInput source="quantity_kg" validate={kgValidators} />}
      {f.includes('counted_kg') && <NumberInput source="counted_kg" validate={[required(), minValue(0), maxDecimals(2)]} helperText="app.help.counted_kg" />}
      {f.includes('reverses_id') && <NumberInput source="reverses_id" validate={required()} helperText="app.help.reverses_id" />}
      {f.includes('reason') && <TextInput source="reason" validate={[required(), maxLength(500)]} multiline fullWidth />}
      {kind && kind !== 'reversal' && <DateTimeInput source="moved_at" helperText="app.help.moved_at" />}
      {!kind && <Typography color="text.secondary">{translate('app.stock.choose_kind')}</Typography>}
    </>
  );
};

/** Only the chosen kind's fields are sent (a field left over from another kind would be refused). */
const payload = (data: Record<string, unknown>) => {
  const kind = String(data.kind ?? '');
  const keep = [...(FIELDS[kind] ?? []), 'kind', ...(kind !== 'reversal' ? ['moved_at'] : [])];
  return Object.fromEntries(Object.entries(data).filter(([k, v]) => keep.includes(k) && v != null && v !== ''));
};

/** A movement of the ledger: receive, transfer, loss, count adjustment or reversal, with an Idempotency-Key. */
export const MovementCreate = () => {
  const { key } = useIdempotencyKey();
  return (
    <AppCreate record={{ kind: 'receive' }} transform={payload} mutationOptions={{ meta: { idempotencyKey: key } }}>
      <SimpleForm>
        <RadioButtonGroupInput source="kind" choices={postableMovementKindChoices} validate={required()} />
        <FormDataConsumer<{ kind?: string }>>{({ formData }) => <KindFields kind={formData.kind} />}</FormDataConsumer>
      </SimpleForm>
    </AppCreate>
  );
};
