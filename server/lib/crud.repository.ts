import { asc, desc, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db, DbOrTx } from '../../db/client';
import { changesLive, writeGeneration } from './changes';
import {
  countRows, EXACT_COUNT_CAP, estimateRows, paramsOf, parseListQuery, shapeOf, TtlCache, whereOf, type ListQuery, type Term,
} from './list-query';
import type { ResourceDef, Row } from './resource';

// All SQL of the shared CRUD machinery; services pass a db or a transaction.

/**
 * Statements that are the same on every request are built and compiled once per shape
 * (resource, scope, filter fields, sort) and prepared on the database by name; a request
 * only supplies the values.
 */
interface Prepared {
  execute(values: Record<string, unknown>): Promise<unknown>;
}
const statements = new WeakMap<object, Map<string, Prepared>>();
let statementSeq = 0;

/**
 * Each named statement stays prepared on every connection that ran it, so their number is
 * bounded: the shapes real clients use are few, but a client combining filters could make
 * thousands. Past the bound, a new shape is built for its request and runs unnamed.
 */
export const MAX_PREPARED_SHAPES = 200;

/** How many shapes hold a named statement on this database (at most MAX_PREPARED_SHAPES). */
export const namedShapes = (db: DbOrTx): number => statements.get(db)?.size ?? 0;

function prepared(db: DbOrTx, key: string, build: (name: string) => Prepared): Prepared {
  let byKey = statements.get(db);
  if (!byKey) statements.set(db, (byKey = new Map()));
  let p = byKey.get(key);
  if (!p) {
    if (byKey.size >= MAX_PREPARED_SHAPES) return build('');
    byKey.set(key, (p = build(`q${++statementSeq}`)));
  }
  return p;
}

/** Beyond this offset a page is found by an index-only scan of the ids, then joined. */
export const DEEP_OFFSET = 1000;

/** Exact counts of small filters, reused until the next write (or for a few seconds). */
const counts = new WeakMap<object, TtlCache<number>>();
const COUNT_TTL_MS = 10_000;

export async function listRows(db: Db, def: ResourceDef, query: ListQuery, scope: Term[]) {
  const spec = { ...def.list, table: def.table, idColumn: def.columns.id };
  const p = parseListQuery(spec, query);
  const terms = [...scope, ...p.terms];
  const shape = shapeOf(terms);
  const deep = p.offset >= DEEP_OFFSET;
  const key = `list|${def.name}|${shape}|${p.sortColumn.name}|${p.descending}|${deep}`;
  // A text search's best plan depends on the term (rare or common): planned each time, with
  // its value. Other shapes keep one named statement on each connection.
  const search = terms.some((t) => t.op === 'q');
  const statement = prepared(db, key, (name) => listStatement(db, def, terms, p.sortColumn, p.descending, deep).prepare(search ? '' : name));
  const rows = (await statement.execute(paramsOf(terms, 'p', { limit: p.limit, offset: p.offset }))) as Row[];
  // A page that is not full (and not past the end) tells the total itself.
  if (rows.length > 0 && rows.length < p.limit) return { rows, total: p.offset + rows.length, offset: p.offset };
  if (rows.length === 0 && p.offset === 0) return { rows, total: 0, offset: 0 };
  return { rows, total: Math.max(await totalOf(db, def, terms, shape), p.offset + rows.length), offset: p.offset };
}

/**
 * The total of a full page's filter: the planner's (cached) estimate when it is large; an
 * exact count, capped, when it is small, kept until the next write (or a few seconds).
 */
async function totalOf(db: Db, def: ResourceDef, terms: Term[], shape: string): Promise<number> {
  let cache = counts.get(db);
  if (!cache) counts.set(db, (cache = new TtlCache(COUNT_TTL_MS)));
  const key = `${def.name}|${shape}|${JSON.stringify(terms.map((t) => t.value ?? null))}`;
  const countKey = `${key}|${writeGeneration(def.name)}`;
  const cached = cache.get(countKey);
  if (cached !== undefined) return cached;
  const estimate = await estimateRows(db, def.table, () => whereOf(terms), key);
  if (estimate > EXACT_COUNT_CAP) return estimate;
  const total = await countRows(db, def.table, whereOf(terms));
  // Kept only while another instance's write would be heard of.
  if (changesLive()) cache.set(countKey, total);
  return total;
}


