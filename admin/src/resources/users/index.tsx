import UserIcon from '@mui/icons-material/ManageAccounts';
import {
  BooleanField,
  DataTable,
  NullableBooleanInput,
  ReferenceField,
  SearchInput,
  SelectInput,
  Show,
  SimpleShowLayout,
  TextField,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { userRoleChoices } from '../../common/choices';
import { ZhDateTimeField } from '../../common/fields';
import { RecordMeta } from '../../common/meta';
import { HouseholdField, VillageField } from '../../common/refs';
import { AppList, type PhoneRow } from '../../common/views';
import type { ResourceConfig } from '../types';
import { UserCreate, UserEdit } from './UserForm';

// The roles come from the session: read them while rendering, not when this module loads.
// `source` is read from these elements' props by the filter form.
const RoleInput = (props: { source: string }) => <SelectInput source={props.source} choices={userRoleChoices()} />;

/** A role, translated; a role this console has no label for shows as it is. */
const RoleField = ({ source }: { source: string; label?: string }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  const role: unknown = record?.[source];
  return typeof role === 'string' ? <>{translate(`choices.user_role.${role}`, { _: role })}</> : null;
};

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <RoleInput key="role" source="role" />,
  <NullableBooleanInput key="active" source="active" />,
];

const phone: PhoneRow = {
  primary: (r) => r.display_name,
  secondary: () => <RoleField source="role" />,
  tertiary: (r) => r.username,
};

const UserList = () => (
  <AppList filters={filters} sort={{ field: 'username', order: 'ASC' }} phone={phone}>
    <DataTable.Col source="username" />
    <DataTable.Col source="display_name" />
    <DataTable.Col source="role" field={RoleField} />
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
      <RoleField source="role" />
      <ReferenceField source="cooperative_id" reference="cooperatives" link="show" />
      <VillageField source="village_id" />
      <HouseholdField source="household_id" />
      <ReferenceField source="buyer_id" reference="buyers" link="show" />
      <TextField source="phone" />
      <BooleanField source="active" />
      <ZhDateTimeField source="last_login_at" />
    </SimpleShowLayout>
    <RecordMeta />
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
