import KeyIcon from '@mui/icons-material/Key';
import { Alert } from '@mui/material';
import {
  AutocompleteInput,
  BooleanInput,
  FormDataConsumer,
  Link,
  maxLength,
  minLength,
  PasswordInput,
  ReferenceInput,
  required,
  SelectInput,
  SimpleForm,
  TextInput,
  useRecordContext,
  useTranslate,
  type RaRecord,
} from 'react-admin';
import { useFormContext } from 'react-hook-form';
import { CHANGE_PASSWORD_PATH, mayChangePassword } from '../../account/ChangePassword';
import { readSession } from '../../auth/session';
import { userRoleChoices } from '../../common/choices';
import { HouseholdInput, VillageInput } from '../../common/refs';
import { AppCreate, AppEdit } from '../../common/views';
import type { ScopeField } from '../../types';

const SCOPE_FIELDS: readonly ScopeField[] = ['cooperative_id', 'village_id', 'household_id', 'buyer_id'];

/** The scope fields the role's accounts carry, as the session says (the server defines them once). */
const scopeOf = (role: unknown): readonly ScopeField[] => {
  const byRole = readSession()?.user.role_scope_fields;
  return typeof role === 'string' && byRole && Object.hasOwn(byRole, role) ? byRole[role] : [];
};

/** A cooperative sits in one village: choosing it fills the manager's village. */
const CooperativeInput = () => {
  const form = useFormContext();
  return (
    <ReferenceInput source="cooperative_id" reference="cooperatives" sort={{ field: 'code', order: 'ASC' }}>
      <AutocompleteInput
        validate={required()}
        onChange={(_value: unknown, record: RaRecord | '') => {
          if (record !== '') form.setValue('village_id', record.village_id, { shouldDirty: true });
        }}
      />
    </ReferenceInput>
  );
};

const ScopeInputs = ({ role }: { role: unknown }) => {
  const keys = scopeOf(role);
  return (
    <>
      {keys.includes('cooperative_id') && <CooperativeInput />}
      {keys.includes('village_id') && <VillageInput source="village_id" isRequired />}
      {keys.includes('household_id') && <HouseholdInput source="household_id" isRequired />}
      {keys.includes('buyer_id') && (
        <ReferenceInput source="buyer_id" reference="buyers" sort={{ field: 'code', order: 'ASC' }}>
          <AutocompleteInput validate={required()} />
        </ReferenceInput>
      )}
    </>
  );
};

/** Account managers (the administrator) set usernames, roles and scopes; others edit only their own profile. */
const managesAccounts = () => readSession()?.user.permissions.users?.create === true;

const isOwnAccount = (record: RaRecord | undefined) => record?.id != null && record.id === readSession()?.user.id;

/** One's own password is changed on its own screen, against the current one, never here. */
const OwnPasswordHint = () => {
  const translate = useTranslate();
  const permissions = readSession()?.user.permissions;
  return (
    <Alert severity="info" icon={<KeyIcon fontSize="inherit" />} sx={{ mb: 2, width: '100%', boxSizing: 'border-box' }}>
      {translate('app.password.own_account')}{' '}
      {mayChangePassword(permissions) && <Link to={CHANGE_PASSWORD_PATH}>{translate('app.password.go')}</Link>}
    </Alert>
  );
};

const UserForm = ({ isCreate }: { isCreate: boolean }) => {
  const manager = managesAccounts();
  const record = useRecordContext();
  const own = !isCreate && isOwnAccount(record);
  return (
    <SimpleForm>
      <TextInput source="username" validate={[required(), maxLength(60)]} autoComplete="off" disabled={!manager} />
      <TextInput source="display_name" validate={[required(), maxLength(60)]} />
      {/* The administrator sets a new account's password and resets another's; nobody sets their own here. */}
      {manager && !own && (
        <PasswordInput
          source="password"
          autoComplete="new-password"
          validate={isCreate ? [required(), minLength(8)] : [minLength(8)]}
          helperText={isCreate ? undefined : 'app.help.password_reset'}
        />
      )}
      <SelectInput source="role" choices={userRoleChoices()} validate={required()} disabled={!manager} />
      {manager && (
        <FormDataConsumer<{ role?: string }>>{({ formData }) => <ScopeInputs role={formData.role} />}</FormDataConsumer>
      )}
      <TextInput source="phone" validate={maxLength(20)} />
      {manager && <BooleanInput source="active" />}
      {own && <OwnPasswordHint />}
    </SimpleForm>
  );
};

// Hidden inputs keep their values, so scope fields that do not fit the role are nulled
// here; an empty password means "keep the current one" and is not sent at all, and one's
// own password is never sent (the server refuses it: change-password asks for the current one).
const toPayload = (data: RaRecord): RaRecord => {
  if (!managesAccounts()) {
    // Their own profile: only what the server lets them change, with the version it checks.
    return { id: data.id, version: data.version, display_name: data.display_name, phone: data.phone };
  }
  const keys = scopeOf(data.role);
  const out: RaRecord = { ...data };
  for (const k of SCOPE_FIELDS) {
    if (!keys.includes(k)) out[k] = null;
  }
  if (typeof out.password !== 'string' || out.password === '' || isOwnAccount(data)) delete out.password;
  return out;
};

export const UserEdit = () => (
  <AppEdit transform={toPayload}>
    <UserForm isCreate={false} />
  </AppEdit>
);

export const UserCreate = () => (
  <AppCreate transform={toPayload} record={{ active: true }}>
    <UserForm isCreate />
  </AppCreate>
);
