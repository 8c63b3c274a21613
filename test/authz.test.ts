import { eq, sql } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as s from '../db/schema/index';
import { EXACT_COUNT_CAP } from '../server/lib/list-query';
import { matrix, usernames, type MatrixRow, type Sees, type Target, type Who } from './authz-matrix';
import { createTestApp, listUrl, totalOf, type TestContext } from './helpers/app';

type Res = 'unions' | 'villages' | 'cooperatives' | 'households' | 'people' | 'plots' | 'buyers' | 'users' | 'audit-log';
type Rec = Record<string, unknown>;
interface Actor { id: number; union_id: number; role: string; village_id: number | null; household_id: number | null; buyer_id: number | null }

const tables: Record<Res, PgTable & { id: never }> = {
  unions: s.unions, villages: s.villages, cooperatives: s.cooperatives, households: s.households, people: s.people,
  plots: s.plots, buyers: s.buyers, users: s.users, 'audit-log': s.auditLog,
} as never;

let t: TestContext;
const actors = {} as Record<Who, Actor | undefined>;
const tokens = {} as Record<Who, string | undefined>;
const seed = {} as {
  union: number; cj: number; qy: number; coopCJ: number; coopQY: number; memberHH: number; hhCJ: number; hhQY: number;
  people: { member: number; cj: number; qy: number }; plots: { member: number; cj: number; qy: number };
  port: number; smjx: number; admin: number; sales: number; audit: number;
};
const foreign = {} as Record<Exclude<Res, 'audit-log'>, number>;

let counter = 0;
const uniq = () => String(++counter).padStart(4, '0');

async function q<T = Rec>(query: ReturnType<typeof sql>): Promise<T[]> {
  return (await t.db.db.execute(query)).rows as T[];
}
const idOf = async (query: ReturnType<typeof sql>) => Number((await q<{ id: number }>(query))[0].id);

async function insert(table: PgTable & { id: never }, values: Rec): Promise<number> {
  const [row] = await t.db.db.insert(table).values(values as never).returning({ id: table.id });
  return Number(row.id);
}

async function snapshot(res: Res, id: number): Promise<Rec | undefined> {
  const table = tables[res];
  const [row] = await t.db.db.select().from(table).where(eq(table.id, id));
  return row as Rec | undefined;
}

/** A record the caller's scope is pinned to, or just outside it; see the matrix header. */
function existing(res: Res, who: Who, target: Target): number {
  const a = actors[who];
  const member = a?.role === 'member';
  const own = target === 'own';
  switch (res) {
    case 'unions': return seed.union;
    case 'villages': return own ? seed.cj : seed.qy;
    case 'cooperatives': return own ? seed.coopCJ : seed.coopQY;
    case 'households': return own ? (a?.household_id ?? seed.hhCJ) : member ? seed.hhCJ : seed.hhQY;
    case 'people':
    case 'plots': return own ? (member ? seed[res].member : seed[res].cj) : member ? seed[res].cj : seed[res].qy;
    case 'buyers': return own ? (a?.buyer_id ?? seed.port) : seed.smjx;
    case 'users': return own ? (a?.id ?? seed.admin) : who === 'admin' ? seed.sales : seed.admin;
    case 'audit-log': return seed.audit;
  }
}

async function freshVillage(): Promise<number> {
  const k = uniq();
  return insert(tables.villages, { union_id: seed.union, code: `FV${k}`, name: `新建村${k}` });
}

/** A row made for one DELETE, so rows stay independent; the rows a scope is pinned to cannot be remade. */
async function deletable(res: Res, who: Who, target: Target): Promise<number> {
  const a = actors[who];
  const member = a?.role === 'member';
  const pinned = ['unions', 'audit-log', 'villages', 'cooperatives', 'buyers', 'users'].includes(res) || (res === 'households' && member);
  if (target === 'own' && pinned) return existing(res, who, target);
  const k = uniq();
  const base = { union_id: seed.union };
  const village_id = target === 'own' || member ? seed.cj : seed.qy;
  const household_id = member ? (target === 'own' ? seed.memberHH : seed.hhCJ) : null;
  switch (res) {
    case 'villages': return freshVillage();
    case 'cooperatives': return insert(tables.cooperatives, { ...base, village_id: await freshVillage(), code: `DC${k}`, name: `待删社${k}` });
    case 'households': return insert(tables.households, { ...base, village_id, code: `DH${k}`, head_name: `待删户${k}` });
    case 'people': return insert(tables.people, { ...base, village_id, household_id, name: `待删${k}`, gender: 'female' });
    case 'plots':
      return insert(tables.plots, {
        ...base, village_id, household_id, tenure: household_id ? 'household' : 'collective', code: `DP${k}`, name: `待删地${k}`,
        area_mu: '1.00', kind: 'open_field',
      });
    case 'buyers': return insert(tables.buyers, { ...base, code: `DB${k}`, name: `待删买家${k}`, kind: 'other' });
    default: return insert(tables.users, { ...base, username: `delete.me${k}`, password_hash: 'x', display_name: '待删', role: 'union_sales' });
  }
}

