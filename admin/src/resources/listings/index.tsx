import SellIcon from '@mui/icons-material/Sell';
import {
  AutocompleteInput,
  BooleanField,
  BooleanInput,
  DataTable,
  maxLength,
  minValue,
  NullableBooleanInput,
  NumberInput,
  ReferenceInput,
  required,
  SelectField,
  SelectInput,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
  TextInput,
} from 'react-admin';
import { csvExporter, REF } from '../../common/export';
import { RecordMeta } from '../../common/meta';
import { CropField } from '../../common/prodRefs';
import { lotGradeChoices } from '../../common/productionChoices';
import { AppList, formViews, type PhoneRow } from '../../common/views';
import { KgField, YuanField } from '../../common/weights';
import type { ResourceConfig } from '../types';

const filters = [
  <ReferenceInput key="crop_id" source="crop_id" reference="crops" sort={{ field: 'code', order: 'ASC' }}>
    <AutocompleteInput />
  </ReferenceInput>,
  <SelectInput key="grade" source="grade" choices={lotGradeChoices} />,
  <NullableBooleanInput key="published" source="published" />,
];

const phone: PhoneRow = {
  primary: () => (
    <>
      <CropField source="crop_id" /> · <SelectField source="grade" choices={lotGradeChoices} />
    </>
  ),
  secondary: () => <YuanField source="price_per_kg" />,
  tertiary: () => <BooleanField source="published" />,
};

const exporter = csvExporter({
  columns: ['id', 'crop_id', 'grade', 'price_per_kg', 'min_order_kg', 'published', 'notes'],
  refs: { crop_id: REF.crop },
});

const ListingList = () => (
  <AppList filters={filters} sort={{ field: 'crop_id', order: 'ASC' }} phone={phone} exporter={exporter}>
    <DataTable.Col source="crop_id" field={CropField} />
    <DataTable.Col source="grade">
      <SelectField source="grade" choices={lotGradeChoices} />
    </DataTable.Col>
    <DataTable.Col source="price_per_kg">
      <YuanField source="price_per_kg" />
    </DataTable.Col>
    <DataTable.Col source="min_order_kg" disableSort>
      <KgField source="min_order_kg" />
    </DataTable.Col>
    <DataTable.Col source="published">
      <BooleanField source="published" />
    </DataTable.Col>
  </AppList>
);

const ListingShow = () => (
  <Show>
    <SimpleShowLayout>
      <CropField source="crop_id" link="show" />
      <SelectField source="grade" choices={lotGradeChoices} />
      <YuanField source="price_per_kg" />
      <KgField source="min_order_kg" />
      <BooleanField source="published" />
      <TextField source="notes" />
    </SimpleShowLayout>
    <RecordMeta />
  </Show>
);

// Decimals go to the API as strings (exact), as the server's schemas want.
const payload = (data: Record<string, unknown>) => ({
  ...data,
  ...(data.price_per_kg != null && { price_per_kg: String(data.price_per_kg) }),
  ...(data.min_order_kg != null && { min_order_kg: String(data.min_order_kg) }),
});

const ListingForm = () => (
  <SimpleForm>
    <ReferenceInput source="crop_id" reference="crops" sort={{ field: 'code', order: 'ASC' }}>
      <AutocompleteInput validate={required()} />
    </ReferenceInput>
    <SelectInput source="grade" choices={lotGradeChoices} validate={required()} />
    <NumberInput source="price_per_kg" validate={[required(), minValue(0)]} step={0.1} />
    <NumberInput source="min_order_kg" validate={[required(), minValue(0)]} step={10} />
    <BooleanInput source="published" />
    <TextInput source="notes" validate={maxLength(500)} fullWidth multiline />
  </SimpleForm>
);

export const listings: ResourceConfig = {
  name: 'listings',
  icon: SellIcon,
  list: ListingList,
  show: ListingShow,
  ...formViews(ListingForm, { edit: { transform: payload }, create: { transform: payload, record: { published: true } } }),
};
