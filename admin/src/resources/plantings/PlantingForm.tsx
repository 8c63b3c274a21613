import {
  AutocompleteInput,
  DateInput,
  maxLength,
  maxValue,
  minValue,
  NumberInput,
  ReferenceInput,
  required,
  SelectInput,
  SimpleForm,
  TextInput,
  useRecordContext,
  type RaRecord,
} from 'react-admin';
import { todayIso } from '../../common/dates';
import { PLANTING_STATUSES, plantingStatusChoices } from '../../common/productionChoices';
import { maxDecimals } from '../../common/validators';
import { AppCreate, AppEdit } from '../../common/views';

/** A status only moves forward: the choices start at the record's current one. */
const StatusInput = () => {
  const record = useRecordContext();
  const from = record?.status ? PLANTING_STATUSES.indexOf(record.status as (typeof PLANTING_STATUSES)[number]) : 0;
  return <SelectInput source="status" choices={plantingStatusChoices.slice(Math.max(0, from))} validate={required()} />;
};

const PlantingForm = ({ isEdit }: { isEdit?: boolean }) => (
  <SimpleForm>
    <ReferenceInput source="plot_id" reference="plots" sort={{ field: 'code', order: 'ASC' }}>
      <AutocompleteInput validate={required()} disabled={isEdit} helperText={isEdit ? 'app.help.read_only_after_create' : undefined} />
    </ReferenceInput>
    <ReferenceInput source="crop_id" reference="crops" sort={{ field: 'code', order: 'ASC' }}>
      <AutocompleteInput validate={required()} disabled={isEdit} />
    </ReferenceInput>
    <NumberInput source="area_mu" validate={[required(), minValue(0.01), maxDecimals(2)]} helperText="app.help.area_mu" />
    <DateInput source="planted_on" validate={required()} />
    <DateInput source="expected_harvest_from" />
    <DateInput source="expected_harvest_to" />
    <NumberInput source="expected_yield_kg" validate={[minValue(0), maxValue(9999999999), maxDecimals(2)]} />
    <StatusInput />
    {isEdit && <DateInput source="finished_on" helperText="app.help.finished_on" />}
    <TextInput source="notes" validate={maxLength(2000)} multiline fullWidth />
  </SimpleForm>
);

// plot_id and crop_id are read-only after creation; derived fields are never sent.
const EDITABLE = ['area_mu', 'planted_on', 'expected_harvest_from', 'expected_harvest_to', 'expected_yield_kg', 'status', 'finished_on', 'notes', 'version'];
const editPayload = (data: RaRecord) =>
  Object.fromEntries(Object.entries(data).filter(([k]) => EDITABLE.includes(k))) as RaRecord;

export const plantingViews = {
  edit: () => (
    <AppEdit transform={editPayload}>
      <PlantingForm isEdit />
    </AppEdit>
  ),
  create: () => (
    <AppCreate record={{ planted_on: todayIso(), status: 'planned' }}>
      <PlantingForm />
    </AppCreate>
  ),
};