/** A valid create body, and the field that finds the row it would make. */
async function postBody(res: Res, target: Target, k: string): Promise<[Rec, string]> {
  const village_id = target === 'own' ? seed.cj : target === 'other' ? seed.qy : undefined;
  switch (res) {
    case 'villages': return [{ code: `PV${k}`, name: `新村${k}` }, 'code'];
    case 'cooperatives': return [{ village_id: village_id ?? (await freshVillage()), code: `PC${k}`, name: `新合作社${k}` }, 'code'];
    case 'households': return [{ village_id, code: `PH${k}`, head_name: `新户主${k}` }, 'code'];
    case 'people': return [{ village_id, name: `新人${k}`, gender: 'male' }, 'name'];
    case 'plots': return [{ village_id, tenure: 'collective', code: `PP${k}`, name: `新地${k}`, area_mu: '2.50', kind: 'greenhouse' }, 'code'];
    case 'buyers': return [{ code: `PB${k}`, name: `新买家${k}`, kind: 'canteen' }, 'code'];
    case 'users': return [{ username: `new.user${k}`, password: 'password-123', display_name: `新用户${k}`, role: 'union_sales' }, 'username'];
    default: return [{ code: `PU${k}`, name: `x${k}` }, 'code'];
  }
}

/** A harmless change, distinct per row so that a 200 proves this very request landed. */
function putBody(res: Res, k: string): Rec {
  if (res === 'unions') return { short_name: `联合社${k}` };
  if (res === 'villages') return { notes: `authz ${k}` };
  if (res === 'plots') return { location: `authz ${k}` };
  if (res === 'audit-log') return { resource: `x${k}` };
  return { phone: `1380000${k}` };
}

const scopeColumn = (res: Res, sees: Sees) =>
  ({ union: res === 'unions' ? 'id' : 'union_id', village: res === 'villages' ? 'id' : 'village_id', household: res === 'households' ? 'id' : 'household_id', buyer: 'id', self: 'id' })[sees];
const scopeValue = (a: Actor, sees: Sees) =>
  ({ union: a.union_id, village: a.village_id, household: a.household_id, buyer: a.buyer_id, self: a.id })[sees];

function call(who: Who, method: string, url: string, payload?: Rec) {
  const token = tokens[who];
  return t.app.inject({ method: method as never, url, payload, headers: token ? { authorization: `Bearer ${token}` } : {} });
}

