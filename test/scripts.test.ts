import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { createDb, pgliteDirOf } from '../db/client';

// The command-line entry points, run as a user would run them, on a throwaway data folder.

const dataDir = mkdtempSync(join(tmpdir(), 'coop-scripts-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

function run(file: string, args: string[], env: Record<string, string> = {}) {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  delete base.JWT_SECRET;
  delete base.AUDIT_KEY;
  const res = spawnSync(process.execPath, ['--import', 'tsx', file, ...args], {
    env: { ...base, DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { code: res.status, out: `${res.stdout}${res.stderr}` };
}

// Each script is a fresh Node process that loads TypeScript and opens PGlite: seconds each, more on a busy machine.
describe('command-line scripts', { timeout: 180_000 }, () => {
  it('create-admin makes an Argon2id-hashed administrator, once, and refuses a weak password', async () => {
    expect(run('scripts/create-admin.ts', ['--username', 'alice'], { ADMIN_PASSWORD: 'short' })).toMatchObject({ code: 1 });
    const made = run('scripts/create-admin.ts', ['--username', 'alice', '--display-name', '张三'], { ADMIN_PASSWORD: 'a-long-secret' });
    expect(made.out).toContain('Administrator alice created');
    expect(made.code).toBe(0);
    const again = run('scripts/create-admin.ts', ['--username', 'alice'], { ADMIN_PASSWORD: 'a-long-secret' });
    expect(again.code).toBe(1);
    expect(again.out).toContain('already exists');

    const h = await createDb({ pgliteDir: pgliteDirOf(dataDir) });
    const rows = await h.db.query.users.findMany();
    await h.close();
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ username: 'alice', display_name: '张三', role: 'union_admin' });
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
  });

  it('create-admin is audited, and audit:verify seals and checks the chain, naming a row altered behind its back', async () => {
    const h = await createDb({ pgliteDir: pgliteDirOf(dataDir) });
    const trail = (await h.db.execute<{ action: string; resource: string; username: string; user_id: number | null }>(
      sql`SELECT action, resource, username, user_id FROM audit_log ORDER BY id`)).rows;
    await h.close();
    expect(trail).toEqual([
      { action: 'create', resource: 'unions', username: 'create-admin', user_id: null },
      { action: 'create', resource: 'users', username: 'create-admin', user_id: null },
    ]);

    const ok = run('scripts/audit-verify.ts', []);
    expect(ok.out).toContain('sealed 2 pending row(s)');
    expect(ok.out).toContain('audit trail intact');
    expect(ok.code).toBe(0);
    expect(statSync(join(dataDir, 'audit-key')).mode & 0o077).toBe(0);

    // The embedded database's user is a superuser: it can switch the guard off and rewrite a row.
    const t = await createDb({ pgliteDir: pgliteDirOf(dataDir) });
    const [{ id }] = (await t.db.execute<{ id: number }>(sql`SELECT max(id) AS id FROM audit_log`)).rows;
    await t.db.transaction(async (tx) => {
      await tx.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER USER`);
      await tx.execute(sql`UPDATE audit_log SET after = jsonb_set(after, '{role}', '"union_sales"') WHERE id = ${id}`);
      await tx.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER USER`);
    });
    await t.close();
    const bad = run('scripts/audit-verify.ts', []);
    expect(bad.code).toBe(1);
    expect(bad.out).toMatch(new RegExp(`TAMPERED union \\d+, row ${Number(id)} \\(altered\\)`));
  });

  it('seed refuses PostgreSQL, where a well-known demo password must never exist', () => {
    const res = run('scripts/seed.ts', [], { DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', JWT_SECRET: 'x'.repeat(40), AUDIT_KEY: 'k'.repeat(40) });
    expect(res.code).toBe(1);
    expect(res.out).toContain('embedded demo database only');
  });

  it('the server stops at start with a message naming a bad variable', () => {
    const res = run('server/main.ts', [], { PORT: 'not-a-port', DATABASE_URL: 'postgres://x@127.0.0.1/y' });
    expect(res.code).toBe(1);
    expect(res.out).toMatch(/PORT/);
    expect(res.out).toMatch(/JWT_SECRET: is required when DATABASE_URL is set/);
    expect(res.out).toMatch(/AUDIT_KEY: is required when DATABASE_URL is set/);
  });

  it('keeps the generated JWT secret private, and exits cleanly when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    const res = run('server/main.ts', [], { PORT: String(port), HOST: '127.0.0.1' });
    blocker.close();
    expect(res.code).toBe(1);
    expect(res.out).toContain('EADDRINUSE');
    expect(statSync(join(dataDir, 'jwt-secret')).mode & 0o077).toBe(0);
  });

  it('the server seeds an empty embedded database, serves it and stops on SIGTERM', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'coop-start-'));
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const port = (blocker.address() as AddressInfo).port;
    await new Promise<void>((r) => blocker.close(() => r()));
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn' };
    delete env.DATABASE_URL;
    delete env.JWT_SECRET;
    delete env.AUDIT_KEY;
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', r));
    let served: string | null = null;
    try {
      const base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 300 && !(await fetch(`${base}/api/ready`).then((r) => r.ok, () => false)); i++) {
        await new Promise((r) => setTimeout(r, 100));
      }
      // The banner follows the "ready" line; stdout and the readiness check race.
      for (let i = 0; i < 50 && !out.includes('member.changjiang'); i++) await new Promise((r) => setTimeout(r, 100));
      expect(out).toContain('manager.changjiang');
      const login = await fetch(`${base}/api/auth/login`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'demo1234' }),
      });
      expect(login.status).toBe(200);
      const list = await fetch(`${base}/api/households?range=[0,0]`, { headers: { authorization: `Bearer ${((await login.json()) as { token: string }).token}` } });
      served = list.headers.get('content-range');
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
    // The total served is every household the start seeded, as the stopped database holds them.
    const h = await createDb({ pgliteDir: pgliteDirOf(dir) });
    const [{ n }] = (await h.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM households`)).rows;
    await h.close();
    expect(Number(n)).toBeGreaterThan(0);
    expect(served).toBe(`households 0-0/${n}`);
    rmSync(dir, { recursive: true, force: true });
  }, 90_000);
});

