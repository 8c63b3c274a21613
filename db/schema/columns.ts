import { integer, timestamp } from 'drizzle-orm/pg-core';

// Columns every business table shares. Property names are snake_case on purpose:
// the same name serves the column, the API field and the console source.
export const timestamps = {
  created_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  updated_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
};

/** Optimistic-concurrency counter: a PUT that carries a stale version gets 409. */
export const version = {
  version: integer().notNull().default(1),
};
