import { getTableColumns } from 'drizzle-orm';
import type { DbOrTx } from '../../db/client';
import { writeAudit } from './audit';
import { deleteRow, findRow, getRow, insertRow, listRows, updateRow } from './crud.repository';
import { mapDbError } from './db-errors';
import { conflict, fieldError, fieldErrors, notFound, validationError } from './errors';
import type { ListQuery } from './list-query';
import type { ModuleDeps } from './module';
import type { Scope } from './policy';
import { assertWithinScope, publicRow, scopeCondition, scopeTerms, type ResourceDef, type Row, type WriteContext } from './resource';

/** Kept by the server and echoed back by react-admin: ignored on update, never compared. */
const serverManaged = new Set(['created_at', 'updated_at', 'last_login_at']);

/** Values compared for "unchanged": dates and decimals arrive as strings. */
function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date) return b != null && new Date(b as string).getTime() === a.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => same(x, b[i]));
  if (typeof a === 'string' && typeof b === 'number') return Number(a) === b;
  return a === b || (a == null && b == null);
}

/** A stored value as a client's key names it: own columns only, never Object.prototype's. */
const valueOf = (row: Row, key: string): unknown => (Object.hasOwn(row, key) ? row[key] : undefined);

/**
 * True when writing `changes` would leave the row as it is: a no-op update keeps its
 * version and writes no audit entry. Decimals compare by value (12.5 is stored as 12.50).
 * A new password hash is always a change.
 */
export function unchanged(def: ResourceDef, before: Row, changes: Row): boolean {
  const columns = getTableColumns(def.table) as Record<string, { columnType?: string }>;
  return Object.keys(changes).every((key) => {
    if (key === 'password_hash') return false;
    const a = valueOf(before, key);
    const b = changes[key];
    const numeric = Object.hasOwn(columns, key) && columns[key].columnType === 'PgNumeric';
    if (numeric && typeof a === 'string' && (typeof b === 'string' || typeof b === 'number')) return Number(a) === Number(b);
    return same(a, b);
  });
}

/**
 * The fields of an update body the writer may change, after the version check: a stale
 * version is 409, a changed read-only field is 400. Shared by the generic CRUD and by
 * services that replace its update.
 */
export function changesOf(def: ResourceDef, writeScope: Scope, before: Row, body: Row): Row {
  const versioned = def.columns.version !== undefined;
  // Without the version it read, a writer would silently overwrite a concurrent change.
  if (versioned && !Object.hasOwn(body, 'version')) throw validationError(fieldErrors({ version: fieldError('required', 'is required') }), 'The version of the record is required');
  if (versioned && body.version !== before.version) {
    throw conflict('STALE_VERSION', 'The record was changed by someone else; reload it and try again', fieldErrors({
      version: fieldError('stale_version', `is ${String(body.version)}, current is ${String(before.version)}`, {
        sent: String(body.version), current: String(before.version),
      }),
    }));
  }
  // Null prototypes: a client's key (`__proto__`, `constructor`) is only ever a field name.
  const input: Row = Object.create(null);
  const errors = fieldErrors();
  for (const [key, value] of Object.entries(body)) {
    if (key === 'version' || serverManaged.has(key) || def.derived?.includes(key)) continue;
    const readOnly = def.readOnly.includes(key) || (writeScope === 'self' && !def.selfWritable?.includes(key));
    if (readOnly) {
      if (!same(valueOf(before, key), value)) errors[key] = fieldError('read_only', 'is read-only');
    } else input[key] = value;
  }
  if (Object.keys(errors).length) throw validationError(errors, 'Read-only fields cannot be changed');
  return { ...input };
}

export type CrudDeps = Pick<ModuleDeps, 'db' | 'policies' | 'constraints'>;

/** Runs a write; database errors that are the caller's mistake become 4xx (the transaction rolled back). */
export async function translated<T>(deps: Pick<CrudDeps, 'constraints'>, op: 'write' | 'delete', fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw mapDbError(err, op, deps.constraints) ?? err;
  }
}

