import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXACT_COUNT_CAP } from '../server/lib/list-query';
import { createTestApp, DEMO_PASSWORD, listUrl, totalOf, type TestContext } from './helpers/app';
import { makeHouseholds, makeUnion, makeUser, makeVillage } from './helpers/factories';

let t: TestContext;
let admin: string;
const auth = (token: string) => ({ authorization: `Bearer ${token}` });

// A union of its own, so its totals are exactly the rows made here, whatever the demo seed holds.
const FEW = 55; // households whose codes share a prefix nothing else has
const MANY = EXACT_COUNT_CAP + 2000;

beforeAll(async () => {
  t = await createTestApp();
  const union = await makeUnion(t.db.db);
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
});
