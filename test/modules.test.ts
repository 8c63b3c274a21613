import { and, eq, sql } from 'drizzle-orm';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buyers, idempotencyKeys, villages } from '../db/schema/index';
import { buildApp } from '../server/app';
import { writeAudit } from '../server/lib/audit';
import { notFound } from '../server/lib/errors';
import { expireIdempotencyKeys } from '../server/lib/idempotency';
import { checkModules, type AppModule } from '../server/lib/module';
import { scopeCondition } from '../server/lib/resource';
import { registerVerb } from '../server/lib/verbs';
import { appModules } from '../server/modules/index';
import { villageResource } from '../server/modules/org/org.resources';
import { createTestApp, TEST_SECRET, type TestContext } from './helpers/app';
import { makeUser } from './helpers/factories';

// A module written the way design.md asks, for the test only: a verb on villages ("poke")
// whose handler can be held open, to show verbs, their grants and idempotency keys at work.

let pokes = 0;
let gate: Promise<void> | undefined;

const probeModule: AppModule = {
  name: 'probe',
  resources: [],
  extraResources: ['probes'],
  policy: { probes: { union_admin: { verbs: { poke: 'union' } }, coop_manager: { verbs: { poke: 'village' } } } },
  routes(app, deps) {
    registerVerb(app, {
      resource: 'probes', verb: 'poke', tag: 'test', summary: 'Poke a village',
      body: z.object({ note: z.string().max(20) }).strict(),
      response: z.object({ id: z.number(), note: z.string(), poke: z.number() }),
      handler: async (ctx, id, body) => {
        const scope = deps.policies.requireVerb(ctx.user, 'probes', 'poke');
        // Held outside the transaction: PGlite has one connection, which a transaction holds.
        await gate;
        return deps.db.transaction(async (tx) => {
          const [village] = await tx.select().from(villages).where(and(eq(villages.id, id), scopeCondition(villageResource, ctx.user, scope === 'union' ? 'union' : 'village')));
          if (!village) throw notFound('probes');
          pokes++;
          await writeAudit(tx, { union_id: ctx.user.union_id, user: ctx.user, requestId: ctx.requestId }, { action: 'poke', resource: 'probes', record_id: id, after: body });
          return { id, note: body.note, poke: pokes };
        });
      },
    });
  },
};

let t: TestContext;
let ids: { cj: number; qy: number };
const auth = async (who: string) => ({ authorization: `Bearer ${await t.tokenOf(who)}` });
const poke = async (who: string, id: number, note: string, key?: string) =>
  t.app.inject({ method: 'POST', url: `/api/probes/${id}/poke`, payload: { note }, headers: { ...(await auth(who)), ...(key !== undefined && { 'idempotency-key': key }) } });

beforeAll(async () => {
  t = await createTestApp({ modules: [...appModules, probeModule] });
  const rows = (await t.db.db.execute<{ code: string; id: number }>(sql`SELECT code, id FROM villages WHERE code IN ('CJ', 'QY')`)).rows;
  ids = { cj: rows.find((r) => r.code === 'CJ')!.id, qy: rows.find((r) => r.code === 'QY')!.id };
});
afterAll(() => t.close());

describe('modules passed to buildApp', () => {
  const orgModule = appModules.find((m) => m.name === 'org')!;

  it('refuses a resource without a policy, a policy for no resource, and a resource served twice', async () => {
    const { villages: _dropped, ...withoutVillages } = orgModule.policy;
    expect(() => checkModules([{ ...orgModule, policy: withoutVillages }])).toThrow(/resource villages \(module org\) has no policy/);
    expect(() => checkModules([{ ...orgModule, policy: { ...orgModule.policy, harvests: {} } }])).toThrow(/policy for harvests, which no module serves/);
    expect(() => checkModules([orgModule, { name: 'copy', resources: [villageResource], policy: {} }])).toThrow(/villages is served by both org and copy/);
    const db = t.db;
    await expect(buildApp({ db, modules: [{ ...orgModule, policy: withoutVillages }], config: { jwtSecret: TEST_SECRET, tokenTtlSeconds: 60 } }))
      .rejects.toThrow(/has no policy/);
  });

  it('hands the role its verbs in the session, for the console to show or hide buttons', async () => {
    const me = async (who: string) => (await t.app.inject({ url: '/api/auth/me', headers: await auth(who) })).json().user;
    expect((await me('manager.changjiang')).permissions.probes).toEqual({ read: false, create: false, update: false, delete: false, verbs: ['poke'] });
    expect((await me('member.changjiang')).permissions.probes.verbs).toEqual([]);
    expect((await me('member.changjiang')).permissions.users.verbs).toEqual(['change-password']);
    expect((await me('admin')).role_scope_fields).toMatchObject({ coop_manager: ['cooperative_id', 'village_id'], union_admin: [] });
  });
});

