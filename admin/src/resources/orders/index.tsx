import ReceiptIcon from '@mui/icons-material/ReceiptLong';
import { Chip, Typography } from '@mui/material';
import {
  DataTable,
  DateInput,
  Pagination,
  ReferenceManyField,
  SearchInput,
  SelectField,
  SelectInput,
  Show,
  SimpleShowLayout,
  TextField,
  TopToolbar,
  usePermissions,
  useRecordContext,
  useTranslate,
  BooleanField,
} from 'react-admin';
import { readSession } from '../../auth/session';
import { csvExporter } from '../../common/export';
import { ZhDateField, ZhDateTimeField } from '../../common/fields';
import { RecordMeta } from '../../common/meta';
import { PrefillButton } from '../../common/PrefillButton';
import { CropField, LotField, SafeRef, WarehouseField } from '../../common/prodRefs';
import { lotGradeChoices } from '../../common/productionChoices';
import { orderStatusChoices, paymentMethodChoices, paymentStatusChoices } from '../../common/salesChoices';
import { AppList, type PhoneRow } from '../../common/views';
import { KgField, YuanField } from '../../common/weights';
import { canDo, canRead, type Permissions } from '../../types';
import type { ResourceConfig } from '../types';
import { OrderCreate } from './OrderCreate';
import { OrderVerbs } from './OrderVerbs';
import { OrderDeliveries } from '../deliveries';

const STATUS_COLOURS: Record<string, 'default' | 'info' | 'primary' | 'success' | 'warning' | 'error'> = {
  submitted: 'info', confirmed: 'primary', allocated: 'warning', dispatched: 'primary', delivered: 'success', paid: 'success', cancelled: 'default',
};
const PAY_COLOURS: Record<string, 'default' | 'warning' | 'success'> = { unpaid: 'default', partial: 'warning', paid: 'success' };

export const StatusChip = (_: { label?: string }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  if (!record?.status) return null;
  const s = String(record.status);
  return <Chip size="small" color={STATUS_COLOURS[s] ?? 'default'} label={translate(`choices.order_status.${s}`, { _: s })} data-testid="order-status" />;
};

export const PaymentChip = (_: { label?: string }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  if (!record?.payment_status) return null;
  const s = String(record.payment_status);
  return <Chip size="small" variant="outlined" color={PAY_COLOURS[s] ?? 'default'} label={translate(`choices.payment_status.${s}`, { _: s })} />;
};

export const BuyerField = ({ source = 'buyer_id' }: { source?: string; label?: string }) => <SafeRef source={source} reference="buyers" link={false} />;
export const OrderField = ({ source = 'order_id' }: { source?: string; label?: string }) => <SafeRef source={source} reference="orders" />;

const isBuyer = () => readSession()?.user.buyer_id != null;

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <SelectInput key="status" source="status" choices={orderStatusChoices} />,
  <DateInput key="wanted_on_gte" source="wanted_on_gte" label="resources.orders.fields.wanted_on" />,
];

const phone: PhoneRow = {
  primary: (r) => r.reference ?? `#${r.id}`,
  secondary: () => (
    <>
      <YuanField source="total_amount" /> · <PaymentChip />
    </>
  ),
  tertiary: () => <StatusChip />,
};

const exporter = csvExporter({
  columns: ['id', 'reference', 'buyer_id', 'status', 'wanted_on', 'total_amount', 'paid_amount', 'payment_status', 'created_at', 'notes'],
  refs: { buyer_id: { reference: 'buyers', name: (r) => String(r.name) } },
});

const OrderList = () => (
  <AppList filters={filters} sort={{ field: 'created_at', order: 'DESC' }} phone={phone} exporter={exporter}>
    <DataTable.Col source="id" />
    <DataTable.Col source="reference" disableSort />
    {!isBuyer() && <DataTable.Col source="buyer_id" field={BuyerField} />}
    <DataTable.Col source="status">
      <StatusChip />
    </DataTable.Col>
    <DataTable.Col source="wanted_on" field={ZhDateField} />
    <DataTable.Col source="total_amount">
      <YuanField source="total_amount" />
    </DataTable.Col>
    <DataTable.Col source="payment_status" disableSort>
      <PaymentChip />
    </DataTable.Col>
    <DataTable.Col source="created_at" field={ZhDateTimeField} />
    <DataTable.Col source="verbs" disableSort>
      <OrderVerbs />
    </DataTable.Col>
  </AppList>
);

