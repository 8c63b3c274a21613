import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, listUrl, type TestContext } from './helpers/app';
import { fingerprint } from './helpers/snapshot';

// Odd values in every writable field and list parameter: each must be a 4xx (or a
// success), never a 500, and a refused write must leave the database as it was.

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

const versionOf = async (table: string, id: number) =>
  (await t.db.db.execute<{ version: number }>(sql`SELECT version FROM ${sql.identifier(table)} WHERE id = ${id}`)).rows[0].version;

const weird: unknown[] = [
  null, true, -1, 0, 1.5, 1e308, '', ' ', 'x'.repeat(5000), [], [1], {}, { a: 1 }, '1e5', '9'.repeat(30),
  '2026-13-45', 'a\u0000b', "'; drop table users; --",
];
const fields: Record<string, string[]> = {
  villages: ['code', 'name', 'notes'],
  cooperatives: ['village_id', 'code', 'founded_on', 'phone'],
  households: ['village_id', 'head_name', 'is_member', 'capital_contributed', 'joined_on'],
  people: ['household_id', 'name', 'gender', 'birth_year', 'roles'],
  plots: ['village_id', 'tenure', 'household_id', 'area_mu', 'kind', 'latitude'],
  buyers: ['code', 'kind'],
  users: ['username', 'password', 'role', 'cooperative_id', 'active'],
  unions: ['name', 'code'],
};
const listParams = [
  'sort=["id"]', 'sort=[1,2]', 'range=[0,1e20]', 'range=["a","b"]', 'range=[0,-1]', 'filter={"id":["a"]}', 'filter={"id":[1.5]}',
  'filter={"q":5}', 'filter={"q":"a\\u0000"}', 'filter={"q":"%_\\\\"}', 'filter=[]', 'filter=null', 'filter={"village_id":[1,"x"]}',
  'filter={"joined_on_gte":"x"}', 'filter={"area_mu_gte":"abc"}', 'filter={"roles":["a"]}',
];

describe('no input makes the server fail', () => {
  it.each(Object.keys(fields))('%s: odd field values on create and update', async (resource) => {
    const token = await t.tokenOf('admin');
    const before = await fingerprint(t.db);
    const failures: string[] = [];
    for (const field of fields[resource]) {
      for (const value of weird) {
        // Users: another account than the administrator's own, whose password change would end this session.
        const target = resource === 'users' ? 2 : 1;
        for (const [method, url] of [['POST', `/api/${resource}`], ['PUT', `/api/${resource}/${target}`]] as const) {
          // An update carries the row's current version, so the odd value is what it is judged on.
          const version = method === 'PUT' ? { version: await versionOf(resource, target) } : {};
          const res = await t.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, payload: { [field]: value, ...version } });
          // A single odd field never makes a complete create, and an update of it is refused or harmless.
          if (res.statusCode >= 500) failures.push(`${method} ${field}=${JSON.stringify(value).slice(0, 30)} → ${res.statusCode}`);
          if (method === 'POST' && res.statusCode < 400) failures.push(`${method} ${field} accepted an incomplete record`);
        }
      }
    }
    expect(failures).toEqual([]);
    // Updates that were accepted (a valid odd value) may change rows; creates never land.
    const after = await fingerprint(t.db);
    for (const table of ['villages', 'cooperatives', 'households', 'people', 'plots', 'buyers', 'users']) {
      expect(after[table].split(':')[0], table).toBe(before[table].split(':')[0]);
    }
  });

  it.each(Object.keys(fields))('%s: odd list parameters and ids', async (resource) => {
    const token = await t.tokenOf('manager.changjiang');
    const statuses: number[] = [];
    for (const q of listParams) statuses.push((await t.app.inject({ url: `/api/${resource}?${q}`, headers: { authorization: `Bearer ${token}` } })).statusCode);
    for (const id of ['abc', '-1', '0', '1.5', '99999999999999']) {
      statuses.push((await t.app.inject({ url: `/api/${resource}/${id}`, headers: { authorization: `Bearer ${token}` } })).statusCode);
    }
    expect(statuses.filter((s) => s >= 500)).toEqual([]);
  });

  it('login and audit filters refuse NUL characters cleanly', async () => {
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'ad\u0000min', password: 'x' } });
    expect(login.statusCode).toBe(400);
    const audit = await t.app.inject({ url: listUrl('audit-log', { filter: { resource: 'a\u0000' } }), headers: { authorization: `Bearer ${await t.tokenOf('admin')}` } });
    expect(audit.statusCode).toBe(400);
  });
});
