import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, pgliteDirOf, type DbHandle } from '../db/client';
import { auditKeyOf, auditVerify } from '../scripts/audit-verify';
import { checkUsername, createAdmin, Refused } from '../scripts/create-admin';
import { DEMO_PASSWORD } from '../scripts/demo-seed';
import { balancesHold, checkStockBalances, generateProduction } from '../scripts/generate-production';
import { createTestDb } from './helpers/db';

// The command-line entry points, run as a user would run them, on throwaway data folders.
// Each run is a fresh Node process that loads TypeScript (and most open PGlite): seconds each,
// more on a busy machine. So a process is spawned only where the command line itself is under
// test (exit code, messages, signals, the banner); the scripts' logic also runs in-process,
// and one server process serves every check of a start. Waits are on conditions, with caps
// far above the real durations.

const dataDir = mkdtempSync(join(tmpdir(), 'coop-scripts-'));
/** The embedded database of dataDir, opened in this process between the scripts' runs. */
let embedded: DbHandle | undefined;
const openEmbedded = async () => (embedded ??= await createDb({ pgliteDir: pgliteDirOf(dataDir) }));
/** A PGlite data folder is one process's at a time: close it before a script opens it. */
async function closeEmbedded() {
  await embedded?.close();
  embedded = undefined;
}
afterAll(async () => {
  await closeEmbedded();
  rmSync(dataDir, { recursive: true, force: true });
});

/** The environment of a run: no configuration but what the test gives. */
function envOf(env: Record<string, string>): NodeJS.ProcessEnv {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const k of ['DATABASE_URL', 'JWT_SECRET', 'AUDIT_KEY', 'HOST', 'PORT']) delete base[k];
  return { ...base, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env };
}

/** Runs a command to its end; no timeout of its own (the test's is far above its duration). */
function run(file: string, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', file, ...args], { env: envOf(env), stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** A started `server/main.ts`: its output so far, and waits on it. */
function startServer(env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env: envOf(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const proc = {
    child,
    out: '',
    gone: false,
    exited: new Promise<number | null>((r) => child.on('exit', r)),
    /** Waits until the output satisfies test (or fails at once if the server exits first). */
    async until(test: (out: string) => boolean, what: string) {
      for (const t0 = Date.now(); !test(proc.out); await new Promise((r) => setTimeout(r, 50))) {
        if (proc.gone) throw new Error(`the server exited before ${what}:\n${proc.out}`);
        if (Date.now() - t0 > 150_000) throw new Error(`no ${what} after 150 s:\n${proc.out}`);
      }
    },
    /** Ready: the "ready on" log line and the demo banner after it (two streams: either may come first). */
    async ready(): Promise<string> {
      await proc.until((o) => /ready on http:\/\/\S+:\d+/.test(o) && o.includes('member.changjiang'), 'the ready line and the banner');
      return `http://127.0.0.1:${/ready on http:\/\/\S+:(\d+)/.exec(proc.out)![1]}`;
    },
  };
  void proc.exited.then(() => (proc.gone = true));
  child.stdout.on('data', (d) => (proc.out += d));
  child.stderr.on('data', (d) => (proc.out += d));
  return proc;
}

/** Sends headers promising 100 bytes and only some of them; resolves once the server closes the socket. */
function stalledBody(port: number): Promise<{ answer: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    socket.on('data', (d) => (answer += d));
    socket.on('error', () => {});
    socket.on('close', () => resolve({ answer, closed: true }));
    socket.write('POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"username":');
  });
}