beforeAll(async () => {
  t = await createTestApp();
  for (const [who, username] of Object.entries(usernames) as [Who, string][]) {
    actors[who] = (await q<Actor>(sql`SELECT id, union_id, role, village_id, household_id, buyer_id FROM users WHERE username = ${username}`))[0];
    tokens[who] = await t.tokenOf(username);
  }
  seed.union = actors.admin!.union_id;
  seed.cj = await idOf(sql`SELECT id FROM villages WHERE code = 'CJ' AND union_id = ${seed.union}`);
  seed.qy = await idOf(sql`SELECT id FROM villages WHERE code = 'QY' AND union_id = ${seed.union}`);
  seed.coopCJ = await idOf(sql`SELECT id FROM cooperatives WHERE village_id = ${seed.cj}`);
  seed.coopQY = await idOf(sql`SELECT id FROM cooperatives WHERE village_id = ${seed.qy}`);
  seed.memberHH = actors.member!.household_id!;
  seed.hhCJ = await idOf(sql`SELECT id FROM households WHERE village_id = ${seed.cj} AND id <> ${seed.memberHH} ORDER BY id LIMIT 1`);
  seed.hhQY = await idOf(sql`SELECT id FROM households WHERE village_id = ${seed.qy} ORDER BY id LIMIT 1`);
  for (const res of ['people', 'plots'] as const) {
    const first = (hh: number) => idOf(sql`SELECT id FROM ${sql.identifier(res)} WHERE household_id = ${hh} ORDER BY id LIMIT 1`);
    seed[res] = { member: await first(seed.memberHH), cj: await first(seed.hhCJ), qy: await first(seed.hhQY) };
  }
  seed.port = await idOf(sql`SELECT id FROM buyers WHERE code = 'PORT'`);
  seed.smjx = await idOf(sql`SELECT id FROM buyers WHERE code = 'SM-JX'`);
  seed.admin = actors.admin!.id;
  seed.sales = actors.sales!.id;
  // The demo seed writes no audit trail; one update gives the administrator an entry to read.
  expect((await call('admin', 'PUT', `/api/unions/${seed.union}`, {})).statusCode).toBe(200);
  seed.audit = await idOf(sql`SELECT id FROM audit_log WHERE union_id = ${seed.union} ORDER BY id DESC LIMIT 1`);

  // A second union on the same database: nothing of it may show through any role's door.
  foreign.unions = await insert(tables.unions, { code: 'OTHER', name: '另一联合社' });
  const base = { union_id: foreign.unions };
  foreign.villages = await insert(tables.villages, { ...base, code: 'CJ', name: '外社村' });
  foreign.cooperatives = await insert(tables.cooperatives, { ...base, village_id: foreign.villages, code: 'COOP-CJ', name: '外社合作社' });
  foreign.households = await insert(tables.households, { ...base, village_id: foreign.villages, code: 'CJ-001', head_name: '外户' });
  foreign.people = await insert(tables.people, { ...base, village_id: foreign.villages, household_id: foreign.households, name: '外人', gender: 'male' });
  foreign.plots = await insert(tables.plots, {
    ...base, village_id: foreign.villages, household_id: foreign.households, tenure: 'household', code: 'CJ-001-P1', name: '外地', area_mu: '1.00', kind: 'greenhouse',
  });
  foreign.buyers = await insert(tables.buyers, { ...base, code: 'PORT', name: '外买家', kind: 'other' });
  foreign.users = await insert(tables.users, { ...base, username: 'foreign.admin', password_hash: 'x', display_name: '外管理员', role: 'union_admin' });
  await insert(tables['audit-log'], { ...base, action: 'update', resource: 'villages', record_id: String(foreign.villages) });
});
afterAll(() => t?.close());

describe('authorisation matrix', () => {
  const cases = matrix.map((r) => [`${r.who} ${r.method} ${r.route} [${r.target}] → ${r.status}`, r] as const);
  it.each(cases)('%s', async (_name, row: MatrixRow) => {
    const [, name, withId] = /^\/api\/([\w-]+)(\/:id)?$/.exec(row.route)!;
    const res = name as Res;
    const k = uniq();
    const expectRefused = (body: Rec) => {
      expect(body).toMatchObject({ statusCode: row.status });
      expect(body).not.toHaveProperty('id');
    };

    if (row.method === 'GET' && !withId) {
      const r = await call(row.who, 'GET', listUrl(res, { range: [0, 99] }));
      expect(r.statusCode, r.body).toBe(row.status);
      if (row.status !== 200) return expectRefused(r.json());
      const a = actors[row.who]!;
      const column = scopeColumn(res, row.sees!);
      const value = scopeValue(a, row.sees!);
      const rows = r.json() as Rec[];
      expect(rows.length).toBeGreaterThan(0);
      for (const x of rows) expect(x[column], `${res} #${String(x.id)}.${column}`).toBe(value);
      const [{ n }] = await q<{ n: number }>(sql`SELECT count(*)::int AS n FROM ${sql.identifier(res.replace('-', '_'))} WHERE ${sql.identifier(column)} = ${value}`);
      // Past the cap the server may answer the planner's estimate instead of counting.
      if (Number(n) <= EXACT_COUNT_CAP) expect(totalOf(r)).toBe(Number(n));
      else expect(totalOf(r)).toBeGreaterThan(EXACT_COUNT_CAP);
      return;
    }

    if (row.method === 'POST') {
      const [body, marker] = await postBody(res, row.target, k);
      const r = await call(row.who, 'POST', `/api/${res}`, body);
      expect(r.statusCode, r.body).toBe(row.status);
      if (res === 'unions' || res === 'audit-log') return expectRefused(r.json());
      const table = tables[res] as unknown as Record<string, never> & PgTable;
      const found = await t.db.db.select().from(table).where(eq(table[marker], body[marker] as never));
      if (row.status === 201) {
        expect(r.json()).toMatchObject({ id: expect.any(Number), [marker]: body[marker] });
        expect(found.map((x) => (x as Rec).id)).toEqual([r.json().id]);
      } else {
        expectRefused(r.json());
        expect(found).toEqual([]);
      }
      return;
    }

    const id = row.method === 'DELETE' ? await deletable(res, row.who, row.target) : existing(res, row.who, row.target);
    const before = await snapshot(res, id);
    expect(before).toBeDefined();
    const body = row.method === 'PUT' ? putBody(res, k) : undefined;
    const r = await call(row.who, row.method, `/api/${res}/${id}`, body);
    expect(r.statusCode, r.body).toBe(row.status);
    const after = await snapshot(res, id);
    if (row.status >= 400) {
      expectRefused(r.json());
      expect(after).toEqual(before);
    } else if (row.method === 'GET') {
      expect(r.json().id).toBe(id);
    } else if (row.method === 'PUT') {
      expect(r.json()).toMatchObject({ id, ...body, version: Number(before!.version) + 1 });
      expect(after).toMatchObject(body!);
    } else {
      expect(after).toBeUndefined();
    }
  });
});

