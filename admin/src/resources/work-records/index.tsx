import WorkIcon from '@mui/icons-material/Engineering';
import {
  AutocompleteInput,
  DataTable,
  DateInput,
  maxLength,
  maxValue,
  minValue,
  NumberInput,
  ReferenceField,
  ReferenceInput,
  required,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
  type Validator,
} from 'react-admin';
import { todayIso } from '../../common/dates';
import { csvExporter, REF } from '../../common/export';
import { DecimalField, TWO_DECIMALS, ZhDateField } from '../../common/fields';
import { RecordMeta } from '../../common/meta';
import { HouseholdField, VillageField, VillageInput } from '../../common/refs';
import { maxDecimals } from '../../common/validators';
import { AppList, formViews, type PhoneRow } from '../../common/views';
import { YuanField } from '../../common/weights';
import type { ResourceConfig } from '../types';
import { WorkTotals } from './WorkTotals';

const PersonInput = ({ source, isRequired }: { source: string; isRequired?: boolean }) => (
  <ReferenceInput source={source} reference="people" sort={{ field: 'name', order: 'ASC' }}>
    <AutocompleteInput validate={isRequired ? required() : undefined} />
  </ReferenceInput>
);

const filters = [
  <VillageInput key="village_id" source="village_id" />,
  <PersonInput key="person_id" source="person_id" />,
  <DateInput key="worked_on_gte" source="worked_on_gte" alwaysOn />,
  <DateInput key="worked_on_lte" source="worked_on_lte" alwaysOn />,
];

const PersonField = () => <ReferenceField source="person_id" reference="people" link="show" />;

const phone: PhoneRow = {
  primary: () => <ReferenceField source="person_id" reference="people" link={false} />,
  secondary: (r) => `${r.task} · ${r.days}`,
  tertiary: (r) => r.worked_on,
};

const exporter = csvExporter({
  columns: ['id', 'village_id', 'person_id', 'household_id', 'worked_on', 'task', 'days', 'wage', 'notes'],
  refs: { village_id: REF.village, person_id: REF.person, household_id: REF.household },
});

const WorkList = () => (
  <AppList filters={filters} sort={{ field: 'worked_on', order: 'DESC' }} phone={phone} exporter={exporter} header={<WorkTotals />}>
    <DataTable.Col source="worked_on" field={ZhDateField} />
    <DataTable.Col source="person_id" field={PersonField} />
    <DataTable.Col source="village_id" disableSort>
      <VillageField source="village_id" />
    </DataTable.Col>
    <DataTable.Col source="task" disableSort />
    <DataTable.NumberCol source="days" locales="zh-CN" />
    <DataTable.NumberCol source="wage" locales="zh-CN" options={TWO_DECIMALS} />
  </AppList>
);

const WorkShow = () => (
  <Show>
    <SimpleShowLayout>
      <PersonField />
      <VillageField source="village_id" />
      <HouseholdField source="household_id" />
      <ZhDateField source="worked_on" />
      <TextField source="task" />
      <DecimalField source="days" digits={1} />
      <YuanField source="wage" />
      <TextField source="notes" />
    </SimpleShowLayout>
    <RecordMeta />
  </Show>
);

const notInFuture: Validator = (v: unknown) => (typeof v === 'string' && v > todayIso() ? 'app.validation.not_in_future' : undefined);

const WorkForm = () => (
  <SimpleForm>
    <PersonInput source="person_id" isRequired />
    <DateInput source="worked_on" validate={[required(), notInFuture]} />
    <TextInput source="task" validate={[required(), maxLength(120)]} />
    <NumberInput source="days" validate={[required(), minValue(0.1), maxValue(31), maxDecimals(1)]} />
    <NumberInput source="wage" validate={[required(), minValue(0), maxDecimals(2)]} />
    <TextInput source="notes" validate={maxLength(500)} multiline fullWidth />
  </SimpleForm>
);

export const workRecords: ResourceConfig = {
  name: 'work-records',
  icon: WorkIcon,
  list: WorkList,
  show: WorkShow,
  ...formViews(WorkForm, { create: { record: { worked_on: todayIso(), days: 1 } } }),
  recordRepresentation: (r) => `${r.worked_on} ${r.task}`,
};
