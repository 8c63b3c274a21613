import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, listUrl, totalOf, type TestContext } from './helpers/app';
import { makeHousehold, makeHouseholds, makePeople, makePerson, makePlot, makeVillage } from './helpers/factories';
import { fingerprint } from './helpers/snapshot';

let t: TestContext;
let admin: string;
let manager: string;
let cj: number; // Changjiang village
let qy: number; // a neighbouring village
let foreignVillage: number; // a village of another union
let unionId: number; // the administrator's union

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
/** The version an update must carry: the row's current one. */
const versionOf = async (table: string, id: number) =>
  (await t.db.db.execute<{ version: number }>(sql`SELECT version FROM ${sql.identifier(table)} WHERE id = ${id}`)).rows[0].version;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.tokenOf('admin');
  manager = await t.tokenOf('manager.changjiang');
  const v = await t.db.db.execute<{ id: number; code: string; union_id: number }>(sql`SELECT id, code, union_id FROM villages`);
  cj = v.rows.find((r) => r.code === 'CJ')!.id;
  unionId = v.rows.find((r) => r.code === 'CJ')!.union_id;
  qy = v.rows.find((r) => r.code === 'QY')!.id;
  const u = await t.db.db.execute<{ id: number }>(sql`INSERT INTO unions (code, name) VALUES ('OTHER', '另一联合社') RETURNING id`);
  const fv = await t.db.db.execute<{ id: number }>(
    sql`INSERT INTO villages (union_id, code, name) VALUES (${u.rows[0].id}, 'FX', '外社村') RETURNING id`,
  );
  foreignVillage = fv.rows[0].id;
});
afterAll(() => t.close());

describe('lists follow ra-data-simple-rest', () => {
  it('pages, sorts and reports the total in Content-Range', async () => {
    const village = await makeVillage(t.db.db, unionId);
    const made = await makeHouseholds(t.db.db, village, 17, (i) => ({ code: `${village.code}-${String(i).padStart(3, '0')}` }));
    const res = await t.app.inject({
      url: listUrl('households', { filter: { village_id: village.id }, sort: ['code', 'DESC'], range: [5, 14] }), headers: auth(admin),
    });
    expect(res.statusCode).toBe(200);
    const rows = res.json();
    expect(rows).toHaveLength(10);
    expect(res.headers['content-range']).toBe('households 5-14/17');
    const codes = rows.map((r: { code: string }) => r.code);
    expect([...codes].sort().reverse()).toEqual(codes);
    expect(codes).toEqual(made.map((h) => h.code).sort().reverse().slice(5, 15));
  });

  it('caps a page at 100 rows', async () => {
    const village = await makeVillage(t.db.db, unionId);
    await makePeople(t.db.db, village, 101);
    const res = await t.app.inject({ url: listUrl('people', { filter: { village_id: village.id }, range: [0, 999] }), headers: auth(admin) });
    expect(res.json()).toHaveLength(100);
    expect(res.headers['content-range']).toBe('people 0-99/101');
  });

  it('filters by field, by id array (getMany) and by free text', async () => {
    const village = await makeVillage(t.db.db, unionId, { name: '筛选测试村' });
    const members = await makeHouseholds(t.db.db, village, 4, { is_member: true });
    const outsider = await makeHousehold(t.db.db, village, { is_member: false });
    const ids = (rows: { id: number }[]) => rows.map((r) => r.id).sort((a, b) => a - b);

    const byVillage = await t.app.inject({ url: listUrl('households', { filter: { village_id: village.id, is_member: true } }), headers: auth(admin) });
    expect(byVillage.json().every((h: { village_id: number; is_member: boolean }) => h.village_id === village.id && h.is_member)).toBe(true);
    expect(ids(byVillage.json())).toEqual(ids(members));
    expect(ids(byVillage.json())).not.toContain(outsider.id);
    const three = ids(members).slice(0, 3);
    const many = await t.app.inject({ url: listUrl('households', { filter: { id: three } }), headers: auth(admin) });
    expect(ids(many.json())).toEqual(three);
    const q = await t.app.inject({ url: listUrl('villages', { filter: { q: '筛选测试' } }), headers: auth(admin) });
    expect(q.json().map((v: { name: string }) => v.name)).toEqual(['筛选测试村']);

    const experts = [
      await makePerson(t.db.db, members[0], { roles: ['grower', 'small_expert'] }),
      await makePerson(t.db.db, members[1], { roles: ['small_expert'] }),
      await makePerson(t.db.db, village, { roles: ['small_expert', 'party_member'] }),
    ];
    await makePerson(t.db.db, members[0], { roles: ['grower'] });
    await makePerson(t.db.db, members[2], { roles: [] });
    const roles = await t.app.inject({ url: listUrl('people', { filter: { roles: 'small_expert', village_id: village.id }, range: [0, 99] }), headers: auth(admin) });
    expect(totalOf(roles)).toBe(experts.length);
    expect(ids(roles.json())).toEqual(ids(experts));
    expect(roles.json().every((p: { roles: string[] }) => p.roles.includes('small_expert'))).toBe(true);

    const large = [await makePlot(t.db.db, village, { area_mu: '20.00' }), await makePlot(t.db.db, members[0], { area_mu: '35.50' })];
    await makePlot(t.db.db, village, { area_mu: '19.99' });
    await makePlot(t.db.db, members[1], { area_mu: '2.00' });
    const big = await t.app.inject({ url: listUrl('plots', { filter: { area_mu_gte: 20, village_id: village.id } }), headers: auth(admin) });
    expect(big.json().every((p: { area_mu: string }) => Number(p.area_mu) >= 20)).toBe(true);
    expect(ids(big.json())).toEqual(ids(large));
  });

  it('refuses unknown sort fields, filters and malformed parameters with field errors', async () => {
    for (const [url, field] of [
      [listUrl('households', { sort: ['password', 'ASC'] }), 'sort'],
      [listUrl('households', { filter: { nope: 1 } }), 'nope'],
      [listUrl('households', { filter: { village_id: 'abc' } }), 'village_id'],
      ['/api/households?range=[5,1]', 'range'],
      ['/api/households?filter={bad', 'filter'],
    ] as const) {
      const res = await t.app.inject({ url, headers: auth(admin) });
      expect(res.statusCode, url).toBe(400);
      expect(res.json().errors, url).toHaveProperty([field]);
    }
  });
});

