import WarehouseIcon from '@mui/icons-material/Warehouse';
import {
  AutocompleteInput,
  DataTable,
  FormDataConsumer,
  maxLength,
  minValue,
  NumberInput,
  ReferenceInput,
  required,
  SearchInput,
  SelectField,
  SelectInput,
  SimpleForm,
  TextInput,
  type RaRecord,
} from 'react-admin';
import { csvExporter, REF } from '../../common/export';
import { temperatureZoneChoices, warehouseKindChoices } from '../../common/productionChoices';
import { VillageField, VillageInput } from '../../common/refs';
import { maxDecimals } from '../../common/validators';
import { AppCreate, AppEdit, AppList, type PhoneRow } from '../../common/views';
import type { ResourceConfig } from '../types';
import { LastReading, RoomFill } from './RoomStatus';
import { WarehouseShow } from './WarehouseShow';

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <VillageInput key="village_id" source="village_id" />,
  <SelectInput key="kind" source="kind" choices={warehouseKindChoices} />,
  <SelectInput key="temperature_zone" source="temperature_zone" choices={temperatureZoneChoices} />,
];

const phone: PhoneRow = {
  primary: (r) => r.name,
  secondary: () => <RoomFill />,
  tertiary: () => <LastReading />,
};

const exporter = csvExporter({
  columns: [
    'code', 'name', 'village_id', 'cooperative_id', 'kind', 'temperature_zone', 'capacity_kg', 'stock_kg', 'free_kg',
    'last_temperature_c', 'last_reading_at', 'last_reading_out_of_range', 'notes',
  ],
  refs: { village_id: REF.village },
});

const WarehouseList = () => (
  <AppList filters={filters} sort={{ field: 'code', order: 'ASC' }} phone={phone} exporter={exporter}>
    <DataTable.Col source="code" />
    <DataTable.Col source="name" />
    <DataTable.Col source="village_id">
      <VillageField source="village_id" />
    </DataTable.Col>
    <DataTable.Col source="kind">
      <SelectField source="kind" choices={warehouseKindChoices} />
    </DataTable.Col>
    <DataTable.Col source="temperature_zone" disableSort>
      <SelectField source="temperature_zone" choices={temperatureZoneChoices} />
    </DataTable.Col>
    <DataTable.Col source="stock_kg" label="app.stock.fill_label" field={RoomFill} disableSort />
    <DataTable.Col source="last_temperature_c" field={LastReading} disableSort />
  </AppList>
);

/** Cold rooms are chilled or cool; other rooms are ambient. */
const ZoneInput = () => (
  <FormDataConsumer<{ kind?: string }>>
    {({ formData }) => (
      <SelectInput
        source="temperature_zone"
        validate={required()}
        choices={formData.kind === 'cold_room' ? temperatureZoneChoices.filter((c) => c.id !== 'ambient') : temperatureZoneChoices.filter((c) => c.id === 'ambient')}
      />
    )}
  </FormDataConsumer>
);

const WarehouseForm = ({ isEdit }: { isEdit?: boolean }) => (
  <SimpleForm>
    <ReferenceInput source="cooperative_id" reference="cooperatives" sort={{ field: 'code', order: 'ASC' }}>
      <AutocompleteInput validate={required()} disabled={isEdit} />
    </ReferenceInput>
    <TextInput source="code" validate={[required(), maxLength(32)]} />
    <TextInput source="name" validate={[required(), maxLength(80)]} />
    <SelectInput source="kind" choices={warehouseKindChoices} validate={required()} />
    <ZoneInput />
    <NumberInput source="capacity_kg" validate={[required(), minValue(0.01), maxDecimals(2)]} />
    <TextInput source="notes" validate={maxLength(500)} multiline fullWidth />
  </SimpleForm>
);

const EDITABLE = ['code', 'name', 'kind', 'temperature_zone', 'capacity_kg', 'notes', 'version'];
const editPayload = (data: RaRecord) => Object.fromEntries(Object.entries(data).filter(([k]) => EDITABLE.includes(k))) as RaRecord;

export const warehouses: ResourceConfig = {
  name: 'warehouses',
  icon: WarehouseIcon,
  list: WarehouseList,
  show: WarehouseShow,
  edit: () => (
    <AppEdit transform={editPayload}>
      <WarehouseForm isEdit />
    </AppEdit>
  ),
  create: () => (
    <AppCreate record={{ kind: 'cold_room', temperature_zone: 'chilled' }}>
      <WarehouseForm />
    </AppCreate>
  ),
  recordRepresentation: (r) => String(r.name),
};
