import HouseholdIcon from '@mui/icons-material/House';
import {
  BooleanField,
  BooleanInput,
  DataTable,
  DateInput,
  maxLength,
  minValue,
  NullableBooleanInput,
  NumberInput,
  required,
  SearchInput,
  SimpleForm,
  TextInput,
} from 'react-admin';
import { TWO_DECIMALS, ZhDateField } from '../../common/fields';
import { householdLabel, VillageField, VillageInput, VillageName } from '../../common/refs';
import { maxDecimals } from '../../common/validators';
import { AppList, formViews, type PhoneRow } from '../../common/views';
import type { ResourceConfig } from '../types';
import { HouseholdShow } from './HouseholdShow';

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <VillageInput key="village_id" source="village_id" />,
  <NullableBooleanInput key="is_member" source="is_member" />,
];

const phone: PhoneRow = {
  primary: (r) => r.head_name,
  secondary: () => <VillageName />,
  tertiary: (r) => r.code,
};

const HouseholdList = () => (
  <AppList filters={filters} sort={{ field: 'code', order: 'ASC' }} phone={phone}>
    <DataTable.Col source="code" />
    <DataTable.Col source="head_name" />
    <DataTable.Col source="village_id">
      <VillageField />
    </DataTable.Col>
    <DataTable.Col source="phone" />
    <DataTable.Col source="is_member" field={BooleanField} />
    <DataTable.NumberCol source="capital_contributed" locales="zh-CN" options={TWO_DECIMALS} />
    <DataTable.Col source="joined_on" field={ZhDateField} />
  </AppList>
);

const HouseholdForm = () => (
  <SimpleForm>
    <VillageInput source="village_id" isRequired />
    <TextInput source="code" validate={[required(), maxLength(32)]} />
    <TextInput source="head_name" validate={[required(), maxLength(60)]} />
    <TextInput source="phone" validate={maxLength(20)} />
    <TextInput source="address" validate={maxLength(200)} fullWidth />
    <BooleanInput source="is_member" />
    <NumberInput source="capital_contributed" validate={[required(), minValue(0), maxDecimals(2)]} />
    <DateInput source="joined_on" />
  </SimpleForm>
);


export const households: ResourceConfig = {
  name: 'households',
  icon: HouseholdIcon,
  list: HouseholdList,
  show: HouseholdShow,
  ...formViews(HouseholdForm, { create: { inUserVillage: true, record: { is_member: true, capital_contributed: 0 } } }),
  recordRepresentation: householdLabel,
};