/**
 * The page statement of a list shape, with placeholders `p<i>` for the terms' values,
 * `limit` and `offset` (exported for the benchmark, which runs the same SQL with pgbench).
 */
export function listStatement(db: Db, def: ResourceDef, terms: Term[], sortColumn: AnyPgColumn, descending: boolean, deep: boolean) {
  const dir = descending ? desc : asc;
  const orderBy = sortColumn === def.columns.id ? [dir(def.columns.id)] : [dir(sortColumn), dir(def.columns.id)];
  const where = whereOf(terms, 'p');
  const columns = getTableColumns(def.table);
  const limit = sql.placeholder('limit') as never;
  const offset = sql.placeholder('offset') as never;
  if (!deep) return db.select(columns).from(def.table).where(where).orderBy(...orderBy).limit(limit).offset(offset);
  // Deep pages: walk the (covering) index for the ids alone, then fetch just those rows.
  const ids = db.select({ id: def.columns.id }).from(def.table).where(where).orderBy(...orderBy).limit(limit).offset(offset);
  return db.select(columns).from(def.table).where(inArray(def.columns.id, ids)).orderBy(...orderBy);
}

/** One row by id within a scope; prepared once per resource and scope shape. */
export async function getRow(db: Db, def: ResourceDef, id: number, scope: Term[]): Promise<Row | undefined> {
  const statement = prepared(db, `get|${def.name}|${shapeOf(scope)}`, (name) =>
    db.select().from(def.table).where(sql`${def.columns.id} = ${sql.placeholder('id')} AND ${whereOf(scope, 'p')}`).limit(1).prepare(name));
  const rows = (await statement.execute(paramsOf(scope, 'p', { id }))) as Row[];
  return rows[0];
}

export async function findRow(db: DbOrTx, def: ResourceDef, id: number, scope: SQL, forUpdate = false): Promise<Row | undefined> {
  const q = db.select().from(def.table).where(sql`${eq(def.columns.id, id)} AND ${scope}`).limit(1);
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

/**
 * Aggregates over a list's filter (the same `filter` grammar, within the same scope): the
 * totals a list shows above its rows. `select` is the SELECT list, e.g. count and sums.
 */
export async function aggregateRows(db: DbOrTx, def: ResourceDef, query: ListQuery, scope: Term[], select: SQL, groupBy?: SQL): Promise<Row[]> {
  const p = parseListQuery({ ...def.list, table: def.table, idColumn: def.columns.id }, { filter: query.filter });
  const where = whereOf([...scope, ...p.terms]);
  const res = await db.execute(sql`SELECT ${select} FROM ${def.table} WHERE ${where}${groupBy ? sql` GROUP BY ${groupBy}` : sql``}`);
  return res.rows as Row[];
}

/** A row read by hand-written SQL, as drizzle would return it (timestamps as Dates...). */
export function mapRow(table: PgTable, raw: Row): Row {
  const out: Row = {};
  for (const column of Object.values(getTableColumns(table))) {
    const value = raw[column.name];
    out[column.name] = value == null ? (value ?? null) : column.mapFromDriverValue(value);
  }
  return out;
}

/**
 * Hand-written SQL run as a named prepared statement, planned once per connection rather than
 * on every call: for a hot path whose text never changes (only its parameters do). On the
 * harvest statement planning was 40% of PostgreSQL's time.
 */
export async function executeNamed(db: DbOrTx, name: string, query: SQL): Promise<Row[]> {
  const internals = db as unknown as {
    dialect: { sqlToQuery(q: SQL): { sql: string; params: unknown[] } };
    _: { session: { prepareQuery(q: { sql: string; params: unknown[] }, f: undefined, name: string, arrays: boolean): { execute(): Promise<unknown> } } };
  };
  const res = (await internals._.session.prepareQuery(internals.dialect.sqlToQuery(query), undefined, name, false).execute()) as { rows: Row[] };
  return res.rows;
}
