import * as s from '../../db/schema/index';
import type { Fixture } from './world';

// The audit module's one resource: entries are never made through the API, so every case
// aims at an entry of the union (or of the other union) that is already there.

const auditLog: Fixture = {
  table: s.auditLog,
  existing: (w, l) => (l.union === w.foreign.union ? w.foreign.ids['audit-log'] : w.audit),
  deletable: async (w, l) => auditLog.existing(w, l),
  createBody: async (_w, _l, k) => ({ body: { action: 'update', resource: `x${k}`, record_id: k } }),
  updateBody: (k) => ({ resource: `x${k}` }),
};

export const auditFixtures: Record<string, Fixture> = { 'audit-log': auditLog };