describe('scope holds beyond the matrix', () => {
  it('a scoped writer cannot move a record out of their village', async () => {
    for (const [who, res] of [['manager', 'households'], ['cadre', 'people'], ['manager', 'plots'], ['manager', 'cooperatives']] as const) {
      const id = existing(res, who, 'own');
      const before = await snapshot(res, id);
      const r = await call(who, 'PUT', `/api/${res}/${id}`, { village_id: seed.qy });
      expect(r.statusCode, `${who} ${res}: ${r.body}`).toBe(403);
      expect(await snapshot(res, id)).toEqual(before);
    }
  });

  it('nobody widens their own account', async () => {
    for (const change of [{ role: 'union_admin' }, { household_id: seed.hhQY }, { active: false }, { username: 'boss' }]) {
      const before = await snapshot('users', actors.member!.id);
      const r = await call('member', 'PUT', `/api/users/${actors.member!.id}`, change);
      expect([400, 403], `${JSON.stringify(change)}: ${r.body}`).toContain(r.statusCode);
      expect(await snapshot('users', actors.member!.id)).toEqual(before);
    }
  });

  it('filters narrow a scoped list, they never widen it', async () => {
    const r = await call('member', 'GET', listUrl('people', { filter: { village_id: seed.cj }, range: [0, 99] }));
    expect(r.statusCode).toBe(200);
    expect(new Set(r.json().map((p: Rec) => p.household_id))).toEqual(new Set([seed.memberHH]));
    const other = await call('manager', 'GET', listUrl('households', { filter: { village_id: seed.qy } }));
    expect(other.json()).toEqual([]);
    expect(totalOf(other)).toBe(0);
    const byId = await call('manager', 'GET', listUrl('households', { filter: { id: [seed.hhCJ, seed.hhQY] } }));
    expect(byId.json().map((h: Rec) => h.id)).toEqual([seed.hhCJ]);
  });

  it.each(Object.keys(tables).filter((r) => r !== 'audit-log') as Exclude<Res, 'audit-log'>[])(
    'the administrator cannot reach %s of another union',
    async (res) => {
      const id = foreign[res];
      const before = await snapshot(res, id);
      for (const [method, body] of [['GET'], ['PUT', putBody(res, uniq())], ['DELETE']] as const) {
        const r = await call('admin', method, `/api/${res}/${id}`, body);
        expect(r.statusCode, `${method}: ${r.body}`).toBe(404);
      }
      expect(await snapshot(res, id)).toEqual(before);
      const list = await call('admin', 'GET', listUrl(res, { range: [0, 99], filter: { id: [id] } }));
      expect(list.json()).toEqual([]);
    },
  );
});
