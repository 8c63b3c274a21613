import ListAltIcon from '@mui/icons-material/ListAlt';
import { DataTable, SelectField, Show, SimpleShowLayout, TextField } from 'react-admin';
import { csvExporter, REF } from '../../common/export';
import { CropField, LotField, WarehouseField } from '../../common/prodRefs';
import { lotGradeChoices } from '../../common/productionChoices';
import { AppList, type PhoneRow } from '../../common/views';
import { KgField, KgText, toNumber } from '../../common/weights';
import type { ResourceConfig } from '../types';

const phone: PhoneRow = {
  primary: () => <LotField source="lot_id" link={false} />,
  secondary: (r) => <KgText kg={toNumber(r.dispatched_kg) ?? 0} />,
};

const exporter = csvExporter({
  columns: ['id', 'delivery_id', 'order_line_id', 'lot_id', 'warehouse_id', 'crop_id', 'grade', 'dispatched_kg', 'received_kg', 'shortfall_kg'],
  refs: { lot_id: REF.lot, warehouse_id: REF.warehouse },
});

/** The lines of a delivery, one per allocation dispatched (dispatched, received, shortfall kg). */
export const DeliveryLineCols = [
  <DataTable.Col key="lot_id" source="lot_id" field={LotField} />,
  <DataTable.Col key="warehouse_id" source="warehouse_id" field={WarehouseField} disableSort />,
  <DataTable.Col key="crop_id" source="crop_id" field={CropField} disableSort />,
  <DataTable.Col key="grade" source="grade" disableSort>
    <SelectField source="grade" choices={lotGradeChoices} />
  </DataTable.Col>,
  <DataTable.Col key="dispatched_kg" source="dispatched_kg" disableSort>
    <KgField source="dispatched_kg" />
  </DataTable.Col>,
  <DataTable.Col key="received_kg" source="received_kg" disableSort>
    <KgField source="received_kg" />
  </DataTable.Col>,
  <DataTable.Col key="shortfall_kg" source="shortfall_kg" disableSort>
    <KgField source="shortfall_kg" />
  </DataTable.Col>,
];

const DeliveryLineList = () => (
  <AppList sort={{ field: 'delivery_id', order: 'DESC' }} phone={phone} exporter={exporter}>
    <DataTable.Col source="id" />
    <DataTable.Col source="delivery_id" />
    {DeliveryLineCols}
  </AppList>
);

const DeliveryLineShow = () => (
  <Show actions={false}>
    <SimpleShowLayout>
      <TextField source="delivery_id" />
      <LotField source="lot_id" />
      <WarehouseField source="warehouse_id" />
      <CropField source="crop_id" />
      <SelectField source="grade" choices={lotGradeChoices} />
      <KgField source="dispatched_kg" />
      <KgField source="received_kg" />
      <KgField source="shortfall_kg" />
    </SimpleShowLayout>
  </Show>
);

export const deliveryLines: ResourceConfig = {
  name: 'delivery-lines',
  icon: ListAltIcon,
  list: DeliveryLineList,
  show: DeliveryLineShow,
};
