import { and, asc, desc, eq, gte, ilike, inArray, lte, or, sql, type SQL } from 'drizzle-orm';
import { PgDialect, type AnyPgColumn, type PgTable } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { validationError, type FieldErrors } from './errors';
import { hasLoneSurrogate } from './zod-fields';

/** react-admin's list contract (ra-data-simple-rest): JSON-encoded sort, range and filter. */
export const listQuerySchema = z.object({
  sort: z.string().max(200).optional().describe('JSON ["field","ASC"|"DESC"]'),
  range: z.string().max(100).optional().describe('JSON [start, end], inclusive; at most 100 rows'),
  filter: z.string().max(4000).optional().describe('JSON object: field equality, "q" free text, "id" array, <field>_gte/_lte'),
});
export type ListQuery = z.infer<typeof listQuerySchema>;

export const MAX_PAGE = 100;
/** Beyond this many matching rows (by the planner's estimate) the total is that estimate, not a count. */
export const EXACT_COUNT_CAP = 10_000;

export type FilterKind = 'eq' | 'range' | 'contains';
export interface FilterSpec {
  column: AnyPgColumn;
  /** Parses one value; also used for each element of an array (IN). */
  value: z.ZodType;
  kind?: FilterKind;
}

export interface ListSpec {
  table: PgTable;
  idColumn: AnyPgColumn;
  sortable: Record<string, AnyPgColumn>;
  filters: Record<string, FilterSpec>;
  /** Columns matched by the free-text filter `q` (ILIKE, trigram-indexed where it matters). */
  search: AnyPgColumn[];
  defaultSort?: [string, 'ASC' | 'DESC'];
}

export interface ParsedList {
  where: SQL | undefined;
  orderBy: SQL[];
  offset: number;
  limit: number;
}

function parseJson(name: string, raw: string | undefined): unknown {
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw validationError({ [name]: 'must be valid JSON' }, `Invalid ${name}`);
  }
}

const sortSchema = z.tuple([z.string(), z.enum(['ASC', 'DESC', 'asc', 'desc'])]);
const rangeSchema = z.tuple([z.number().int().min(0), z.number().int().min(0)]).refine(([a, b]) => b >= a, 'end must not be before start');

/** The entry a client's name picks, never one inherited from Object.prototype (`constructor`, `__proto__`, `toString`...). */
function own<T>(map: Record<string, T>, key: string): T | undefined {
  return Object.hasOwn(map, key) ? map[key] : undefined;
}