const Section = ({ title }: { title: string }) => {
  const translate = useTranslate();
  return (
    <Typography variant="h6" sx={{ mt: 2 }}>
      {translate(title)}
    </Typography>
  );
};

const Lines = () => (
  <ReferenceManyField reference="order-lines" target="order_id" sort={{ field: 'id', order: 'ASC' }} pagination={<Pagination />}>
    <DataTable bulkActionButtons={false} rowClick={false} data-testid="order-lines">
      <DataTable.Col source="crop_id" field={CropField} />
      <DataTable.Col source="grade">
        <SelectField source="grade" choices={lotGradeChoices} />
      </DataTable.Col>
      <DataTable.Col source="quantity_kg">
        <KgField source="quantity_kg" />
      </DataTable.Col>
      <DataTable.Col source="price_per_kg">
        <YuanField source="price_per_kg" />
      </DataTable.Col>
      <DataTable.Col source="amount">
        <YuanField source="amount" />
      </DataTable.Col>
      <DataTable.Col source="allocated_kg">
        <KgField source="allocated_kg" />
      </DataTable.Col>
    </DataTable>
  </ReferenceManyField>
);

const Allocations = () => (
  <ReferenceManyField reference="allocations" target="order_id" sort={{ field: 'created_at', order: 'DESC' }} pagination={<Pagination />}>
    <DataTable bulkActionButtons={false} rowClick={false} data-testid="order-allocations">
      <DataTable.Col source="order_line_id" />
      <DataTable.Col source="lot_id" field={LotField} />
      <DataTable.Col source="warehouse_id" field={WarehouseField} />
      <DataTable.Col source="quantity_kg">
        <KgField source="quantity_kg" />
      </DataTable.Col>
      <DataTable.Col source="released">
        <BooleanField source="released" />
      </DataTable.Col>
      <DataTable.Col source="created_at" field={ZhDateTimeField} />
    </DataTable>
  </ReferenceManyField>
);

const Payments = () => (
  <ReferenceManyField reference="payments" target="order_id" sort={{ field: 'paid_on', order: 'DESC' }} pagination={<Pagination />}>
    <DataTable bulkActionButtons={false} rowClick={false}>
      <DataTable.Col source="paid_on" field={ZhDateField} />
      <DataTable.Col source="amount">
        <YuanField source="amount" />
      </DataTable.Col>
      <DataTable.Col source="method">
        <SelectField source="method" choices={paymentMethodChoices} />
      </DataTable.Col>
      <DataTable.Col source="reference" />
    </DataTable>
  </ReferenceManyField>
);

const Actions = () => {
  const record = useRecordContext();
  const { permissions } = usePermissions<Permissions>();
  return (
    <TopToolbar>
      <OrderVerbs />
      {record && canDo(permissions, 'payments', 'create') && record.status !== 'cancelled' && (
        <PrefillButton pathname="/payments/create" source={{ order_id: record.id }} label="app.sales.add_payment" />
      )}
    </TopToolbar>
  );
};

const OrderShow = () => {
  const { permissions } = usePermissions<Permissions>();
  return (
    <Show actions={<Actions />}>
      <SimpleShowLayout>
        <TextField source="id" />
        <TextField source="reference" />
        {!isBuyer() && <BuyerField source="buyer_id" />}
        <StatusChip label="resources.orders.fields.status" />
        <ZhDateField source="wanted_on" />
        <YuanField source="total_amount" />
        <YuanField source="paid_amount" />
        <PaymentChip label="resources.orders.fields.payment_status" />
        <TextField source="notes" />
        <Section title="app.sales.lines" />
        <Lines />
        {canRead(permissions, 'allocations') && <Section title="app.sales.allocations" />}
        {canRead(permissions, 'allocations') && <Allocations />}
        {canRead(permissions, 'deliveries') && <Section title="app.delivery.deliveries" />}
        {canRead(permissions, 'deliveries') && <OrderDeliveries />}
        {canRead(permissions, 'payments') && <Section title="app.sales.payments" />}
        {canRead(permissions, 'payments') && <Payments />}
      </SimpleShowLayout>
      <RecordMeta />
    </Show>
  );
};

export const orders: ResourceConfig = {
  name: 'orders',
  icon: ReceiptIcon,
  list: OrderList,
  show: OrderShow,
  create: OrderCreate,
  recordRepresentation: (r) => (r.reference ? `${String(r.reference)}（#${r.id}）` : `#${r.id}`),
};

