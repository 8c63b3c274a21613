import type { PolicyMap } from '../../lib/policy';

// Who keeps the rooms and the ledger: the manager their village's, the administrator all;
// sales staff read everything (they sell from stock), the cadre reads their village's.
// The ledger and the readings have no update or delete for anyone: a mistake is reversed.

const record = { read: 'union', create: 'union' } as const;
const villageRecord = { read: 'village', create: 'village' } as const;

export const storagePolicy: PolicyMap = {
  warehouses: {
    union_admin: { read: 'union', create: 'union', update: 'union', delete: 'union' },
    union_sales: { read: 'union' },
    coop_manager: { read: 'village', create: 'village', update: 'village' },
    village_cadre: { read: 'village' },
  },
  'temperature-readings': { union_admin: record, union_sales: { read: 'union' }, coop_manager: villageRecord, village_cadre: { read: 'village' } },
  'stock-movements': { union_admin: record, union_sales: { read: 'union' }, coop_manager: villageRecord, village_cadre: { read: 'village' } },
  stock: { union_admin: { read: 'union' }, union_sales: { read: 'union' }, coop_manager: { read: 'village' }, village_cadre: { read: 'village' } },
  'processing-runs': { union_admin: record, union_sales: { read: 'union' }, coop_manager: villageRecord, village_cadre: { read: 'village' } },
};
