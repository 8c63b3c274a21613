import { connect, type AddressInfo } from 'node:net';
import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fieldErrorText, fieldErrorTexts } from '../admin/src/apiErrors';
import { en } from '../admin/src/i18n/en';
import { zh } from '../admin/src/i18n/zh';
import type { ApiErrorBody } from '../admin/src/types';
import {
  AppError, ERROR_CODES, FIELD_ERROR_CODES, errorBody, errorBodyProblem, fieldError, fieldErrors, fromZodIssues, type ErrorBody,
  type FieldErrorCode,
} from '../server/lib/errors';
import { clientErrorHandler } from '../server/plugins/timeouts';
import { buildTestApp, createTestApp, listUrl, type TestContext } from './helpers/app';
import { makeHousehold, makeVillage, type Village } from './helpers/factories';

// Every error the API sends carries a documented code: the top-level `code` from
// ERROR_CODES, and for each field of `errors` an entry of `error_codes` (same keys) whose
// code is in FIELD_ERROR_CODES. The console translates those codes, never the English text.

let t: TestContext;
let admin: string;
let unionId: number;
let village: Village;
let other: Village;

beforeAll(async () => {
  t = await createTestApp();
  admin = await t.tokenOf('admin');
  [{ id: unionId }] = (await t.db.db.execute<{ id: number }>(sql`SELECT union_id AS id FROM users WHERE username = 'admin'`)).rows;
  village = await makeVillage(t.db.db, unionId);
  other = await makeVillage(t.db.db, unionId);
});
afterAll(() => t.close());

const as = (token: string) => ({ authorization: `Bearer ${token}` });
const send = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object | string, headers: Record<string, string> = {}) =>
  t.app.inject({ method, url, headers: { ...as(admin), ...headers }, ...(payload !== undefined && { payload }) });

/** The documented shape: a known top-level code; `errors` and `error_codes` with the same keys and known codes. */
function expectDocumented(res: LightMyRequestResponse): ErrorBody {
  expect(res.statusCode, res.body).toBeGreaterThanOrEqual(400);
  const body = res.json() as ErrorBody;
  expect(ERROR_CODES, res.body).toContain(body.code);
  expect(body.statusCode).toBe(res.statusCode);
  expect(typeof body.message).toBe('string');
  expect(Object.hasOwn(body, 'errors'), res.body).toBe(Object.hasOwn(body, 'error_codes'));
  if (body.errors) {
    expect(Object.keys(body.error_codes!).sort(), res.body).toEqual(Object.keys(body.errors).sort());
    for (const [field, entry] of Object.entries(body.error_codes!)) {
      expect(FIELD_ERROR_CODES, `${field}: ${res.body}`).toContain(entry.code);
      expect(typeof body.errors[field]).toBe('string');
      for (const v of Object.values(entry.params ?? {})) expect(['string', 'number']).toContain(typeof v);
    }
  }
  expect(errorBodyProblem(body), res.body).toBeUndefined();
  return body;
}

/** A refusal whose `field` carries `code` (and, when given, these params). */
function expectFieldCode(res: LightMyRequestResponse, status: number, top: string, field: string, code: FieldErrorCode, params?: object) {
  expect(res.statusCode, res.body).toBe(status);
  const body = expectDocumented(res);
  expect(body.code, res.body).toBe(top);
  expect(body.error_codes?.[field]?.code, res.body).toBe(code);
  if (params) expect(body.error_codes?.[field]?.params, res.body).toEqual(params);
}

