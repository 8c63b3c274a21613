import ThermostatIcon from '@mui/icons-material/Thermostat';
import {
  BooleanField,
  DataTable,
  DateTimeInput,
  maxValue,
  minValue,
  NullableBooleanInput,
  NumberInput,
  required,
  SelectField,
  SelectInput,
  Show,
  SimpleForm,
  SimpleShowLayout,
} from 'react-admin';
import { csvExporter, REF } from '../../common/export';
import { ZhDateTimeField } from '../../common/fields';
import { WarehouseInput } from '../../common/LotInput';
import { RecordMeta } from '../../common/meta';
import { WarehouseField } from '../../common/prodRefs';
import { readingSourceChoices } from '../../common/productionChoices';
import { VillageField, VillageInput } from '../../common/refs';
import { maxDecimals } from '../../common/validators';
import { AppCreate, AppList, type PhoneRow } from '../../common/views';
import type { ResourceConfig } from '../types';
import { ReadingValue } from './ReadingValue';

const filters = [
  <WarehouseInput key="warehouse_id" source="warehouse_id" />,
  <NullableBooleanInput key="out_of_range" source="out_of_range" alwaysOn />,
  <VillageInput key="village_id" source="village_id" />,
  <SelectInput key="source" source="source" choices={readingSourceChoices} />,
];

const phone: PhoneRow = {
  primary: () => <WarehouseField link={false} />,
  secondary: () => <ReadingValue />,
  tertiary: (r) => new Date(String(r.read_at)).toLocaleString('zh-CN'),
};

const exporter = csvExporter({
  columns: ['id', 'village_id', 'warehouse_id', 'read_at', 'temperature_c', 'source', 'out_of_range'],
  refs: { warehouse_id: REF.warehouse },
});

const ReadingList = () => (
  <AppList filters={filters} sort={{ field: 'read_at', order: 'DESC' }} phone={phone} exporter={exporter}>
    <DataTable.Col source="read_at" field={ZhDateTimeField} />
    <DataTable.Col source="warehouse_id" field={WarehouseField} disableSort />
    <DataTable.Col source="village_id" disableSort>
      <VillageField source="village_id" />
    </DataTable.Col>
    <DataTable.Col source="temperature_c" field={ReadingValue} disableSort />
    <DataTable.Col source="source" disableSort>
      <SelectField source="source" choices={readingSourceChoices} />
    </DataTable.Col>
  </AppList>
);

const ReadingShow = () => (
  <Show>
    <SimpleShowLayout>
      <WarehouseField source="warehouse_id" />
      <ZhDateTimeField source="read_at" />
      <ReadingValue label="resources.temperature-readings.fields.temperature_c" />
      <SelectField source="source" choices={readingSourceChoices} />
      <BooleanField source="out_of_range" />
    </SimpleShowLayout>
    <RecordMeta />
  </Show>
);

const ReadingCreate = () => (
  <AppCreate record={{ read_at: new Date().toISOString(), source: 'manual' }}>
    <SimpleForm>
      <WarehouseInput source="warehouse_id" isRequired />
      <DateTimeInput source="read_at" validate={required()} />
      <NumberInput source="temperature_c" validate={[required(), minValue(-50), maxValue(80), maxDecimals(2)]} />
      <SelectInput source="source" choices={readingSourceChoices} validate={required()} />
    </SimpleForm>
  </AppCreate>
);

export const temperatureReadings: ResourceConfig = {
  name: 'temperature-readings',
  icon: ThermostatIcon,
  list: ReadingList,
  show: ReadingShow,
  create: ReadingCreate,
  recordRepresentation: (r) => `${r.temperature_c} °C`,
};
