import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { cooperatives, households, users } from '../../../db/schema/index';
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

/** Stamps a successful sign-in and returns the account's public row before and after. */
export async function stampLogin(tx: DbOrTx, id: number): Promise<{ before: Row; after: Row } | undefined> {
  const [before] = (await tx.select().from(users).where(eq(users.id, id)).for('update')) as Row[];
  if (!before) return undefined;
  const [after] = (await tx.update(users).set({ last_login_at: sql`now()` }).where(eq(users.id, id)).returning()) as Row[];
  return { before, after };
}
