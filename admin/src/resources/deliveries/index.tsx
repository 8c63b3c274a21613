import LocalShippingIcon from '@mui/icons-material/LocalShipping';
import { Box, TextField as MuiTextField, Typography } from '@mui/material';
import { useState } from 'react';
import {
  Button,
  DataTable,
  HttpError,
  Link,
  Pagination,
  ReferenceManyField,
  SelectInput,
  Show,
  SimpleShowLayout,
  TextField,
  TopToolbar,
  useDataProvider,
  useGetList,
  useNotify,
  usePermissions,
  useRecordContext,
  useRefresh,
  useTranslate,
} from 'react-admin';
import { readSession } from '../../auth/session';
import { csvExporter } from '../../common/export';
import { ZhDateTimeField } from '../../common/fields';
import { AppList, type PhoneRow } from '../../common/views';
import type { AppDataProvider } from '../../dataProvider';
import { canRun, type Permissions } from '../../types';
import { DeliveryLineCols } from '../delivery-lines';
import { BuyerField, OrderField, StatusChip } from '../orders';
import type { ResourceConfig } from '../types';

const isBuyer = () => readSession()?.user.buyer_id != null;

export const deliveryStatusChoices = [
  { id: 'dispatched', name: 'choices.order_status.dispatched' },
  { id: 'delivered', name: 'choices.order_status.delivered' },
];

const filters = [<SelectInput key="status" source="status" choices={deliveryStatusChoices} />];

const phone: PhoneRow = {
  primary: (r) => `#${r.id}`,
  secondary: () => <OrderField source="order_id" />,
  tertiary: () => <StatusChip />,
};

const exporter = csvExporter({
  columns: ['id', 'order_id', 'buyer_id', 'status', 'vehicle', 'driver', 'dispatched_at', 'delivered_at', 'received_by'],
  refs: { buyer_id: { reference: 'buyers', name: (r) => String(r.name) } },
});

const DeliveryList = () => (
  <AppList filters={filters} sort={{ field: 'dispatched_at', order: 'DESC' }} phone={phone} exporter={exporter}>
    <DataTable.Col source="id" />
    <DataTable.Col source="order_id" field={OrderField} disableSort />
    {!isBuyer() && <DataTable.Col source="buyer_id" field={BuyerField} disableSort />}
    <DataTable.Col source="status">
      <StatusChip />
    </DataTable.Col>
    <DataTable.Col source="vehicle" disableSort />
    <DataTable.Col source="driver" disableSort />
    <DataTable.Col source="dispatched_at" field={ZhDateTimeField} />
    <DataTable.Col source="delivered_at" field={ZhDateTimeField} />
    <DataTable.Col source="received_by" disableSort />
  </AppList>
);

/** The deliveries of an order (on the order's page). */
export const OrderDeliveries = () => (
  <ReferenceManyField reference="deliveries" target="order_id" sort={{ field: 'dispatched_at', order: 'DESC' }} pagination={<Pagination />}>
    <DataTable bulkActionButtons={false} rowClick="show" data-testid="order-deliveries">
      <DataTable.Col source="id" />
      <DataTable.Col source="status">
        <StatusChip />
      </DataTable.Col>
      <DataTable.Col source="vehicle" />
      <DataTable.Col source="driver" />
      <DataTable.Col source="dispatched_at" field={ZhDateTimeField} />
      <DataTable.Col source="delivered_at" field={ZhDateTimeField} />
    </DataTable>
  </ReferenceManyField>
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
  <ReferenceManyField reference="delivery-lines" target="delivery_id" sort={{ field: 'lot_id', order: 'ASC' }} pagination={<Pagination />}>
    <DataTable bulkActionButtons={false} rowClick={false} data-testid="delivery-lines">
      {DeliveryLineCols}
    </DataTable>
  </ReferenceManyField>
);

const Certificates = (_: { label?: string }) => {
  const record = useRecordContext();
  const { data } = useGetList('certificates', {
    filter: { delivery_id: record?.id }, pagination: { page: 1, perPage: 20 }, sort: { field: 'id', order: 'ASC' },
  }, { enabled: record != null });
  if (!record || !data) return null;
  return (
    <Box sx={{ display: 'flex', gap: 2, flexWrap: 'wrap' }} data-testid="delivery-certificates">
      {data.map((c) => (
        <Link key={c.id} to={`/certificates/${c.id}/show`} sx={{ textDecoration: c.superseded_by_id ? 'line-through' : undefined }}>
          {String(c.number)}
        </Link>
      ))}
    </Box>
  );
};

