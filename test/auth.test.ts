import { createHmac } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { createSigner } from 'fast-jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../db/schema/index';
import { hashPassword } from '../server/modules/auth/auth.passwords';
import { fingerprint } from '../server/plugins/auth';
import { createTestApp, DEMO_PASSWORD, TEST_SECRET, type TestContext } from './helpers/app';
import { makeUnion, makeUser, type User } from './helpers/factories';

let t: TestContext;
/** The account whose tokens the token tests forge. */
let forger: User;
let forgerPassword: string;
beforeAll(async () => {
  t = await createTestApp({ loginLimits: { perAccount: 3, perAddress: 1000 } });
  const union = await makeUnion(t.db.db);
  ({ user: forger, password: forgerPassword } = await makeUser(t.db.db, { role: 'union_admin', union_id: union.id }));
});
afterAll(() => t.close());

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');

/** The claims a genuine token of this user carries, read from the database: sub, uid and pv. */
async function claimsOf(id: number) {
  const [u] = await t.db.db.select({ id: users.id, union_id: users.union_id, password_hash: users.password_hash }).from(users).where(eq(users.id, id));
  return { sub: String(u.id), uid: u.union_id, pv: fingerprint(u.password_hash) };
}

/** A token built by hand, signed with the real key by HMAC-SHA256 or -SHA512. */
function hmacToken(alg: 'HS256' | 'HS512', payload: object): string {
  const input = `${b64({ alg, typ: 'JWT' })}.${b64(payload)}`;
  const sig = createHmac(alg === 'HS256' ? 'sha256' : 'sha512', TEST_SECRET).update(input).digest('base64url');
  return `${input}.${sig}`;
}

const me = (token?: string) =>
  t.app.inject({ url: '/api/auth/me', headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });
const login = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });

describe('login', () => {
  it('returns a token, its expiry and the user with the rights the console needs', async () => {
    const res = await login('manager.changjiang', DEMO_PASSWORD);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ username: 'manager.changjiang', role: 'coop_manager' });
    expect(body.user.village_id).toEqual(expect.any(Number));
    expect(body.user.permissions.plots).toEqual({ read: true, create: true, update: true, delete: true, verbs: [] });
    expect(body.user.permissions.cooperatives).toEqual({ read: true, create: false, update: true, delete: false, verbs: [] });
    expect(body.user.permissions.users).toEqual({ read: true, create: false, update: true, delete: false, verbs: ['change-password'] });
    expect(body.user.permissions['audit-log']).toEqual({ read: false, create: false, update: false, delete: false, verbs: [] });
    expect(body.user.role_scope_fields.member).toEqual(['household_id', 'village_id']);
    const ttl = Date.parse(body.expires_at) - Date.now();
    expect(ttl).toBeGreaterThan(25 * 60_000);
    expect(ttl).toBeLessThanOrEqual(30 * 60_000);
    expect(body.user).not.toHaveProperty('password_hash');
    expect((await me(body.token)).json().user.username).toBe('manager.changjiang');
  });

  it('accepts the username in any case', async () => {
    expect((await login('Cadre.Changjiang', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('gives the same 401 for a wrong password and an unknown user', async () => {
    const wrong = await login('sales', 'not-the-password');
    const unknown = await login('nobody-here', 'whatever1');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(wrong.json().message).toBe(unknown.json().message);
  });

  it('refuses malformed bodies with field errors', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors).toHaveProperty('password');
  });

  it('stores passwords as Argon2id hashes', async () => {
    const rows = await t.db.db.execute<{ password_hash: string }>(sql`SELECT password_hash FROM users WHERE username = 'admin'`);
    expect(rows.rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
  });

  it('rate-limits repeated attempts on one account from one address', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await login('buyer.port', 'bad-password')).statusCode);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const limited = await login('buyer.port', DEMO_PASSWORD);
    expect(limited.json()).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
    expect(limited.headers['retry-after']).toBeDefined();
    // Another account from the same address is not locked out by it.
    expect((await login('member.changjiang', DEMO_PASSWORD)).statusCode).toBe(200);
  });

  it('also limits one address trying many usernames', async () => {
    const other = await createTestApp({ loginLimits: { perAccount: 3, perAddress: 8 } });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 10; i++) {
        statuses.push((await other.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: `guess-${i}`, password: 'bad-password' } })).statusCode);
      }
      expect(statuses).toEqual([...Array(8).fill(401), 429, 429]);
      const limited = await other.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'admin', password: DEMO_PASSWORD } });
      expect(limited.statusCode).toBe(429);
      expect(limited.headers['retry-after']).toBeDefined();
      expect(limited.json().code).toBe('TOO_MANY_REQUESTS');
    } finally {
      await other.close();
    }
  });

  it('refuses a disabled account at login and on its existing token', async () => {
    const token = (await login('sales', DEMO_PASSWORD)).json().token;
    await t.db.db.execute(sql`UPDATE users SET active = false WHERE username = 'sales'`);
    expect((await me(token)).statusCode).toBe(401);
    expect((await login('sales', DEMO_PASSWORD)).statusCode).toBe(401);
    await t.db.db.execute(sql`UPDATE users SET active = true WHERE username = 'sales'`);
  });
});