describe('field error codes, one bad request each', () => {
  it('body fields: unknown, missing, too long, control characters, lone surrogate, wrong type, enum, format', async () => {
    const base = { village_id: village.id, code: 'EC-1', head_name: '王五' };
    expectFieldCode(await send('POST', '/api/households', { ...base, bogus: 1 }), 400, 'VALIDATION_FAILED', 'bogus', 'unknown_field');
    expectFieldCode(await send('POST', '/api/households', { village_id: village.id, code: 'EC-1' }), 400, 'VALIDATION_FAILED', 'head_name', 'required');
    expectFieldCode(await send('POST', '/api/households', { ...base, head_name: '   ' }), 400, 'VALIDATION_FAILED', 'head_name', 'required');
    expectFieldCode(await send('POST', '/api/households', { ...base, head_name: null }), 400, 'VALIDATION_FAILED', 'head_name', 'required');
    expectFieldCode(await send('POST', '/api/villages', { code: 'EC-V', name: '村'.repeat(61) }), 400, 'VALIDATION_FAILED', 'name', 'too_long', { maximum: 60 });
    expectFieldCode(await send('POST', '/api/households', { ...base, head_name: 'a\u0001b' }), 400, 'VALIDATION_FAILED', 'head_name', 'control_characters');
    const lone = `{"village_id":${village.id},"code":"EC-1","head_name":"a\\ud800b"}`;
    expectFieldCode(await send('POST', '/api/households', lone, { 'content-type': 'application/json' }), 400, 'VALIDATION_FAILED', 'head_name', 'lone_surrogate');
    expectFieldCode(await send('POST', '/api/households', { ...base, head_name: 42 }), 400, 'VALIDATION_FAILED', 'head_name', 'invalid_type', { expected: 'string' });
    expectFieldCode(await send('POST', '/api/households', { ...base, village_id: 1.5 }), 400, 'VALIDATION_FAILED', 'village_id', 'not_integer');
    expectFieldCode(await send('POST', '/api/buyers', { code: 'EC-B', name: '买方', kind: 'pirate' }), 400, 'VALIDATION_FAILED', 'kind', 'not_one_of');
    expectFieldCode(await send('POST', '/api/buyers', { code: '-bad code', name: '买方', kind: 'other' }), 400, 'VALIDATION_FAILED', 'code', 'invalid_format', { format: 'pattern' });
    expectFieldCode(await send('POST', '/api/households', { ...base, joined_on: '1800-01-01' }), 400, 'VALIDATION_FAILED', 'joined_on', 'not_between', { minimum: 1900, maximum: 2200 });
  });

  it('custom rules: USCC check character, decimals, positive area, coordinates', async () => {
    const coop = { village_id: village.id, code: 'EC-C', name: '合作社', registration_no: '91420100MA4K0000X0' };
    expectFieldCode(await send('POST', '/api/cooperatives', coop), 400, 'VALIDATION_FAILED', 'registration_no', 'invalid_uscc');
    const plot = { village_id: village.id, tenure: 'collective', code: 'EC-P', name: '地块', area_mu: '1.5', kind: 'greenhouse' };
    expectFieldCode(await send('POST', '/api/plots', { ...plot, area_mu: '1.555' }), 400, 'VALIDATION_FAILED', 'area_mu', 'invalid_decimal', { integer_digits: 8, scale: 2 });
    expectFieldCode(await send('POST', '/api/plots', { ...plot, area_mu: '0' }), 400, 'VALIDATION_FAILED', 'area_mu', 'must_be_greater', { minimum: 0 });
    expectFieldCode(await send('POST', '/api/plots', { ...plot, latitude: '91' }), 400, 'VALIDATION_FAILED', 'latitude', 'not_between', { minimum: -90, maximum: 90 });
  });

  it('database rules: a duplicate unique value, a reference to nothing', async () => {
    const h = await makeHousehold(t.db.db, village);
    const dup = await send('POST', '/api/households', { village_id: village.id, code: h.code, head_name: '重复' });
    expectFieldCode(dup, 409, 'DUPLICATE', 'code', 'already_exists');
    const bad = await send('POST', '/api/households', { village_id: 2_000_000_000, code: 'EC-FK', head_name: '无村' });
    expectFieldCode(bad, 400, 'VALIDATION_FAILED', 'village_id', 'not_found_reference');
  });

  it('updates: a stale version, a missing version, a changed read-only field', async () => {
    const h = await makeHousehold(t.db.db, village);
    const stale = await send('PUT', `/api/households/${h.id}`, { head_name: '新名', version: h.version + 5 });
    expectFieldCode(stale, 409, 'STALE_VERSION', 'version', 'stale_version', { sent: String(h.version + 5), current: String(h.version) });
    expectFieldCode(await send('PUT', `/api/households/${h.id}`, { head_name: '新名' }), 400, 'VALIDATION_FAILED', 'version', 'required');
    const ro = await send('PUT', `/api/households/${h.id}`, { id: h.id + 1, version: h.version });
    expectFieldCode(ro, 400, 'VALIDATION_FAILED', 'id', 'read_only');
  });

  it('scope and accounts: outside one\'s scope, a role without its scope field, a wrong current password', async () => {
    const cadre = await t.tokenOf('cadre.changjiang');
    const res = await t.app.inject({
      method: 'POST', url: '/api/households', headers: as(cadre), payload: { village_id: other.id, code: 'EC-S', head_name: '越界' },
    });
    expect(res.statusCode, res.body).toBe(403);
    const body = expectDocumented(res);
    expect(body.code).toBe('FORBIDDEN');
    expect(body.error_codes?.village_id).toMatchObject({ code: 'outside_scope', params: { expected: expect.any(String) } });

    const noScope = await send('POST', '/api/users', { username: 'ec.buyer', password: 'a-long-password', display_name: '买方', role: 'buyer' });
    expectFieldCode(noScope, 400, 'VALIDATION_FAILED', 'buyer_id', 'required_for_role', { role: 'buyer' });
    const [{ id: adminId }] = (await t.db.db.execute<{ id: number }>(sql`SELECT id FROM users WHERE username = 'admin'`)).rows;
    const wrong = await send('POST', `/api/users/${adminId}/change-password`, { current_password: 'not-it-at-all', new_password: 'whatever-else-1' });
    expectFieldCode(wrong, 400, 'VALIDATION_FAILED', 'current_password', 'wrong_password');
  });

  it('list parameters: not JSON, not a filter, not sortable, too long a search', async () => {
    expectFieldCode(await send('GET', '/api/households?filter=%7Bnope'), 400, 'VALIDATION_FAILED', 'filter', 'invalid_json');
    expectFieldCode(await send('GET', listUrl('households', { filter: { nope: 1 } })), 400, 'VALIDATION_FAILED', 'nope', 'not_a_filter');
    expectFieldCode(await send('GET', listUrl('households', { sort: ['nope', 'ASC'] })), 400, 'VALIDATION_FAILED', 'sort', 'not_sortable');
    expectFieldCode(await send('GET', listUrl('households', { filter: { q: 'x'.repeat(101) } })), 400, 'VALIDATION_FAILED', 'q', 'too_long', { maximum: 100 });
  });

  it('headers: a malformed idempotency key, a charset other than UTF-8', async () => {
    const key = await send('POST', '/api/villages', { code: 'EC-IK', name: '键村' }, { 'idempotency-key': 'bad key\u00e9' });
    expectFieldCode(key, 400, 'VALIDATION_FAILED', 'Idempotency-Key', 'invalid_format', { format: 'idempotency_key' });
    const latin = await send('POST', '/api/villages', JSON.stringify({ code: 'EC-CS', name: '字符村' }), { 'content-type': 'application/json; charset=latin1' });
    expectFieldCode(latin, 415, 'UNSUPPORTED_MEDIA_TYPE', 'Content-Type', 'unsupported_charset', { charset: 'latin1' });
  });
});

