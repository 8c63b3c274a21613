import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, createTestApp, DEMO_PASSWORD, listUrl, totalOf, type TestContext } from './helpers/app';
import { makeUser } from './helpers/factories';

// Accounts are cached by authentication, so every request does not re-read its account.
// Revocation must stay immediate anyway, on every instance: two app instances share one
// database here, as two servers behind a load balancer would.

let t: TestContext;
let other: FastifyInstance;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const onPostgres = Boolean(process.env.DATABASE_URL);

beforeAll(async () => {
  // A cache that would keep an entry for an hour: only an invalidation can end it.
  t = await createTestApp({ accountCacheMs: 3_600_000 });
  other = await buildTestApp(t.db, { accountCacheMs: 3_600_000 });
  await other.ready();
});
afterAll(async () => {
  await other.close();
  await t.close();
});

async function member() {
  const household = (await t.db.db.query.households.findFirst({ where: (h, { eq }) => eq(h.id, 1) }))!;
  const { user } = await makeUser(t.db.db, { role: 'member', household, password: DEMO_PASSWORD });
  const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: DEMO_PASSWORD } });
  expect(login.statusCode).toBe(200);
  return { user, token: login.json().token as string };
}

/**
 * The next request to `app` with `token`. On PostgreSQL the notification reaches the other
 * instance's listening connection asynchronously, a moment after the commit: wait for the
 * instance to have heard it (at most a few seconds), never for the cache's hour to pass.
 */
async function nextStatus(app: FastifyInstance, token: string, expected: number) {
  const ask = async () => (await app.inject({ url: '/api/auth/me', headers: auth(token) })).statusCode;
  if (!onPostgres) return ask();
  for (let i = 0; i < 100; i++) {
    const status = await ask();
    if (status === expected) return status;
    await new Promise((r) => setTimeout(r, 50));
  }
  return ask();
}

describe('the account cache', () => {
  it('serves repeated requests from the cache, on each instance', async () => {
    const { user, token } = await member();
    // Creating the account and signing in each announce a change, which on PostgreSQL may
    // arrive after a request has cached the account: ask until the entry stays.
    await expect.poll(async () => {
      expect((await other.inject({ url: '/api/auth/me', headers: auth(token) })).statusCode).toBe(200);
      return other.accounts.get(user.id)?.user.username;
    }).toBe(user.username);
  });

  it('forgets an account changed behind the API (SQL), on every instance', async () => {
    const { user, token } = await member();
    expect((await t.app.inject({ url: '/api/auth/me', headers: auth(token) })).statusCode).toBe(200);
    expect((await other.inject({ url: '/api/auth/me', headers: auth(token) })).statusCode).toBe(200);
    // Not through the services: only the database's notification can tell the instances.
    await t.db.db.execute(sql`UPDATE users SET active = false WHERE id = ${user.id}`);
    expect(await nextStatus(other, token, 401)).toBe(401);
    expect(await nextStatus(t.app, token, 401)).toBe(401);
  });

  it('a re-scoped account sees its new scope on the next request of another instance', async () => {
    const { user, token } = await member();
    const mine = async () => (await other.inject({ url: listUrl('households'), headers: auth(token) })).json().map((h: { id: number }) => h.id);
    expect(await mine()).toEqual([1]);
    await t.db.db.execute(sql`UPDATE users SET household_id = 2 WHERE id = ${user.id}`);
    let ids = await mine();
    for (let i = 0; onPostgres && i < 100 && ids[0] !== 2; i++) {
      await new Promise((r) => setTimeout(r, 50));
      ids = await mine();
    }
    expect(ids).toEqual([2]);
  });

  it('an administrator disabling an account through the API is refused at once on the instance that did it', async () => {
    const { user, token } = await member();
    const admin = await t.tokenOf('admin');
    expect((await t.app.inject({ url: '/api/auth/me', headers: auth(token) })).statusCode).toBe(200);
    const got = await t.app.inject({ url: `/api/users/${user.id}`, headers: auth(admin) });
    const put = await t.app.inject({ method: 'PUT', url: `/api/users/${user.id}`, headers: auth(admin), payload: { ...(got.json() as object), active: false } });
    expect(put.statusCode).toBe(200);
    // No waiting, even on PostgreSQL: the writing instance forgets the account itself.
    expect((await t.app.inject({ url: '/api/auth/me', headers: auth(token) })).statusCode).toBe(401);
    expect(await nextStatus(other, token, 401)).toBe(401);
  });

  it('caches nothing while notifications could be missed', async () => {
    const { user, token } = await member();
    other.accounts.setLive(false);
    try {
      expect((await other.inject({ url: '/api/auth/me', headers: auth(token) })).statusCode).toBe(200);
      expect(other.accounts.get(user.id)).toBeUndefined();
    } finally {
      other.accounts.setLive(true);
    }
  });
});

describe('cached counts', () => {
  it('a write makes the next list count again', async () => {
    const admin = await t.tokenOf('admin');
    // A page of one row out of several: its total is a count (a page that is not full tells its own).
    const url = listUrl('villages', { range: [0, 0] });
    const before = totalOf(await t.app.inject({ url, headers: auth(admin) }));
    expect(totalOf(await t.app.inject({ url, headers: auth(admin) }))).toBe(before);
    const made = await t.app.inject({ method: 'POST', url: '/api/villages', headers: auth(admin), payload: { code: 'CACHE-1', name: '缓存村', township: '测试镇' } });
    expect(made.statusCode).toBe(201);
    expect(totalOf(await t.app.inject({ url, headers: auth(admin) }))).toBe(before + 1);
    // A write this process did not make (SQL, as another instance's would be): only the
    // database's notification, sent when the audit row is committed, can tell.
    await t.db.db.execute(sql`DELETE FROM villages WHERE code = 'CACHE-1'`);
    await t.db.db.execute(sql`INSERT INTO audit_log (union_id, action, resource, record_id) VALUES (1, 'delete', 'villages', '0')`);
    const totalNow = async () => totalOf(await other.inject({ url, headers: auth(admin) }));
    if (onPostgres) await expect.poll(totalNow, { timeout: 5000 }).toBe(before);
    else expect(await totalNow()).toBe(before);
  });
});

describe('what a change announces', () => {
  it('a sign-in announces a write to users but no account change; a changed name announces both', async () => {
    const heard: string[] = [];
    const listener = await t.db.listen('coop_changes', (p) => heard.push(p), () => {});
    try {
      const { user } = await member();
      await expect.poll(() => heard.includes('write:users')).toBe(true); // the sign-in's audit row
      heard.length = 0;
      const again = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: DEMO_PASSWORD } });
      expect(again.statusCode).toBe(200);
      await expect.poll(() => heard).toContain('write:users');
      expect(heard.filter((p) => p.startsWith('account:'))).toEqual([]);
      await t.db.db.execute(sql`UPDATE users SET display_name = '改名' WHERE id = ${user.id}`);
      await expect.poll(() => heard).toContain(`account:${user.id}`);
    } finally {
      await listener.close();
    }
  });
});
