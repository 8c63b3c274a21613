import {
  AutocompleteInput,
  BooleanInput,
  FormDataConsumer,
  maxLength,
  minLength,
  PasswordInput,
  ReferenceInput,
  required,
  SelectInput,
  SimpleForm,
  TextInput,
  type RaRecord,
} from 'react-admin';
import { useFormContext } from 'react-hook-form';
import { userRoleChoices } from '../../common/choices';
import { HouseholdInput, VillageInput } from '../../common/refs';
import { AppCreate, AppEdit } from '../../common/views';
import { readSession } from '../../auth/session';
import type { Role } from '../../types';

type ScopeKey = 'cooperative_id' | 'village_id' | 'household_id' | 'buyer_id';

/** The scope each role carries; the database refuses any other combination. */
const SCOPE: Record<Role, readonly ScopeKey[]> = {
  union_admin: [],
  union_sales: [],
  coop_manager: ['cooperative_id', 'village_id'],
  village_cadre: ['village_id'],
  buyer: ['buyer_id'],
  member: ['village_id', 'household_id'],
};

const scopeOf = (role: unknown): readonly ScopeKey[] =>
  typeof role === 'string' && role in SCOPE ? SCOPE[role as Role] : [];

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

const UserForm = ({ isCreate }: { isCreate: boolean }) => {
  const manager = managesAccounts();
  return (
    <SimpleForm>
      <TextInput source="username" validate={[required(), maxLength(60)]} autoComplete="off" disabled={!manager} />
      <TextInput source="display_name" validate={[required(), maxLength(60)]} />
      <PasswordInput
        source="password"
        autoComplete="new-password"
        validate={isCreate ? [required(), minLength(8)] : [minLength(8)]}
        helperText={isCreate ? undefined : 'app.help.password_keep'}
      />
      <SelectInput source="role" choices={userRoleChoices} validate={required()} disabled={!manager} />
      {manager && (
        <FormDataConsumer<{ role?: string }>>{({ formData }) => <ScopeInputs role={formData.role} />}</FormDataConsumer>
      )}
      <TextInput source="phone" validate={maxLength(20)} />
      {manager && <BooleanInput source="active" />}
    </SimpleForm>
  );
};

// Hidden inputs keep their values, so scope fields that do not fit the role are nulled
// here; an empty password means "keep the current one" and is not sent at all.
const toPayload = (data: RaRecord): RaRecord => {
  if (!managesAccounts()) {
    // Their own profile: only what the server lets them change, with the version it checks.
    const own: RaRecord = { id: data.id, version: data.version, display_name: data.display_name, phone: data.phone };
    if (typeof data.password === 'string' && data.password !== '') own.password = data.password;
    return own;
  }
  const keys = scopeOf(data.role);
  const out: RaRecord = { ...data };
  for (const k of ['cooperative_id', 'village_id', 'household_id', 'buyer_id'] as const) {
    if (!keys.includes(k)) out[k] = null;
  }
  if (typeof out.password !== 'string' || out.password === '') delete out.password;
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
