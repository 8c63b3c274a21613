import PersonIcon from '@mui/icons-material/Person';
import {
  DataTable,
  maxLength,
  maxValue,
  minValue,
  NumberField,
  NumberInput,
  required,
  SearchInput,
  SelectArrayInput,
  SelectField,
  SelectInput,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
} from 'react-admin';
import { genderChoices, personRoleChoices } from '../../common/choices';
import { ChoiceChipsField } from '../../common/fields';
import { RecordMeta } from '../../common/meta';
import { HouseholdField, HouseholdInput, HouseholdName, VillageField, VillageInput } from '../../common/refs';
import { integer } from '../../common/validators';
import { AppList, formViews, type PhoneRow } from '../../common/views';
import type { ResourceConfig } from '../types';

// `roles` filters by array membership: the server takes one role as a plain string.
const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <VillageInput key="village_id" source="village_id" />,
  <HouseholdInput key="household_id" source="household_id" />,
  <SelectInput key="gender" source="gender" choices={genderChoices} />,
  <SelectInput key="roles" source="roles" choices={personRoleChoices} />,
];

const phone: PhoneRow = {
  primary: (r) => r.name,
  secondary: () => <HouseholdName />,
  tertiary: (r) => (r.birth_year ? String(r.birth_year) : null),
};

const PersonList = () => (
  <AppList filters={filters} sort={{ field: 'name', order: 'ASC' }} phone={phone}>
    <DataTable.Col source="name" />
    <DataTable.Col source="gender">
      <SelectField source="gender" choices={genderChoices} />
    </DataTable.Col>
    <DataTable.Col source="birth_year" />
    <DataTable.Col source="village_id">
      <VillageField />
    </DataTable.Col>
    <DataTable.Col source="household_id">
      <HouseholdField />
    </DataTable.Col>
    <DataTable.Col source="phone" />
    <DataTable.Col source="roles" disableSort>
      <ChoiceChipsField source="roles" set="person_role" />
    </DataTable.Col>
  </AppList>
);

const PersonShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="name" />
      <SelectField source="gender" choices={genderChoices} />
      <NumberField source="birth_year" options={{ useGrouping: false }} />
      <VillageField source="village_id" />
      <HouseholdField source="household_id" />
      <TextField source="phone" />
      <ChoiceChipsField source="roles" set="person_role" />
    </SimpleShowLayout>
    <RecordMeta />
  </Show>
);

const PersonForm = () => (
  <SimpleForm>
    <VillageInput source="village_id" isRequired />
    <HouseholdInput source="household_id" />
    <TextInput source="name" validate={[required(), maxLength(60)]} />
    <SelectInput source="gender" choices={genderChoices} validate={required()} />
    <NumberInput source="birth_year" validate={[integer, minValue(1900), maxValue(2100)]} />
    <TextInput source="phone" validate={maxLength(20)} />
    <SelectArrayInput source="roles" choices={personRoleChoices} />
  </SimpleForm>
);


export const people: ResourceConfig = {
  name: 'people',
  icon: PersonIcon,
  list: PersonList,
  show: PersonShow,
  ...formViews(PersonForm, { create: { inUserVillage: true, record: { roles: [] } } }),
  recordRepresentation: 'name',
};
