import VillageIcon from '@mui/icons-material/HolidayVillage';
import {
  DataTable,
  maxLength,
  required,
  SearchInput,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
} from 'react-admin';
import { RecordMeta } from '../../common/meta';
import { AppList, formViews, type PhoneRow } from '../../common/views';
import type { ResourceConfig } from '../types';

const filters = [<SearchInput key="q" source="q" alwaysOn />];

const phone: PhoneRow = {
  primary: (r) => r.name,
  secondary: (r) => r.township,
  tertiary: (r) => r.code,
};

const VillageList = () => (
  <AppList filters={filters} sort={{ field: 'code', order: 'ASC' }} phone={phone}>
    <DataTable.Col source="code" />
    <DataTable.Col source="name" />
    <DataTable.Col source="township" />
  </AppList>
);

const VillageShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="code" />
      <TextField source="name" />
      <TextField source="township" />
      <TextField source="notes" />
    </SimpleShowLayout>
    <RecordMeta />
  </Show>
);

const VillageForm = () => (
  <SimpleForm>
    <TextInput source="code" validate={[required(), maxLength(32)]} />
    <TextInput source="name" validate={[required(), maxLength(60)]} />
    <TextInput source="township" validate={maxLength(60)} />
    <TextInput source="notes" multiline minRows={3} validate={maxLength(2000)} fullWidth />
  </SimpleForm>
);


export const villages: ResourceConfig = {
  name: 'villages',
  icon: VillageIcon,
  list: VillageList,
  show: VillageShow,
  ...formViews(VillageForm),
  recordRepresentation: 'name',
};
