import { readSession } from '../auth/session';

export interface Choice {
  id: string;
  name: string;
}

// Choice names are i18n keys: react-admin's inputs and SelectField translate them.
const choices = (set: string, ids: readonly string[]): Choice[] =>
  ids.map((id) => ({ id, name: `choices.${set}.${id}` }));

export const PERSON_ROLES = [
  'grower',
  'small_expert',
  'class_rep',
  'group_leader',
  'party_member',
  'cadre',
  'volunteer',
] as const;

export const genderChoices = choices('gender', ['male', 'female']);
export const personRoleChoices = choices('person_role', PERSON_ROLES);
export const plotKindChoices = choices('plot_kind', ['greenhouse', 'open_field']);
export const plotTenureChoices = choices('plot_tenure', ['household', 'collective']);
export const buyerKindChoices = choices('buyer_kind', [
  'state_enterprise',
  'supermarket',
  'wholesale_market',
  'canteen',
  'other',
]);

/**
 * Every role there is, from the session: the server defines the roles once and sends them
 * as the keys of role_scope_fields. Call it while rendering (the session may change).
 */
export const userRoleChoices = (): Choice[] =>
  choices('user_role', Object.keys(readSession()?.user.role_scope_fields ?? {}));

/**
 * The audit log's actions known when this console was built: the writes and the verbs.
 * The server may record others (a new verb): they still show, as their raw name, and the
 * verbs of the signed-in user's rights join the filter (see useAuditActionChoices).
 */
export const AUDIT_ACTIONS = ['create', 'update', 'delete', 'login', 'change-password'] as const;

/** Resources whose changes the audit log records. */
export const AUDITED_RESOURCES = [
  'unions',
  'villages',
  'cooperatives',
  'households',
  'people',
  'plots',
  'buyers',
  'users',
  'crops',
  'plantings',
  'input-applications',
  'harvest-lots',
  'residue-tests',
  'work-records',
  'warehouses',
  'temperature-readings',
  'stock-movements',
  'processing-runs',
] as const;
