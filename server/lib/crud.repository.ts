import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { cappedCountExpr, countRows, estimateRows, EXACT_COUNT_CAP, parseListQuery, type ListQuery } from './list-query';
import type { ResourceDef, Row } from './resource';

// All SQL of the shared CRUD machinery; services pass a db or a transaction.

export async function listRows(db: DbOrTx, def: ResourceDef, query: ListQuery, scope: SQL) {
  const spec = { ...def.list, table: def.table, idColumn: def.columns.id };
  const p = parseListQuery(spec, query, scope);
  // Large results take the planner's (cached) estimate; small ones are counted exactly,
  // in the same round trip as the page.
  const estimate = await estimateRows(db, def.table, p.where);
  const exact = estimate <= EXACT_COUNT_CAP;
  const rows = (await db
    .select({ ...getTableColumns(def.table), ...(exact && { [TOTAL]: cappedCountExpr(def.table, p.where) }) })
    .from(def.table)
    .where(p.where)
    .orderBy(...p.orderBy)
    .limit(p.limit)
    .offset(p.offset)) as Row[];
  let total = estimate;
  if (exact) total = rows.length ? Number(rows[0][TOTAL]) : await countRows(db, def.table, p.where);
  for (const r of rows) delete r[TOTAL];
  // Never claim fewer rows than the page just proved to exist.
  total = Math.max(total, p.offset + rows.length);
  return { rows, total, offset: p.offset };
}

const TOTAL = '__total';

export async function findRow(db: DbOrTx, def: ResourceDef, id: number, scope: SQL, forUpdate = false): Promise<Row | undefined> {
  const q = db.select().from(def.table).where(and(eq(def.columns.id, id), scope)).limit(1);
  const rows = (forUpdate ? await q.for('update') : await q) as Row[];
  return rows[0];
}

export async function insertRow(db: DbOrTx, def: ResourceDef, values: Row): Promise<Row> {
  const rows = (await db.insert(def.table).values(values as never).returning()) as Row[];
  return rows[0];
}

export async function updateRow(db: DbOrTx, def: ResourceDef, id: number, values: Row): Promise<Row> {
  const set: Row = { ...values, updated_at: sql`now()` };
  if (def.columns.version) set.version = sql`${def.columns.version} + 1`;
  const rows = (await db.update(def.table).set(set as never).where(eq(def.columns.id, id)).returning()) as Row[];
  return rows[0];
}

export async function deleteRow(db: DbOrTx, def: ResourceDef, id: number): Promise<void> {
  await db.delete(def.table).where(eq(def.columns.id, id));
}
