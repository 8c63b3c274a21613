import { bigint, index, integer, jsonb, pgEnum, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core';
import { unions, users } from './org';

export const auditActionEnum = pgEnum('audit_action', ['create', 'update', 'delete']);

/**
 * Append-only: a trigger (see the migration audit_log_immutable) refuses UPDATE, DELETE
 * and TRUNCATE, so the trail cannot be rewritten even by the application's own role.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    user_id: integer().references(() => users.id),
    username: varchar({ length: 60 }),
    action: auditActionEnum().notNull(),
    resource: varchar({ length: 60 }).notNull(),
    record_id: varchar({ length: 60 }).notNull(),
    before: jsonb(),
    after: jsonb(),
    request_id: varchar({ length: 64 }),
    at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    index('audit_log_union_at_idx').on(t.union_id, t.id),
    index('audit_log_record_idx').on(t.resource, t.record_id),
  ],
);
