import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_PASSWORD, listUrl, totalOf, type TestContext } from './helpers/app';
import { makeHouseholds, makePeople, makePlot, makeUnion, makeUser, makeVillage } from './helpers/factories';

// The free-text filter `q` is served by several indexes (trigrams for 3 characters or more,
// a character index for 1-2 characters, ASCII-only columns left out of non-ASCII terms).
// Whatever plan the database picks, the answer must be what "contains, ignoring case" says:
// every case is checked against that rule computed here, row by row.

let t: TestContext;
let admin: string;
const auth = () => ({ authorization: `Bearer ${admin}` });

const names = ['欧阳明', '王建国', '国建华', '阳欧', '王秀英', '李建国', '张三', 'Anna Lee', 'anna-maria', '王', '50%折扣户', 'under_score'];
type Row = { id: number; [k: string]: unknown };
let households: Row[] = [];
let people: Row[] = [];
let plots: Row[] = [];

beforeAll(async () => {
  t = await createTestApp();
  const union = await makeUnion(t.db.db);
  const { user } = await makeUser(t.db.db, { role: 'union_admin', union_id: union.id, password: DEMO_PASSWORD });
  const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: { username: user.username, password: DEMO_PASSWORD } });
  admin = login.json().token;
  const village = await makeVillage(t.db.db, union.id);
  households = await makeHouseholds(t.db.db, village, names.length * 3, (i) => ({
    head_name: names[i % names.length],
    code: `SX-${i}${i % 4 === 0 ? '-ABC' : ''}`,
    phone: i % 3 === 0 ? `1390000${String(1000 + i)}` : null,
  }));
  people = await makePeople(t.db.db, households[0] as never, names.length, (i) => ({ name: names[(i + 3) % names.length], phone: i % 2 ? `1380000${1000 + i}` : null }));
  const places = ['村东头', '东湖边', '大棚区A', null];
  for (let i = 0; i < 8; i++) plots.push(await makePlot(t.db.db, households[i] as never, { name: `${names[i]}家的地`, code: `SP-${i}`, location: places[i % places.length] }));
});
afterAll(() => t.close());

const contains = (value: unknown, needle: string) => typeof value === 'string' && value.toLowerCase().includes(needle.toLowerCase());

async function search(resource: string, q: string): Promise<number[]> {
  const res = await t.app.inject({ url: listUrl(resource, { filter: { q }, range: [0, 99], sort: ['id', 'ASC'] }), headers: auth() });
  expect(res.statusCode, res.body).toBe(200);
  const ids = res.json().map((r: Row) => Number(r.id));
  expect(totalOf(res)).toBe(ids.length);
  return ids;
}

const cases = ['欧阳', '王', '建国', '王建国', '明', '三', 'anna', 'ANNA', 'a', 'Lee', '50%', '%', '_', 'under_', '139', '0000101', 'abc', 'SX-1', '东头', '东', '大棚区a', '家的', '不存在', '王 '];

describe('q, the free-text filter', () => {
  it.each(cases)('households: %j matches exactly the rows whose head, code or phone contain it', async (q) => {
    const needle = q.trim();
    const expected = households.filter((h) => ['head_name', 'code', 'phone'].some((c) => contains(h[c], needle))).map((h) => h.id).sort((a, b) => a - b);
    expect(await search('households', q)).toEqual(expected);
  });

  it.each(cases)('people: %j matches exactly the rows whose name or phone contain it', async (q) => {
    const needle = q.trim();
    const mine = new Set(people.map((p) => p.id));
    const expected = people.filter((p) => ['name', 'phone'].some((c) => contains(p[c], needle))).map((p) => p.id).sort((a, b) => a - b);
    expect((await search('people', q)).filter((id) => mine.has(id))).toEqual(expected);
  });

  it.each(cases)('plots: %j matches exactly the rows whose name, code or location contain it', async (q) => {
    const needle = q.trim();
    const expected = plots.filter((p) => ['name', 'code', 'location'].some((c) => contains(p[c], needle))).map((p) => p.id).sort((a, b) => a - b);
    expect(await search('plots', q)).toEqual(expected);
  });

  it('finds something for most cases (the cases above are not all empty)', async () => {
    let found = 0;
    for (const q of cases) if ((await search('households', q)).length) found++;
    expect(found).toBeGreaterThan(cases.length / 2);
  });
});
