import { definePolicy } from '../../lib/policy';

// Who reads and writes the organisation, by role (domain.md, "Users and what they do").
// Scoped roles see only their village or household; the queries enforce it (lib/resource.ts).

definePolicy('unions', {
  union_admin: { read: 'union', write: 'union', actions: ['update'] },
  union_sales: { read: 'union' },
  coop_manager: { read: 'union' },
  village_cadre: { read: 'union' },
  buyer: { read: 'union' },
  member: { read: 'union' },
});

definePolicy('villages', {
  union_admin: { read: 'union', write: 'union' },
  union_sales: { read: 'union' },
  coop_manager: { read: 'village' },
  // A cadre keeps their village's record up to date; founding or dissolving one is the union's.
  village_cadre: { read: 'village', write: 'village', actions: ['update'] },
  member: { read: 'village' },
});

definePolicy('cooperatives', {
  union_admin: { read: 'union', write: 'union' },
  union_sales: { read: 'union' },
  coop_manager: { read: 'village', write: 'village', actions: ['update'] },
  village_cadre: { read: 'village' },
  member: { read: 'village' },
});

for (const resource of ['households', 'people'] as const) {
  definePolicy(resource, {
    union_admin: { read: 'union', write: 'union' },
    union_sales: { read: 'union' },
    coop_manager: { read: 'village', write: 'village' },
    village_cadre: { read: 'village', write: 'village' },
    member: { read: 'household' },
  });
}

definePolicy('plots', {
  union_admin: { read: 'union', write: 'union' },
  union_sales: { read: 'union' },
  coop_manager: { read: 'village', write: 'village' },
  village_cadre: { read: 'village' },
  member: { read: 'household' },
});

definePolicy('buyers', {
  union_admin: { read: 'union', write: 'union' },
  union_sales: { read: 'union', write: 'union' },
  buyer: { read: 'buyer' },
});

// Everyone may read and edit their own account (name, phone, password); only the
// administrator manages accounts, roles and scopes.
definePolicy('users', {
  union_admin: { read: 'union', write: 'union' },
  union_sales: { read: 'self', write: 'self' },
  coop_manager: { read: 'self', write: 'self' },
  village_cadre: { read: 'self', write: 'self' },
  buyer: { read: 'self', write: 'self' },
  member: { read: 'self', write: 'self' },
});
