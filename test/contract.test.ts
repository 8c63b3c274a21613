import type { AddressInfo } from 'node:net';
import { sql, type SQL } from 'drizzle-orm';
import { fetchUtils, HttpError, type DataProvider, type RaRecord, type SortPayload } from 'ra-core';
import simpleRestProvider from 'ra-data-simple-rest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_PASSWORD, type TestContext } from './helpers/app';

// The console talks to the API only through the stock ra-data-simple-rest provider, over
// real HTTP: these tests hold the server to that provider's exact expectations.

type Rec = Record<string, unknown>;
interface Query { filter: Rec; sort: SortPayload; page: number; perPage: number; where: SQL }
interface Spec {
  name: string;
  list: () => Promise<Query>;
  ref: () => { target: string; id: unknown; sort: SortPayload; page: number; perPage: number };
  create: () => Promise<Rec>;
  change: Rec;
  invalid: [field: string, value: unknown];
  cleanup?: (created: Rec) => Promise<void>;
}

let t: TestContext;
let dp: DataProvider;
const ids = {} as { union: number; cj: number; qy: number; hh: number };

async function rows<T = Rec>(query: SQL): Promise<T[]> {
  return (await t.db.db.execute(query)).rows as T[];
}

/** What the page should hold, worked out in SQL independently of the server's list code. */
async function expectedPage(table: string, where: SQL, sort: SortPayload, page: number, perPage: number) {
  const dir = sql.raw(sort.order === 'DESC' ? 'DESC' : 'ASC');
  const all = await rows<{ id: number }>(sql`SELECT id FROM ${sql.identifier(table)} WHERE union_id = ${ids.union} AND ${where}
    ORDER BY ${sql.identifier(sort.field)} ${dir}, id ${dir}`);
  return { ids: all.slice((page - 1) * perPage, page * perPage).map((r) => Number(r.id)), total: all.length };
}

const like = (value: string, ...columns: string[]) =>
  sql`(${sql.join(columns.map((c) => sql`${sql.identifier(c)} ILIKE ${`%${value}%`}`), sql` OR `)})`;

/** The village a new cooperative can go to: each existing village already has one. */
let villageCount = 0;
async function villageWithoutCooperative(): Promise<number> {
  const n = ++villageCount;
  const { data } = await dp.create('villages', { data: { code: `CT-COOPV${n}`, name: `合约新村${n}` } });
  return Number(data.id);
}

