import { bigint, char, index, integer, jsonb, pgTable, timestamp, varchar } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import { unions, users } from './org';

/**
 * Append-only: a trigger refuses UPDATE (except sealing an unsealed row), DELETE and
 * TRUNCATE. Each row is sealed shortly after commit into a per-union HMAC chain in id order
 * (server/modules/audit/audit.service.ts) with a key the database does not hold, so a
 * row altered, removed or slipped in later by someone with database rights is found by
 * `npm run audit:verify`.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    user_id: integer().references(() => users.id),
    username: varchar({ length: 60 }),
    /** create, update, delete or a verb (login, change-password...). */
    action: varchar({ length: 60 }).notNull(),
    resource: varchar({ length: 60 }).notNull(),
    record_id: varchar({ length: 60 }).notNull(),
    before: jsonb(),
    after: jsonb(),
    request_id: varchar({ length: 64 }),
    at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    /** HMAC-SHA-256 (hex) over the previous row's seal and this row; null until sealed. */
    seal: char({ length: 64 }),
    /** The previous row of the union's chain at sealing time (null for the first). */
    seal_prev_id: bigint({ mode: 'number' }),
  },
  (t) => [
    index('audit_log_union_at_idx').on(t.union_id, t.id),
    index('audit_log_record_idx').on(t.resource, t.record_id),
    // The sealer's two look-ups: the rows still to seal, and the chain's tail, each a short
    // index range even when a backlog of a million rows waits.
    index('audit_log_unsealed_idx').on(t.union_id, t.id).where(sql`seal IS NULL`),
    index('audit_log_sealed_idx').on(t.union_id, t.id).where(sql`seal IS NOT NULL`),
  ],
);
