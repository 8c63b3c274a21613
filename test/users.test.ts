import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditLog } from '../db/schema/index';
import { createTestApp, type TestContext } from './helpers/app';
import { makeBuyer, makeHousehold, makeUser, makeVillage, reloadUser, type User } from './helpers/factories';

// Accounts' rules (server/modules/org/org.service.ts): one's own password changes only
// through the change-password verb, against the current one; every change is audited.

let t: TestContext;
let unionId: number;
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const login = (username: string, password: string) =>
  t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
const changePassword = (token: string, id: number, body: object) =>
  t.app.inject({ method: 'POST', url: `/api/users/${id}/change-password`, headers: bearer(token), payload: body });
const trailOf = async (id: number) =>
  t.db.db.select().from(auditLog).where(sql`${auditLog.resource} = 'users' AND ${auditLog.record_id} = ${String(id)}`).orderBy(auditLog.id);

/** A fresh member account and a token of it. */
async function member(): Promise<{ user: User; password: string; token: string }> {
  const village = await makeVillage(t.db.db, unionId);
  const household = await makeHousehold(t.db.db, village);
  const made = await makeUser(t.db.db, { role: 'member', household });
  const res = await login(made.user.username, made.password);
  expect(res.statusCode, res.body).toBe(200);
  return { ...made, token: res.json().token };
}

beforeAll(async () => {
  t = await createTestApp();
  [{ id: unionId }] = (await t.db.db.execute<{ id: number }>(sql`SELECT union_id AS id FROM users WHERE username = 'admin'`)).rows;
});
afterAll(() => t.close());

describe('change-password', () => {
  it('changes one\'s own password against the current one, returns a fresh session and ends the old ones', async () => {
    const m = await member();
    const res = await changePassword(m.token, m.user.id, { current_password: m.password, new_password: 'a-brand-new-one' });
    expect(res.statusCode, res.body).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ id: m.user.id, username: m.user.username, permissions: expect.any(Object) });
    expect((await t.app.inject({ url: '/api/auth/me', headers: bearer(m.token) })).statusCode).toBe(401);
    expect((await t.app.inject({ url: '/api/auth/me', headers: bearer(body.token) })).statusCode).toBe(200);
    expect((await login(m.user.username, m.password)).statusCode).toBe(401);
    expect((await login(m.user.username, 'a-brand-new-one')).statusCode).toBe(200);

    const after = await reloadUser(t.db.db, m.user.id);
    expect(after.version).toBe(m.user.version + 1);
    const entry = (await trailOf(m.user.id)).find((e) => e.action === 'change-password');
    expect(entry).toMatchObject({ user_id: m.user.id, username: m.user.username });
    expect(JSON.stringify(entry)).not.toMatch(/argon2|password_hash/);
  });

  it('refuses a wrong current password with a field error and changes nothing', async () => {
    const m = await member();
    const before = await reloadUser(t.db.db, m.user.id);
    const res = await changePassword(m.token, m.user.id, { current_password: 'not-my-password', new_password: 'whatever-else-1' });
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ statusCode: 400, code: 'VALIDATION_FAILED', errors: { current_password: expect.any(String) } });
    expect(await reloadUser(t.db.db, m.user.id)).toEqual(before);
    expect((await trailOf(m.user.id)).map((e) => e.action)).toEqual(['login']);
    expect((await t.app.inject({ url: '/api/auth/me', headers: bearer(m.token) })).statusCode).toBe(200);
  });

  it('refuses a new password that is short, the same as the current one, or a body with stray fields', async () => {
    const m = await member();
    const short = await changePassword(m.token, m.user.id, { current_password: m.password, new_password: 'short' });
    expect(short.json().errors).toHaveProperty('new_password');
    const same = await changePassword(m.token, m.user.id, { current_password: m.password, new_password: m.password });
    expect(same.statusCode).toBe(400);
    expect(same.json().errors).toHaveProperty('new_password');
    const stray = await changePassword(m.token, m.user.id, { current_password: m.password, new_password: 'long-enough-2', role: 'union_admin' });
    expect(stray.statusCode).toBe(400);
    expect(stray.json().errors).toHaveProperty('role');
    expect((await reloadUser(t.db.db, m.user.id)).password_hash).toBe(m.user.password_hash);
  });

  it('reaches only one\'s own account: another user\'s id answers 404, even for the administrator', async () => {
    const a = await member();
    const b = await member();
    const res = await changePassword(a.token, b.user.id, { current_password: b.password, new_password: 'taken-over-123' });
    expect(res.statusCode).toBe(404);
    const admin = await t.tokenOf('admin');
    expect((await changePassword(admin, b.user.id, { current_password: b.password, new_password: 'taken-over-123' })).statusCode).toBe(404);
    expect((await reloadUser(t.db.db, b.user.id)).password_hash).toBe(b.user.password_hash);
    expect((await t.app.inject({ method: 'POST', url: `/api/users/${b.user.id}/change-password`, payload: {} })).statusCode).toBe(401);
  });

  it('slows down guessing the current password with a stolen token (429 after 10 tries a minute)', async () => {
    const m = await member();
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      statuses.push((await changePassword(m.token, m.user.id, { current_password: `guess-${i}`, new_password: 'whatever-else-1' })).statusCode);
    }
    expect(statuses).toEqual([...Array(10).fill(400), 429]);
    const limited = await changePassword(m.token, m.user.id, { current_password: m.password, new_password: 'whatever-else-1' });
    expect(limited.json()).toMatchObject({ statusCode: 429, code: 'TOO_MANY_REQUESTS' });
  });
});

