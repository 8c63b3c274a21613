import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEEP_OFFSET, MAX_PREPARED_SHAPES, namedShapes } from '../server/lib/crud.repository';
import { EXACT_COUNT_CAP } from '../server/lib/list-query';
import { createTestApp, DEMO_PASSWORD, listUrl, totalOf, type TestContext } from './helpers/app';
import { makeHouseholds, makeUnion, makeUser, makeVillage } from './helpers/factories';

let t: TestContext;
let unionId: number;
let admin: string;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

// A union of its own, so its totals are exactly the rows made here, whatever the demo seed holds.
const FEW = 55; // households whose codes share a prefix nothing else has
const MANY = EXACT_COUNT_CAP + 2000;

beforeAll(async () => {
  t = await createTestApp();
  const union = await makeUnion(t.db.db);
  unionId = union.id;
  const { user } = await makeUser(t.db.db, { role: 'union_admin', union_id: union.id, password: DEMO_PASSWORD });
  admin = await t.tokenOf(user.username);
  await makeHouseholds(t.db.db, await makeVillage(t.db.db, union.id), FEW, (i) => ({ code: `FEW-${String(i).padStart(3, '0')}` }));
  // A village big enough to pass the exact-count cap.
  await makeHouseholds(t.db.db, await makeVillage(t.db.db, union.id), MANY);
  await t.db.db.execute(sql`ANALYZE households`);
});
afterAll(() => t.close());

describe('totals on large tables', () => {
  it('counts exactly up to the cap', async () => {
    const res = await t.app.inject({ url: listUrl('households', { filter: { q: 'FEW-' } }), headers: auth(admin) });
    expect(totalOf(res)).toBe(FEW);
  });

  it('estimates beyond the cap instead of counting every row', async () => {
    const res = await t.app.inject({ url: listUrl('households', { range: [0, 9] }), headers: auth(admin) });
    const total = totalOf(res);
    const exact = MANY + FEW;
    expect(total).toBeGreaterThan(EXACT_COUNT_CAP);
    // The planner's estimate after ANALYZE is close to the truth.
    expect(Math.abs(total - exact) / exact).toBeLessThan(0.2);
  });

  it('serves a deep page of a large table', async () => {
    const start = EXACT_COUNT_CAP + 1500;
    const res = await t.app.inject({ url: listUrl('households', { range: [start, start + 9], sort: ['id', 'ASC'] }), headers: auth(admin) });
    expect(res.json()).toHaveLength(10);
    expect(res.headers['content-range']).toMatch(new RegExp(`^households ${start}-${start + 9}/\\d+$`));
  });

  it('finds deep pages through the ids first, with the same rows and order as a plain OFFSET', async () => {
    const ids = (rows: { id: number }[]) => rows.map((r) => Number(r.id));
    const cases: { sort: [string, string]; filter?: object }[] = [
      { sort: ['id', 'ASC'] },
      { sort: ['id', 'DESC'] },
      { sort: ['head_name', 'ASC'] },
      { sort: ['code', 'DESC'], filter: { is_member: true } },
    ];
    const order: Record<string, ReturnType<typeof sql.raw>> = {
      'id ASC': sql.raw('id ASC'), 'id DESC': sql.raw('id DESC'),
      'head_name ASC': sql.raw('head_name ASC, id ASC'), 'code DESC': sql.raw('code DESC, id DESC'),
    };
    for (const c of cases) {
      const start = DEEP_OFFSET + 37;
      const res = await t.app.inject({ url: listUrl('households', { range: [start, start + 19], sort: c.sort, filter: c.filter }), headers: auth(admin) });
      expect(res.statusCode).toBe(200);
      const member = c.filter ? sql`AND is_member` : sql``;
      const expected = await t.db.db.execute<{ id: number }>(sql`
        SELECT id FROM households WHERE union_id = ${unionId} ${member} ORDER BY ${order[c.sort.join(' ')]} LIMIT 20 OFFSET ${start}`);
      expect(ids(res.json()), JSON.stringify(c)).toEqual(ids(expected.rows));
      expect(res.json()[0]).toHaveProperty('head_name');
    }
  });

  it('tells the total of a page that is not full without counting, and of an empty filter', async () => {
    const res = await t.app.inject({ url: listUrl('households', { filter: { q: 'FEW-05' }, range: [0, 24] }), headers: auth(admin) });
    expect(totalOf(res)).toBe(res.json().length);
    expect(res.json().length).toBeGreaterThan(0);
    const none = await t.app.inject({ url: listUrl('households', { filter: { q: 'NOTHING-MATCHES-THIS' } }), headers: auth(admin) });
    expect(none.headers['content-range']).toBe('households 0-0/0');
  });

  it('keeps a bounded number of prepared statements, however many filter combinations a client sends', async () => {
    const sorts = ['code', 'head_name', 'village_id', 'is_member', 'capital_contributed', 'joined_on', 'created_at', 'id'];
    const filters: Record<string, unknown> = { is_member: true, code_gte: undefined, joined_on_gte: '2000-01-01', capital_contributed_gte: 0, code: 'FEW-001' };
    const keys = Object.keys(filters).filter((k) => filters[k] !== undefined);
    let shapes = 0;
    for (let mask = 0; mask < 1 << keys.length && shapes < MAX_PREPARED_SHAPES + 60; mask++) {
      const filter = Object.fromEntries(keys.filter((_, i) => mask & (1 << i)).map((k) => [k, filters[k]]));
      for (const field of sorts) {
        for (const order of ['ASC', 'DESC']) {
          const res = await t.app.inject({ url: listUrl('households', { filter, sort: [field, order], range: [0, 1] }), headers: auth(admin) });
          expect(res.statusCode).toBe(200);
          shapes++;
        }
      }
    }
    expect(shapes).toBeGreaterThan(MAX_PREPARED_SHAPES);
    expect(namedShapes(t.db.db)).toBe(MAX_PREPARED_SHAPES);
    // PGlite is one session, so its list of prepared statements is the server's too.
    if (t.db.kind === 'pglite') {
      const res = await t.db.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name ~ '^q[0-9]+$'`);
      expect(Number(res.rows[0].n)).toBeLessThanOrEqual(MAX_PREPARED_SHAPES);
      expect(Number(res.rows[0].n)).toBeGreaterThan(0);
    }
  });
});
