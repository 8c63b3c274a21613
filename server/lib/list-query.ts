import { Column, is, sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { fieldError, fieldErrors, fromZodIssue, validationError, type FieldError } from './errors';
import { hasLoneSurrogate, id, isoDate } from './zod-fields';

/** An id in a filter arrives as a number or a numeric string; the same bounds as every id. */
const idValue = z.coerce.number().pipe(id);

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

/**
 * eq: equality (or IN for an array); range: also `<field>_gte`/`_lte`; contains: array holds;
 * lte/gte: the filter is itself a bound (`expiring_within_days` -> `expires_on <= today + n`).
 */
/** Filter builders the modules' resources share: an id (or any value) by equality, a range on a date (or any value). */
export const filterId = z.coerce.number().int().positive().max(2_147_483_647);
export const filterBool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);
export const eqFilter = (column: AnyPgColumn, value: z.ZodType = filterId): FilterSpec => ({ column, value });
export const rangeFilter = (column: AnyPgColumn, value: z.ZodType = isoDate): FilterSpec => ({ column, value, kind: 'range' });

export type FilterKind = 'eq' | 'range' | 'contains' | 'lte' | 'gte';
export interface FilterSpec {
  column: AnyPgColumn;
  /** Parses one value; also used for each element of an array (IN). */
  value: z.ZodType;
  kind?: FilterKind;
}

/**
 * A column `q` searches (substring, case-insensitive). On large tables each is indexed, for
 * terms of 3 characters or more, by a trigram index. Flags:
 * - `ascii`: the column holds only ASCII (codes, phone numbers, as validated), so a term with
 *   other characters (a Chinese name) cannot match it and it is left out;
 * - `chars`: the column also has a GIN index of its characters
 *   (`regexp_split_to_array(col, '')`), which serves the 1- and 2-character terms trigrams
 *   cannot (most Chinese names and surnames).
 */
export type SearchColumn = AnyPgColumn | { column: AnyPgColumn; ascii?: boolean; chars?: boolean };

export interface ListSpec {
  table: PgTable;
  idColumn: AnyPgColumn;
  sortable: Record<string, AnyPgColumn>;
  filters: Record<string, FilterSpec>;
  /** Columns matched by the free-text filter `q` (ILIKE, trigram-indexed where it matters). */
  search: SearchColumn[];
  defaultSort?: [string, 'ASC' | 'DESC'];
}

/** One condition of a list request, with its value kept apart so the statement can be reused. */
export interface Term {
  op: 'eq' | 'in' | 'gte' | 'lte' | 'contains' | 'q' | 'none';
  /** The column (for `q`, the searched columns). */
  columns: AnyPgColumn[];
  value?: unknown;
  /** For `q` by a short term: the term itself, matched against the `chars` columns' character index. */
  chars?: { columns: AnyPgColumn[]; needle: string };
}

export interface ParsedList {
  /** The filter's conditions, in a stable order (by field name). */
  terms: Term[];
  sortColumn: AnyPgColumn;
  descending: boolean;
  offset: number;
  limit: number;
}

