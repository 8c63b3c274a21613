import CropIcon from '@mui/icons-material/Spa';
import {
  BooleanField,
  BooleanInput,
  DataTable,
  maxLength,
  maxValue,
  minValue,
  NullableBooleanInput,
  NumberInput,
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
import { csvExporter } from '../../common/export';
import { RecordMeta } from '../../common/meta';
import { cropLabel } from '../../common/prodRefs';
import { cropCategoryChoices, temperatureZoneChoices } from '../../common/productionChoices';
import { integer } from '../../common/validators';
import { AppList, formViews, type PhoneRow } from '../../common/views';
import type { ResourceConfig } from '../types';

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <SelectInput key="category" source="category" choices={cropCategoryChoices} />,
  <SelectInput key="storage_zone" source="storage_zone" choices={temperatureZoneChoices} />,
  <NullableBooleanInput key="chill_sensitive" source="chill_sensitive" />,
];

const phone: PhoneRow = {
  primary: (r) => cropLabel(r),
  secondary: (r) => r.code,
  tertiary: (r) => `${r.shelf_life_days}d`,
};

const exporter = csvExporter({
  columns: ['code', 'name_zh', 'name_en', 'variety', 'category', 'shelf_life_days', 'storage_zone', 'chill_sensitive'],
});

const CropList = () => (
  <AppList filters={filters} sort={{ field: 'code', order: 'ASC' }} phone={phone} exporter={exporter}>
    <DataTable.Col source="code" />
    <DataTable.Col source="name_zh" />
    <DataTable.Col source="name_en" />
    <DataTable.Col source="variety" disableSort />
    <DataTable.Col source="category">
      <SelectField source="category" choices={cropCategoryChoices} />
    </DataTable.Col>
    <DataTable.NumberCol source="shelf_life_days" />
    <DataTable.Col source="storage_zone" disableSort>
      <SelectField source="storage_zone" choices={temperatureZoneChoices} />
    </DataTable.Col>
    <DataTable.Col source="chill_sensitive" field={BooleanField} disableSort />
  </AppList>
);

const CropShow = () => (
  <Show>
    <SimpleShowLayout>
      <TextField source="code" />
      <TextField source="name_zh" />
      <TextField source="name_en" />
      <TextField source="variety" />
      <SelectField source="category" choices={cropCategoryChoices} />
      <TextField source="shelf_life_days" />
      <SelectField source="storage_zone" choices={temperatureZoneChoices} />
      <BooleanField source="chill_sensitive" />
    </SimpleShowLayout>
    <RecordMeta />
  </Show>
);

const CropForm = () => (
  <SimpleForm>
    <TextInput source="code" validate={[required(), maxLength(32)]} />
    <TextInput source="name_zh" validate={[required(), maxLength(60)]} />
    <TextInput source="name_en" validate={[required(), maxLength(60)]} />
    <TextInput source="variety" validate={maxLength(60)} />
    <SelectInput source="category" choices={cropCategoryChoices} validate={required()} />
    <NumberInput source="shelf_life_days" validate={[required(), integer, minValue(1), maxValue(730)]} />
    <SelectInput source="storage_zone" choices={temperatureZoneChoices} validate={required()} helperText="app.help.storage_zone" />
    <BooleanInput source="chill_sensitive" helperText="app.help.chill_sensitive" />
  </SimpleForm>
);

export const crops: ResourceConfig = {
  name: 'crops',
  icon: CropIcon,
  list: CropList,
  show: CropShow,
  ...formViews(CropForm, { create: { record: { chill_sensitive: false, storage_zone: 'chilled', category: 'leafy' } } }),
  recordRepresentation: cropLabel,
};