describe('top-level codes', () => {
  it('errors without fields still use the closed list, and carry neither errors nor error_codes', async () => {
    const cases: [LightMyRequestResponse, number, string][] = [
      [await t.app.inject({ method: 'GET', url: '/api/households' }), 401, 'UNAUTHORIZED'],
      [await send('GET', '/api/households/2000000000'), 404, 'NOT_FOUND'],
      [await send('GET', '/api/no-such-route'), 404, 'NOT_FOUND'],
      [await send('POST', '/api/villages', '{"code":', { 'content-type': 'application/json' }), 400, 'INVALID_JSON'],
      [await send('POST', '/api/villages', '', { 'content-type': 'application/json' }), 400, 'INVALID_JSON'],
      [await send('POST', '/api/villages', '<code>1</code>', { 'content-type': 'application/xml' }), 415, 'UNSUPPORTED_MEDIA_TYPE'],
      [await send('POST', '/api/villages', JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) }), { 'content-type': 'application/json' }), 413, 'PAYLOAD_TOO_LARGE'],
    ];
    for (const [res, status, code] of cases) {
      expect(res.statusCode, res.body).toBe(status);
      const body = expectDocumented(res);
      expect(body.code, res.body).toBe(code);
      expect(body.errors).toBeUndefined();
    }
  });

  it('a body outside the documented lists is caught before it reaches a client (under test, a 500)', () => {
    expect(process.env.NODE_ENV).toBe('test');
    expect(errorBodyProblem({ statusCode: 400, code: 'MADE_UP' as never, message: 'x' })).toMatch(/undocumented code/);
    const noCodes = errorBody(400, 'VALIDATION_FAILED', 'x', fieldErrors({ a: fieldError('required', 'is required') }));
    delete noCodes.error_codes;
    expect(errorBodyProblem(noCodes)).toMatch(/together/);
    const badField = errorBody(400, 'VALIDATION_FAILED', 'x', fieldErrors({ a: { code: 'made_up' as never, message: 'm' } }));
    expect(errorBodyProblem(badField)).toMatch(/field a/);
    expect(new AppError(409, 'DUPLICATE', 'x').code).toBe('DUPLICATE');
  });

  it('answers the HTTP parser\'s own errors (408, 431, 400) in the same shape', () => {
    for (const [code, status, top] of [['ERR_HTTP_REQUEST_TIMEOUT', 408, 'REQUEST_TIMEOUT'], ['HPE_HEADER_OVERFLOW', 431, 'HEADERS_TOO_LARGE'], ['HPE_INVALID_METHOD', 400, 'BAD_REQUEST']] as const) {
      let written = '';
      let destroyed = false;
      const socket = { destroyed: false, writable: true, write: (s: string) => (written += s), destroy: () => (destroyed = true) };
      clientErrorHandler(Object.assign(new Error('x'), { code }), socket as never);
      expect(written).toMatch(new RegExp(`^HTTP/1\\.1 ${status} `));
      const body = JSON.parse(written.slice(written.indexOf('\r\n\r\n') + 4)) as ErrorBody;
      expect(body).toEqual({ statusCode: status, code: top, message: expect.any(String) });
      expect(errorBodyProblem(body)).toBeUndefined();
      expect(destroyed).toBe(true);
    }
  });

  it('keeps a field named after a built-in property as a field, in both maps', () => {
    const body = errorBody(400, 'VALIDATION_FAILED', 'x', fromZodIssues([{ code: 'unrecognized_keys', keys: ['__proto__', 'constructor'], path: [], message: 'm' }]));
    expect(Object.keys(body.errors!)).toEqual(['__proto__', 'constructor']);
    expect(JSON.parse(JSON.stringify(body)).error_codes).toEqual(
      JSON.parse('{"__proto__":{"code":"unknown_field"},"constructor":{"code":"unknown_field"}}'),
    );
  });
});

