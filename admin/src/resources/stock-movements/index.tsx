import MovementIcon from '@mui/icons-material/SwapHoriz';
import {
  DataTable,
  DateInput,
  SelectField,
  SelectInput,
  Show,
  SimpleShowLayout,
  TextField,
  TopToolbar,
  usePermissions,
  useRecordContext,
} from 'react-admin';
import { PrefillButton } from '../../common/PrefillButton';
import { csvExporter, REF } from '../../common/export';
import { ZhDateTimeField } from '../../common/fields';
import { LotInput, WarehouseInput } from '../../common/LotInput';
import { LotField, WarehouseField } from '../../common/prodRefs';
import { movementKindChoices } from '../../common/productionChoices';
import { VillageField } from '../../common/refs';
import { AppList, type PhoneRow } from '../../common/views';
import { KgField } from '../../common/weights';
import { canDo, type Permissions } from '../../types';
import type { ResourceConfig } from '../types';
import { MovementCreate } from './MovementForm';

const filters = [
  <SelectInput key="kind" source="kind" choices={movementKindChoices} alwaysOn />,
  <LotInput key="lot_id" source="lot_id" isRequired={false} />,
  <WarehouseInput key="from_warehouse_id" source="from_warehouse_id" />,
  <WarehouseInput key="to_warehouse_id" source="to_warehouse_id" />,
  <DateInput key="moved_at_gte" source="moved_at_gte" />,
  <DateInput key="moved_at_lte" source="moved_at_lte" />,
];

const phone: PhoneRow = {
  primary: () => <LotField link={false} />,
  secondary: () => (
    <>
      <SelectField source="kind" choices={movementKindChoices} /> · <KgField source="quantity_kg" />
    </>
  ),
  tertiary: (r) => new Date(String(r.moved_at)).toLocaleString('zh-CN'),
};

const exporter = csvExporter({
  columns: ['id', 'moved_at', 'kind', 'lot_id', 'from_warehouse_id', 'to_warehouse_id', 'quantity_kg', 'counted_kg', 'processing_run_id', 'reverses_id', 'reason', 'village_id', 'recorded_by'],
  refs: { lot_id: REF.lot, from_warehouse_id: REF.warehouse, to_warehouse_id: REF.warehouse },
});

const Columns = [
  <DataTable.Col key="moved_at" source="moved_at" field={ZhDateTimeField} />,
  <DataTable.Col key="kind" source="kind" disableSort>
    <SelectField source="kind" choices={movementKindChoices} />
  </DataTable.Col>,
  <DataTable.Col key="lot_id" source="lot_id" field={LotField} disableSort />,
  <DataTable.Col key="from" source="from_warehouse_id" field={WarehouseField} disableSort />,
  <DataTable.Col key="to" source="to_warehouse_id" field={WarehouseField} disableSort />,
  <DataTable.Col key="kg" source="quantity_kg" disableSort>
    <KgField source="quantity_kg" />
  </DataTable.Col>,
  <DataTable.Col key="reason" source="reason" disableSort />,
];

const MovementList = () => (
  <AppList filters={filters} sort={{ field: 'moved_at', order: 'DESC' }} phone={phone} exporter={exporter}>
    {Columns}
  </AppList>
);

/** 冲销: a reversing movement naming this one (receive, transfer, loss and adjust only). */
const ReverseButton = () => {
  const record = useRecordContext();
  const { permissions } = usePermissions<Permissions>();
  if (!record || !['receive', 'transfer', 'loss', 'adjust'].includes(String(record.kind))) return null;
  if (!canDo(permissions, 'stock-movements', 'create')) return null;
  return <PrefillButton pathname="/stock-movements/create" source={{ kind: 'reversal', reverses_id: record.id }} label="app.stock.reverse" />;
};

const MovementShow = () => (
  <Show actions={<TopToolbar><ReverseButton /></TopToolbar>}>
    <SimpleShowLayout>
      <SelectField source="kind" choices={movementKindChoices} />
      <LotField source="lot_id" />
      <WarehouseField source="from_warehouse_id" />
      <WarehouseField source="to_warehouse_id" />
      <KgField source="quantity_kg" />
      <KgField source="counted_kg" />
      <TextField source="processing_run_id" />
      <TextField source="reverses_id" />
      <TextField source="reason" />
      <ZhDateTimeField source="moved_at" />
      <VillageField source="village_id" />
    </SimpleShowLayout>
  </Show>
);

export const stockMovements: ResourceConfig = {
  name: 'stock-movements',
  icon: MovementIcon,
  list: MovementList,
  show: MovementShow,
  create: MovementCreate,
  recordRepresentation: (r) => `#${r.id}`,
};
