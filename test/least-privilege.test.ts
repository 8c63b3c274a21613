import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, withDatabase, type DbHandle } from '../db/client';
import { buildApp } from '../server/app';
import { writeAudit } from '../server/lib/audit';
import { sealPending, verifyChain } from '../server/modules/audit/audit.service';
import { appModules } from '../server/modules/index';
import { seedDemo } from '../scripts/demo-seed';
import { DEMO_PASSWORD, TEST_SECRET } from './helpers/app';
import { adminUrl } from './helpers/pg';

// On PostgreSQL the schema belongs to an owner role that only migrates; the server runs as
// a role that owns nothing, so it cannot switch off or rewrite what guards the audit trail.

const url = process.env.DATABASE_URL;
const tag = randomBytes(4).toString('hex');
const owner = `coop_owner_${tag}`;
const runtime = `coop_app_${tag}`;
const dbName = `coop_lp_${tag}`;
const KEY = 'test-audit-key-that-is-long-enough-0123456789';

const as = (role: string) => {
  const u = new URL(withDatabase(url!, dbName));
  u.username = role;
  u.password = '';
  return u.toString();
};

describe.skipIf(!url)('a server role that owns nothing (PostgreSQL)', () => {
  let maint: DbHandle;
  let app: DbHandle;

  beforeAll(async () => {
    maint = await createDb({ databaseUrl: adminUrl(url!), poolMax: 1 });
    await maint.db.execute(sql.raw(`CREATE ROLE ${owner} LOGIN; CREATE ROLE ${runtime} LOGIN`));
    await maint.db.execute(sql.raw(`CREATE DATABASE ${dbName} OWNER ${owner}`));
    // PostgreSQL 15 and later: only the database owner creates in the public schema.
    const inDb = await createDb({ databaseUrl: withDatabase(url!, dbName), poolMax: 1 });
    await inDb.db.execute(sql.raw(`ALTER SCHEMA public OWNER TO ${owner}; REVOKE CREATE ON SCHEMA public FROM PUBLIC`));
    await inDb.close();
    app = await createDb({ databaseUrl: as(runtime), migrationUrl: as(owner), poolMax: 3 });
    await app.migrate();
  });

  afterAll(async () => {
    await app?.close();
    await maint.db.execute(sql.raw(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`)).catch(() => {});
    await maint.db.execute(sql.raw(`DROP ROLE IF EXISTS ${runtime}; DROP ROLE IF EXISTS ${owner}`)).catch(() => {});
    await maint.close();
  });

  it('migrates as the owner and serves the API as the runtime role', async () => {
    const tables = await app.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM pg_tables WHERE schemaname = 'public' AND tableowner = ${owner}`);
    expect(Number(tables.rows[0].n)).toBeGreaterThan(5);
    const owned = await app.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM pg_tables WHERE tableowner = current_user`);
    expect(Number(owned.rows[0].n)).toBe(0);
    // A second start (another instance) migrates nothing new and grants again without error.
    await app.migrate();

    await seedDemo(app.db);
    const server = await buildApp({ db: app, modules: appModules, config: { jwtSecret: TEST_SECRET, tokenTtlSeconds: 600 }, adminRoot: '/nonexistent-console' });
    try {
      const login = await server.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: DEMO_PASSWORD } });
      expect(login.statusCode, login.body).toBe(200);
      const auth = { authorization: `Bearer ${login.json().token}` };
      const created = await server.inject({ method: 'POST', url: '/api/buyers', headers: { ...auth, 'idempotency-key': 'lp-1' }, payload: { code: 'LP-1', name: '最小权限买家', kind: 'other' } });
      expect(created.statusCode, created.body).toBe(201);
      expect((await server.inject({ method: 'DELETE', url: `/api/buyers/${created.json().id}`, headers: auth })).statusCode).toBe(200);
    } finally {
      await server.close();
    }
    const { sealed } = await sealPending(app.db, KEY);
    expect(sealed).toBeGreaterThan(0);
    expect((await verifyChain(app.db, KEY)).findings).toEqual([]);
  });

  it('cannot switch off, replace or go around the audit trail\'s guard', async () => {
    const [{ u }] = (await app.db.execute<{ u: number }>(sql`SELECT id AS u FROM unions ORDER BY id LIMIT 1`)).rows;
    await writeAudit(app.db, { union_id: u, user: null, system: 'test' }, { action: 'update', resource: 'probes', record_id: 1 });
    const attempts = [
      'ALTER TABLE audit_log DISABLE TRIGGER USER',
      'DROP TRIGGER audit_log_no_update_delete ON audit_log',
      `CREATE OR REPLACE FUNCTION audit_log_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$`,
      "UPDATE audit_log SET after = '{}'",
      'DELETE FROM audit_log',
      'TRUNCATE audit_log',
      'ALTER TABLE audit_log DROP COLUMN seal',
      'SET session_replication_role = replica',
    ];
    for (const statement of attempts) {
      await expect(app.db.execute(sql.raw(statement)), statement).rejects.toThrow();
    }
    const still = await app.db.execute<{ tgname: string }>(sql`
      SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_log'::regclass AND NOT tgisinternal AND tgenabled = 'O' ORDER BY tgname`);
    expect(still.rows.map((r) => r.tgname)).toEqual(expect.arrayContaining(['audit_log_insert_unsealed', 'audit_log_no_truncate', 'audit_log_no_update_delete']));
  });
});