/** The audit entry of a change to one resource, written in the change's own transaction. */
export const auditChange = (tx: DbOrTx, ctx: WriteContext, def: ResourceDef, action: string, id: unknown, before?: Row, after?: Row) =>
  writeAudit(tx, { union_id: ctx.user.union_id, user: ctx.user, requestId: ctx.requestId }, {
    action, resource: def.name, record_id: String(id),
    before: before ? publicRow(def, before) : null, after: after ? publicRow(def, after) : null,
  });

/** A row as the API returns it: hidden columns out, read-time fields in. */
export const presented = (def: ResourceDef, row: Row): Row => {
  const out = publicRow(def, row);
  return def.present ? def.present(out) : out;
};

export function crudService(deps: CrudDeps, def: ResourceDef) {
  const { db, policies } = deps;
  const readScopeOf = (ctx: WriteContext) => scopeCondition(def, ctx.user, policies.require(ctx.user, def.name, 'read'));
  const readTermsOf = (ctx: WriteContext) => scopeTerms(def, ctx.user, policies.require(ctx.user, def.name, 'read'));

  return {
    async list(ctx: WriteContext, query: ListQuery) {
      const res = await listRows(db, def, query, readTermsOf(ctx));
      return { ...res, rows: res.rows.map((r) => presented(def, r)) };
    },

    async get(ctx: WriteContext, id: number) {
      const row = await getRow(db, def, id, readTermsOf(ctx));
      if (!row) throw notFound(def.name);
      return presented(def, row);
    },

    async create(ctx: WriteContext, input: Row) {
      const writeScope = policies.require(ctx.user, def.name, 'create');
      return translated(deps, 'write', () =>
        db.transaction(async (tx) => {
          const prepared = def.prepare ? await def.prepare(tx, ctx, input) : input;
          const values = { ...prepared, union_id: ctx.user.union_id };
          assertWithinScope(def, ctx.user, writeScope, values);
          const row = await insertRow(tx, def, values);
          await auditChange(tx, ctx, def, 'create', row.id, undefined, row);
          return presented(def, row);
        }),
      );
    },

    async update(ctx: WriteContext, id: number, body: Row) {
      const writeScope = policies.require(ctx.user, def.name, 'update');
      // A row outside what the user may read answers 404 (never 403), so ids reveal nothing.
      const readScope = readScopeOf(ctx);
      return translated(deps, 'write', () =>
        db.transaction(async (tx) => {
          const before = await findRow(tx, def, id, readScope, true);
          if (!before) throw notFound(def.name);
          assertWithinScope(def, ctx.user, writeScope, before);
          const input = changesOf(def, writeScope, before, body);
          const prepared = def.prepare ? await def.prepare(tx, ctx, input, before) : input;
          // A row may not be moved out of the writer's scope either.
          assertWithinScope(def, ctx.user, writeScope, { ...before, ...prepared });
          // Nothing to change: no new version, no audit entry.
          if (unchanged(def, before, prepared)) return presented(def, before);
          const row = await updateRow(tx, def, id, prepared);
          await auditChange(tx, ctx, def, 'update', id, before, row);
          return presented(def, row);
        }),
      );
    },

    async remove(ctx: WriteContext, id: number) {
      const writeScope = policies.require(ctx.user, def.name, 'delete');
      const readScope = readScopeOf(ctx);
      return translated(deps, 'delete', () =>
        db.transaction(async (tx) => {
          const before = await findRow(tx, def, id, readScope, true);
          if (!before) throw notFound(def.name);
          assertWithinScope(def, ctx.user, writeScope, before);
          await deleteRow(tx, def, id);
          await auditChange(tx, ctx, def, 'delete', id, before, undefined);
          return presented(def, before);
        }),
      );
    },
  };
}
