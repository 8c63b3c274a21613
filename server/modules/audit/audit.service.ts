import { createHmac } from 'node:crypto';
import type { Db } from '../../../db/client';
import {
  chainPage, chainTail, stillRunning, trySealLock, unionsWithUnsealed, unsealedAfter, unsealedHorizon, writeSeals, type ChainRow,
} from './audit.repository';

/**
 * The seal of one row: HMAC-SHA-256 over the previous row's id and seal and this row's
 * canonical text, with a key the database does not hold.
 */
export function sealOf(key: string, prev: { id: number; seal: string } | undefined, row: Pick<ChainRow, 'canonical'>): string {
  return createHmac('sha256', key).update(`${prev?.id ?? ''}\n${prev?.seal ?? ''}\n`).update(row.canonical).digest('hex');
}

export interface SealOptions {
  /** Rows per UPDATE. */
  batch?: number;
  /** How long to wait for transactions that may still add rows below the newest one seen. */
  waitMs?: number;
}

/**
 * Seals the committed, unsealed rows of every union in id order, after their commit and
 * without any lock on the writers. Before sealing up to row N it waits for every
 * transaction that was running when it saw N: one of them may hold a smaller id not yet
 * visible, and sealing past it would leave it out of the chain. Returns the rows sealed,
 * or 0 when another instance is sealing or a transaction stayed open past waitMs.
 */
export async function sealPending(db: Db, key: string, opts: SealOptions = {}): Promise<{ sealed: number; waited: boolean }> {
  const batch = opts.batch ?? 5000;
  const { maxId, running } = await unsealedHorizon(db);
  if (maxId === null) return { sealed: 0, waited: false };
  const deadline = Date.now() + (opts.waitMs ?? 10_000);
  let pending = running;
  for (let pause = 2; pending.length && (await stillRunning(db, pending)) > 0; pause = Math.min(pause * 2, 100)) {
    if (Date.now() > deadline) return { sealed: 0, waited: true };
    await new Promise((r) => setTimeout(r, pause));
    pending = running;
  }
  // One transaction per batch: a backlog (a first start after an upgrade) commits as it
  // goes. The tail is read again in each, under the lock, as another instance may have sealed.
  let unions = await unionsWithUnsealed(db, maxId);
  let sealed = 0;
  for (;;) {
    // A union that gave fewer rows than asked is sealed up to maxId: later batches skip it.
    const finished = new Set<number>();
    const n = await db.transaction(async (tx) => {
      if (!(await trySealLock(tx))) return -1;
      let done = 0;
      for (const unionId of unions) {
        let tail = await chainTail(tx, unionId);
        // Rows below the tail that are still unsealed were slipped in later: verify names them.
        const asked = batch - done;
        const rows = await unsealedAfter(tx, unionId, tail?.id ?? 0, maxId, asked);
        if (rows.length < asked) finished.add(unionId);
        const seals = rows.map((row) => {
          const seal = sealOf(key, tail, row);
          const out = { id: row.id, seal, prev: tail?.id ?? null };
          tail = { id: row.id, seal };
          return out;
        });
        done += await writeSeals(tx, seals);
        if (done >= batch) break;
      }
      return done;
    });
    if (n < 0) return { sealed, waited: running.length > 0 };
    unions = unions.filter((u) => !finished.has(u));
    sealed += n;
    if (n < batch) return { sealed, waited: running.length > 0 };
  }
}

export type ChainProblem = 'altered' | 'removed' | 'inserted';
export interface ChainFinding {
  union_id: number;
  /** The first row that is wrong: altered, slipped in, or the row after a removed one. */
  row_id: number;
  problem: ChainProblem;
  message: string;
}
export interface VerifyResult {
  rows: number;
  unions: number;
  /** Unsealed rows at the end of a chain (written during the walk): not yet covered. */
  pending: number;
  findings: ChainFinding[];
  /** The last row and seal of each union's chain, worth keeping outside the database. */
  heads: { union_id: number; id: number; seal: string }[];
}

/**
 * Walks every union's chain in id order and names the first row that breaks it, per union:
 * - altered: its seal does not cover its content;
 * - removed: it was sealed after a row that is no longer there;
 * - inserted: it sits in the chain but was not part of it when the rows around it were sealed.
 */
export async function verifyChain(db: Db, key: string, opts: { page?: number } = {}): Promise<VerifyResult> {
  const page = opts.page ?? 10_000;
  const result: VerifyResult = { rows: 0, unions: 0, pending: 0, findings: [], heads: [] };
  let union = -1;
  let prev: { id: number; seal: string } | undefined;
  let broken = false;
  let unsealed: ChainRow | undefined;

  const closeUnion = () => {
    if (union < 0) return;
    if (prev) result.heads.push({ union_id: union, ...prev });
  };
  const report = (row: ChainRow, problem: ChainProblem, message: string) => {
    result.findings.push({ union_id: row.union_id, row_id: row.id, problem, message });
    broken = true;
  };

  const visit = (row: ChainRow, next: ChainRow | undefined) => {
    result.rows++;
    if (row.union_id !== union) {
      closeUnion();
      union = row.union_id;
      result.unions++;
      prev = undefined;
      broken = false;
      unsealed = undefined;
    }
    if (broken) return;
    if (row.seal === null) {
      unsealed ??= row;
      return;
    }
    if (unsealed) {
      // A sealed row after an unsealed one: the unsealed row came in below the chain.
      return report(unsealed, 'inserted', `row ${unsealed.id} is not in the chain: it was inserted after the rows around it were sealed`);
    }
    const claimedPrev = row.seal_prev_id;
    if (claimedPrev !== (prev?.id ?? null)) {
      if (claimedPrev !== null && (prev === undefined || claimedPrev > prev.id)) {
        return report(row, 'removed', `row ${claimedPrev} before row ${row.id} was removed (row ${row.id} was sealed after it)`);
      }
      return report(row, 'altered', `row ${row.id} was altered (its link to the previous row does not match)`);
    }
    if (sealOf(key, prev, row) !== row.seal) {
      // Slipped in with a forged seal when the next row was sealed right after the previous one.
      if (prev && next && next.union_id === row.union_id && next.seal_prev_id === prev.id) {
        return report(row, 'inserted', `row ${row.id} is not in the chain: row ${next.id} was sealed right after row ${prev.id}`);
      }
      return report(row, 'altered', `row ${row.id} was altered after it was sealed`);
    }
    prev = { id: row.id, seal: row.seal };
  };

  // Pages in (union, id) order, keeping one row of look-ahead across page boundaries.
  let buf = await chainPage(db, { union_id: -1, id: -1 }, page);
  let done = buf.length < page;
  for (let i = 0; i < buf.length; i++) {
    if (i === buf.length - 1 && !done) {
      const last = buf[i];
      const more = await chainPage(db, { union_id: last.union_id, id: last.id }, page);
      done = more.length < page;
      buf = [last, ...more];
      i = 0;
    }
    visit(buf[i], buf[i + 1]);
  }
  if (unsealed && !broken) result.pending = 1;
  closeUnion();
  return result;
}
