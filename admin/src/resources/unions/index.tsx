import UnionIcon from '@mui/icons-material/AccountBalance';
import {
  BooleanField,
  DataTable,
  Labeled,
  maxLength,
  required,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
} from 'react-admin';
import { RecordMeta } from '../../common/meta';
import { AppEdit, AppList, SaveOnlyToolbar, type PhoneRow } from '../../common/views';
import type { ResourceConfig } from '../types';

const phone: PhoneRow = {
  primary: (r) => r.name,
  secondary: (r) => r.short_name,
  tertiary: (r) => r.code,
};

const UnionList = () => (
  <AppList phone={phone}>
    <DataTable.Col source="code" />
    <DataTable.Col source="name" />
    <DataTable.Col source="short_name" />
    <DataTable.Col source="is_demo" field={BooleanField} />
  </AppList>
);

const UnionShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="code" />
      <TextField source="name" />
      <TextField source="short_name" />
      <BooleanField source="is_demo" />
    </SimpleShowLayout>
    <RecordMeta />
  </Show>
);

// The union is founded once: no create, no delete. is_demo is set by the seed, not by hand.
const UnionEdit = () => (
  <AppEdit>
    <SimpleForm toolbar={<SaveOnlyToolbar />}>
      <TextInput source="code" validate={[required(), maxLength(32)]} />
      <TextInput source="name" validate={[required(), maxLength(120)]} fullWidth />
      <TextInput source="short_name" validate={maxLength(60)} />
      <Labeled source="is_demo">
        <BooleanField source="is_demo" />
      </Labeled>
    </SimpleForm>
  </AppEdit>
);

export const unions: ResourceConfig = {
  name: 'unions',
  icon: UnionIcon,
  list: UnionList,
  show: UnionShow,
  edit: UnionEdit,
  recordRepresentation: 'name',
};
