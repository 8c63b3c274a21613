import type { Role } from '../types';

export interface Choice {
  id: string;
  name: string;
}

// Choice names are i18n keys: react-admin's inputs and SelectField translate them.
const choices = (set: string, ids: readonly string[]): Choice[] =>
  ids.map((id) => ({ id, name: `choices.${set}.${id}` }));

export const ROLES: readonly Role[] = [
  'union_admin',
  'union_sales',
  'coop_manager',
  'village_cadre',
  'buyer',
  'member',
];

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
export const userRoleChoices = choices('user_role', ROLES);
export const auditActionChoices = choices('audit_action', ['create', 'update', 'delete']);

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
] as const;