describe('tokens', () => {
  it('401 without a token', async () => {
    const res = await me();
    expect(res.statusCode).toBe(401);
    expect(res.json()).toMatchObject({ statusCode: 401, code: 'UNAUTHORIZED' });
    expect((await t.app.inject({ url: '/api/households' })).statusCode).toBe(401);
  });

  // Each forged token is valid in every respect but the one under test: the real user's id,
  // union and password fingerprint, signed with the real key, unexpired, HS256. A positive
  // control shows the same construction without that one flaw is accepted, so each refusal
  // can only come from the check the test names.

  it('401 for an expired token', async () => {
    const claims = await claimsOf(forger.id);
    const sign = createSigner({ key: TEST_SECRET, algorithm: 'HS256' });
    const now = Math.floor(Date.now() / 1000);
    expect((await me(sign({ ...claims, iat: now - 60, exp: now + 600 }))).statusCode).toBe(200);
    expect((await me(sign({ ...claims, iat: now - 3660, exp: now - 3600 }))).statusCode).toBe(401);
    // Just expired is expired too: no clock tolerance.
    expect((await me(sign({ ...claims, iat: now - 1800, exp: now - 1 }))).statusCode).toBe(401);
  });

  it('401 for a token signed with another key', async () => {
    const claims = await claimsOf(forger.id);
    const genuine = createSigner({ key: TEST_SECRET, algorithm: 'HS256', expiresIn: 600_000 });
    expect((await me(genuine(claims))).statusCode).toBe(200);
    const other = createSigner({ key: 'another-secret-that-is-long-enough-000000', algorithm: 'HS256', expiresIn: 600_000 });
    expect((await me(other(claims))).statusCode).toBe(401);
  });

  it('401 for alg none and for another HMAC algorithm', async () => {
    const payload = { ...(await claimsOf(forger.id)), iat: Math.floor(Date.now() / 1000), exp: Math.floor(Date.now() / 1000) + 600 };
    // The hand-built HS256 token is accepted: the construction itself is sound.
    expect((await me(hmacToken('HS256', payload))).statusCode).toBe(200);
    const none = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(payload)}.`;
    expect((await me(none)).statusCode).toBe(401);
    // HS512 with the real key: only the algorithm pin refuses it.
    expect((await me(hmacToken('HS512', payload))).statusCode).toBe(401);
  });

  it('401 for a stale password fingerprint', async () => {
    const claims = await claimsOf(forger.id);
    const sign = createSigner({ key: TEST_SECRET, algorithm: 'HS256', expiresIn: 600_000 });
    expect((await me(sign(claims))).statusCode).toBe(200);
    // The fingerprint of another hash of the same password, as after a change to it (a new salt).
    const stale = await me(sign({ ...claims, pv: fingerprint(await hashPassword(forgerPassword)) }));
    expect(stale.statusCode).toBe(401);
    expect(stale.json().message).toMatch(/password has changed/);
  });

  it('401 for the right fingerprint under another union', async () => {
    const claims = await claimsOf(forger.id);
    const sign = createSigner({ key: TEST_SECRET, algorithm: 'HS256', expiresIn: 600_000 });
    expect((await me(sign(claims))).statusCode).toBe(200);
    const otherUnion = await makeUnion(t.db.db);
    expect(otherUnion.id).not.toBe(claims.uid);
    expect((await me(sign({ ...claims, uid: otherUnion.id }))).statusCode).toBe(401);
  });

  it('forges the claims a real token carries', async () => {
    const res = await login(forger.username, forgerPassword);
    expect(res.statusCode).toBe(200);
    const [, body] = res.json().token.split('.');
    expect(JSON.parse(Buffer.from(body, 'base64url').toString())).toMatchObject(await claimsOf(forger.id));
  });

  it('401 for garbage', async () => {
    expect((await me('not.a.jwt')).statusCode).toBe(401);
  });

  it('renews a valid token', async () => {
    const token = await t.tokenOf('admin');
    const res = await t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { authorization: `Bearer ${token}` }, payload: {} });
    expect(res.statusCode).toBe(200);
    expect((await me(res.json().token)).json().user.username).toBe('admin');
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/refresh', payload: {} })).statusCode).toBe(401);
  });
});
