import AssignmentIcon from '@mui/icons-material/AssignmentTurnedIn';
import { BooleanField, DataTable, NullableBooleanInput, Show, SimpleShowLayout, TextField } from 'react-admin';
import { csvExporter, REF } from '../../common/export';
import { ZhDateTimeField } from '../../common/fields';
import { LotField, WarehouseField } from '../../common/prodRefs';
import { VillageField } from '../../common/refs';
import { AppList, type PhoneRow } from '../../common/views';
import { KgField, KgText, toNumber } from '../../common/weights';
import { BuyerField, OrderField } from '../orders';
import type { ResourceConfig } from '../types';

const filters = [<NullableBooleanInput key="released" source="released" />];

const phone: PhoneRow = {
  primary: () => <LotField source="lot_id" link={false} />,
  secondary: (r) => <KgText kg={toNumber(r.quantity_kg) ?? 0} />,
  tertiary: () => <OrderField source="order_id" />,
};

const exporter = csvExporter({
  columns: ['id', 'order_id', 'order_line_id', 'buyer_id', 'lot_id', 'warehouse_id', 'village_id', 'quantity_kg', 'released', 'created_at'],
  refs: { lot_id: REF.lot, warehouse_id: REF.warehouse, village_id: REF.village, buyer_id: { reference: 'buyers', name: (r) => String(r.name) } },
});

const AllocationList = () => (
  <AppList filters={filters} sort={{ field: 'created_at', order: 'DESC' }} phone={phone} exporter={exporter}>
    <DataTable.Col source="created_at" field={ZhDateTimeField} />
    <DataTable.Col source="order_id" field={OrderField} disableSort />
    <DataTable.Col source="buyer_id" field={BuyerField} disableSort />
    <DataTable.Col source="lot_id" field={LotField} />
    <DataTable.Col source="warehouse_id" field={WarehouseField} disableSort />
    <DataTable.Col source="village_id" disableSort>
      <VillageField source="village_id" />
    </DataTable.Col>
    <DataTable.Col source="quantity_kg" disableSort>
      <KgField source="quantity_kg" />
    </DataTable.Col>
    <DataTable.Col source="released" disableSort>
      <BooleanField source="released" />
    </DataTable.Col>
  </AppList>
);

const AllocationShow = () => (
  <Show actions={false}>
    <SimpleShowLayout>
      <OrderField source="order_id" />
      <TextField source="order_line_id" />
      <BuyerField source="buyer_id" />
      <LotField source="lot_id" />
      <WarehouseField source="warehouse_id" />
      <VillageField source="village_id" />
      <KgField source="quantity_kg" />
      <BooleanField source="released" />
      <ZhDateTimeField source="created_at" />
    </SimpleShowLayout>
  </Show>
);

export const allocations: ResourceConfig = {
  name: 'allocations',
  icon: AssignmentIcon,
  list: AllocationList,
  show: AllocationShow,
};
