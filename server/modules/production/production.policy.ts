import type { PolicyMap } from '../../lib/policy';

// Who reads and records production, by role (domain.md, "Users and what they do"): the
// manager records their village's plantings, inputs and harvests; the cadre and the sales
// staff read them; a member reads their own household's. Food-safety records have no
// update or delete for anyone: a correction is a new record.

const all = { read: 'union', create: 'union', update: 'union', delete: 'union' } as const;
const village = { read: 'village', create: 'village', update: 'village', delete: 'village' } as const;

export const productionPolicy: PolicyMap = {
  crops: {
    union_admin: all,
    union_sales: { read: 'union' },
    coop_manager: { read: 'union' },
    village_cadre: { read: 'union' },
    buyer: { read: 'union' },
    member: { read: 'union' },
  },
  plantings: {
    union_admin: all,
    union_sales: { read: 'union' },
    coop_manager: village,
    village_cadre: { read: 'village' },
    member: { read: 'household' },
  },
  'input-applications': {
    union_admin: { read: 'union', create: 'union' },
    union_sales: { read: 'union' },
    coop_manager: { read: 'village', create: 'village' },
    village_cadre: { read: 'village' },
    member: { read: 'household' },
  },
  'harvest-lots': {
    union_admin: { read: 'union', create: 'union' },
    union_sales: { read: 'union' },
    coop_manager: { read: 'village', create: 'village' },
    village_cadre: { read: 'village' },
    member: { read: 'household' },
  },
  'residue-tests': {
    union_admin: { read: 'union', create: 'union' },
    union_sales: { read: 'union' },
    coop_manager: { read: 'village', create: 'village' },
    village_cadre: { read: 'village' },
  },
  'work-records': {
    union_admin: all,
    union_sales: { read: 'union' },
    coop_manager: village,
    village_cadre: { read: 'village' },
    member: { read: 'household' },
  },
};
