import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, listUrl, type TestContext } from './helpers/app';

let t: TestContext;
let admin: string;
let cadre: string;
let cj: number;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.tokenOf('admin');
  cadre = await t.tokenOf('cadre.changjiang');
  cj = (await t.db.db.execute<{ id: number }>(sql`SELECT id FROM villages WHERE code = 'CJ'`)).rows[0].id;
});
afterAll(() => t.close());

async function trailOf(resource: string, id: number) {
  const res = await t.app.inject({ url: listUrl('audit-log', { filter: { resource, record_id: String(id) }, sort: ['id', 'ASC'] }), headers: auth(admin) });
  expect(res.statusCode).toBe(200);
  return res.json() as { action: string; username: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null; request_id: string; at: string }[];
}

describe('audit trail', () => {
  it('records who, when, what, before and after for create, update and delete', async () => {
    const created = await t.app.inject({
      method: 'POST', url: '/api/people', headers: { ...auth(cadre), 'x-request-id': 'req-audit-1' },
      payload: { village_id: cj, name: '审计', gender: 'female', roles: ['volunteer'] },
    });
    expect(created.statusCode).toBe(201);
    const person = created.json();
    await t.app.inject({ method: 'PUT', url: `/api/people/${person.id}`, headers: auth(cadre), payload: { ...person, phone: '13912345678' } });
    await t.app.inject({ method: 'DELETE', url: `/api/people/${person.id}`, headers: auth(cadre) });

    const trail = await trailOf('people', person.id);
    expect(trail.map((e) => e.action)).toEqual(['create', 'update', 'delete']);
    expect(trail.every((e) => e.username === 'cadre.changjiang')).toBe(true);
    expect(trail[0]).toMatchObject({ before: null, after: { name: '审计', roles: ['volunteer'] }, request_id: 'req-audit-1' });
    expect(trail[1].before).toMatchObject({ phone: null, version: 1 });
    expect(trail[1].after).toMatchObject({ phone: '13912345678', version: 2 });
    expect(trail[2]).toMatchObject({ before: { phone: '13912345678' }, after: null });
    expect(Date.parse(trail[0].at)).toBeGreaterThan(Date.now() - 60_000);
  });

  it('never records password hashes', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/users', headers: auth(admin),
      payload: { username: 'audited.user', password: 'long-enough-1', display_name: 'x', role: 'union_sales' },
    });
    const [entry] = await trailOf('users', res.json().id);
    expect(entry.after).not.toHaveProperty('password_hash');
    expect(JSON.stringify(entry)).not.toContain('argon2');
  });

  it('writes nothing when the change fails', async () => {
    const count = async () => Number((await t.db.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log`)).rows[0].n);
    const before = await count();
    const res = await t.app.inject({ method: 'POST', url: '/api/plots', headers: auth(admin), payload: { village_id: cj, tenure: 'collective', code: 'CJ-C1', name: 'dup', area_mu: 1, kind: 'greenhouse' } });
    expect(res.statusCode).toBe(409);
    expect(await count()).toBe(before);
  });

  it('is refused UPDATE, DELETE and TRUNCATE by the database itself', async () => {
    await expect(t.db.db.execute(sql`UPDATE audit_log SET username = 'forged'`)).rejects.toThrow();
    await expect(t.db.db.execute(sql`DELETE FROM audit_log`)).rejects.toThrow();
    await expect(t.db.db.execute(sql`TRUNCATE audit_log`)).rejects.toThrow();
    const forged = await t.db.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE username = 'forged'`);
    expect(Number(forged.rows[0].n)).toBe(0);
  });

  it('is a read-only resource for administrators only', async () => {
    expect((await t.app.inject({ method: 'POST', url: '/api/audit-log', headers: auth(admin), payload: {} })).statusCode).toBe(404);
    expect((await t.app.inject({ method: 'DELETE', url: '/api/audit-log/1', headers: auth(admin) })).statusCode).toBe(404);
    const denied = await t.app.inject({ url: '/api/audit-log', headers: auth(cadre) });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('FORBIDDEN');
  });
});