const specs: Spec[] = [
  {
    name: 'villages',
    list: async () => ({ filter: { q: '村', township: '金口街道' }, sort: { field: 'code', order: 'DESC' }, page: 2, perPage: 2, where: sql`${like('村', 'name', 'code')} AND township = '金口街道'` }),
    ref: () => ({ target: 'township', id: '金口街道', sort: { field: 'name', order: 'ASC' }, page: 1, perPage: 4 }),
    create: async () => ({ code: 'CT-V1', name: '合约村', township: '金口街道', notes: null }),
    change: { notes: '已核对' },
    invalid: ['code', 'bad code!'],
  },
  {
    name: 'cooperatives',
    list: async () => ({ filter: { q: '蔬菜' }, sort: { field: 'name', order: 'ASC' }, page: 2, perPage: 2, where: like('蔬菜', 'name', 'code') }),
    ref: () => ({ target: 'village_id', id: ids.cj, sort: { field: 'code', order: 'ASC' }, page: 1, perPage: 10 }),
    create: async () => ({ village_id: await villageWithoutCooperative(), code: 'CT-COOP', name: '合约合作社', phone: '027-80001234', founded_on: '2024-05-01' }),
    change: { legal_representative: '李四' },
    invalid: ['phone', 'abc'],
    cleanup: async (c) => void (await dp.delete('villages', { id: c.village_id as number })),
  },
  {
    name: 'households',
    list: async () => ({
      filter: { village_id: ids.cj, is_member: true, q: 'CJ-0', capital_contributed_gte: 5000 },
      sort: { field: 'capital_contributed', order: 'DESC' }, page: 2, perPage: 5,
      where: sql`village_id = ${ids.cj} AND is_member AND ${like('CJ-0', 'head_name', 'code', 'phone')} AND capital_contributed >= 5000`,
    }),
    ref: () => ({ target: 'village_id', id: ids.qy, sort: { field: 'code', order: 'ASC' }, page: 2, perPage: 10 }),
    create: async () => ({
      village_id: ids.cj, code: 'CT-HH1', head_name: '合约户', phone: '13900000001', address: '长江村1组', is_member: true,
      capital_contributed: '1234.50', joined_on: '2024-03-01',
    }),
    change: { head_name: '合约户主' },
    invalid: ['head_name', ''],
  },
  {
    name: 'people',
    list: async () => {
      // The seed's names are random: search for the commonest first character among QY's women.
      const [{ c }] = await rows<{ c: string }>(sql`SELECT left(name, 1) AS c FROM people WHERE village_id = ${ids.qy} AND gender = 'female'
        GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
      return {
        filter: { village_id: ids.qy, gender: 'female', q: c, birth_year_gte: 1950 }, sort: { field: 'birth_year', order: 'ASC' }, page: 1, perPage: 3,
        where: sql`village_id = ${ids.qy} AND gender = 'female' AND ${like(c, 'name', 'phone')} AND birth_year >= 1950`,
      };
    },
    ref: () => ({ target: 'household_id', id: ids.hh, sort: { field: 'name', order: 'ASC' }, page: 1, perPage: 10 }),
    create: async () => ({ village_id: ids.cj, household_id: ids.hh, name: '合约人', gender: 'female', birth_year: 1990, phone: null, roles: ['grower', 'volunteer'] }),
    change: { birth_year: 1991 },
    invalid: ['gender', 'other'],
  },
  {
    name: 'plots',
    list: async () => ({
      filter: { village_id: ids.cj, kind: 'greenhouse', q: '大棚' }, sort: { field: 'area_mu', order: 'ASC' }, page: 2, perPage: 4,
      where: sql`village_id = ${ids.cj} AND kind = 'greenhouse' AND ${like('大棚', 'name', 'code', 'location')}`,
    }),
    ref: () => ({ target: 'household_id', id: ids.hh, sort: { field: 'code', order: 'DESC' }, page: 1, perPage: 10 }),
    create: async () => ({
      village_id: ids.cj, household_id: ids.hh, tenure: 'household', code: 'CT-P1', name: '合约地', area_mu: '3.25', kind: 'greenhouse',
      location: '东岸', latitude: '30.123456', longitude: '114.123456',
    }),
    change: { area_mu: '4.50' },
    invalid: ['area_mu', '-1'],
  },
  {
    name: 'buyers',
    list: async () => ({ filter: { q: '示例' }, sort: { field: 'code', order: 'ASC' }, page: 2, perPage: 2, where: like('示例', 'name', 'code', 'contact_name') }),
    ref: () => ({ target: 'kind', id: 'supermarket', sort: { field: 'name', order: 'ASC' }, page: 1, perPage: 10 }),
    create: async () => ({ code: 'CT-B1', name: '合约买家', kind: 'supermarket', contact_name: '张三', phone: '027-80000099', address: null }),
    change: { contact_name: '王五' },
    invalid: ['kind', 'nope'],
  },
  {
    name: 'users',
    list: async () => ({
      filter: { q: 'changjiang', active: true }, sort: { field: 'username', order: 'DESC' }, page: 1, perPage: 2,
      where: sql`${like('changjiang', 'username', 'display_name')} AND active`,
    }),
    ref: () => ({ target: 'village_id', id: ids.cj, sort: { field: 'username', order: 'ASC' }, page: 1, perPage: 10 }),
    create: async () => ({ username: 'contract.member', password: 'contract-pass-1', display_name: '合约社员', role: 'member', household_id: ids.hh }),
    change: { display_name: '合约社员甲' },
    invalid: ['password', 'short'],
  },
];

beforeAll(async () => {
  t = await createTestApp();
  await t.app.listen({ port: 0, host: '127.0.0.1' });
  const { port } = t.app.server.address() as AddressInfo;
  const token = await t.tokenOf('admin');
  dp = simpleRestProvider(`http://127.0.0.1:${port}/api`, (url: string, options: fetchUtils.Options = {}) =>
    fetchUtils.fetchJson(url, { ...options, user: { authenticated: true, token: `Bearer ${token}` } }));
  const [v] = await rows<{ union: number; cj: number; qy: number }>(sql`SELECT union_id AS union,
    (SELECT id FROM villages WHERE code = 'CJ') AS cj, (SELECT id FROM villages WHERE code = 'QY') AS qy FROM users WHERE username = 'admin'`);
  Object.assign(ids, { union: Number(v.union), cj: Number(v.cj), qy: Number(v.qy) });
  // A Changjiang household that is nobody's account, so creating and deleting under it disturbs no one.
  const [h] = await rows<{ id: number }>(sql`SELECT id FROM households h WHERE village_id = ${ids.cj}
    AND NOT EXISTS (SELECT 1 FROM users u WHERE u.household_id = h.id) ORDER BY id LIMIT 1`);
  ids.hh = Number(h.id);
});
afterAll(() => t?.close());

async function rejection(promise: Promise<unknown>): Promise<HttpError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(HttpError);
  return err as HttpError;
}

/** Fields the server owns: they change on every write. */
const withoutStamps = ({ version: _v, updated_at: _u, ...rest }: RaRecord) => rest;

