import type { PolicyMap } from '../../lib/policy';

// Who may trace a lot and run a recall: union staff any lot of the union, a cooperative
// manager or village cadre the lots of their village. Buyers and members see only the
// public trace page (no login, no personal data).

export const tracePolicy: PolicyMap = {
  trace: {
    union_admin: { read: 'union' },
    union_sales: { read: 'union' },
    coop_manager: { read: 'village' },
    village_cadre: { read: 'village' },
  },
};
