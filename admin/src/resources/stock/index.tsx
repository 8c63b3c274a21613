import StockIcon from '@mui/icons-material/ViewList';
import { AutocompleteInput, DataTable, NumberInput, ReferenceInput, SelectField, SelectInput, Show, SimpleShowLayout, TextField } from 'react-admin';
import { ExpiryChip } from '../../common/expiry';
import { csvExporter, REF } from '../../common/export';
import { ZhDateField, ZhDateTimeField } from '../../common/fields';
import { WarehouseInput } from '../../common/LotInput';
import { CropField, LotField, WarehouseField } from '../../common/prodRefs';
import { lotGradeChoices } from '../../common/productionChoices';
import { VillageField, VillageInput } from '../../common/refs';
import { integer } from '../../common/validators';
import { AppList, type PhoneRow } from '../../common/views';
import { KgField, KgText, toNumber } from '../../common/weights';
import type { ResourceConfig } from '../types';

const filters = [
  <WarehouseInput key="warehouse_id" source="warehouse_id" />,
  <NumberInput key="expiring_within_days" source="expiring_within_days" validate={integer} alwaysOn min={0} />,
  <ReferenceInput key="crop_id" source="crop_id" reference="crops" sort={{ field: 'code', order: 'ASC' }}>
    <AutocompleteInput />
  </ReferenceInput>,
  <SelectInput key="grade" source="grade" choices={lotGradeChoices} />,
  <VillageInput key="village_id" source="village_id" />,
];

const phone: PhoneRow = {
  primary: (r) => r.lot_code,
  secondary: (r) => (
    <>
      <CropField source="crop_id" /> · <KgText kg={toNumber(r.quantity_kg) ?? 0} />
    </>
  ),
  tertiary: () => <ExpiryChip />,
};

const exporter = csvExporter({
  columns: ['warehouse_id', 'lot_code', 'lot_id', 'crop_id', 'grade', 'quantity_kg', 'expires_on', 'days_left', 'expiry_status', 'village_id', 'updated_at'],
  refs: { warehouse_id: REF.warehouse, crop_id: REF.crop },
});

/** Balances per lot and room, first-expiry-first-out by default. */
const StockList = () => (
  <AppList filters={filters} sort={{ field: 'expires_on', order: 'ASC' }} phone={phone} exporter={exporter}>
    <DataTable.Col source="lot_code" disableSort />
    <DataTable.Col source="warehouse_id" field={WarehouseField} />
    <DataTable.Col source="crop_id" field={CropField} />
    <DataTable.Col source="grade" disableSort>
      <SelectField source="grade" choices={lotGradeChoices} />
    </DataTable.Col>
    <DataTable.Col source="quantity_kg">
      <KgField source="quantity_kg" />
    </DataTable.Col>
    <DataTable.Col source="expires_on" field={ZhDateField} />
    <DataTable.Col source="days_left" field={ExpiryChip} disableSort />
    <DataTable.Col source="village_id" disableSort>
      <VillageField source="village_id" />
    </DataTable.Col>
  </AppList>
);

const StockShow = () => (
  <Show>
    <SimpleShowLayout>
      <WarehouseField source="warehouse_id" />
      <LotField source="lot_id" />
      <TextField source="lot_code" />
      <CropField source="crop_id" />
      <SelectField source="grade" choices={lotGradeChoices} />
      <KgField source="quantity_kg" tonnes />
      <ZhDateField source="expires_on" />
      <ExpiryChip label="resources.stock.fields.days_left" />
      <ZhDateTimeField source="updated_at" />
    </SimpleShowLayout>
  </Show>
);

export const stock: ResourceConfig = {
  name: 'stock',
  icon: StockIcon,
  list: StockList,
  show: StockShow,
  recordRepresentation: (r) => String(r.lot_code),
};
