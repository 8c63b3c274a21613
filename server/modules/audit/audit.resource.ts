import { z } from 'zod';
import { auditLog } from '../../../db/schema/index';
import type { PolicyMap } from '../../lib/policy';
import type { ResourceDef } from '../../lib/resource';
import { plainString, timestampValue } from '../../lib/zod-fields';

export const auditPolicy: PolicyMap = { 'audit-log': { union_admin: { read: 'union' } } };

const record = z.object({
  id: z.number().int(),
  union_id: z.number().int(),
  user_id: z.number().int().nullable(),
  username: z.string().nullable(),
  action: z.string().describe('create, update, delete or a verb (login, change-password...)'),
  resource: z.string(),
  record_id: z.string(),
  before: z.unknown(),
  after: z.unknown(),
  request_id: z.string().nullable(),
  at: z.string(),
  seal: z.string().nullable().describe('HMAC-SHA-256 chaining this row to the previous one of its union; null until sealed'),
  seal_prev_id: z.number().int().nullable().describe('the previous row of the chain when sealed'),
});

/** Read-only for administrators: the trail is written only by the services, in their transactions. */
export const auditResource: ResourceDef = {
  name: 'audit-log',
  tag: 'audit',
  table: auditLog,
  columns: auditLog,
  list: {
    sortable: { at: auditLog.at, resource: auditLog.resource, action: auditLog.action, username: auditLog.username },
    filters: {
      resource: { column: auditLog.resource, value: plainString().max(60) },
      action: { column: auditLog.action, value: plainString().max(60) },
      user_id: { column: auditLog.user_id, value: z.coerce.number().int().positive() },
      record_id: { column: auditLog.record_id, value: z.union([plainString().max(60), z.number().int().transform(String)]) },
      at: { column: auditLog.at, value: timestampValue, kind: 'range' },
    },
    search: [auditLog.resource, auditLog.username, auditLog.record_id],
    defaultSort: ['id', 'DESC'],
  },
  scopeColumns: {},
  record,
  create: z.object({}).strict(),
  update: z.object({}).strict(),
  readOnly: [],
  operations: ['list', 'get'],
};
