import AuditIcon from '@mui/icons-material/History';
import {
  DataTable,
  NumberInput,
  SelectField,
  SelectInput,
  Show,
  SimpleShowLayout,
  TextField,
  TextInput,
} from 'react-admin';
import { auditActionChoices } from '../../common/choices';
import { JsonField, ZhDateTimeField } from '../../common/fields';
import { useAuditedResourceChoices } from '../../common/useResourceChoices';
import { AppList } from '../../common/views';
import type { ResourceConfig } from '../types';

// `source` and `alwaysOn` are read from these elements' props by the filter form.
const ResourceInput = (props: { source: string; alwaysOn?: boolean }) => (
  <SelectInput source={props.source} choices={useAuditedResourceChoices()} translateChoice={false} />
);

const ResourceField = (props: { source: string; label?: string }) => (
  <SelectField source={props.source} choices={useAuditedResourceChoices()} translateChoice={false} />
);

// Read-only by design: the trail is append-only in the database too.
const filters = [
  <ResourceInput key="resource" source="resource" alwaysOn />,
  <SelectInput key="action" source="action" choices={auditActionChoices} alwaysOn />,
  <NumberInput key="user_id" source="user_id" />,
  <TextInput key="record_id" source="record_id" />,
];

const AuditList = () => (
  <AppList filters={filters} sort={{ field: 'id', order: 'DESC' }}>
    <DataTable.Col source="at" field={ZhDateTimeField} />
    <DataTable.Col source="username" />
    <DataTable.Col source="action">
      <SelectField source="action" choices={auditActionChoices} />
    </DataTable.Col>
    <DataTable.Col source="resource" field={ResourceField} />
    <DataTable.Col source="record_id" />
  </AppList>
);

const AuditShow = () => (
  <Show>
    <SimpleShowLayout>
      <ZhDateTimeField source="at" />
      <TextField source="username" />
      <TextField source="user_id" />
      <SelectField source="action" choices={auditActionChoices} />
      <ResourceField source="resource" />
      <TextField source="record_id" />
      <TextField source="request_id" />
      <JsonField source="before" />
      <JsonField source="after" />
    </SimpleShowLayout>
  </Show>
);

export const auditLog: ResourceConfig = {
  name: 'audit-log',
  icon: AuditIcon,
  list: AuditList,
  show: AuditShow,
  recordRepresentation: (r) => `#${r.id}`,
};
