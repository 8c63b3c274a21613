import { z } from 'zod';
import { buyers, cooperatives, households, people, plots, unions, users, villages } from '../../../db/schema/index';
import { eqFilter as eq, filterBool as bool, rangeFilter as range } from '../../lib/list-query';
import { roles } from '../../lib/policy';
import type { ResourceDef } from '../../lib/resource';
import { isoDate, plainString, readOnlyBase } from '../../lib/zod-fields';
import {
  buyerKinds, buyerSchemas, cooperativeSchemas, householdSchemas, personRoles, personSchemas, plotSchemas, unionSchemas,
  userSchemas, villageSchemas,
} from './org.schemas';

// The organisation's resources, declared once; lib/crud.* serve them. Users keep the
// generic reads and delete; their create and update carry rules (org.service.ts).

export const orgConstraintFields = {
  users_username_key: 'username',
  users_role_scope: 'role',
  plots_area_positive: 'area_mu',
  plots_tenure_household: 'household_id',
  households_capital_nonneg: 'capital_contributed',
  households_capital_members_only: 'capital_contributed',
  households_joined_on_members_only: 'joined_on',
  people_birth_year_range: 'birth_year',
  cooperatives_village_key: 'village_id',
  villages_union_name_key: 'name',
};

const dateVal = isoDate;
const num = z.coerce.number();
const str = (max = 60) => plainString().max(max);

export const unionResource: ResourceDef = {
  name: 'unions',
  tag: 'organisation',
  table: unions,
  columns: { id: unions.id, union_id: unions.id, version: unions.version },
  list: { sortable: { code: unions.code, name: unions.name }, filters: { code: eq(unions.code, str(32)) }, search: [unions.name, unions.code] },
  scopeColumns: {},
  ...unionSchemas,
  readOnly: [...readOnlyBase, 'is_demo'],
  operations: ['list', 'get', 'update'],
};

export const villageResource: ResourceDef = {
  name: 'villages',
  tag: 'organisation',
  table: villages,
  columns: villages,
  list: {
    sortable: { code: villages.code, name: villages.name, township: villages.township, created_at: villages.created_at },
    filters: { code: eq(villages.code, str(32)), township: eq(villages.township, str()) },
    search: [villages.name, villages.code],
  },
  scopeColumns: { village: villages.id },
  ...villageSchemas,
  readOnly: readOnlyBase,
};

export const cooperativeResource: ResourceDef = {
  name: 'cooperatives',
  tag: 'organisation',
  table: cooperatives,
  columns: cooperatives,
  list: {
    sortable: { code: cooperatives.code, name: cooperatives.name, village_id: cooperatives.village_id, founded_on: cooperatives.founded_on },
    filters: { village_id: eq(cooperatives.village_id), code: eq(cooperatives.code, str(32)) },
    search: [cooperatives.name, cooperatives.code],
  },
  scopeColumns: { village: cooperatives.village_id },
  ...cooperativeSchemas,
  readOnly: readOnlyBase,
};

export const householdResource: ResourceDef = {
  name: 'households',
  tag: 'organisation',
  table: households,
  columns: households,
  list: {
    sortable: {
      code: households.code, head_name: households.head_name, village_id: households.village_id, is_member: households.is_member,
      capital_contributed: households.capital_contributed, joined_on: households.joined_on, created_at: households.created_at,
    },
    filters: {
      village_id: eq(households.village_id),
      code: eq(households.code, str(32)),
      is_member: eq(households.is_member, bool),
      joined_on: range(households.joined_on, dateVal),
      capital_contributed: range(households.capital_contributed, num),
    },
    search: [{ column: households.head_name, chars: true }, { column: households.code, ascii: true }, { column: households.phone, ascii: true }],
  },
  scopeColumns: { village: households.village_id, household: households.id },
  ...householdSchemas,
  readOnly: readOnlyBase,
};

export const personResource: ResourceDef = {
  name: 'people',
  tag: 'organisation',
  table: people,
  columns: people,
  list: {
    sortable: { name: people.name, village_id: people.village_id, household_id: people.household_id, gender: people.gender, birth_year: people.birth_year },
    filters: {
      village_id: eq(people.village_id),
      household_id: eq(people.household_id),
      gender: eq(people.gender, z.enum(['male', 'female'])),
      roles: { column: people.roles, value: z.enum(personRoles), kind: 'contains' },
      birth_year: range(people.birth_year, z.coerce.number().int()),
    },
    search: [{ column: people.name, chars: true }, { column: people.phone, ascii: true }],
  },
  scopeColumns: { village: people.village_id, household: people.household_id },
  ...personSchemas,
  readOnly: readOnlyBase,
};

export const plotResource: ResourceDef = {
  name: 'plots',
  tag: 'organisation',
  table: plots,
  columns: plots,
  list: {
    sortable: {
      code: plots.code, name: plots.name, village_id: plots.village_id, household_id: plots.household_id,
      area_mu: plots.area_mu, kind: plots.kind, tenure: plots.tenure, created_at: plots.created_at,
    },
    filters: {
      village_id: eq(plots.village_id),
      household_id: eq(plots.household_id),
      kind: eq(plots.kind, z.enum(['greenhouse', 'open_field'])),
      tenure: eq(plots.tenure, z.enum(['household', 'collective'])),
      area_mu: range(plots.area_mu, num),
      code: eq(plots.code, str(32)),
    },
    search: [{ column: plots.name, chars: true }, { column: plots.code, ascii: true }, { column: plots.location, chars: true }],
  },
  scopeColumns: { village: plots.village_id, household: plots.household_id },
  ...plotSchemas,
  readOnly: readOnlyBase,
};

export const buyerResource: ResourceDef = {
  name: 'buyers',
  tag: 'organisation',
  table: buyers,
  columns: buyers,
  list: {
    sortable: { code: buyers.code, name: buyers.name, kind: buyers.kind },
    filters: { kind: eq(buyers.kind, z.enum(buyerKinds)), code: eq(buyers.code, str(32)) },
    search: [buyers.name, buyers.code, buyers.contact_name],
  },
  scopeColumns: { buyer: buyers.id },
  ...buyerSchemas,
  readOnly: readOnlyBase,
};

export const userResource: ResourceDef = {
  name: 'users',
  tag: 'organisation',
  table: users,
  columns: users,
  list: {
    sortable: { username: users.username, display_name: users.display_name, role: users.role, active: users.active, last_login_at: users.last_login_at },
    filters: {
      role: eq(users.role, z.enum(roles)),
      active: eq(users.active, bool),
      village_id: eq(users.village_id),
      cooperative_id: eq(users.cooperative_id),
      household_id: eq(users.household_id),
      buyer_id: eq(users.buyer_id),
    },
    search: [users.username, users.display_name],
  },
  scopeColumns: { self: users.id },
  ...userSchemas,
  readOnly: readOnlyBase,
  selfWritable: ['display_name', 'phone'],
  hidden: ['password_hash'],
  operations: ['list', 'get', 'delete'],
};

export const orgResources = [
  unionResource, villageResource, cooperativeResource, householdResource, personResource, plotResource, buyerResource, userResource,
];
