import PaymentsIcon from '@mui/icons-material/Payments';
import {
  AutocompleteInput,
  DataTable,
  DateInput,
  maxLength,
  maxValue,
  minValue,
  NumberInput,
  ReferenceInput,
  required,
  SearchInput,
  SelectField,
  SelectInput,
  Show,
  SimpleForm,
  SimpleShowLayout,
  TextField,
} from 'react-admin';
import { TextInput } from 'react-admin';
import { readSession } from '../../auth/session';
import { todayIso } from '../../common/dates';
import { csvExporter } from '../../common/export';
import { ZhDateField, ZhDateTimeField } from '../../common/fields';
import { useIdempotencyKey } from '../../common/idempotency';
import { paymentMethodChoices } from '../../common/salesChoices';
import { AppCreate, AppList, type PhoneRow } from '../../common/views';
import { YuanField } from '../../common/weights';
import { BuyerField, OrderField } from '../orders';
import type { ResourceConfig } from '../types';

const filters = [
  <SearchInput key="q" source="q" alwaysOn />,
  <SelectInput key="method" source="method" choices={paymentMethodChoices} />,
  <DateInput key="paid_on_gte" source="paid_on_gte" label="resources.payments.fields.paid_on" />,
];

const phone: PhoneRow = {
  primary: () => <YuanField source="amount" />,
  secondary: () => <ZhDateField source="paid_on" />,
  tertiary: () => <SelectField source="method" choices={paymentMethodChoices} />,
};

const exporter = csvExporter({
  columns: ['id', 'order_id', 'buyer_id', 'amount', 'paid_on', 'method', 'reference', 'created_at'],
  refs: { buyer_id: { reference: 'buyers', name: (r) => String(r.name) } },
});

const isBuyer = () => readSession()?.user.buyer_id != null;

const PaymentList = () => (
  <AppList filters={filters} sort={{ field: 'paid_on', order: 'DESC' }} phone={phone} exporter={exporter}>
    <DataTable.Col source="paid_on" field={ZhDateField} />
    <DataTable.Col source="order_id" field={OrderField} disableSort />
    {!isBuyer() && <DataTable.Col source="buyer_id" field={BuyerField} disableSort />}
    <DataTable.Col source="amount">
      <YuanField source="amount" />
    </DataTable.Col>
    <DataTable.Col source="method" disableSort>
      <SelectField source="method" choices={paymentMethodChoices} />
    </DataTable.Col>
    <DataTable.Col source="reference" disableSort />
  </AppList>
);

const PaymentShow = () => (
  <Show actions={false}>
    <SimpleShowLayout>
      <OrderField source="order_id" />
      {!isBuyer() && <BuyerField source="buyer_id" />}
      <YuanField source="amount" />
      <ZhDateField source="paid_on" />
      <SelectField source="method" choices={paymentMethodChoices} />
      <TextField source="reference" />
      <ZhDateTimeField source="created_at" />
    </SimpleShowLayout>
  </Show>
);

const payload = (data: Record<string, unknown>) => {
  const out: Record<string, unknown> = { order_id: data.order_id, amount: String(data.amount), paid_on: data.paid_on, method: data.method };
  if (data.reference) out.reference = data.reference;
  return out;
};

/** 登记收款: append-only, one Idempotency-Key per form. */
const PaymentCreate = () => {
  const { key } = useIdempotencyKey();
  return (
    <AppCreate transform={payload} mutationOptions={{ meta: { idempotencyKey: key } }} record={{ paid_on: todayIso(), method: 'bank_transfer' }}>
      <SimpleForm>
        <ReferenceInput source="order_id" reference="orders" sort={{ field: 'created_at', order: 'DESC' }}>
          <AutocompleteInput validate={required()} filterToQuery={(q) => (q ? { q } : {})} />
        </ReferenceInput>
        <NumberInput source="amount" validate={[required(), minValue(0.01)]} />
        <DateInput source="paid_on" validate={[required(), maxValue(todayIso())]} />
        <SelectInput source="method" choices={paymentMethodChoices} validate={required()} />
        <TextInput source="reference" validate={maxLength(60)} />
      </SimpleForm>
    </AppCreate>
  );
};

export const payments: ResourceConfig = {
  name: 'payments',
  icon: PaymentsIcon,
  list: PaymentList,
  show: PaymentShow,
  create: PaymentCreate,
};