describe.each(specs.map((s) => [s.name, s] as const))('%s through ra-data-simple-rest', (name, spec) => {
  it('getList sorts, pages and filters (incl. q) and reports the total', async () => {
    const { filter, sort, page, perPage, where } = await spec.list();
    const expected = await expectedPage(name, where, sort, page, perPage);
    expect(expected.ids.length, 'the chosen filter should fill the page').toBeGreaterThan(0);
    const res = await dp.getList(name, { filter, sort, pagination: { page, perPage } });
    expect(res.data.map((r) => r.id)).toEqual(expected.ids);
    expect(res.total).toBe(expected.total);
  });

  it('getOne returns the listed record; getMany returns exactly the ids asked for', async () => {
    const { data: listed } = await dp.getList(name, { filter: {}, sort: { field: 'id', order: 'ASC' }, pagination: { page: 1, perPage: 3 } });
    expect(listed).toHaveLength(3);
    const { data: one } = await dp.getOne(name, { id: listed[1].id });
    expect(one).toEqual(listed[1]);
    expect(one).not.toHaveProperty('password_hash');
    const { data: many } = await dp.getMany(name, { ids: [listed[2].id, listed[0].id, 2_147_483_647] });
    expect(many.map((r) => r.id).sort((a, b) => a - b)).toEqual([listed[0].id, listed[2].id]);
    expect(many.find((r) => r.id === listed[2].id)).toEqual(listed[2]);
  });

  it('getManyReference pages the records that point at one value', async () => {
    const { target, id, sort, page, perPage } = spec.ref();
    const expected = await expectedPage(name, sql`${sql.identifier(target)} = ${id}`, sort, page, perPage);
    expect(expected.ids.length).toBeGreaterThan(0);
    const res = await dp.getManyReference(name, { target, id: id as never, filter: {}, sort, pagination: { page, perPage } });
    expect(res.data.map((r) => r.id)).toEqual(expected.ids);
    expect(res.total).toBe(expected.total);
    for (const r of res.data) expect(r[target]).toBe(id);
  });

  it('creates, updates with the whole record sent back, and deletes', async () => {
    const input = await spec.create();
    const { password, ...visible } = input;
    const { data: created } = await dp.create(name, { data: input });
    expect(created).toMatchObject({ ...visible, id: expect.any(Number), version: 1 });
    expect(created).not.toHaveProperty('password_hash');
    expect((await dp.getOne(name, { id: created.id })).data).toEqual(created);
    const { data: updated } = await dp.update(name, { id: created.id, data: { ...created, ...spec.change }, previousData: created });
    expect(updated).toMatchObject({ ...spec.change, id: created.id, version: 2 });
    expect(withoutStamps(updated)).toEqual(withoutStamps({ ...created, ...spec.change }));
    expect((await dp.getOne(name, { id: created.id })).data).toEqual(updated);
    if (password) {
      // Signing in leaves an audit trail, and an account with a trail is deactivated, not
      // deleted (409): sign in with a twin of the account instead.
      const username = `${String(input.username)}.twin`;
      await dp.create(name, { data: { ...input, username } });
      const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
      expect(login.statusCode).toBe(200);
      expect(login.json().user.village_id).toBe(ids.cj);
    }

    const { data: deleted } = await dp.delete(name, { id: created.id, previousData: updated });
    expect(deleted.id).toBe(created.id);
    expect((await rejection(dp.getOne(name, { id: created.id }))).status).toBe(404);
    await spec.cleanup?.(created);
  });

  it('refuses an update carrying a stale version with 409', async () => {
    const { data: [record] } = await dp.getList(name, { filter: {}, sort: { field: 'id', order: 'DESC' }, pagination: { page: 1, perPage: 1 } });
    const { data: fresh } = await dp.update(name, { id: record.id, data: { ...record, ...spec.change }, previousData: record });
    expect(fresh.version).toBe(record.version + 1);
    const err = await rejection(dp.update(name, { id: record.id, data: { ...record, ...spec.change }, previousData: record }));
    expect(err.status).toBe(409);
    expect(err.body).toMatchObject({ statusCode: 409, errors: { version: expect.any(String) } });
    expect((await dp.getOne(name, { id: record.id })).data).toEqual(fresh);
  });

  it('names the invalid field in a 400, on create and on update', async () => {
    const [field, value] = spec.invalid;
    const bad = await rejection(dp.create(name, { data: { ...(await spec.create()), [field]: value } }));
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toHaveProperty([field]);

    const { data: [record] } = await dp.getList(name, { filter: {}, sort: { field: 'id', order: 'ASC' }, pagination: { page: 1, perPage: 1 } });
    const badUpdate = await rejection(dp.update(name, { id: record.id, data: { ...record, [field]: value }, previousData: record }));
    expect(badUpdate.status).toBe(400);
    expect(badUpdate.body.errors).toHaveProperty([field]);
    expect((await dp.getOne(name, { id: record.id })).data).toEqual(record);
  });
});

describe('users edited while their owner signs in', () => {
  it('saves the console form even though last_login_at moved underneath it', async () => {
    const { data: [record] } = await dp.getList('users', { filter: { q: 'sales' }, sort: { field: 'id', order: 'ASC' }, pagination: { page: 1, perPage: 1 } });
    expect(record.username).toBe('sales');
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: 'sales', password: DEMO_PASSWORD } });
    expect(login.statusCode).toBe(200);
    // Signing in bumps no version, so nothing tells the console its copy is stale: the save must go through.
    const { data: saved } = await dp.update('users', { id: record.id, data: { ...record, phone: '13911112222' }, previousData: record });
    expect(saved).toMatchObject({ id: record.id, phone: '13911112222', version: record.version + 1 });
  });
});
