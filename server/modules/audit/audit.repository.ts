import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';

// All SQL of the audit chain. The text a seal covers is built by PostgreSQL itself
// (jsonb's canonical text), so sealing and verifying read exactly the same bytes.

const canonical = sql.raw(`jsonb_build_array(id, union_id, user_id, username, action, resource, record_id, before, after,
  request_id, (extract(epoch FROM at) * 1000000)::bigint)::text`);

export interface ChainRow {
  id: number;
  union_id: number;
  canonical: string;
  seal: string | null;
  seal_prev_id: number | null;
}

const num = (v: unknown) => (v == null ? null : Number(v));
const toChainRow = (r: Record<string, unknown>): ChainRow => ({
  id: Number(r.id), union_id: Number(r.union_id), canonical: String(r.canonical), seal: (r.seal as string | null) ?? null,
  seal_prev_id: num(r.seal_prev_id),
});

/** The newest unsealed row, and the transactions running now (one snapshot for both). */
export async function unsealedHorizon(db: DbOrTx): Promise<{ maxId: number | null; running: string[] }> {
  const res = await db.execute<{ max_id: unknown; running: string[] | string }>(sql`
    SELECT (SELECT max(id) FROM audit_log WHERE seal IS NULL) AS max_id,
           ARRAY(SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) x) AS running`);
  const row = res.rows[0];
  const running = Array.isArray(row.running) ? row.running : String(row.running).replace(/[{}]/g, '').split(',').filter(Boolean);
  return { maxId: num(row.max_id), running };
}

/** How many of these transactions are still in progress. */
export async function stillRunning(db: DbOrTx, xids: string[]): Promise<number> {
  if (!xids.length) return 0;
  const res = await db.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM unnest(string_to_array(${xids.join(',')}, ',')::xid8[]) x
    WHERE pg_xact_status(x) = 'in progress'`);
  return Number(res.rows[0].n);
}

/** One sealer at a time across every instance, for this transaction. */
export async function trySealLock(tx: DbOrTx): Promise<boolean> {
  const res = await tx.execute<{ ok: boolean }>(sql`SELECT pg_try_advisory_xact_lock(727002) AS ok`);
  return Boolean(res.rows[0].ok);
}

export async function unionsWithUnsealed(tx: DbOrTx, maxId: number): Promise<number[]> {
  const res = await tx.execute<{ union_id: number }>(sql`SELECT DISTINCT union_id FROM audit_log WHERE seal IS NULL AND id <= ${maxId}`);
  return res.rows.map((r) => Number(r.union_id));
}

/** The last sealed row of a union's chain. */
export async function chainTail(tx: DbOrTx, unionId: number): Promise<{ id: number; seal: string } | undefined> {
  const res = await tx.execute<{ id: unknown; seal: string }>(sql`
    SELECT id, seal FROM audit_log WHERE union_id = ${unionId} AND seal IS NOT NULL ORDER BY id DESC LIMIT 1`);
  const r = res.rows[0];
  return r ? { id: Number(r.id), seal: r.seal } : undefined;
}

/** Unsealed rows after the chain's tail, up to maxId, oldest first. */
export async function unsealedAfter(tx: DbOrTx, unionId: number, afterId: number, maxId: number, limit: number): Promise<ChainRow[]> {
  const res = await tx.execute(sql`
    SELECT id, union_id, ${canonical} AS canonical, seal, seal_prev_id FROM audit_log
    WHERE union_id = ${unionId} AND seal IS NULL AND id > ${afterId} AND id <= ${maxId}
    ORDER BY id LIMIT ${limit}`);
  return res.rows.map(toChainRow);
}

export async function writeSeals(tx: DbOrTx, seals: { id: number; seal: string; prev: number | null }[]): Promise<number> {
  if (!seals.length) return 0;
  const res = await tx.execute(sql`
    UPDATE audit_log a SET seal = v.seal, seal_prev_id = NULLIF(v.prev, '')::bigint
    FROM unnest(string_to_array(${seals.map((s) => s.id).join(',')}, ',')::bigint[],
                string_to_array(${seals.map((s) => s.seal).join(',')}, ','),
                string_to_array(${seals.map((s) => s.prev ?? '').join(',')}, ',')) AS v(id, seal, prev)
    WHERE a.id = v.id AND a.seal IS NULL`);
  return res.rowCount ?? seals.length;
}

/** Every row of the trail in chain order (union, then id), a page at a time. */
export async function chainPage(db: DbOrTx, after: { union_id: number; id: number }, limit: number): Promise<ChainRow[]> {
  const res = await db.execute(sql`
    SELECT id, union_id, ${canonical} AS canonical, seal, seal_prev_id FROM audit_log
    WHERE (union_id, id) > (${after.union_id}, ${after.id})
    ORDER BY union_id, id LIMIT ${limit}`);
  return res.rows.map(toChainRow);
}