describe('the console translates codes, not English text', () => {
  const dict = (messages: object) => (key: string, opts: Record<string, unknown> = {}) => {
    let v: unknown = messages;
    for (const part of key.split('.')) v = v && typeof v === 'object' ? (v as Record<string, unknown>)[part] : undefined;
    if (typeof v !== 'string') return String(opts._ ?? key);
    return v.replace(/%\{(\w+)\}/g, (_, name: string) => String(opts[name] ?? `%{${name}}`));
  };
  const zhT = dict(zh);

  it('has one Chinese and one English translation for every documented code', () => {
    for (const locale of [zh, en] as const) {
      expect(Object.keys(locale.app.field_error).sort()).toEqual([...FIELD_ERROR_CODES].sort());
      expect(Object.keys(locale.app.error_code).sort()).toEqual([...ERROR_CODES].sort());
    }
  });

  it('fills the params into the translation', () => {
    const body: ApiErrorBody = {
      statusCode: 400, code: 'VALIDATION_FAILED', message: 'Invalid body',
      errors: { name: 'must be at most 60 characters', area_mu: 'must be a number with at most 8 digits and 2 decimals' },
      error_codes: { name: { code: 'too_long', params: { maximum: 60 } }, area_mu: { code: 'invalid_decimal', params: { integer_digits: 8, scale: 2 } } },
    };
    expect(fieldErrorTexts(body, zhT)).toEqual({ name: '最多 60 个字符', area_mu: '必须是数字：整数部分最多 8 位，小数最多 2 位' });
  });

  it('goes by the code even when the English text says something else, and never matches text', () => {
    // The code wins over the message: a console matching text would say "已存在…" here.
    const byCode: ApiErrorBody = {
      statusCode: 400, code: 'VALIDATION_FAILED', message: 'x', errors: { code: 'already exists' }, error_codes: { code: { code: 'read_only' } },
    };
    expect(fieldErrorText(byCode, 'code', zhT)).toBe('只读，不能修改');
    // Without a code (an older server), the server's words are shown as they are: no text matching.
    const noCode: ApiErrorBody = { statusCode: 409, code: 'DUPLICATE', message: 'x', errors: { code: 'already exists' } };
    expect(fieldErrorText(noCode, 'code', zhT)).toBe('already exists');
    // An unknown code falls back to the server's message.
    const unknown: ApiErrorBody = {
      statusCode: 400, code: 'VALIDATION_FAILED', message: 'x', errors: { code: 'is odd' }, error_codes: { code: { code: 'made_up_later' } },
    };
    expect(fieldErrorText(unknown, 'code', zhT)).toBe('is odd');
  });
});

describe('a server that is stopping', () => {
  it('answers a request arriving during the close with 503 SHUTTING_DOWN, in the one error shape', async () => {
    const app = await buildTestApp(t.db);
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let stopping!: () => void;
    const isStopping = new Promise<void>((r) => (stopping = r));
    // Something still finishing keeps the close open while the request arrives.
    app.addHook('preClose', async () => {
      stopping();
      await held;
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as AddressInfo;
    const socket = connect(port, '127.0.0.1');
    let raw = '';
    socket.on('data', (d) => (raw += String(d)));
    const ended = new Promise((r) => socket.on('close', r));
    await new Promise((r) => socket.once('connect', r));
    socket.write('GET /api/health HTTP/1.1\r\nHost: x\r\n');
    const closing = app.close();
    try {
      await isStopping;
      socket.write('\r\n');
      await ended;
      const [head, body] = raw.split('\r\n\r\n');
      expect(head).toMatch(/^HTTP\/1.1 503/);
      expect(head.toLowerCase()).toContain('retry-after: 5');
      expect(JSON.parse(body)).toEqual({ statusCode: 503, code: 'SHUTTING_DOWN', message: expect.any(String) });
    } finally {
      release();
      socket.destroy();
      await closing;
    }
  });
});
