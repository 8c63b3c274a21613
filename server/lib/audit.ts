import { sql } from 'drizzle-orm';
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