describe('accounts by update', () => {
  it('lets nobody set their own password by update, the administrator included', async () => {
    const adminToken = await t.tokenOf('admin');
    const me = (await t.app.inject({ url: '/api/auth/me', headers: bearer(adminToken) })).json().user;
    const self = (await t.app.inject({ url: `/api/users/${me.id}`, headers: bearer(adminToken) })).json();
    const res = await t.app.inject({ method: 'PUT', url: `/api/users/${me.id}`, headers: bearer(adminToken), payload: { ...self, password: 'no-current-needed' } });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.password).toMatch(/change-password/);
    expect((await login('admin', 'no-current-needed')).statusCode).toBe(401);
  });

  it('lets the administrator reset someone else\'s password, audited without the hash', async () => {
    const m = await member();
    const adminToken = await t.tokenOf('admin');
    const current = (await t.app.inject({ url: `/api/users/${m.user.id}`, headers: bearer(adminToken) })).json();
    const res = await t.app.inject({ method: 'PUT', url: `/api/users/${m.user.id}`, headers: bearer(adminToken), payload: { ...current, password: 'reset-by-admin-1' } });
    expect(res.statusCode, res.body).toBe(200);
    expect((await login(m.user.username, 'reset-by-admin-1')).statusCode).toBe(200);
    const update = (await trailOf(m.user.id)).find((e) => e.action === 'update')!;
    expect(update.username).toBe('admin');
    expect(JSON.stringify([update.before, update.after])).not.toMatch(/argon2|password/);
  });

  it('gives a new account exactly the scope its role needs, deriving the village', async () => {
    const adminToken = await t.tokenOf('admin');
    const village = await makeVillage(t.db.db, unionId);
    const household = await makeHousehold(t.db.db, village);
    const buyer = await makeBuyer(t.db.db, unionId);
    const res = await t.app.inject({
      method: 'POST', url: '/api/users', headers: bearer(adminToken),
      payload: { username: 'scoped.member1', password: 'long-enough-1', display_name: '社员', role: 'member', household_id: household.id, buyer_id: buyer.id },
    });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json()).toMatchObject({ household_id: household.id, village_id: village.id, buyer_id: null, cooperative_id: null });
    const missing = await t.app.inject({
      method: 'POST', url: '/api/users', headers: bearer(adminToken),
      payload: { username: 'scoped.buyer1', password: 'long-enough-1', display_name: '买家', role: 'buyer' },
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().errors).toEqual({ buyer_id: 'is required for the role buyer' });
  });
});

describe('sign-in', () => {
  it('stamps last_login_at and audits it', async () => {
    const m = await member();
    const stamped = await reloadUser(t.db.db, m.user.id);
    expect(stamped.last_login_at).toBeInstanceOf(Date);
    const [entry] = await trailOf(m.user.id);
    expect(entry).toMatchObject({ action: 'login', resource: 'users', user_id: m.user.id, username: m.user.username, before: { last_login_at: null } });
    expect((entry.after as { last_login_at: string }).last_login_at).toEqual(expect.any(String));
    expect(entry.request_id).toEqual(expect.any(String));
  });

  it('writes nothing for a failed sign-in', async () => {
    const m = await member();
    const before = (await trailOf(m.user.id)).length;
    expect((await login(m.user.username, 'wrong-password-1')).statusCode).toBe(401);
    expect((await trailOf(m.user.id)).length).toBe(before);
  });
});
