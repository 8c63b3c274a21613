import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mapDbError } from '../server/lib/db-errors';
import { ERROR_CODES, FIELD_ERROR_CODES, type FieldErrorCode } from '../server/lib/errors';
import { createTestApp, listUrl, type TestContext } from './helpers/app';
import { makeHousehold, makeUser, makeVillage, type Village } from './helpers/factories';
import { fingerprint } from './helpers/snapshot';

// Input hardening: names of built-in JavaScript properties in lists, dates beyond any
// sane range, unpaired surrogates, bodies in another charset, updates without a version,
// and updates that change nothing. Each refusal answers the one error shape, names the
// field, and leaves the database exactly as it was.

let t: TestContext;
let admin: string;
let unionId: number;
let village: Village;
const bearer = () => ({ authorization: `Bearer ${admin}` });

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.tokenOf('admin');
  [{ id: unionId }] = (await t.db.db.execute<{ id: number }>(sql`SELECT union_id AS id FROM users WHERE username = 'admin'`)).rows;
  village = await makeVillage(t.db.db, unionId);
});
afterAll(() => t.close());

/**
 * The one error shape, naming `field` among its errors, with a documented code for each
 * field (`fieldCode`, when given, is the one `field` must carry).
 */
function expectRefused(res: LightMyRequestResponse, status: number, code: string, field: string, fieldCode?: FieldErrorCode) {
  expect(res.statusCode, res.body).toBe(status);
  const body = res.json();
  expect(body).toMatchObject({ statusCode: status, code, message: expect.any(String), errors: expect.any(Object), error_codes: expect.any(Object) });
  expect(Object.keys(body).sort()).toEqual(['code', 'error_codes', 'errors', 'message', 'statusCode']);
  expect(ERROR_CODES).toContain(body.code);
  // Own key: `__proto__` or `constructor` must be named as a field, not found on Object.prototype.
  expect(Object.hasOwn(body.errors, field), `errors name ${field}: ${res.body}`).toBe(true);
  expect(typeof body.errors[field]).toBe('string');
  expect(Object.keys(body.error_codes).sort(), 'error_codes has the keys of errors').toEqual(Object.keys(body.errors).sort());
  for (const key of Object.keys(body.error_codes)) expect(FIELD_ERROR_CODES, `${key}: ${res.body}`).toContain(body.error_codes[key].code);
  if (fieldCode) expect(body.error_codes[field].code, res.body).toBe(fieldCode);
}

/** Runs `fn` and checks that the database did not change meanwhile. */
async function unchangedBy<T>(fn: () => Promise<T>): Promise<T> {
  const before = await fingerprint(t.db);
  const out = await fn();
  expect(await fingerprint(t.db)).toEqual(before);
  return out;
}

