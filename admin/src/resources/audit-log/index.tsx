import AuditIcon from '@mui/icons-material/History';
import LockIcon from '@mui/icons-material/Lock';
import LockOpenIcon from '@mui/icons-material/LockOpen';
import { Chip, Stack, Typography } from '@mui/material';
import {
  DataTable,
  NumberInput,
  ReferenceField,
  SelectField,
  SelectInput,
  Show,
  SimpleShowLayout,
  TextField,
  TextInput,
  useRecordContext,
  useTranslate,
} from 'react-admin';
import { JsonField, ZhDateTimeField } from '../../common/fields';
import {
  useAuditActionChoices,
  useAuditActionLabel,
  useAuditedResourceChoices,
} from '../../common/useResourceChoices';
import { AppList, type PhoneRow } from '../../common/views';
import type { ResourceConfig } from '../types';

// `source` and `alwaysOn` are read from these elements' props by the filter form.
const ResourceInput = (props: { source: string; alwaysOn?: boolean }) => (
  <SelectInput source={props.source} choices={useAuditedResourceChoices()} translateChoice={false} />
);

const ResourceField = (props: { source: string; label?: string }) => (
  <SelectField source={props.source} choices={useAuditedResourceChoices()} translateChoice={false} />
);

const ActionInput = (props: { source: string; alwaysOn?: boolean }) => (
  <SelectInput source={props.source} choices={useAuditActionChoices()} translateChoice={false} />
);

/** Any action the server recorded, translated when the console knows it, else as it is. */
const ActionField = ({ source }: { source: string; label?: string }) => {
  const record = useRecordContext();
  const label = useAuditActionLabel();
  const value: unknown = record?.[source];
  if (typeof value !== 'string' || value === '') return null;
  return (
    <Typography component="span" variant="body2">
      {label(value)}
    </Typography>
  );
};

/** Whether the row is sealed into its union's HMAC chain yet, and the seal itself. */
const SealField = ({ source }: { source: string; label?: string }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  if (!record) return null;
  const seal: unknown = record[source];
  const sealed = typeof seal === 'string' && seal !== '';
  return (
    <Stack spacing={0.5} sx={{ alignItems: 'flex-start' }}>
      <Chip
        size="small"
        color={sealed ? 'success' : 'default'}
        variant={sealed ? 'filled' : 'outlined'}
        icon={sealed ? <LockIcon /> : <LockOpenIcon />}
        label={translate(sealed ? 'app.audit.sealed' : 'app.audit.unsealed')}
      />
      {sealed && (
        <Typography component="code" variant="body2" sx={{ fontFamily: 'monospace', fontSize: 12, wordBreak: 'break-all' }}>
          {seal}
        </Typography>
      )}
    </Stack>
  );
};

// Read-only by design: the trail is append-only in the database too.
const filters = [
  <ResourceInput key="resource" source="resource" alwaysOn />,
  <ActionInput key="action" source="action" alwaysOn />,
  <NumberInput key="user_id" source="user_id" />,
  <TextInput key="record_id" source="record_id" />,
];

const phone: PhoneRow = {
  primary: () => <ActionField source="action" />,
  secondary: () => <ResourceField source="resource" />,
  tertiary: () => <ZhDateTimeField source="at" />,
};

const AuditList = () => (
  <AppList filters={filters} sort={{ field: 'id', order: 'DESC' }} phone={phone}>
    <DataTable.Col source="at" field={ZhDateTimeField} />
    <DataTable.Col source="username" />
    <DataTable.Col source="action" field={ActionField} />
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
      <ActionField source="action" />
      <ResourceField source="resource" />
      <TextField source="record_id" />
      <TextField source="request_id" />
      <JsonField source="before" />
      <JsonField source="after" />
      <SealField source="seal" />
      <ReferenceField source="seal_prev_id" reference="audit-log" link="show" emptyText="—" />
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
