import {
  DataTable,
  EditButton,
  Pagination,
  ReferenceField,
  ReferenceManyField,
  SelectField,
  Show,
  TabbedShowLayout,
  TextField,
  TopToolbar,
  usePermissions,
  useRecordContext,
} from 'react-admin';
import { ExpiryChip } from '../../common/expiry';
import { ZhDateField, ZhDateTimeField } from '../../common/fields';
import { PrefillButton } from '../../common/PrefillButton';
import { RecordMeta } from '../../common/meta';
import { CropField } from '../../common/prodRefs';
import { lotGradeChoices, temperatureZoneChoices, warehouseKindChoices } from '../../common/productionChoices';
import { VillageField } from '../../common/refs';
import { KgField } from '../../common/weights';
import { canDo, canRead, type Permissions } from '../../types';
import { LastReading, RoomFill } from './RoomStatus';
import { ReadingValue } from '../temperature-readings/ReadingValue';

/** The room's stock, first-expiry-first-out: what should leave first is on top. */
const RoomStock = (_: { label: false }) => (
  <ReferenceManyField reference="stock" target="warehouse_id" sort={{ field: 'expires_on', order: 'ASC' }} perPage={50} pagination={<Pagination />}>
    <DataTable bulkActionButtons={false} rowClick={(_id, _r, record) => `/harvest-lots/${String(record.lot_id)}/show`} data-testid="room-stock">
      <DataTable.Col source="lot_code" label="resources.stock.fields.lot_code" />
      <DataTable.Col source="crop_id" field={CropField} />
      <DataTable.Col source="grade">
        <SelectField source="grade" choices={lotGradeChoices} />
      </DataTable.Col>
      <DataTable.Col source="quantity_kg">
        <KgField source="quantity_kg" />
      </DataTable.Col>
      <DataTable.Col source="expires_on" field={ZhDateField} />
      <DataTable.Col source="days_left" field={ExpiryChip} disableSort />
    </DataTable>
  </ReferenceManyField>
);

const Readings = (_: { label: false }) => (
  <ReferenceManyField reference="temperature-readings" target="warehouse_id" sort={{ field: 'read_at', order: 'DESC' }} pagination={<Pagination />}>
    <DataTable bulkActionButtons={false} rowClick="show">
      <DataTable.Col source="read_at" field={ZhDateTimeField} />
      <DataTable.Col source="temperature_c" field={ReadingValue} />
      <DataTable.Col source="source" />
    </DataTable>
  </ReferenceManyField>
);

const Actions = () => {
  const record = useRecordContext();
  const { permissions } = usePermissions<Permissions>();
  return (
    <TopToolbar>
      {record && canDo(permissions, 'temperature-readings', 'create') && (
        <PrefillButton pathname="/temperature-readings/create" source={{ warehouse_id: record.id }} label="app.stock.add_reading" />
      )}
      {record && canDo(permissions, 'stock-movements', 'create') && (
        <PrefillButton pathname="/stock-movements/create" source={{ kind: 'receive', to_warehouse_id: record.id }} label="app.stock.receive" />
      )}
      {canDo(permissions, 'warehouses', 'edit') && <EditButton />}
    </TopToolbar>
  );
};

export const WarehouseShow = () => {
  const { permissions } = usePermissions<Permissions>();
  return (
    <Show actions={<Actions />}>
      <TabbedShowLayout>
        <TabbedShowLayout.Tab label="app.tab.stock">
          <TextField source="name" />
          <RoomFill label="app.stock.fill_label" />
          <LastReading label="app.stock.last_reading" />
          {canRead(permissions, 'stock') && <RoomStock label={false} />}
        </TabbedShowLayout.Tab>
        <TabbedShowLayout.Tab label="app.tab.details" path="details">
          <TextField source="code" />
          <TextField source="name" />
          <VillageField source="village_id" />
          <ReferenceField source="cooperative_id" reference="cooperatives" link="show" />
          <SelectField source="kind" choices={warehouseKindChoices} />
          <SelectField source="temperature_zone" choices={temperatureZoneChoices} />
          <KgField source="capacity_kg" tonnes />
          <KgField source="stock_kg" tonnes />
          <TextField source="notes" />
        </TabbedShowLayout.Tab>
        {canRead(permissions, 'temperature-readings') && (
          <TabbedShowLayout.Tab label="app.tab.readings" path="readings">
            <Readings label={false} />
          </TabbedShowLayout.Tab>
        )}
      </TabbedShowLayout>
      <RecordMeta />
    </Show>
  );
};