describe('command-line scripts', { timeout: 300_000 }, () => {
  it('create-admin makes an Argon2id-hashed administrator, once, and refuses a weak password', async () => {
    // Refused before the database is opened.
    const weak = await run('scripts/create-admin.ts', ['--username', 'alice'], { ADMIN_PASSWORD: 'short' });
    expect(weak.code).toBe(1);
    expect(weak.out).toContain('Password must be at least 8 characters');
    const made = await run('scripts/create-admin.ts', ['--username', 'alice', '--display-name', '张三'], { ADMIN_PASSWORD: 'a-long-secret' });
    expect(made.out).toContain('Administrator alice created');
    expect(made.code).toBe(0);

    // Again, in-process on the same data folder (a refusal is what the command prints before exiting 1, as above).
    const h = await openEmbedded();
    await expect(createAdmin(h.db, { username: checkUsername('alice'), password: 'a-long-secret' })).rejects.toThrow(Refused);
    await expect(createAdmin(h.db, { username: checkUsername('alice'), password: 'a-long-secret' })).rejects.toThrow('already exists');
    expect(() => checkUsername('Not A Name!')).toThrow(Refused);

    const rows = await h.db.query.users.findMany();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ username: 'alice', display_name: '张三', role: 'union_admin' });
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
  });

  it('create-admin is audited, and audit:verify seals and checks the chain, naming a row altered behind its back', async () => {
    const h = await openEmbedded();
    const trail = (await h.db.execute<{ action: string; resource: string; username: string; user_id: number | null }>(
      sql`SELECT action, resource, username, user_id FROM audit_log ORDER BY id`)).rows;
    expect(trail).toEqual([
      { action: 'create', resource: 'unions', username: 'create-admin', user_id: null },
      { action: 'create', resource: 'users', username: 'create-admin', user_id: null },
    ]);

    // The command's work in-process, with the key it would use (generated under DATA_DIR, private).
    const printed: string[] = [];
    const ok = await auditVerify(h.db, auditKeyOf({ DATA_DIR: dataDir }), (l) => printed.push(l), (l) => printed.push(l));
    expect(printed.join('\n')).toContain('sealed 2 pending row(s)');
    expect(printed.join('\n')).toContain('audit trail intact');
    expect(ok).toBe(0);
    expect(statSync(join(dataDir, 'audit-key')).mode & 0o077).toBe(0);

    // The embedded database's user is a superuser: it can switch the guard off and rewrite a row.
    const [{ id }] = (await h.db.execute<{ id: number }>(sql`SELECT max(id) AS id FROM audit_log`)).rows;
    await h.db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER USER`);
      await tx.execute(sql`UPDATE audit_log SET after = jsonb_set(after, '{role}', '"union_sales"') WHERE id = ${id}`);
      await tx.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER USER`);
    });
    await closeEmbedded();
    // The command itself, with the same key file: it finds the row and exits 1.
    const bad = await run('scripts/audit-verify.ts', []);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(new RegExp(`TAMPERED union \\d+, row ${Number(id)} \\(altered\\)`));
  });

  it('seed refuses PostgreSQL, where a well-known demo password must never exist', async () => {
    const res = await run('scripts/seed.ts', [], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', JWT_SECRET: 'x'.repeat(40), AUDIT_KEY: 'k'.repeat(40) });
    expect(res.code).toBe(1);
    expect(res.out).toContain('embedded demo database only');
  });

  it('the server stops at start with a message naming a bad variable', async () => {
    const res = await run('server/main.ts', [], { PORT: 'not-a-port', DATABASE_URL: 'postgres://x@127.0.0.1/y' });
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/PORT/);
    expect(res.out).toMatch(/JWT_SECRET: is required when DATABASE_URL is set/);
    expect(res.out).toMatch(/AUDIT_KEY: is required when DATABASE_URL is set/);
  });

  it('keeps the generated JWT secret private, and exits cleanly when the port is taken', async () => {
    await closeEmbedded();
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    try {
      const res = await run('server/main.ts', [], { PORT: String(port), HOST: '127.0.0.1' });
      expect(res.code).toBe(1);
      expect(res.out).toContain('EADDRINUSE');
      expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o077).toBe(0);
    } finally {
      blocker.close();
    }
  });

  // One start of the real server on an empty data folder serves the checks of a first start
  // (seeding, serving, the banner, SIGTERM with a stalled client: defect 4), and one restart
  // those of a second (no seeding, the banner of changed passwords: defect 12).
  it('the server seeds an empty embedded database, serves it, stops on SIGTERM at once despite a stalled client, and its next banner leaves out a changed password', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coop-start-'));
    // PORT=0: the system picks a free port (two test runs side by side never meet), read from the ready line.
    // No HOST: the embedded demo listens on loopback only (defect 12).
    const env = { DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'info' };
    try {
      const first = startServer(env);
      let served: string | null = null;
      try {
        const base = await first.ready();
        const port = Number(new URL(base).port);
        expect(first.out).toContain('empty data folder: seeding the demo union');
        expect(first.out).toContain(`ready on http://127.0.0.1:${port}`);
        expect(first.out).toContain('HOST=0.0.0.0');
        expect(first.out).toContain('manager.changjiang');
        expect(first.out).toMatch(/admin\s+demo1234/);

        const login = await fetch(`${base}/api/auth/login`, {
          method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: DEMO_PASSWORD }),
        });
        expect(login.status).toBe(200);
        const { token, user } = (await login.json()) as { token: string; user: { id: number } };
        const list = await fetch(`${base}/api/households?range=[0,0]`, { headers: { authorization: `Bearer ${token}` } });
        served = list.headers.get('content-range');

        // admin changes its password: the next banner must not print demo1234 for it.
        const changed = await fetch(`${base}/api/users/${user.id}/change-password`, {
          method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ current_password: DEMO_PASSWORD, new_password: 'a-new-long-password' }),
        });
        expect(changed.status).toBe(200);

        // A client stalls in its body (the server has logged its request); the shutdown must not wait for it.
        const loginsSeen = (o: string) => o.split('\n').filter((l) => l.includes('"url":"/api/auth/login"') && l.includes('incoming request')).length;
        const before = loginsSeen(first.out);
        const stalled = stalledBody(port);
        await first.until((o) => loginsSeen(o) > before, 'the stalled request');
        // Waiting for the stalled client would run out the 10 s grace and exit 1.
        first.child.kill('SIGTERM');
        expect(await first.exited).toBe(0);
        expect((await stalled).closed).toBe(true);
      } finally {
        first.child.kill('SIGKILL');
      }
      // The total served is every household the start seeded, as the stopped database holds them.
      const h = await createDb({ pgliteDir: pgliteDirOf(dir) });
      const [{ n }] = (await h.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM households`)).rows;
      await h.close();
      expect(Number(n)).toBeGreaterThan(0);
      expect(served).toBe(`households 0-0/${n}`);

      const second = startServer(env);
      try {
        await second.ready();
        expect(second.out).not.toContain('seeding the demo union');
        expect(second.out).toMatch(/admin\s+\(password changed\)/);
        expect(second.out).not.toMatch(/admin\s+demo1234/);
        expect(second.out).toMatch(/sales\s+demo1234/);
        // The running server holds the folder: a re-seed (which deletes it) and a second open are refused.
        const seed = await run('scripts/seed.ts', [], { DATA_DIR: dir });
        expect(seed.code).toBe(1);
        expect(seed.out).toContain('is in use by process');
        await expect(createDb({ pgliteDir: pgliteDirOf(dir) })).rejects.toThrow(/in use by process/);
        expect((await fetch(`${await second.ready()}/api/ready`)).status).toBe(200);
      } finally {
        second.child.kill('SIGTERM');
        await second.exited;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('generate-data --production', { timeout: 300_000 }, () => {
  it('writes a ledger whose balances are the sum of its movements, never negative, within capacity, with unique lot codes', async () => {
    const h = await createTestDb();
    try {
      const res = await generateProduction(h.db, { households: 60, plantings: 120, lots: 1200, movements: 6000, runs: 4 });
      expect(res).toMatchObject({ skipped: false, plantings: 120, lots: 1200, movements: 6000, processingRuns: 4 });
      const u = res.unionId;
      const q = async <T extends Record<string, unknown>>(query: ReturnType<typeof sql>) => (await h.db.execute<T>(query)).rows;

      // Per (lot, room): the stock row equals what came in less what went out (no row: zero).
      const ledger = await q<{ lot_id: number; warehouse_id: number; kg: string; stock: string | null }>(sql`
        WITH m AS (
          SELECT lot_id, warehouse_id, sum(kg) AS kg FROM (
            SELECT lot_id, to_warehouse_id AS warehouse_id, quantity_kg AS kg FROM stock_movements WHERE to_warehouse_id IS NOT NULL AND union_id = ${u}
            UNION ALL SELECT lot_id, from_warehouse_id, -quantity_kg FROM stock_movements WHERE from_warehouse_id IS NOT NULL AND union_id = ${u}
          ) x GROUP BY 1, 2)
        SELECT coalesce(m.lot_id, s.lot_id) AS lot_id, coalesce(m.warehouse_id, s.warehouse_id) AS warehouse_id,
               coalesce(m.kg, 0)::text AS kg, s.quantity_kg::text AS stock
        FROM m FULL JOIN (SELECT * FROM stock WHERE union_id = ${u}) s ON s.lot_id = m.lot_id AND s.warehouse_id = m.warehouse_id`);
      expect(ledger.length).toBeGreaterThan(1000);
      const wrong = ledger.filter((r) => Number(r.kg) !== Number(r.stock ?? 0));
      expect(wrong).toEqual([]);
      expect(ledger.filter((r) => Number(r.kg) < 0)).toEqual([]);
      const [counts] = await q<{ movements: number; kinds: string[]; stock: number; nonpositive: number }>(sql`
        SELECT (SELECT count(*)::int FROM stock_movements WHERE union_id = ${u}) AS movements,
               (SELECT array_agg(DISTINCT kind::text ORDER BY kind::text) FROM stock_movements WHERE union_id = ${u}) AS kinds,
               (SELECT count(*)::int FROM stock WHERE union_id = ${u}) AS stock,
               (SELECT count(*)::int FROM stock WHERE union_id = ${u} AND quantity_kg <= 0) AS nonpositive`);
      expect(counts).toMatchObject({ movements: 6000, nonpositive: 0 });
      expect(counts.stock).toBeGreaterThan(100);
      expect(counts.kinds).toEqual(['adjust', 'issue', 'loss', 'output', 'receive', 'transfer']);

      // Each room: its total is its rows', within its capacity; a processing hall holds nothing.
      const rooms = await q<{ code: string; kind: string; stock_kg: string; rows_kg: string; capacity_kg: string }>(sql`
        SELECT w.code, w.kind, w.stock_kg::text, coalesce(sum(s.quantity_kg), 0)::text AS rows_kg, w.capacity_kg::text
        FROM warehouses w LEFT JOIN stock s ON s.warehouse_id = w.id WHERE w.union_id = ${u} GROUP BY w.id ORDER BY w.id`);
      expect(rooms).toHaveLength(36);
      for (const r of rooms) {
        expect(Number(r.stock_kg), r.code).toBe(Number(r.rows_kg));
        expect(Number(r.stock_kg), r.code).toBeLessThanOrEqual(Number(r.capacity_kg));
        if (r.kind === 'processing_hall') expect(Number(r.stock_kg), r.code).toBe(0);
      }

      // Lot codes: the server's format, unique; received_kg is what came into storage.
      const lots = await q<{ code: string; village: string; harvested_on: string; received_kg: string; came_in: string; expires_ok: boolean }>(sql`
        SELECT l.code, v.code AS village, l.harvested_on::text, l.received_kg::text,
               (SELECT coalesce(sum(quantity_kg), 0) FROM stock_movements m WHERE m.lot_id = l.id AND m.kind IN ('receive', 'output'))::text AS came_in,
               l.source = 'processing' OR l.expires_on = l.harvested_on + c.shelf_life_days AS expires_ok
        FROM harvest_lots l JOIN villages v ON v.id = l.village_id JOIN crops c ON c.id = l.crop_id WHERE l.union_id = ${u}`);
      expect(lots).toHaveLength(1200);
      expect(new Set(lots.map((l) => l.code)).size).toBe(1200);
      for (const l of lots) {
        expect(l.code).toBe(`${l.village}-${l.harvested_on.replace(/-/g, '')}-${l.code.slice(-3)}`);
        expect(l.code).toMatch(/^BV\d-\d{8}-\d{3}$/);
        expect(Number(l.received_kg)).toBe(Number(l.came_in));
        expect(l.expires_ok).toBe(true);
      }
      // Processing conserves mass, and the genealogy splits each output over its inputs.
      const runs = await q<{ input_kg: string; issued: string; output_kg: string; out_lots: string; parents: string }>(sql`
        SELECT r.input_kg::text, r.output_kg::text,
               (SELECT sum(quantity_kg) FROM stock_movements WHERE processing_run_id = r.id AND kind = 'issue')::text AS issued,
               (SELECT sum(quantity_kg) FROM harvest_lots WHERE processing_run_id = r.id)::text AS out_lots,
               (SELECT sum(quantity_kg) FROM lot_parents WHERE processing_run_id = r.id)::text AS parents
        FROM processing_runs r WHERE r.union_id = ${u}`);
      expect(runs).toHaveLength(4);
      for (const r of runs) {
        expect(Number(r.issued)).toBe(Number(r.input_kg));
        expect(Number(r.out_lots)).toBe(Number(r.output_kg));
        expect(Number(r.parents)).toBe(Number(r.output_kg));
      }

      // The exported check agrees; a second run adds nothing (the records are append-only).
      const check = await checkStockBalances(h.db, res.unionId);
      expect(check).toMatchObject({ movements: 6000, mismatched: 0, negative: 0, overCapacity: 0, roomMismatched: 0, duplicateCodes: 0 });
      expect(balancesHold(check)).toBe(true);
      expect((await generateProduction(h.db, { households: 60, plantings: 120, lots: 1200, movements: 6000 })).skipped).toBe(true);
    } finally {
      await h.close();
    }
  });
});