function parseJson(name: string, raw: string | undefined): unknown {
  if (raw === undefined || raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    throw validationError(fieldErrors({ [name]: fieldError('invalid_json', 'must be valid JSON') }), `Invalid ${name}`);
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
export function parseListQuery(spec: ListSpec, q: ListQuery): ParsedList {
  const sortRaw = parseJson('sort', q.sort) ?? spec.defaultSort ?? ['id', 'ASC'];
  const sortParsed = sortSchema.safeParse(sortRaw);
  if (!sortParsed.success) throw validationError(fieldErrors({ sort: fieldError('invalid_format', 'must be ["field","ASC"|"DESC"]', { format: 'sort' }) }), 'Invalid sort');
  const [sortField, sortDir] = sortParsed.data;
  const sortColumn = sortField === 'id' ? spec.idColumn : own(spec.sortable, sortField);
  if (!sortColumn) throw validationError(fieldErrors({ sort: fieldError('not_sortable', `cannot sort by ${sortField}`, { field: sortField }) }), 'Invalid sort');

  const rangeRaw = parseJson('range', q.range) ?? [0, 24];
  const rangeParsed = rangeSchema.safeParse(rangeRaw);
  if (!rangeParsed.success) throw validationError(fieldErrors({ range: fieldError('invalid_format', 'must be [start, end] with 0 <= start <= end', { format: 'range' }) }), 'Invalid range');
  const [start, end] = rangeParsed.data;
  const limit = Math.min(end - start + 1, MAX_PAGE);

  const filterRaw = parseJson('filter', q.filter) ?? {};
  if (typeof filterRaw !== 'object' || filterRaw === null || Array.isArray(filterRaw)) {
    throw validationError(fieldErrors({ filter: fieldError('invalid_type', 'must be a JSON object', { expected: 'object' }) }), 'Invalid filter');
  }
  const terms: Term[] = [];
  // Null prototype: a key such as `__proto__` is kept as a field name, not taken as the prototype.
  const errors = fieldErrors();
  // Sorted keys: the same filter in another order is the same statement.
  for (const key of Object.keys(filterRaw).sort()) {
    const value = (filterRaw as Record<string, unknown>)[key];
    if (value === undefined || value === null || value === '') continue;
    const term = filterTerm(spec, key, value);
    if (term && 'code' in term) errors[key] = term;
    else if (term) terms.push(term);
  }
  if (Object.keys(errors).length) throw validationError(errors, 'Invalid filter');
  return { terms, sortColumn, descending: sortDir.toUpperCase() === 'DESC', offset: start, limit };
}

const invalid = (error: z.ZodError): FieldError => {
  const issue = error.issues[0];
  return issue ? fromZodIssue(issue as never) : fieldError('invalid_value', 'invalid value');
};
const notFilter = () => fieldError('not_a_filter', 'is not a filter of this resource');

function filterTerm(spec: ListSpec, key: string, value: unknown): Term | FieldError | undefined {
  if (key === 'q') {
    if (typeof value !== 'string') return fieldError('invalid_type', 'must be a string', { expected: 'string' });
    if (value.length > 100) return fieldError('too_long', 'must be at most 100 characters', { maximum: 100 });
    if (/\u0000/.test(value)) return fieldError('control_characters', 'must not contain control characters');
    if (hasLoneSurrogate(value)) return fieldError('lone_surrogate', 'must not contain unpaired surrogates');
    if (!spec.search.length) return fieldError('search_unavailable', 'free-text search is not available here');
    const needle = value.trim();
    if (!needle) return undefined;
    const ascii = /^[\x20-\x7e]*$/.test(needle);
    const cols = spec.search.map((c) => (is(c, Column) ? { column: c as AnyPgColumn, ascii: false, chars: false } : c));
    const searched = cols.filter((c) => ascii || !c.ascii);
    // Terms of 1-2 characters without case (Chinese, digits): the character index narrows them.
    const short = [...needle].length <= 2 && needle.toLowerCase() === needle.toUpperCase();
    const charCols = short ? searched.filter((c) => c.chars).map((c) => c.column) : [];
    const term: Term = { op: 'q', columns: searched.map((c) => c.column), value: `%${escapeLike(needle)}%` };
    if (!term.columns.length) return { op: 'none', columns: [] };
    return charCols.length ? { ...term, chars: { columns: charCols, needle } } : term;
  }
  const rangeMatch = /^(.+)_(gte|lte)$/.exec(key);
  const base = key === 'id' ? { column: spec.idColumn, value: idValue, kind: 'eq' as const } : own(spec.filters, key);
  if (!base && rangeMatch) {
    const f = own(spec.filters, rangeMatch[1]);
    if (!f || f.kind !== 'range') return notFilter();
    const parsed = f.value.safeParse(value);
    if (!parsed.success) return invalid(parsed.error);
    return { op: rangeMatch[2] === 'gte' ? 'gte' : 'lte', columns: [f.column], value: parsed.data };
  }
  if (!base) return notFilter();
  if (base.kind === 'lte' || base.kind === 'gte') {
    const parsed = base.value.safeParse(value);
    if (!parsed.success) return invalid(parsed.error);
    return { op: base.kind, columns: [base.column], value: parsed.data };
  }
  if (base.kind === 'contains') {
    const parsed = base.value.safeParse(value);
    if (!parsed.success) return invalid(parsed.error);
    return { op: 'contains', columns: [base.column], value: [parsed.data] };
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return { op: 'none', columns: [base.column] };
    if (value.length > 1000) return fieldError('too_many_items', 'at most 1000 values', { maximum: 1000 });
    const parsed = z.array(base.value).safeParse(value);
    if (!parsed.success) return invalid(parsed.error);
    return { op: 'in', columns: [base.column], value: parsed.data };
  }
  const parsed = base.value.safeParse(value);
  if (!parsed.success) return invalid(parsed.error);
  return { op: 'eq', columns: [base.column], value: parsed.data };
}

/**
 * A term as SQL. With `param`, the value is a placeholder of that name (statements built once
 * and prepared); without, the value is inlined as a parameter (EXPLAIN, one-off queries).
 */
export function termSql(term: Term, param?: string): SQL {
  const v = param === undefined ? term.value : sql.placeholder(param);
  const [c] = term.columns;
  switch (term.op) {
    case 'eq':
      return sql`${c} = ${v}`;
    case 'in':
      return sql`${c} = ANY(${param === undefined ? sql.param(term.value) : v})`;
    case 'gte':
      return sql`${c} >= ${v}`;
    case 'lte':
      return sql`${c} <= ${v}`;
    case 'contains':
      return sql`${c} @> ${param === undefined ? sql.param(term.value) : v}::text[]`;
    case 'q': {
      // One placeholder per column: drizzle fills each from the same value.
      const needle = param === undefined ? term.chars?.needle : sql.placeholder(`${param}c`);
      const withChars = new Set(term.chars?.columns ?? []);
      const one = (col: AnyPgColumn) => (withChars.has(col)
        ? sql`(regexp_split_to_array(${col}, '') @> regexp_split_to_array(${needle}::text, '') AND ${col} ILIKE ${v})`
        : sql`${col} ILIKE ${v}`);
      return sql`(${sql.join(term.columns.map(one), sql` OR `)})`;
    }
    case 'none':
      return sql`false`;
  }
}

/** The shape of a list of terms: two requests with one shape share one statement. */
export const shapeOf = (terms: Term[]): string =>
  terms.map((t) => `${t.op}:${t.columns.map((c) => c.name).join('|')}${t.chars ? `/${t.chars.columns.map((c) => c.name).join('|')}` : ''}`).join(',');

/** The terms joined with AND; placeholders named `${prefix}${i}`, or inlined values. */
export function whereOf(terms: Term[], prefix?: string): SQL {
  if (!terms.length) return sql`true`;
  return sql.join(terms.map((t, i) => termSql(t, prefix === undefined ? undefined : `${prefix}${i}`)), sql` AND `);
}

/** Placeholder values for `whereOf(terms, prefix)`. */
export function paramsOf(terms: Term[], prefix: string, into: Record<string, unknown> = {}): Record<string, unknown> {
  terms.forEach((t, i) => {
    if (t.op !== 'none') into[`${prefix}${i}`] = t.value;
    if (t.chars) into[`${prefix}${i}c`] = t.chars.needle;
  });
  return into;
}

/** `count(*)` that stops at EXACT_COUNT_CAP + 1 rows, as a scalar subquery. */
export function cappedCountExpr(table: PgTable, where: SQL): SQL<number> {
  return sql<number>`(SELECT count(*)::int FROM (SELECT 1 FROM ${table} WHERE ${where} LIMIT ${sql.raw(String(EXACT_COUNT_CAP + 1))}) s)`;
}

export async function countRows(db: DbOrTx, table: PgTable, where: SQL): Promise<number> {
  const res = await db.execute<{ n: number }>(sql`SELECT ${cappedCountExpr(table, where)} AS n`);
  return Number(res.rows[0]?.n ?? 0);
}

/** A small cache with a time to live and a size bound (oldest entries go first). */
export class TtlCache<V> {
  private readonly map = new Map<string, { value: V; until: number }>();
  constructor(private readonly ttlMs: number, private readonly max = 2000) {}
  get(key: string): V | undefined {
    const hit = this.map.get(key);
    if (!hit) return undefined;
    if (hit.until > Date.now()) return hit.value;
    this.map.delete(key);
    return undefined;
  }
  set(key: string, value: V) {
    if (this.map.size >= this.max) this.map.delete(this.map.keys().next().value as string);
    this.map.set(key, { value, until: Date.now() + this.ttlMs });
  }
}

/** Per database: two databases in one process (tests, tools) never share an estimate. */
const estimates = new WeakMap<object, TtlCache<number>>();

/**
 * The planner's row estimate for a filter, cached per query for a while: deciding between
 * an exact count and an estimate must not itself cost a scan.
 */
export async function estimateRows(db: DbOrTx, table: PgTable, where: () => SQL, key: string): Promise<number> {
  let cache = estimates.get(db);
  if (!cache) estimates.set(db, (cache = new TtlCache<number>(30_000)));
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const plan = await db.execute<{ 'QUERY PLAN': unknown }>(sql`EXPLAIN (FORMAT JSON) SELECT 1 FROM ${table} WHERE ${where()}`);
  const raw = plan.rows[0]?.['QUERY PLAN'];
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as { Plan: { 'Plan Rows': number } }[];
  const value = Math.round(doc[0]?.Plan['Plan Rows'] ?? 0);
  cache.set(key, value);
  return value;
}
