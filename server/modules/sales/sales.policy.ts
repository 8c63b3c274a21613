import type { PolicyMap } from '../../lib/policy';

// Who sells and who buys: the union's sales staff and administrator run listings, orders and
// payments; a buyer sees what is offered, and orders and reads their own organisation's.

const all = { read: 'union', create: 'union', update: 'union', delete: 'union' } as const;
const staffVerbs = { confirm: 'union', allocate: 'union', cancel: 'union', dispatch: 'union' } as const;

export const salesPolicy: PolicyMap = {
  listings: {
    union_admin: all,
    union_sales: all,
    coop_manager: { read: 'union' },
    village_cadre: { read: 'union' },
  },
  'supply-listings': {
    union_admin: { read: 'union' },
    union_sales: { read: 'union' },
    buyer: { read: 'union' },
  },
  orders: {
    union_admin: { read: 'union', create: 'union', verbs: staffVerbs },
    union_sales: { read: 'union', create: 'union', verbs: staffVerbs },
    // A buyer withdraws their own order while it is only submitted (the service checks the status).
    buyer: { read: 'buyer', create: 'buyer', verbs: { cancel: 'buyer' } },
  },
  'order-lines': {
    union_admin: { read: 'union' },
    union_sales: { read: 'union' },
    buyer: { read: 'buyer' },
  },
  allocations: {
    union_admin: { read: 'union' },
    union_sales: { read: 'union' },
  },
  deliveries: {
    union_admin: { read: 'union', verbs: { receive: 'union' } },
    union_sales: { read: 'union', verbs: { receive: 'union' } },
    // The buyer records what arrived on their own deliveries.
    buyer: { read: 'buyer', verbs: { receive: 'buyer' } },
  },
  'delivery-lines': {
    union_admin: { read: 'union' },
    union_sales: { read: 'union' },
    buyer: { read: 'buyer' },
  },
  certificates: {
    union_admin: { read: 'union', verbs: { supersede: 'union' } },
    union_sales: { read: 'union', verbs: { supersede: 'union' } },
    buyer: { read: 'buyer' },
  },
  payments: {
    union_admin: { read: 'union', create: 'union' },
    union_sales: { read: 'union', create: 'union' },
    buyer: { read: 'buyer' },
  },
};