function escapeLike(s: string): string {
  return s.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** Parses and validates a list request against the resource's spec; unknown fields are 400s. */
export function parseListQuery(spec: ListSpec, q: ListQuery, scope: SQL | undefined): ParsedList {
  const sortRaw = parseJson('sort', q.sort) ?? spec.defaultSort ?? ['id', 'ASC'];
  const sortParsed = sortSchema.safeParse(sortRaw);
  if (!sortParsed.success) throw validationError({ sort: 'must be ["field","ASC"|"DESC"]' }, 'Invalid sort');
  const [sortField, sortDir] = sortParsed.data;
  const sortCol = sortField === 'id' ? spec.idColumn : own(spec.sortable, sortField);
  if (!sortCol) throw validationError({ sort: `cannot sort by ${sortField}` }, 'Invalid sort');
  const dir = sortDir.toUpperCase() === 'DESC' ? desc : asc;
  // id breaks ties so pages never overlap or skip rows.
  const orderBy = sortCol === spec.idColumn ? [dir(spec.idColumn)] : [dir(sortCol), dir(spec.idColumn)];

  const rangeRaw = parseJson('range', q.range) ?? [0, 24];
  const rangeParsed = rangeSchema.safeParse(rangeRaw);
  if (!rangeParsed.success) throw validationError({ range: 'must be [start, end] with 0 <= start <= end' }, 'Invalid range');
  const [start, end] = rangeParsed.data;
  const limit = Math.min(end - start + 1, MAX_PAGE);

  const filterRaw = parseJson('filter', q.filter) ?? {};
  if (typeof filterRaw !== 'object' || filterRaw === null || Array.isArray(filterRaw)) {
    throw validationError({ filter: 'must be a JSON object' }, 'Invalid filter');
  }
  const conditions: (SQL | undefined)[] = [scope];
  // Null prototype: a key such as `__proto__` is kept as a field name, not taken as the prototype.
  const errors: FieldErrors = Object.create(null);
  for (const [key, value] of Object.entries(filterRaw as Record<string, unknown>)) {
    if (value === undefined || value === null || value === '') continue;
    const cond = filterCondition(spec, key, value);
    if (typeof cond === 'string') errors[key] = cond;
    else conditions.push(cond);
  }
  if (Object.keys(errors).length) throw validationError({ ...errors }, 'Invalid filter');
  return { where: and(...conditions), orderBy, offset: start, limit };
}

function filterCondition(spec: ListSpec, key: string, value: unknown): SQL | string {
  if (key === 'q') {
    if (typeof value !== 'string' || value.length > 100 || /\u0000/.test(value)) return 'must be a string of at most 100 characters';
    if (hasLoneSurrogate(value)) return 'must not contain unpaired surrogates';
    if (!spec.search.length) return 'free-text search is not available here';
    const pattern = `%${escapeLike(value.trim())}%`;
    return or(...spec.search.map((c) => ilike(c, pattern)))!;
  }
  const rangeMatch = /^(.+)_(gte|lte)$/.exec(key);
  const base = key === 'id' ? { column: spec.idColumn, value: z.coerce.number().int().positive(), kind: 'eq' as const } : own(spec.filters, key);
  if (!base && rangeMatch) {
    const f = own(spec.filters, rangeMatch[1]);
    if (!f || f.kind !== 'range') return 'is not a filter of this resource';
    const parsed = f.value.safeParse(value);
    if (!parsed.success) return parsed.error.issues[0]?.message ?? 'invalid value';
    return rangeMatch[2] === 'gte' ? gte(f.column, parsed.data) : lte(f.column, parsed.data);
  }
  if (!base) return 'is not a filter of this resource';
  if (base.kind === 'contains') {
    const parsed = base.value.safeParse(value);
    if (!parsed.success) return parsed.error.issues[0]?.message ?? 'invalid value';
    return sql`${base.column} @> ARRAY[${parsed.data}]::text[]`;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return sql`false`;
    if (value.length > 1000) return 'at most 1000 values';
    const parsed = z.array(base.value).safeParse(value);
    if (!parsed.success) return parsed.error.issues[0]?.message ?? 'invalid value';
    return inArray(base.column, parsed.data as unknown[]);
  }
  const parsed = base.value.safeParse(value);
  if (!parsed.success) return parsed.error.issues[0]?.message ?? 'invalid value';
  return eq(base.column, parsed.data);
}

/** `count(*)` that stops at EXACT_COUNT_CAP + 1 rows, as a scalar subquery. */
export function cappedCountExpr(table: PgTable, where: SQL | undefined): SQL<number> {
  return sql<number>`(SELECT count(*)::int FROM (SELECT 1 FROM ${table} WHERE ${where ?? sql`true`} LIMIT ${EXACT_COUNT_CAP + 1}) s)`;
}

export async function countRows(db: DbOrTx, table: PgTable, where: SQL | undefined): Promise<number> {
  const res = await db.execute<{ n: number }>(sql`SELECT ${cappedCountExpr(table, where)} AS n`);
  return Number(res.rows[0]?.n ?? 0);
}

const estimates = new Map<string, { value: number; until: number }>();
const ESTIMATE_TTL_MS = 30_000;

/**
 * The planner's row estimate for a filter, cached per query for a while: deciding between
 * an exact count and an estimate must not itself cost a scan.
 */
export async function estimateRows(db: DbOrTx, table: PgTable, where: SQL | undefined): Promise<number> {
  const query = sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${table} WHERE ${where ?? sql`true`}`;
  const compiled = dialect.sqlToQuery(query);
  const key = `${compiled.sql}|${JSON.stringify(compiled.params)}`;
  const hit = estimates.get(key);
  if (hit && hit.until > Date.now()) return hit.value;
  const plan = await db.execute<{ 'QUERY PLAN': unknown }>(query);
  const raw = plan.rows[0]?.['QUERY PLAN'];
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: { 'Plan Rows': number } }[];
  const value = Math.round(doc[0]?.Plan['Plan Rows'] ?? 0);
  if (estimates.size > 1000) estimates.clear();
  estimates.set(key, { value, until: Date.now() + ESTIMATE_TTL_MS });
  return value;
}
const dialect = new PgDialect();
