import BuyerIcon from '@mui/icons-material/Storefront';
import {
  DataTable,
  maxLength,
  required,
  SearchInput,
  SelectField,
  SelectInput,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
} from 'react-admin';
import { buyerKindChoices } from '../../common/choices';
import { RecordMeta } from '../../common/meta';
import { AppList, formViews, type PhoneRow } from '../../common/views';
import type { ResourceConfig } from '../types';

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <SelectInput key="kind" source="kind" choices={buyerKindChoices} />,
];

const phone: PhoneRow = {
  primary: (r) => r.name,
  secondary: () => <SelectField source="kind" choices={buyerKindChoices} />,
  tertiary: (r) => r.code,
};

const BuyerList = () => (
  <AppList filters={filters} sort={{ field: 'code', order: 'ASC' }} phone={phone}>
    <DataTable.Col source="code" />
    <DataTable.Col source="name" />
    <DataTable.Col source="kind">
      <SelectField source="kind" choices={buyerKindChoices} />
    </DataTable.Col>
    <DataTable.Col source="contact_name" />
    <DataTable.Col source="phone" />
  </AppList>
);

const BuyerShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="code" />
      <TextField source="name" />
      <SelectField source="kind" choices={buyerKindChoices} />
      <TextField source="contact_name" />
      <TextField source="phone" />
      <TextField source="address" />
    </SimpleShowLayout>
    <RecordMeta />
  </Show>
);

const BuyerForm = () => (
  <SimpleForm>
    <TextInput source="code" validate={[required(), maxLength(32)]} />
    <TextInput source="name" validate={[required(), maxLength(120)]} fullWidth />
    <SelectInput source="kind" choices={buyerKindChoices} validate={required()} />
    <TextInput source="contact_name" validate={maxLength(60)} />
    <TextInput source="phone" validate={maxLength(20)} />
    <TextInput source="address" validate={maxLength(200)} fullWidth />
  </SimpleForm>
);


export const buyers: ResourceConfig = {
  name: 'buyers',
  icon: BuyerIcon,
  list: BuyerList,
  show: BuyerShow,
  ...formViews(BuyerForm),
  recordRepresentation: 'name',
};
