import type { PolicyMap, ResourcePolicy } from '../../lib/policy';

// Who reads and writes the organisation, by role (domain.md, "Users and what they do").
// Scoped roles see only their village or household; the queries enforce it (lib/resource.ts).

const all = { read: 'union', create: 'union', update: 'union', delete: 'union' } as const;

const peopleOrHouseholds: ResourcePolicy = {
  union_admin: all,
  union_sales: { read: 'union' },
  coop_manager: { read: 'village', create: 'village', update: 'village', delete: 'village' },
  village_cadre: { read: 'village', create: 'village', update: 'village', delete: 'village' },
  member: { read: 'household' },
};

/** Everyone changes their own password, giving the current one; the administrator resets others' by update. */
const ownPassword = { 'change-password': 'self' } as const;

export const orgPolicy: PolicyMap = {
  unions: {
    union_admin: { read: 'union', update: 'union' },
    union_sales: { read: 'union' },
    coop_manager: { read: 'union' },
    village_cadre: { read: 'union' },
    buyer: { read: 'union' },
    member: { read: 'union' },
  },
  villages: {
    union_admin: all,
    union_sales: { read: 'union' },
    coop_manager: { read: 'village' },
    // A cadre keeps their village's record up to date; founding or dissolving one is the union's.
    village_cadre: { read: 'village', update: 'village' },
    member: { read: 'village' },
  },
  cooperatives: {
    union_admin: all,
    union_sales: { read: 'union' },
    coop_manager: { read: 'village', update: 'village' },
    village_cadre: { read: 'village' },
    member: { read: 'village' },
  },
  households: peopleOrHouseholds,
  people: peopleOrHouseholds,
  plots: {
    union_admin: all,
    union_sales: { read: 'union' },
    coop_manager: { read: 'village', create: 'village', update: 'village', delete: 'village' },
    village_cadre: { read: 'village' },
    member: { read: 'household' },
  },
  buyers: {
    union_admin: all,
    union_sales: all,
    buyer: { read: 'buyer' },
  },
  // Everyone may read and edit their own account (name, phone) and change their own
  // password; only the administrator manages accounts, roles and scopes.
  users: {
    union_admin: { ...all, verbs: ownPassword },
    union_sales: { read: 'self', update: 'self', verbs: ownPassword },
    coop_manager: { read: 'self', update: 'self', verbs: ownPassword },
    village_cadre: { read: 'self', update: 'self', verbs: ownPassword },
    buyer: { read: 'self', update: 'self', verbs: ownPassword },
    member: { read: 'self', update: 'self', verbs: ownPassword },
  },
};
