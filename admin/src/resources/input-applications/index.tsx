import InputIcon from '@mui/icons-material/Science';
import {
  DataTable,
  DateInput,
  SelectField,
  SelectInput,
  Show,
  SimpleShowLayout,
  TextField,
  TopToolbar,
  usePermissions,
  useRecordContext,
} from 'react-admin';
import { csvExporter, REF } from '../../common/export';
import { ZhDateField } from '../../common/fields';
import { PrefillButton } from '../../common/PrefillButton';
import { RecordMeta } from '../../common/meta';
import { PlantingField } from '../../common/prodRefs';
import { inputKindChoices } from '../../common/productionChoices';
import { HouseholdField, VillageField, VillageInput } from '../../common/refs';
import { AppList, type PhoneRow } from '../../common/views';
import { canDo, type Permissions } from '../../types';
import type { ResourceConfig } from '../types';
import { ApplicationCreate } from './ApplicationForm';
import { CorrectedMark } from './CorrectedMark';

const filters = [
  <SelectInput key="kind" source="kind" choices={inputKindChoices} alwaysOn />,
  <VillageInput key="village_id" source="village_id" />,
  <DateInput key="applied_on_gte" source="applied_on_gte" />,
  <DateInput key="applied_on_lte" source="applied_on_lte" />,
];

const phone: PhoneRow = {
  primary: (r) => `${r.product}`,
  secondary: () => <PlantingField link={false} />,
  tertiary: () => <CorrectedMark />,
};

const exporter = csvExporter({
  columns: [
    'id', 'village_id', 'planting_id', 'household_id', 'kind', 'product', 'active_ingredient', 'target', 'dose', 'dose_unit',
    'applied_on', 'applied_by', 'pre_harvest_interval_days', 'safe_from', 'in_force', 'corrects_id', 'correction_reason', 'corrected_by_id', 'created_at',
  ],
  refs: { village_id: REF.village, household_id: REF.household },
});

const ApplicationList = () => (
  <AppList filters={filters} sort={{ field: 'applied_on', order: 'DESC' }} phone={phone} exporter={exporter}>
    <DataTable.Col source="applied_on" field={ZhDateField} />
    <DataTable.Col source="planting_id" field={PlantingField} disableSort />
    <DataTable.Col source="village_id" disableSort>
      <VillageField source="village_id" />
    </DataTable.Col>
    <DataTable.Col source="kind">
      <SelectField source="kind" choices={inputKindChoices} />
    </DataTable.Col>
    <DataTable.Col source="product" />
    <DataTable.Col source="dose" disableSort />
    <DataTable.Col source="dose_unit" disableSort />
    <DataTable.NumberCol source="pre_harvest_interval_days" disableSort />
    <DataTable.Col source="safe_from" field={ZhDateField} disableSort />
    <DataTable.Col source="corrected_by_id" label="app.input.status" field={CorrectedMark} disableSort />
  </AppList>
);

/** 更正: opens the create form prefilled with this record, naming it in corrects_id. */
const CorrectButton = () => {
  const record = useRecordContext();
  const { permissions } = usePermissions<Permissions>();
  if (!record || record.corrected_by_id != null || !canDo(permissions, 'input-applications', 'create')) return null;
  const keep = ['planting_id', 'kind', 'product', 'active_ingredient', 'target', 'dose', 'dose_unit', 'applied_on', 'applied_by', 'pre_harvest_interval_days'];
  const source = Object.fromEntries(keep.filter((k) => record[k] != null).map((k) => [k, record[k]]));
  return <PrefillButton pathname="/input-applications/create" source={{ ...source, corrects_id: record.id }} label="app.input.correct" />;
};

const ApplicationShow = () => (
  <Show actions={<TopToolbar><CorrectButton /></TopToolbar>}>
    <SimpleShowLayout>
      <CorrectedMark label="app.input.status" />
      <PlantingField source="planting_id" />
      <VillageField source="village_id" />
      <HouseholdField source="household_id" />
      <SelectField source="kind" choices={inputKindChoices} />
      <TextField source="product" />
      <TextField source="active_ingredient" />
      <TextField source="target" />
      <TextField source="dose" />
      <TextField source="dose_unit" />
      <ZhDateField source="applied_on" />
      <TextField source="applied_by" />
      <TextField source="pre_harvest_interval_days" />
      <ZhDateField source="safe_from" />
      <TextField source="correction_reason" />
    </SimpleShowLayout>
    <RecordMeta />
  </Show>
);

export const inputApplications: ResourceConfig = {
  name: 'input-applications',
  icon: InputIcon,
  list: ApplicationList,
  show: ApplicationShow,
  create: ApplicationCreate,
  recordRepresentation: (r) => `${r.product} ${r.applied_on}`,
};
