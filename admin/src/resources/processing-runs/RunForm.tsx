import {
  ArrayInput,
  DateInput,
  maxLength,
  minValue,
  NumberInput,
  required,
  SelectInput,
  SimpleForm,
  SimpleFormIterator,
  TextInput,
  type Validator,
} from 'react-admin';
import { todayIso } from '../../common/dates';
import { useIdempotencyKey } from '../../common/idempotency';
import { LotInput, WarehouseInput } from '../../common/LotInput';
import { lotGradeChoices, processingKindChoices } from '../../common/productionChoices';
import { maxDecimals } from '../../common/validators';
import { AppCreate } from '../../common/views';
import { RunTotals } from './RunTotals';

const kg = [required(), minValue(0.01), maxDecimals(2)];
const notInFuture: Validator = (v: unknown) => (typeof v === 'string' && v > todayIso() ? 'app.validation.not_in_future' : undefined);

const payload = (data: Record<string, unknown>) => {
  const out = Object.fromEntries(Object.entries(data).filter(([, v]) => v != null && v !== ''));
  return out;
};

/**
 * A processing run: lots (with their rooms and kg) in, graded lots out into rooms, the loss
 * being the difference. One transaction on the server; an Idempotency-Key per filled form.
 */
export const RunCreate = () => {
  const { key } = useIdempotencyKey();
  return (
    <AppCreate
      record={{ kind: 'grading', run_on: todayIso(), inputs: [{}], outputs: [{ grade: 'first' }] }}
      transform={payload}
      mutationOptions={{ meta: { idempotencyKey: key } }}
    >
      <SimpleForm>
        <SelectInput source="kind" choices={processingKindChoices} validate={required()} />
        <DateInput source="run_on" validate={[required(), notInFuture]} />
        <WarehouseInput source="warehouse_id" kind="processing_hall" label="resources.processing-runs.fields.warehouse_id" />
        <ArrayInput source="inputs" validate={required()}>
          <SimpleFormIterator inline>
            <LotInput source="lot_id" label="resources.processing-runs.fields.lot_id" />
            <WarehouseInput source="warehouse_id" isRequired label="app.run.from_room" />
            <NumberInput source="quantity_kg" validate={kg} label="resources.processing-runs.fields.quantity_kg" />
          </SimpleFormIterator>
        </ArrayInput>
        <ArrayInput source="outputs" validate={required()}>
          <SimpleFormIterator inline>
            <SelectInput source="grade" choices={lotGradeChoices} validate={required()} label="resources.harvest-lots.fields.grade" />
            <NumberInput source="quantity_kg" validate={kg} label="resources.processing-runs.fields.quantity_kg" />
            <WarehouseInput source="warehouse_id" isRequired label="app.run.to_room" />
          </SimpleFormIterator>
        </ArrayInput>
        <RunTotals />
        <TextInput source="notes" validate={maxLength(500)} multiline fullWidth />
      </SimpleForm>
    </AppCreate>
  );
};