describe('writes', () => {
  it('creates, updates with optimistic locking, and deletes a plot', async () => {
    const created = await t.app.inject({
      method: 'POST', url: '/api/plots', headers: auth(manager),
      payload: { village_id: cj, tenure: 'collective', code: 'CJ-T1', name: '试验田', area_mu: 3.25, kind: 'open_field' },
    });
    expect(created.statusCode).toBe(201);
    const plot = created.json();
    expect(plot).toMatchObject({ area_mu: '3.25', union_id: expect.any(Number), version: 1 });

    // react-admin sends the whole record back, read-only fields included.
    const updated = await t.app.inject({ method: 'PUT', url: `/api/plots/${plot.id}`, headers: auth(manager), payload: { ...plot, name: '试验田（改）' } });
    expect(updated.statusCode).toBe(200);
    expect(updated.json()).toMatchObject({ name: '试验田（改）', version: 2 });

    const stale = await t.app.inject({ method: 'PUT', url: `/api/plots/${plot.id}`, headers: auth(manager), payload: { ...plot, name: 'lost update' } });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().code).toBe('STALE_VERSION');

    const del = await t.app.inject({ method: 'DELETE', url: `/api/plots/${plot.id}`, headers: auth(manager) });
    expect(del.statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/plots/${plot.id}`, headers: auth(manager) })).statusCode).toBe(404);
  });

  it('keeps exact decimals', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/households', headers: auth(admin),
      payload: { village_id: cj, code: 'CJ-DEC', head_name: '精确', capital_contributed: '12345678901.23' },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json().capital_contributed).toBe('12345678901.23');
  });

  it('refuses to delete a village that still has households', async () => {
    const before = await fingerprint(t.db);
    const res = await t.app.inject({ method: 'DELETE', url: `/api/villages/${qy}`, headers: auth(admin) });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('IN_USE');
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('lets a user edit their own name but not their role, nor their password without the current one', async () => {
    const meRes = await t.app.inject({ url: '/api/auth/me', headers: auth(manager) });
    const id = meRes.json().user.id;
    const self = (await t.app.inject({ url: `/api/users/${id}`, headers: auth(manager) })).json();
    expect(self).not.toHaveProperty('password_hash');
    const escalate = await t.app.inject({ method: 'PUT', url: `/api/users/${id}`, headers: auth(manager), payload: { ...self, role: 'union_admin' } });
    expect(escalate.statusCode).toBe(400);
    expect(escalate.json().errors).toEqual({ role: 'is read-only' });
    const password = await t.app.inject({ method: 'PUT', url: `/api/users/${id}`, headers: auth(manager), payload: { ...self, password: 'a-new-password' } });
    expect(password.statusCode).toBe(400);
    expect(password.json().errors.password).toMatch(/change-password/);
    const renamed = await t.app.inject({ method: 'PUT', url: `/api/users/${id}`, headers: auth(manager), payload: { ...self, display_name: '长江经理' } });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ display_name: '长江经理', version: self.version + 1 });
    expect((await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'manager.changjiang', password: 'a-new-password' } })).statusCode).toBe(401);
  });

  it('derives a manager account village from its cooperative', async () => {
    const coop = await t.db.db.execute<{ id: number; village_id: number }>(sql`SELECT id, village_id FROM cooperatives WHERE code = 'COOP-QY'`);
    const res = await t.app.inject({
      method: 'POST', url: '/api/users', headers: auth(admin),
      payload: { username: 'manager.qingyang', password: 'long-enough-1', display_name: '青杨经理', role: 'coop_manager', cooperative_id: coop.rows[0].id },
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ village_id: coop.rows[0].village_id, household_id: null });
    expect(res.json()).not.toHaveProperty('password_hash');
  });
});

describe('bad input gets a 4xx naming the field and changes nothing', () => {
  const validPlot = () => ({ village_id: cj, tenure: 'collective', code: 'CJ-BAD', name: '地', area_mu: '1.5', kind: 'greenhouse' });
  const cases: { name: string; token: () => string; method: 'POST' | 'PUT'; url: string | (() => Promise<string> | string); payload: () => unknown; status: number; field?: string }[] = [
    { name: 'wrong type', token: () => admin, method: 'POST', url: '/api/plots', payload: () => ({ ...validPlot(), area_mu: 'lots' }), status: 400, field: 'area_mu' },
    { name: 'negative area', token: () => admin, method: 'POST', url: '/api/plots', payload: () => ({ ...validPlot(), area_mu: -2 }), status: 400, field: 'area_mu' },
    { name: 'zero area', token: () => admin, method: 'POST', url: '/api/plots', payload: () => ({ ...validPlot(), area_mu: 0 }), status: 400, field: 'area_mu' },
    { name: 'unknown field', token: () => admin, method: 'POST', url: '/api/plots', payload: () => ({ ...validPlot(), colour: 'red' }), status: 400, field: 'colour' },
    { name: 'id on create', token: () => admin, method: 'POST', url: '/api/plots', payload: () => ({ ...validPlot(), id: 99999 }), status: 400, field: 'id' },
    { name: 'union_id on create', token: () => admin, method: 'POST', url: '/api/plots', payload: () => ({ ...validPlot(), union_id: 2 }), status: 400, field: 'union_id' },
    { name: 'overlong string', token: () => admin, method: 'POST', url: '/api/plots', payload: () => ({ ...validPlot(), name: '地'.repeat(81) }), status: 400, field: 'name' },
    { name: 'missing required', token: () => admin, method: 'POST', url: '/api/plots', payload: () => ({ ...validPlot(), kind: undefined }), status: 400, field: 'kind' },
    { name: 'household plot without household', token: () => admin, method: 'POST', url: '/api/plots', payload: () => ({ ...validPlot(), tenure: 'household' }), status: 400, field: 'household_id' },
    { name: 'duplicate plot code', token: () => admin, method: 'POST', url: '/api/plots', payload: () => ({ ...validPlot(), code: 'CJ-C1' }), status: 409, field: 'code' },
    { name: 'village of another union', token: () => admin, method: 'POST', url: '/api/plots', payload: () => ({ ...validPlot(), village_id: foreignVillage }), status: 400, field: 'village_id' },
    { name: 'manager writing into another village', token: () => manager, method: 'POST', url: '/api/plots', payload: () => ({ ...validPlot(), village_id: qy }), status: 403, field: 'village_id' },
    { name: 'duplicate username', token: () => admin, method: 'POST', url: '/api/users', payload: () => ({ username: 'SALES', password: 'long-enough-1', display_name: 'x', role: 'union_sales' }), status: 409, field: 'username' },
    { name: 'role without its scope', token: () => admin, method: 'POST', url: '/api/users', payload: () => ({ username: 'cadre.x', password: 'long-enough-1', display_name: 'x', role: 'village_cadre' }), status: 400, field: 'village_id' },
    { name: 'short password', token: () => admin, method: 'POST', url: '/api/users', payload: () => ({ username: 'shorty', password: 'short', display_name: 'x', role: 'union_sales' }), status: 400, field: 'password' },
    { name: 'changed id on update', token: () => admin, method: 'PUT', url: () => `/api/villages/${cj}`, payload: async () => ({ id: qy, name: '改名', version: await versionOf('villages', cj) }), status: 400, field: 'id' },
    { name: 'changed union_id on update', token: () => admin, method: 'PUT', url: () => `/api/villages/${cj}`, payload: async () => ({ union_id: 999, version: await versionOf('villages', cj) }), status: 400, field: 'union_id' },
    { name: 'update without version', token: () => admin, method: 'PUT', url: () => `/api/villages/${cj}`, payload: () => ({ name: '改名' }), status: 400, field: 'version' },
    { name: 'moving a household out of the manager village', token: () => manager, method: 'PUT', url: async () => `/api/households/${await firstHousehold(cj)}`, payload: async () => ({ village_id: qy, version: await versionOf('households', await firstHousehold(cj)) }), status: 403, field: 'village_id' },
    { name: 'people gender outside the enum', token: () => admin, method: 'POST', url: '/api/people', payload: () => ({ village_id: cj, name: '某', gender: 'x' }), status: 400, field: 'gender' },
    { name: 'negative capital', token: () => admin, method: 'POST', url: '/api/households', payload: () => ({ village_id: cj, code: 'CJ-NEG', head_name: '某', capital_contributed: -1 }), status: 400, field: 'capital_contributed' },
    { name: 'id out of integer range in the path', token: () => admin, method: 'PUT', url: '/api/villages/99999999999', payload: () => ({ name: 'x' }), status: 400, field: 'id' },
  ];

  it.each(cases)('$name → $status', async (c) => {
    const before = await fingerprint(t.db);
    const res = await t.app.inject({ method: c.method, url: await (typeof c.url === 'function' ? c.url() : c.url), headers: auth(c.token()), payload: (await c.payload()) as object });
    expect(res.statusCode).toBe(c.status);
    const body = res.json();
    expect(body).toMatchObject({ statusCode: c.status, code: expect.any(String), message: expect.any(String) });
    if (c.field) expect(Object.keys(body.errors ?? {})).toContain(c.field);
    expect(await fingerprint(t.db)).toEqual(before);
  });

  it('malformed JSON → 400 INVALID_JSON', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/plots', headers: { ...auth(admin), 'content-type': 'application/json' }, payload: '{"village_id": 1,' });
    expect(res.statusCode).toBe(400);
    expect(res.json().code).toBe('INVALID_JSON');
  });

  it('a body that is not an object → 400', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/plots', headers: auth(admin), payload: [1, 2] as unknown as object });
    expect(res.statusCode).toBe(400);
  });
});

async function firstHousehold(village: number): Promise<number> {
  const r = await t.db.db.execute<{ id: number }>(sql`SELECT id FROM households WHERE village_id = ${village} ORDER BY id LIMIT 1`);
  return r.rows[0].id;
}
