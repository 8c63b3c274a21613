import CooperativeIcon from '@mui/icons-material/Groups';
import {
  DataTable,
  DateInput,
  maxLength,
  required,
  SearchInput,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
} from 'react-admin';
import { ZhDateField } from '../../common/fields';
import { RecordMeta } from '../../common/meta';
import { VillageField, VillageInput, VillageName } from '../../common/refs';
import { AppList, formViews, type PhoneRow } from '../../common/views';
import type { ResourceConfig } from '../types';

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <VillageInput key="village_id" source="village_id" />,
];

const phone: PhoneRow = {
  primary: (r) => r.name,
  secondary: () => <VillageName />,
  tertiary: (r) => r.code,
};

const CooperativeList = () => (
  <AppList filters={filters} sort={{ field: 'code', order: 'ASC' }} phone={phone}>
    <DataTable.Col source="code" />
    <DataTable.Col source="name" />
    <DataTable.Col source="village_id">
      <VillageField />
    </DataTable.Col>
    <DataTable.Col source="legal_representative" />
    <DataTable.Col source="phone" />
    <DataTable.Col source="founded_on" field={ZhDateField} />
  </AppList>
);

const CooperativeShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="code" />
      <TextField source="name" />
      <VillageField source="village_id" />
      <TextField source="registration_no" />
      <TextField source="legal_representative" />
      <TextField source="phone" />
      <ZhDateField source="founded_on" />
    </SimpleShowLayout>
    <RecordMeta />
  </Show>
);

const CooperativeForm = () => (
  <SimpleForm>
    <VillageInput source="village_id" isRequired />
    <TextInput source="code" validate={[required(), maxLength(32)]} />
    <TextInput source="name" validate={[required(), maxLength(120)]} fullWidth />
    <TextInput source="registration_no" validate={maxLength(40)} />
    <TextInput source="legal_representative" validate={maxLength(60)} />
    <TextInput source="phone" validate={maxLength(20)} />
    <DateInput source="founded_on" />
  </SimpleForm>
);


export const cooperatives: ResourceConfig = {
  name: 'cooperatives',
  icon: CooperativeIcon,
  list: CooperativeList,
  show: CooperativeShow,
  ...formViews(CooperativeForm, { create: { inUserVillage: true } }),
  recordRepresentation: 'name',
};
