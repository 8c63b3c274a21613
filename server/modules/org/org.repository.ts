import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { cooperatives, households } from '../../../db/schema/index';
import { findRow, insertRow, updateRow } from '../../lib/crud.repository';
import type { Row } from '../../lib/resource';
import { userResource } from './org.resources';

// All SQL of the users rules; the service passes a db or its transaction.

/** The account, locked for the rest of the transaction when it is about to change. */
export const findUser = (tx: DbOrTx, id: number, scope: SQL, forUpdate = false) => findRow(tx, userResource, id, scope, forUpdate);
export const insertUser = (tx: DbOrTx, values: Row) => insertRow(tx, userResource, values);
export const updateUser = (tx: DbOrTx, id: number, values: Row) => updateRow(tx, userResource, id, values);

export async function villageOfCooperative(tx: DbOrTx, unionId: number, cooperativeId: number): Promise<number | undefined> {
  const [row] = await tx.select({ village_id: cooperatives.village_id }).from(cooperatives)
    .where(and(eq(cooperatives.id, cooperativeId), eq(cooperatives.union_id, unionId)));
  return row?.village_id;
}

export async function villageOfHousehold(tx: DbOrTx, unionId: number, householdId: number): Promise<number | undefined> {
  const [row] = await tx.select({ village_id: households.village_id }).from(households)
    .where(and(eq(households.id, householdId), eq(households.union_id, unionId)));
  return row?.village_id;
}

/** Stamps a successful sign-in in one statement, returning the stamp before and after. */
export async function stampLogin(tx: DbOrTx, id: number): Promise<{ before: Date | null; after: Date } | undefined> {
  const res = await tx.execute<{ before: Date | string | null; after: Date | string }>(sql`
    UPDATE users u SET last_login_at = now()
    FROM (SELECT id, last_login_at FROM users WHERE id = ${id} FOR UPDATE) old
    WHERE u.id = old.id
    RETURNING old.last_login_at AS before, u.last_login_at AS after`);
  const row = res.rows[0];
  if (!row) return undefined;
  const date = (v: Date | string) => (v instanceof Date ? v : new Date(v));
  return { before: row.before == null ? null : date(row.before), after: date(row.after) };
}
