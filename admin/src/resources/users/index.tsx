import UserIcon from '@mui/icons-material/ManageAccounts';
import {
  BooleanField,
  DataTable,
  NullableBooleanInput,
  ReferenceField,
  SearchInput,
  SelectField,
  SelectInput,
  Show,
  SimpleShowLayout,
  TextField,
} from 'react-admin';
import { userRoleChoices } from '../../common/choices';
import { ZhDateTimeField } from '../../common/fields';
import { metaFields } from '../../common/meta';
import { HouseholdField, VillageField } from '../../common/refs';
import { AppList } from '../../common/views';
import type { ResourceConfig } from '../types';
import { UserCreate, UserEdit } from './UserForm';

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <SelectInput key="role" source="role" choices={userRoleChoices} />,
  <NullableBooleanInput key="active" source="active" />,
];

const UserList = () => (
  <AppList filters={filters} sort={{ field: 'username', order: 'ASC' }}>
    <DataTable.Col source="username" />
    <DataTable.Col source="display_name" />
    <DataTable.Col source="role">
      <SelectField source="role" choices={userRoleChoices} />
    </DataTable.Col>
    <DataTable.Col source="phone" />
    <DataTable.Col source="active" field={BooleanField} />
    <DataTable.Col source="last_login_at" field={ZhDateTimeField} />
  </AppList>
);

const UserShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="username" />
      <TextField source="display_name" />
      <SelectField source="role" choices={userRoleChoices} />
      <ReferenceField source="cooperative_id" reference="cooperatives" link="show" />
      <VillageField source="village_id" />
      <HouseholdField source="household_id" />
      <ReferenceField source="buyer_id" reference="buyers" link="show" />
      <TextField source="phone" />
      <BooleanField source="active" />
      <ZhDateTimeField source="last_login_at" />
      {metaFields}
    </SimpleShowLayout>
  </Show>
);

export const users: ResourceConfig = {
  name: 'users',
  icon: UserIcon,
  list: UserList,
  show: UserShow,
  edit: UserEdit,
  create: UserCreate,
  recordRepresentation: (r) => `${r.display_name}（${r.username}）`,
};
