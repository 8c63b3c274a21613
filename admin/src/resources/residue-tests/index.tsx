import TestIcon from '@mui/icons-material/Biotech';
import {
  DataTable,
  DateInput,
  maxLength,
  minValue,
  NumberInput,
  required,
  SelectField,
  SelectInput,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
  type Validator,
} from 'react-admin';
import { todayIso } from '../../common/dates';
import { csvExporter, REF } from '../../common/export';
import { ZhDateField } from '../../common/fields';
import { LotInput } from '../../common/LotInput';
import { RecordMeta } from '../../common/meta';
import { LotField } from '../../common/prodRefs';
import { residueMethodChoices, residueResultChoices } from '../../common/productionChoices';
import { VillageField, VillageInput } from '../../common/refs';
import { maxDecimals } from '../../common/validators';
import { AppCreate, AppList, type PhoneRow } from '../../common/views';
import type { ResourceConfig } from '../types';

const filters = [
  <SelectInput key="result" source="result" choices={residueResultChoices} alwaysOn />,
  <SelectInput key="method" source="method" choices={residueMethodChoices} />,
  <VillageInput key="village_id" source="village_id" />,
  <DateInput key="tested_on_gte" source="tested_on_gte" />,
  <DateInput key="tested_on_lte" source="tested_on_lte" />,
];

const phone: PhoneRow = {
  primary: () => <LotField link={false} />,
  secondary: () => <SelectField source="result" choices={residueResultChoices} />,
  tertiary: (r) => r.tested_on,
};

const exporter = csvExporter({
  columns: ['id', 'village_id', 'lot_id', 'method', 'result', 'value', 'tested_by', 'tested_on', 'notes', 'created_at'],
  refs: { village_id: REF.village, lot_id: REF.lot },
});

const TestList = () => (
  <AppList filters={filters} sort={{ field: 'tested_on', order: 'DESC' }} phone={phone} exporter={exporter}>
    <DataTable.Col source="tested_on" field={ZhDateField} />
    <DataTable.Col source="lot_id" field={LotField} disableSort />
    <DataTable.Col source="village_id" disableSort>
      <VillageField source="village_id" />
    </DataTable.Col>
    <DataTable.Col source="method" disableSort>
      <SelectField source="method" choices={residueMethodChoices} />
    </DataTable.Col>
    <DataTable.Col source="result" disableSort>
      <SelectField source="result" choices={residueResultChoices} />
    </DataTable.Col>
    <DataTable.Col source="value" disableSort />
    <DataTable.Col source="tested_by" disableSort />
  </AppList>
);

const TestShow = () => (
  <Show>
    <SimpleShowLayout>
      <LotField source="lot_id" />
      <VillageField source="village_id" />
      <SelectField source="method" choices={residueMethodChoices} />
      <SelectField source="result" choices={residueResultChoices} />
      <TextField source="value" />
      <TextField source="tested_by" />
      <ZhDateField source="tested_on" />
      <TextField source="notes" />
    </SimpleShowLayout>
    <RecordMeta />
  </Show>
);

const notInFuture: Validator = (v: unknown) => (typeof v === 'string' && v > todayIso() ? 'app.validation.not_in_future' : undefined);

const TestCreate = () => (
  <AppCreate record={{ method: 'rapid', tested_on: todayIso() }}>
    <SimpleForm>
      <LotInput />
      <SelectInput source="method" choices={residueMethodChoices} validate={required()} />
      <SelectInput source="result" choices={residueResultChoices} validate={required()} />
      <NumberInput source="value" validate={[minValue(0), maxDecimals(3)]} helperText="app.help.residue_value" />
      <TextInput source="tested_by" validate={[required(), maxLength(60)]} />
      <DateInput source="tested_on" validate={[required(), notInFuture]} />
      <TextInput source="notes" validate={maxLength(500)} multiline fullWidth />
    </SimpleForm>
  </AppCreate>
);

export const residueTests: ResourceConfig = {
  name: 'residue-tests',
  icon: TestIcon,
  list: TestList,
  show: TestShow,
  create: TestCreate,
  recordRepresentation: (r) => `#${r.id} ${r.tested_on}`,
};