describe('verbs', () => {
  it('runs for a role that holds it, inside its scope, and is audited under its own name', async () => {
    const res = await poke('manager.changjiang', ids.cj, 'own village');
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ id: ids.cj, note: 'own village' });
    const [entry] = (await t.db.db.execute<{ action: string; resource: string; record_id: string; username: string }>(
      sql`SELECT action, resource, record_id, username FROM audit_log ORDER BY id DESC LIMIT 1`)).rows;
    expect(entry).toEqual({ action: 'poke', resource: 'probes', record_id: String(ids.cj), username: 'manager.changjiang' });
  });

  it('answers 403 to a role without the verb and 404 for a record outside the scope, running nothing', async () => {
    const before = pokes;
    const lacking = await poke('member.changjiang', ids.cj, 'x');
    expect(lacking.statusCode).toBe(403);
    expect(lacking.json()).toMatchObject({ statusCode: 403, code: 'FORBIDDEN' });
    const outside = await poke('manager.changjiang', ids.qy, 'x');
    expect(outside.statusCode).toBe(404);
    expect(outside.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
    expect((await poke('admin', ids.qy, 'union-wide')).statusCode).toBe(200);
    expect(pokes).toBe(before + 1);
  });
});

describe('Idempotency-Key', () => {
  it('replays the first response without running the write again', async () => {
    const first = await poke('admin', ids.cj, 'once', 'key-replay-1');
    const count = pokes;
    const again = await poke('admin', ids.cj, 'once', 'key-replay-1');
    expect(again.statusCode).toBe(first.statusCode);
    expect(again.body).toBe(first.body);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(pokes).toBe(count);
  });

  it('answers 422 to the same key with another body, and lets another user use the same key', async () => {
    expect((await poke('admin', ids.cj, 'one', 'key-shared')).statusCode).toBe(200);
    const other = await poke('admin', ids.cj, 'two', 'key-shared');
    expect(other.statusCode).toBe(422);
    expect(other.json()).toMatchObject({ statusCode: 422, code: 'IDEMPOTENCY_KEY_REUSED', errors: { 'Idempotency-Key': expect.any(String) } });
    const count = pokes;
    expect((await poke('manager.changjiang', ids.cj, 'one', 'key-shared')).statusCode).toBe(200);
    expect(pokes).toBe(count + 1);
  });

  it('answers 409 to a replay while the first request is still running, then replays it', async () => {
    let open!: () => void;
    gate = new Promise((r) => (open = r));
    const first = poke('admin', ids.cj, 'slow', 'key-in-flight');
    // Let the first request claim its key and reach the gate.
    await expect.poll(async () => (await t.db.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'key-in-flight'))).length).toBe(1);
    const during = await poke('admin', ids.cj, 'slow', 'key-in-flight');
    expect(during.statusCode).toBe(409);
    expect(during.json()).toMatchObject({ code: 'IDEMPOTENCY_KEY_IN_FLIGHT' });
    open();
    gate = undefined;
    const done = await first;
    expect(done.statusCode).toBe(200);
    const after = await poke('admin', ids.cj, 'slow', 'key-in-flight');
    expect(after.body).toBe(done.body);
  });

  it('refuses an empty or over-long key with 400, and releases the key of a refused request', async () => {
    for (const key of ['', 'k'.repeat(201), 'has space']) {
      const res = await poke('admin', ids.cj, 'x', key);
      expect(res.statusCode, JSON.stringify(key)).toBe(400);
      expect(res.json().errors).toHaveProperty('Idempotency-Key');
    }
    expect((await poke('admin', ids.cj, 'x', 'k'.repeat(200))).statusCode).toBe(200);
    // A 404 stores nothing: the same key runs again once the request can succeed.
    expect((await poke('manager.changjiang', ids.qy, 'x', 'key-after-404')).statusCode).toBe(404);
    expect(await t.db.db.select().from(idempotencyKeys).where(eq(idempotencyKeys.key, 'key-after-404'))).toEqual([]);
    expect((await poke('manager.changjiang', ids.cj, 'x', 'key-after-404')).statusCode).toBe(200);
  });

  it('serves the generic CRUD writes too: a retried create makes one row', async () => {
    const headers = { ...(await auth('sales')), 'idempotency-key': 'create-buyer-1' };
    const payload = { code: 'IDEM-B1', name: '重试买家', kind: 'canteen' };
    const a = await t.app.inject({ method: 'POST', url: '/api/buyers', headers, payload });
    const b = await t.app.inject({ method: 'POST', url: '/api/buyers', headers, payload });
    expect(a.statusCode).toBe(201);
    expect(b.statusCode).toBe(201);
    expect(b.json()).toEqual(a.json());
    expect(await t.db.db.select().from(buyers).where(eq(buyers.code, 'IDEM-B1'))).toHaveLength(1);
  });

  it('keeps keys at least 24 hours', async () => {
    const [{ id: union_id }] = (await t.db.db.execute<{ id: number }>(sql`SELECT id FROM unions ORDER BY id LIMIT 1`)).rows;
    const { user } = await makeUser(t.db.db, { role: 'union_sales', union_id });
    const row = { user_id: user.id, union_id, request_hash: '0'.repeat(64), method: 'POST', path: '/api/x', status_code: 201, response: '{}' };
    await t.db.db.insert(idempotencyKeys).values([
      { ...row, key: 'age-25h', created_at: sql`now() - interval '25 hours'` as never },
      { ...row, key: 'age-49h', created_at: sql`now() - interval '49 hours'` as never },
    ]);
    await expireIdempotencyKeys(t.db.db);
    const left = await t.db.db.select({ key: idempotencyKeys.key }).from(idempotencyKeys).where(eq(idempotencyKeys.user_id, user.id));
    expect(left).toEqual([{ key: 'age-25h' }]);
  });
});
