import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eq, sql } from 'drizzle-orm';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { afterCommit, embeddedHolder, withPriority, type DbHandle } from '../db/client';
import { users } from '../db/schema/index';
import { createTestDb } from './helpers/db';

// DbHandle.listen: NOTIFY reaches the listener on both kinds of database, and on PostgreSQL a
// lost connection is reported (live false), re-established (live true) and listens again.

let h: DbHandle;
beforeAll(async () => {
  h = await createTestDb();
});
afterAll(() => h.close());

async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}

const channel = () => `test_listen_${randomBytes(4).toString('hex')}`;

describe('listen', () => {
  it('receives a NOTIFY sent in a committed transaction, not one rolled back, and nothing after close', async () => {
    const ch = channel();
    const got: string[] = [];
    const live: boolean[] = [];
    const l = await h.listen(ch, (p) => got.push(p), (v) => live.push(v));
    expect(l.live).toBe(true);
    await h.db.transaction(async (tx) => {
      await tx.execute(sql`SELECT pg_notify(${ch}, '1')`);
    });
    await until(() => got.length === 1);
    await h.db
      .transaction(async (tx) => {
        await tx.execute(sql`SELECT pg_notify(${ch}, 'rolled back')`);
        throw new Error('roll back');
      })
      .catch(() => {});
    await h.db.execute(sql`SELECT pg_notify(${ch}, '2')`);
    await until(() => got.length === 2);
    expect(got).toEqual(['1', '2']);

    // Another channel is not delivered here, nor anything after close: a witness listening to
    // both tells when they have been delivered (notifications arrive in commit order).
    const other = channel();
    const witnessed: string[] = [];
    const witness = await h.listen(other, (p) => witnessed.push(p), () => {});
    const witnessCh = await h.listen(ch, (p) => witnessed.push(p), () => {});
    await h.db.execute(sql`SELECT pg_notify(${other}, 'other')`);
    await l.close();
    expect(l.live).toBe(false);
    await h.db.execute(sql`SELECT pg_notify(${ch}, 'after close')`);
    await until(() => witnessed.length === 2);
    expect(witnessed).toEqual(['other', 'after close']);
    expect(got).toEqual(['1', '2']);
    expect(live).toEqual([]);
    await witness.close();
    await witnessCh.close();
  });

  it('two listeners on one channel both receive; closing one leaves the other listening', async () => {
    const ch = channel();
    const a: string[] = [];
    const b: string[] = [];
    const la = await h.listen(ch, (p) => a.push(p), () => {});
    const lb = await h.listen(ch, (p) => b.push(p), () => {});
    await h.db.execute(sql`SELECT pg_notify(${ch}, 'x')`);
    await until(() => a.length === 1 && b.length === 1);
    await la.close();
    await h.db.execute(sql`SELECT pg_notify(${ch}, 'y')`);
    await until(() => b.length === 2);
    expect(a).toEqual(['x']);
    expect(b).toEqual(['x', 'y']);
    await lb.close();
  });

  it.skipIf(!process.env.DATABASE_URL)('PostgreSQL: a terminated listener reports live false, then true, and receives again', async () => {
    const ch = channel();
    const got: string[] = [];
    const live: boolean[] = [];
    const l = await h.listen(ch, (p) => got.push(p), (v) => live.push(v));
    try {
      const backends = await h.db.execute<{ pid: number }>(sql`
        SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = ${`LISTEN "${ch}"`}`);
      expect(backends.rows).toHaveLength(1);
      await h.db.execute(sql`SELECT pg_terminate_backend(${backends.rows[0].pid})`);
      await until(() => live.length >= 1);
      expect(live[0]).toBe(false);
      await until(() => live.length >= 2);
      expect(live).toEqual([false, true]);
      expect(l.live).toBe(true);
      await h.db.execute(sql`SELECT pg_notify(${ch}, 'again')`);
      await until(() => got.length === 1);
      expect(got).toEqual(['again']);
    } finally {
      await l.close();
    }
  });

  it.skipIf(!!process.env.DATABASE_URL)('embedded: dump() gives a data folder tar; PostgreSQL has none', async () => {
    const tar = await h.dump();
    // A tar archive: "ustar" at offset 257 of the first header.
    expect(new TextDecoder().decode(tar.subarray(257, 262))).toBe('ustar');
  });
});

