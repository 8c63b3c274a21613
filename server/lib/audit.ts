import { getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterCommit, type DbOrTx } from '../../db/client';
import { accountChanged, bumpWriteGeneration } from './changes';
import type { AuthUser } from './policy';

/** Who did it: a signed-in user, or a named system actor (create-admin, a job). */
export interface AuditActor {
  union_id: number;
  user: Pick<AuthUser, 'id' | 'username'> | null;
  /** Stands in for the username when no user acted (e.g. `create-admin`). */
  system?: string;
  requestId?: string | null;
}

export interface AuditEntry {
  /** create, update, delete, or any verb (login, change-password, allocate...). */
  action: string;
  resource: string;
  record_id: string | number;
  before?: unknown;
  after?: unknown;
}

/** Never written to the trail, whatever a caller passes. */
const SECRET_KEYS = new Set(['password', 'password_hash', 'current_password', 'new_password']);

function scrub(value: unknown): unknown {
  if (value == null || typeof value !== 'object' || Array.isArray(value)) return value ?? null;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (!SECRET_KEYS.has(k)) out[k] = v;
  return out;
}

/**
 * The one audit writer: every write, generic or hand-written, calls it inside the
 * transaction of the change it records, so both land or neither does.
 *
 * The `WHERE pg_current_xact_id() IS NOT NULL` gives the transaction its id before the row
 * takes its number from the sequence. The sealer relies on it: once every transaction that
 * was running when it saw row N has ended, no row below N can still appear.
 */
/**
 * The same audit row, for a record a hot path inserts with hand-written SQL: a CTE to append
 * to that statement (`WITH ..., <from> AS (INSERT ... RETURNING *), audit AS (<this>)`), so the
 * record and its audit row cost one round trip. `after` is the inserted row as the API shows
 * it (decimals and timestamps as strings), built by PostgreSQL from the row. Once the statement
 * ran, the caller calls `announceWrite` (as writeAudit does itself).
 */
export function auditInsertedCte(actor: AuditActor, action: string, resource: string, table: PgTable, from: string): SQL {
  const alias = sql.identifier(from);
  const asText = Object.values(getTableColumns(table)).flatMap((c) => {
    const col = sql`${alias}.${sql.identifier(c.name)}`;
    if (c.columnType === 'PgNumeric') return [sql`${c.name}::text`, sql`${col}::text`];
    if (c.columnType === 'PgTimestamp') return [sql`${c.name}::text`, sql`to_char(${col} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`];
    return [];
  });
  return sql`
    INSERT INTO audit_log (union_id, user_id, username, action, resource, record_id, before, after, request_id)
    SELECT ${actor.union_id}, ${actor.user?.id ?? null}, ${actor.user?.username ?? actor.system ?? null}, ${action}, ${resource},
           ${alias}.id::text, NULL, to_jsonb(${alias}) || jsonb_build_object(${sql.join(asText, sql`, `)}), ${actor.requestId ?? null}
    FROM ${alias} WHERE pg_current_xact_id() IS NOT NULL`;
}

/** After a write audited by auditInsertedCte: this instance forgets what it made stale, at commit. */
export function announceWrite(tx: DbOrTx, resource: string): void {
  afterCommit(tx, () => bumpWriteGeneration(resource));
}

export async function writeAudit(tx: DbOrTx, actor: AuditActor, entry: AuditEntry): Promise<void> {
  const json = (v: unknown) => (v == null ? null : JSON.stringify(scrub(v)));
  const before = json(entry.before);
  const after = json(entry.after);
  await tx.execute(sql`
    INSERT INTO audit_log (union_id, user_id, username, action, resource, record_id, before, after, request_id)
    SELECT ${actor.union_id}, ${actor.user?.id ?? null}, ${actor.user?.username ?? actor.system ?? null}, ${entry.action},
           ${entry.resource}, ${String(entry.record_id)}, ${before}::jsonb, ${after}::jsonb, ${actor.requestId ?? null}
    WHERE pg_current_xact_id() IS NOT NULL`);
  // Once committed, this instance forgets what the write made stale; the others when the
  // NOTIFY sent by the same commit arrives (migration 0005).
  afterCommit(tx, () => {
    bumpWriteGeneration(entry.resource);
    if (entry.resource === 'users') accountChanged(Number(entry.record_id));
  });
}
