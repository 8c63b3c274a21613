import type { SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { z } from 'zod';
import type { DbOrTx } from '../../db/client';
import { fieldError, fieldErrors, forbidden } from './errors';
import { whereOf, type ListSpec, type Term } from './list-query';
import type { AuthUser, Scope } from './policy';

export type Row = Record<string, unknown>;

export interface WriteContext {
  user: AuthUser;
  requestId: string;
}

/**
 * Everything the shared CRUD machinery needs to serve one react-admin resource.
 * Modules declare these; lib/crud.* turn them into routes, queries and audit records.
 */
export interface ResourceDef {
  /** URL segment, react-admin resource name and audit `resource`. */
  name: string;
  /** OpenAPI tag. */
  tag: string;
  table: PgTable;
  columns: { id: AnyPgColumn; union_id: AnyPgColumn; version?: AnyPgColumn };
  list: Omit<ListSpec, 'table' | 'idColumn'>;
  /** The column that pins a row to each scope; a scope without its column sees nothing. */
  scopeColumns: Partial<Record<Exclude<Scope, 'union'>, AnyPgColumn>>;
  record: z.ZodObject;
  create: z.ZodObject;
  update: z.ZodObject;
  /** Sent back by react-admin on update: accepted when unchanged, refused when changed. */
  readOnly: string[];
  /**
   * Kept by the server from other records (a room's stock, a planting's harvestable date):
   * returned, sent back by react-admin on update, and ignored there (never compared, since
   * they may have moved since the form was read).
   */
  derived?: string[];
  /** For the `self` write scope: the only fields a user may change on their own row. */
  selfWritable?: string[];
  /** Never leaves the server (password_hash). */
  hidden?: string[];
  /** Turns validated input into column values (hash a password, derive a village...). */
  prepare?: (db: DbOrTx, ctx: WriteContext, input: Row, before?: Row) => Promise<Row>;
  /**
   * The generic routes served (default: all). A resource whose writes carry rules keeps
   * the generic reads and leaves out the writes its module's own routes replace.
   */
  operations?: readonly Operation[];
  /**
   * Records kept as written (food-safety records, the stock ledger): PUT and DELETE answer
   * 405 with this explanation (how to correct one instead).
   */
  appendOnly?: string;
  /** Adds the fields derived at read time (days left before expiry...) to each row read. */
  present?: (row: Row) => Row;
}

export const operations = ['list', 'get', 'create', 'update', 'delete'] as const;
export type Operation = (typeof operations)[number];

export const serves = (def: ResourceDef, op: Operation): boolean => (def.operations ?? operations).includes(op);

/** The row filter that keeps a scoped user inside their union and scope. */
export const scopeCondition = (def: ResourceDef, user: AuthUser, scope: Scope): SQL => whereOf(scopeTerms(def, user, scope));

/** The same filter as terms, for statements built once per shape (lists, one by id). */
export function scopeTerms(def: ResourceDef, user: AuthUser, scope: Scope): Term[] {
  const inUnion: Term = { op: 'eq', columns: [def.columns.union_id], value: user.union_id };
  if (scope === 'union') return [inUnion];
  const column = def.scopeColumns[scope];
  const value = scopeValue(user, scope);
  if (!column || value == null) throw forbidden(`Your role may not reach ${def.name}`);
  return [inUnion, { op: 'eq', columns: [column], value }];
}

export function scopeValue(user: AuthUser, scope: Scope): number | null {
  switch (scope) {
    case 'village':
      return user.village_id;
    case 'household':
      return user.household_id;
    case 'buyer':
      return user.buyer_id;
    case 'self':
      return user.id;
    default:
      return user.union_id;
  }
}

/** A write must land inside the writer's scope: a new or moved row may not leave it. */
export function assertWithinScope(def: ResourceDef, user: AuthUser, scope: Scope, values: Row) {
  if (scope === 'union') return;
  const column = def.scopeColumns[scope];
  if (!column) throw forbidden(`Your role may not write ${def.name}`);
  const field = column.name;
  const expected = scopeValue(user, scope);
  if (values[field] !== expected) {
    const errors = fieldErrors({ [field]: fieldError('outside_scope', `must be your own (${expected})`, { expected: String(expected) }) });
    throw forbidden(`${def.name} outside your ${scope}`, errors);
  }
}

export function publicRow(def: ResourceDef, row: Row): Row {
  if (!def.hidden?.length) return row;
  const out = { ...row };
  for (const h of def.hidden) delete out[h];
  return out;
}