describe('a dropped connection', () => {
  it('is replaced by one that still runs named prepared statements and still receives notifications', async () => {
    const byName = h.db.select({ username: users.username }).from(users).where(eq(users.username, sql.placeholder('u'))).prepare('test_listen_by_name');
    expect(await byName.execute({ u: 'admin' })).toEqual([{ username: 'admin' }]);
    const ch = channel();
    const got: string[] = [];
    const l = await h.listen(ch, (p) => got.push(p), () => {});
    // Released with an error: the pool closes that connection and opens another.
    const pool = (h.db as unknown as { $client: pg.Pool }).$client;
    const c = await pool.connect();
    c.release(new Error('drop this connection'));
    expect(await byName.execute({ u: 'admin' })).toEqual([{ username: 'admin' }]);
    await h.db.execute(sql`SELECT pg_notify(${ch}, 'after')`);
    await until(() => got.length === 1);
    expect(got).toEqual(['after']);
    await l.close();
  });

  it('is kept after a statement fails (a constraint, a syntax error)', async () => {
    const byName = h.db.select({ username: users.username }).from(users).where(eq(users.username, sql.placeholder('u'))).prepare('test_listen_kept');
    await byName.execute({ u: 'admin' });
    await expect(h.db.execute(sql`SELECT * FROM no_such_table`)).rejects.toThrow();
    await expect(h.db.execute(sql`SELECT 1/0`)).rejects.toThrow();
    expect(await byName.execute({ u: 'admin' })).toEqual([{ username: 'admin' }]);
  });
});

describe('priority on the embedded database', () => {
  // PostgreSQL has a connection per request: nothing to reorder.
  it.skipIf(Boolean(process.env.DATABASE_URL))('runs work marked withPriority before the queries already queued on its one connection', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let holding!: () => void;
    const isHolding = new Promise<void>((r) => (holding = r));
    // A transaction holds the one connection while the others queue.
    const tx = h.db.transaction(async (t) => {
      await t.execute(sql`SELECT 1`);
      holding();
      await held;
    });
    await isHolding;
    const done: string[] = [];
    const run = (name: string) => h.db.execute(sql`SELECT ${name}::text AS n`).then(() => done.push(name));
    const queued = [run('list 1'), run('list 2'), run('list 3')];
    const first = withPriority(() => run('sign-in a'));
    const second = withPriority(() => run('sign-in b'));
    const later = run('list 4');
    release();
    await Promise.all([tx, ...queued, first, second, later]);
    expect(done).toEqual(['sign-in a', 'sign-in b', 'list 1', 'list 2', 'list 3', 'list 4']);
  });
});

describe('the embedded folder lock', () => {
  it.skipIf(process.platform !== 'linux')('counts a killed process that is not reaped yet (a zombie) as gone, so a restart after a crash takes the folder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coop-lock-'));
    try {
      const child = spawn('sleep', ['60']);
      await new Promise((r) => child.once('spawn', r));
      const pid = child.pid!;
      writeFileSync(join(dir, 'pglite.lock'), `${pid}\n`);
      expect(embeddedHolder(join(dir, 'pglite'))).toBe(pid);
      child.kill('SIGKILL');
      // Until this process's event loop reaps it, the child is a zombie that kill(pid, 0) still finds.
      const deadline = Date.now() + 5000;
      while (!/^\d+ \(.*\) Z /s.test(readFileSync(`/proc/${pid}/stat`, 'utf8')) && Date.now() < deadline) { /* wait for the kill */ }
      expect(readFileSync(`/proc/${pid}/stat`, 'utf8')).toMatch(/^\d+ \(.*\) Z /s);
      expect(embeddedHolder(join(dir, 'pglite'))).toBeUndefined();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('afterCommit', () => {
  it('runs after a transaction commits, never for one that rolls back, and at once outside a transaction', async () => {
    const ran: string[] = [];
    await h.db.transaction(async (tx) => {
      afterCommit(tx, () => ran.push('committed'));
      expect(ran).toEqual([]);
    });
    expect(ran).toEqual(['committed']);
    await expect(h.db.transaction(async (tx) => {
      afterCommit(tx, () => ran.push('rolled back'));
      throw new Error('no');
    })).rejects.toThrow('no');
    afterCommit(h.db, () => ran.push('no transaction'));
    expect(ran).toEqual(['committed', 'no transaction']);
  });
});
