import { char, index, integer, pgTable, primaryKey, smallint, text, timestamp, varchar } from 'drizzle-orm/pg-core';
import { unions, users } from './org';

/**
 * Idempotency keys of writes (lib/idempotency.ts): one row per user and key, holding a
 * hash of the request and, once it finished, the response to replay. Kept at least 24 hours.
 */
export const idempotencyKeys = pgTable(
  'idempotency_keys',
  {
    user_id: integer().notNull().references(() => users.id, { onDelete: 'cascade' }),
    key: varchar({ length: 200 }).notNull(),
    union_id: integer().notNull().references(() => unions.id),
    /** SHA-256 of method, path and canonical body. */
    request_hash: char({ length: 64 }).notNull(),
    method: varchar({ length: 10 }).notNull(),
    path: varchar({ length: 2048 }).notNull(),
    /** Null while the first request is still running. */
    status_code: smallint(),
    response: text(),
    created_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    completed_at: timestamp({ withTimezone: true, mode: 'date' }),
  },
  (t) => [primaryKey({ name: 'idempotency_keys_pkey', columns: [t.user_id, t.key] }), index('idempotency_keys_created_idx').on(t.created_at)],
);