/** 收货: one received-kg input per line, prefilled with the dispatched kg, and who received it. */
const ReceiveForm = () => {
  const record = useRecordContext();
  const { permissions } = usePermissions<Permissions>();
  const translate = useTranslate();
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const { data: lines } = useGetList('delivery-lines', {
    filter: { delivery_id: record?.id }, pagination: { page: 1, perPage: 200 }, sort: { field: 'id', order: 'ASC' },
  }, { enabled: record != null });
  const [kgs, setKgs] = useState<Record<string, string>>({});
  const [receivedBy, setReceivedBy] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  if (!record || record.status !== 'dispatched' || !canRun(permissions, 'deliveries', 'receive') || !lines) return null;
  const valueOf = (l: { id: number | string; dispatched_kg?: unknown }) => kgs[String(l.id)] ?? String(l.dispatched_kg ?? '');
  const submit = async () => {
    setBusy(true);
    setErrors({});
    try {
      await dataProvider.runVerb('deliveries', record.id, 'receive', {
        received_by: receivedBy,
        lines: lines.map((l) => ({ delivery_line_id: l.id, received_kg: valueOf(l) })),
      });
      notify('app.delivery.received', { type: 'success' });
      refresh();
    } catch (e) {
      const body = e instanceof HttpError ? (e.body as { errors?: Record<string, unknown> } | undefined) : undefined;
      const errs: Record<string, string> = {};
      for (const [k, v] of Object.entries(body?.errors ?? {})) if (typeof v === 'string') errs[k] = v;
      setErrors(errs);
      notify(e instanceof Error ? e.message : String(e), { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <Box data-testid="receive-form" sx={{ mt: 2, display: 'flex', flexDirection: 'column', gap: 1, maxWidth: 480 }}>
      <Typography variant="h6">{translate('app.delivery.receive')}</Typography>
      {lines.map((l, i) => (
        <MuiTextField
          key={l.id}
          size="small"
          type="number"
          label={translate('app.delivery.received_kg_of', { lot: String(l.lot_id), line: i + 1 })}
          value={valueOf(l)}
          onChange={(e) => setKgs({ ...kgs, [String(l.id)]: e.target.value })}
          error={Boolean(errors[`lines.${i}.received_kg`])}
          helperText={errors[`lines.${i}.received_kg`]}
          inputProps={{ 'data-testid': 'receive-kg' }}
        />
      ))}
      <MuiTextField
        size="small"
        label={translate('resources.deliveries.fields.received_by')}
        value={receivedBy}
        onChange={(e) => setReceivedBy(e.target.value)}
        error={Boolean(errors.received_by)}
        helperText={errors.received_by}
      />
      {errors.lines && <Typography color="error" variant="body2">{errors.lines}</Typography>}
      <Box>
        <Button label="app.delivery.receive" variant="contained" onClick={() => void submit()} disabled={busy} data-testid="delivery-receive" />
      </Box>
    </Box>
  );
};

const DeliveryShow = () => (
  <Show actions={<TopToolbar />}>
    <SimpleShowLayout>
      <TextField source="id" />
      <OrderField source="order_id" />
      {!isBuyer() && <BuyerField source="buyer_id" />}
      <StatusChip label="resources.deliveries.fields.status" />
      <TextField source="vehicle" />
      <TextField source="driver" />
      <ZhDateTimeField source="dispatched_at" />
      <ZhDateTimeField source="delivered_at" />
      <TextField source="received_by" />
      <Certificates label="app.delivery.certificates" />
      <Section title="app.delivery.lines" />
      <Lines />
      <ReceiveForm />
    </SimpleShowLayout>
  </Show>
);

export const deliveries: ResourceConfig = {
  name: 'deliveries',
  icon: LocalShippingIcon,
  list: DeliveryList,
  show: DeliveryShow,
  recordRepresentation: (r) => `#${r.id}`,
};