const get = (url: string) => t.app.inject({ method: 'GET', url, headers: bearer() });
const send = (method: 'POST' | 'PUT', url: string, payload: object | string, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, headers: { ...bearer(), ...headers }, payload });
const rawFilter = (resource: string, json: string) => `/api/${resource}?filter=${encodeURIComponent(json)}`;
const auditCount = async (resource: string, id: number) =>
  (await t.db.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE resource = ${resource} AND record_id = ${String(id)}`)).rows[0].n;

const builtins = ['constructor', '__proto__', 'toString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', '__defineGetter__'];

describe('1. list names that are built-in JavaScript properties', () => {
  it.each(builtins)('filter {"%s": …} is a 400 naming it, on every list', async (name) => {
    await unchangedBy(async () => {
      for (const resource of ['households', 'users', 'audit-log']) {
        // Raw JSON text: JSON.parse keeps "__proto__" as an own key, as a client's query would.
        for (const value of ['1', '"x"', '[1]', '{}']) {
          expectRefused(await get(rawFilter(resource, `{"${name}":${value}}`)), 400, 'VALIDATION_FAILED', name);
        }
        for (const suffix of ['_gte', '_lte']) {
          expectRefused(await get(rawFilter(resource, `{"${name}${suffix}":"1"}`)), 400, 'VALIDATION_FAILED', `${name}${suffix}`);
        }
      }
    });
  });

  it.each(builtins)('sort ["%s","ASC"] is a 400 naming sort', async (name) => {
    await unchangedBy(async () => {
      for (const resource of ['households', 'users', 'audit-log']) {
        const res = await get(listUrl(resource, { sort: [name, 'ASC'] }));
        expectRefused(res, 400, 'VALIDATION_FAILED', 'sort');
        expect(res.json().errors.sort).toContain(name);
      }
    });
  });

  it('known filters and sorts still work beside them', async () => {
    const res = await get(listUrl('households', { sort: ['code', 'DESC'], filter: { village_id: village.id } }));
    expect(res.statusCode, res.body).toBe(200);
  });
});

describe('2. dates out of any sane range', () => {
  it.each([
    ['audit-log', 'at_gte', '275760-09-13'],
    ['audit-log', 'at_lte', '+275760-09-13T00:00:00.000Z'],
    ['audit-log', 'at_gte', '-000001-01-01'],
    ['audit-log', 'at_gte', '1000-01-01'],
    ['audit-log', 'at_lte', '2201-01-01T00:00:00Z'],
    ['households', 'joined_on_gte', '9999-12-31'],
    ['households', 'joined_on_lte', '0001-01-01'],
  ])('%s filter %s=%s is a 400 naming it', async (resource, field, value) => {
    await unchangedBy(async () => {
      expectRefused(await get(listUrl(resource, { filter: { [field]: value } })), 400, 'VALIDATION_FAILED', field);
    });
  });

  it('dates inside the range still filter', async () => {
    for (const [resource, filter] of [['audit-log', { at_gte: '2000-01-01', at_lte: '2199-12-31T23:59:59Z' }], ['households', { joined_on_gte: '1900-01-01' }]] as const) {
      expect((await get(listUrl(resource, { filter }))).statusCode).toBe(200);
    }
  });

  it.each(['0001-01-01', '1899-12-31', '2201-01-01', '9999-12-31'])('a body date %s is a 400 naming it, on create and update', async (joined_on) => {
    const h = await makeHousehold(t.db.db, village);
    await unchangedBy(async () => {
      const created = await send('POST', '/api/households', { village_id: village.id, code: `HD${h.id}`, head_name: '张三', joined_on });
      expectRefused(created, 400, 'VALIDATION_FAILED', 'joined_on', 'not_between');
      expectRefused(await send('PUT', `/api/households/${h.id}`, { joined_on, version: h.version }), 400, 'VALIDATION_FAILED', 'joined_on', 'not_between');
    });
  });

  it('the database\'s own out-of-range dates (22008, 22009) map to 400, as a safety net', async () => {
    for (const query of [sql`SELECT ${'275760-09-13T00:00:00+99:00'}::timestamptz`, sql`SELECT make_timestamp(2020, 13, 1, 0, 0, 0)`]) {
      const err = await t.db.db.execute(query).then(() => undefined, (e: unknown) => e);
      expect(err, 'the query fails').toBeDefined();
      const mapped = mapDbError(err);
      expect(mapped?.statusCode).toBe(400);
      expect(mapped?.code).toBe('VALIDATION_FAILED');
      expect(Object.values(mapped?.errors ?? {}).map((e) => e.code)).toEqual(['out_of_range']);
    }
  });
});

describe('5. unpaired UTF-16 surrogates', () => {
  // JSON text with the escape itself: JSON.parse turns it into a lone surrogate.
  const lone = ['a\\ud800b', 'a\\udfffb', '\\ud800', 'x\\udc00\\ud800y'];

  it.each(lone)('"%s" in a text field is a 400 naming it, on create and update', async (s) => {
    const h = await makeHousehold(t.db.db, village);
    await unchangedBy(async () => {
      const create = `{"village_id":${village.id},"code":"HS${h.id}","head_name":"${s}"}`;
      expectRefused(await send('POST', '/api/households', create, { 'content-type': 'application/json' }), 400, 'VALIDATION_FAILED', 'head_name', 'lone_surrogate');
      for (const field of ['head_name', 'address']) {
        const update = `{"${field}":"${s}","version":${h.version}}`;
        expectRefused(await send('PUT', `/api/households/${h.id}`, update, { 'content-type': 'application/json' }), 400, 'VALIDATION_FAILED', field, 'lone_surrogate');
      }
      const user = `{"username":"sur${h.id}","password":"pass${s}word","display_name":"用户","role":"union_sales"}`;
      expectRefused(await send('POST', '/api/users', user, { 'content-type': 'application/json' }), 400, 'VALIDATION_FAILED', 'password', 'lone_surrogate');
    });
  });

  it.each(lone)('"%s" in the free-text filter q and in string filters is a 400 naming it', async (s) => {
    await unchangedBy(async () => {
      expectRefused(await get(rawFilter('households', `{"q":"${s}"}`)), 400, 'VALIDATION_FAILED', 'q', 'lone_surrogate');
      expectRefused(await get(rawFilter('households', `{"code":"${s}"}`)), 400, 'VALIDATION_FAILED', 'code');
      expectRefused(await get(rawFilter('audit-log', `{"resource":"${s}"}`)), 400, 'VALIDATION_FAILED', 'resource');
    });
  });

  it('paired surrogates (an emoji, a rare CJK character) are stored as sent', async () => {
    const name = '王\u{20BB7}😀';
    const res = await send('POST', '/api/households', { village_id: village.id, code: 'HSOK', head_name: name });
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().head_name).toBe(name);
    expect((await get(listUrl('households', { filter: { q: '😀' } }))).statusCode).toBe(200);
  });
});

describe('6. JSON bodies in a charset other than UTF-8', () => {
  it.each(['utf-16', 'UTF-16LE', 'latin1', 'ISO-8859-1', '"utf-16"', 'gbk', ''])('charset=%s is a 415', async (charset) => {
    const h = await makeHousehold(t.db.db, village);
    await unchangedBy(async () => {
      const headers = { 'content-type': `application/json; charset=${charset}` };
      const created = await send('POST', '/api/villages', JSON.stringify({ code: 'CS1', name: '字符集村' }), headers);
      expectRefused(created, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type', 'unsupported_charset');
      const updated = await send('PUT', `/api/households/${h.id}`, JSON.stringify({ head_name: '李四', version: h.version }), headers);
      expectRefused(updated, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type');
    });
  });

  it.each(['utf-8', 'UTF-8', 'utf8', '"utf-8"', null])('charset=%s is read as UTF-8', async (charset) => {
    const n = Math.floor(Math.random() * 1e6);
    const headers = { 'content-type': charset === null ? 'application/json' : `application/json;charset=${charset}` };
    const res = await send('POST', '/api/villages', JSON.stringify({ code: `CS${n}`, name: `字符集村${n}` }), headers);
    expect(res.statusCode, res.body).toBe(201);
    expect(res.json().name).toBe(`字符集村${n}`);
  });
});

describe('7. version is required on every update', () => {
  it('a PUT without version is a 400 naming version, for generic resources and users', async () => {
    const h = await makeHousehold(t.db.db, village);
    const { user } = await makeUser(t.db.db, { role: 'union_sales', union_id: unionId });
    await unchangedBy(async () => {
      expectRefused(await send('PUT', `/api/households/${h.id}`, { head_name: '王五' }), 400, 'VALIDATION_FAILED', 'version');
      expectRefused(await send('PUT', `/api/villages/${village.id}`, { name: '无版本村' }), 400, 'VALIDATION_FAILED', 'version');
      expectRefused(await send('PUT', `/api/users/${user.id}`, { display_name: '无版本' }), 400, 'VALIDATION_FAILED', 'version');
      expectRefused(await send('PUT', `/api/households/${h.id}`, { head_name: '王五', version: null }), 400, 'VALIDATION_FAILED', 'version');
      expectRefused(await send('PUT', `/api/households/${h.id}`, { head_name: '王五', version: '1' }), 400, 'VALIDATION_FAILED', 'version');
    });
  });

  it('the record as react-admin loaded it (version included) updates', async () => {
    const h = await makeHousehold(t.db.db, village);
    const loaded = (await get(`/api/households/${h.id}`)).json();
    const res = await send('PUT', `/api/households/${h.id}`, { ...loaded, head_name: '赵六' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json()).toMatchObject({ head_name: '赵六', version: loaded.version + 1 });
  });

  it('20 concurrent PUTs carrying the same version: exactly one wins, the rest are 409', async () => {
    const h = await makeHousehold(t.db.db, village);
    const auditBefore = await auditCount('households', h.id);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => send('PUT', `/api/households/${h.id}`, { head_name: `并发${i}`, version: h.version })),
    );
    const statuses = results.map((r) => r.statusCode).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    for (const r of results.filter((x) => x.statusCode === 409)) expectRefused(r, 409, 'STALE_VERSION', 'version');
    const winner = results.find((r) => r.statusCode === 200)!.json();
    const now = (await get(`/api/households/${h.id}`)).json();
    expect(now).toMatchObject({ version: h.version + 1, head_name: winner.head_name });
    expect(await auditCount('households', h.id)).toBe(auditBefore + 1);
  });
});

describe('8. an update that changes nothing', () => {
  it('the same record sent back keeps its version and writes no audit row', async () => {
    const h = await makeHousehold(t.db.db, village, { capital_contributed: '12.50', address: '一号', joined_on: '2020-01-02', is_member: true });
    const loaded = (await get(`/api/households/${h.id}`)).json();
    await unchangedBy(async () => {
      for (const body of [
        loaded,
        { version: loaded.version },
        { version: loaded.version, id: loaded.id, created_at: loaded.created_at, updated_at: '2001-01-01T00:00:00Z' },
        { version: loaded.version, head_name: loaded.head_name, capital_contributed: 12.5, address: '一号' },
        { version: loaded.version, capital_contributed: '12.5', joined_on: '2020-01-02', is_member: true },
      ]) {
        const res = await send('PUT', `/api/households/${h.id}`, body);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toEqual(loaded);
      }
    });
    // A real change after them still bumps once.
    const res = await send('PUT', `/api/households/${h.id}`, { version: loaded.version, capital_contributed: '12.51' });
    expect(res.json()).toMatchObject({ version: loaded.version + 1, capital_contributed: '12.51' });
    expect(await auditCount('households', h.id)).toBe(1);
  });

  it('users: the same account sent back is a no-op, a new password never is', async () => {
    const { user } = await makeUser(t.db.db, { role: 'union_sales', union_id: unionId });
    const loaded = (await get(`/api/users/${user.id}`)).json();
    await unchangedBy(async () => {
      for (const body of [loaded, { ...loaded, password: '' }, { version: loaded.version, display_name: loaded.display_name, role: 'union_sales' }]) {
        const res = await send('PUT', `/api/users/${user.id}`, body);
        expect(res.statusCode, res.body).toBe(200);
        expect(res.json()).toEqual(loaded);
      }
    });
    const res = await send('PUT', `/api/users/${user.id}`, { ...loaded, password: 'a-new-password-1' });
    expect(res.statusCode, res.body).toBe(200);
    expect(res.json().version).toBe(loaded.version + 1);
    expect(await auditCount('users', user.id)).toBe(1);
  });
});

describe('body keys named after built-in properties', () => {
  it('are named in the 400 like any unknown field, and change nothing', async () => {
    const token = await t.tokenOf('admin');
    for (const key of ['constructor', 'toString', 'valueOf', 'hasOwnProperty']) {
      const res = await t.app.inject({
        method: 'POST', url: '/api/buyers', headers: { authorization: `Bearer ${token}` },
        payload: { code: 'BK-1', name: '内置键', kind: 'other', [key]: 1 },
      });
      expect(res.statusCode, key).toBe(400);
      expect(res.json().errors, key).toEqual({ [key]: 'is not a known or writable field' });
      expect(res.json().error_codes, key).toEqual({ [key]: { code: 'unknown_field' } });
    }
  });
});
