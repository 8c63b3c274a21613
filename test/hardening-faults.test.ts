import { createHmac } from 'node:crypto';
import { connect, type AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { eq } from 'drizzle-orm';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, type DbHandle } from '../db/client';
import { users } from '../db/schema/index';
import { DEMO_PASSWORD, demoAccounts, demoBanner } from '../scripts/demo-seed';
import { listenHost, parseEnv, parseTrustProxy } from '../server/config';
import { hashPassword } from '../server/modules/auth/auth.passwords';
import { demoAccountsStillOnPassword } from '../server/modules/auth/auth.service';
import { fingerprint } from '../server/plugins/auth';
import { isDatabaseUnavailable } from '../server/plugins/errors';
import { buildTestApp, createTestApp, listUrl, TEST_SECRET } from './helpers/app';
import { createTestDb } from './helpers/db';

// Faults from outside the code: a database that goes away, clients that stall, sessions
// that would never end, proxies in front, and the demo's well-known passwords.

const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
/** A token signed with the test key, as the server would sign it. */
function sign(payload: object): string {
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', TEST_SECRET).update(input).digest('base64url')}`;
}
const claimsOfToken = (token: string) => JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
const now = () => Math.floor(Date.now() / 1000);

/** A pino logger whose lines land in an array. */
function spyLogger() {
  const lines: { level: number; msg: string; [k: string]: unknown }[] = [];
  const stream = new Writable({
    write(chunk, _enc, cb) {
      for (const l of String(chunk).split('\n')) if (l.trim()) lines.push(JSON.parse(l));
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, stream) as unknown as FastifyBaseLogger, lines };
}

const appOn = buildTestApp;

/**
 * One database copy serves every test here but the one that closes its handle: each app is
 * built on it (copying the template costs more than the tests), and none depends on what
 * another changed (only the banner test changes a password, sales's).
 */
let shared: DbHandle;
beforeAll(async () => {
  shared = await createTestDb();
});
afterAll(() => shared?.close());

const loginPayload = { username: 'admin', password: DEMO_PASSWORD };
/** A token valid in every respect for a user id the app never gets to look up. */
const anyToken = () => sign({ sub: '1', uid: 1, pv: 'x', iat: now(), exp: now() + 600 });

describe('a database that cannot be reached (defect 3)', () => {
  it('recognises connection errors from pg and PGlite, and only those', () => {
    const wrapped = (cause: object) => Object.assign(new Error('Failed query: select 1'), { cause });
    for (const e of [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }),
      Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
      wrapped(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' })),
      wrapped(Object.assign(new Error('the database system is starting up'), { code: '57P03' })),
      wrapped(Object.assign(new Error('connection failure'), { code: '08006' })),
      wrapped(new Error('Connection terminated unexpectedly')),
      wrapped(new Error('timeout exceeded when trying to connect')),
      wrapped(new Error('PGlite is closed')),
    ]) expect(isDatabaseUnavailable(e), e.message).toBe(true);
    for (const e of [
      wrapped(Object.assign(new Error('duplicate key'), { code: '23505' })),
      wrapped(Object.assign(new Error('syntax error'), { code: '42601' })),
      new Error('something else'),
      // drizzle's wrapper quotes the request's values: a client's text is not the driver speaking.
      Object.assign(new Error('Failed query: select $1\nparams: connection refused'), { cause: Object.assign(new Error('out of range'), { code: '22003' }) }),
      Object.assign(new Error('Failed query: select $1\nparams: Connection terminated unexpectedly'), { cause: new Error('invalid input') }),
    ]) expect(isDatabaseUnavailable(e), e.message).toBe(false);
  });

  it('a client whose filter quotes a connection error gets its own 400, not a database outage', async () => {
    const { logger, lines } = spyLogger();
    const app = await appOn(shared, { logger });
    try {
      const login = await app.inject({ method: 'POST', url: '/api/auth/login', payload: loginPayload });
      const authz = { authorization: `Bearer ${login.json().token}` };
      for (const filter of [{ id: 99_999_999_999, q: 'connection refused' }, { id: [1, 99_999_999_999], q: 'Connection terminated' }]) {
        const res = await app.inject({ url: listUrl('households', { filter }), headers: authz });
        expect(res.statusCode, JSON.stringify(filter)).toBe(400);
        expect(res.json().error_codes.id.code).toBe('too_big');
      }
      expect(lines.filter((l) => /database/i.test(l.msg) && l.level >= 40)).toEqual([]);
    } finally {
      await app.close();
    }
  });

  it('answers 503 DATABASE_UNAVAILABLE with Retry-After on every route, and logs it once', async () => {
    // A PostgreSQL that refuses connections (nothing listens on port 1).
    const down = await createDb({ databaseUrl: 'postgres://postgres@127.0.0.1:1/nothing', poolMax: 2 });
    let reachable = false;
    const { logger, lines } = spyLogger();
    const app = await appOn({ ...down, ping: async () => reachable }, { logger });
    try {
      const auth = { authorization: `Bearer ${anyToken()}` };
      const requests = [
        { method: 'POST' as const, url: '/api/auth/login', payload: loginPayload },
        { method: 'POST' as const, url: '/api/auth/login', payload: loginPayload },
        { method: 'GET' as const, url: '/api/auth/me', headers: auth },
        { method: 'POST' as const, url: '/api/auth/refresh', headers: auth },
        { method: 'GET' as const, url: '/api/households', headers: auth },
        { method: 'PUT' as const, url: '/api/villages/1', headers: auth, payload: { name: 'x', version: 1 } },
      ];
      for (const r of requests) {
        const res = await app.inject(r);
        expect(res.statusCode, `${r.method} ${r.url}`).toBe(503);
        expect(res.headers['retry-after'], `${r.method} ${r.url}`).toBe('5');
        expect(res.json()).toEqual({ statusCode: 503, code: 'DATABASE_UNAVAILABLE', message: expect.any(String) });
      }
      expect((await app.inject({ url: '/api/ready' })).statusCode).toBe(503);
      const told = lines.filter((l) => /database/i.test(l.msg) && l.level >= 30 && !/request completed|incoming request/.test(l.msg));
      expect(told).toHaveLength(1);
      expect(told[0]).toMatchObject({ level: 40 });
      expect(lines.filter((l) => l.level >= 50)).toEqual([]);

      // Back: one info line, once.
      reachable = true;
      for (let i = 0; i < 50 && !lines.some((l) => /reachable again/.test(l.msg)); i++) await new Promise((r) => setTimeout(r, 100));
      const back = lines.filter((l) => /reachable again/.test(l.msg));
      expect(back).toHaveLength(1);
      expect(back[0].level).toBe(30);
    } finally {
      await app.close();
      await down.close();
    }
  });

  it('answers 503 on a database handle that was closed (PGlite closed, or the pool ended), login included', async () => {
    const t = await createTestApp();
    const token = await t.tokenOf('admin');
    await t.db.close();
    for (const r of [
      { method: 'POST' as const, url: '/api/auth/login', payload: loginPayload },
      { method: 'GET' as const, url: '/api/households', headers: { authorization: `Bearer ${token}` } },
    ]) {
      const res = await t.app.inject(r);
      expect(res.statusCode).toBe(503);
      expect(res.headers['retry-after']).toBe('5');
      expect(res.json().code).toBe('DATABASE_UNAVAILABLE');
    }
    await t.app.close();
  });
});

/** Sends headers promising 100 bytes and only some of them; resolves with what the server answers. */
function stalledBody(port: number, waitMs: number): Promise<{ answer: string; closed: boolean }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let answer = '';
    let closed = false;
    const done = () => resolve({ answer, closed });
    const timer = setTimeout(() => {
      socket.destroy();
      done();
    }, waitMs);
    socket.on('data', (d) => (answer += d));
    socket.on('error', () => {});
    socket.on('close', () => {
      closed = true;
      clearTimeout(timer);
      done();
    });
    socket.write('POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"username":');
  });
}

describe('a client whose body stalls (defect 4)', () => {
  it('gets 408 once the request timeout passes', async () => {
    const app = await appOn(shared, { timeouts: { requestMs: 1000 } });
    await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      // The wait is only a cap for the test: the answer comes once the 1 s timeout passes.
      const { answer, closed } = await stalledBody((app.server.address() as AddressInfo).port, 20_000);
      expect(answer).toMatch(/^HTTP\/1\.1 408/);
      expect(closed).toBe(true);
    } finally {
      await app.close();
    }
  });
  // That a stalled client does not hold up the real server's graceful shutdown (SIGTERM exits 0
  // at once) is checked on the one real server start of test/scripts.test.ts.
});

describe('an absolute session lifetime (defect 9)', () => {
  let t: { app: FastifyInstance };
  let admin: { sub: string; uid: number; pv: string };
  beforeAll(async () => {
    t = { app: await appOn(shared, { config: { jwtSecret: TEST_SECRET, tokenTtlSeconds: 1800, sessionMaxSeconds: 3600 } }) };
    const [u] = await shared.db.select().from(users).where(eq(users.username, 'admin'));
    admin = { sub: String(u.id), uid: u.union_id, pv: fingerprint(u.password_hash) };
  });
  afterAll(() => t.app.close());

  const refresh = (token: string) => t.app.inject({ method: 'POST', url: '/api/auth/refresh', headers: { authorization: `Bearer ${token}` } });
  const me = (token: string) => t.app.inject({ url: '/api/auth/me', headers: { authorization: `Bearer ${token}` } });

  it('stamps the session start at login and keeps it through refreshes', async () => {
    const before = now();
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/login', payload: loginPayload });
    const started = claimsOfToken(login.json().token).auth_time;
    expect(started).toBeGreaterThanOrEqual(before);
    expect(started).toBeLessThanOrEqual(now());
    const renewed = await refresh(login.json().token);
    expect(renewed.statusCode).toBe(200);
    expect(claimsOfToken(renewed.json().token).auth_time).toBe(started);
  });

  it('refuses to renew, or to serve, a session older than its lifetime', async () => {
    // One clock reading: the second may turn between two calls of now().
    const t0 = now();
    const fresh = { ...admin, iat: t0 - 60, exp: t0 + 600 };
    const young = sign({ ...fresh, auth_time: t0 - 3000 });
    const renewed = await refresh(young);
    expect(renewed.statusCode).toBe(200);
    const claims = claimsOfToken(renewed.json().token);
    expect(claims.auth_time).toBe(t0 - 3000);
    // The renewed token ends with the session, not 30 minutes later.
    expect(claims.exp).toBeLessThanOrEqual(claims.auth_time + 3600);
    expect(Date.parse(renewed.json().expires_at) / 1000).toBeLessThanOrEqual(claims.auth_time + 3601);

    const old = sign({ ...fresh, auth_time: t0 - 3601 });
    expect((await refresh(old)).statusCode).toBe(401);
    expect((await me(old)).statusCode).toBe(401);
    expect((await me(old)).json()).toMatchObject({ code: 'UNAUTHORIZED' });
    // A token from before auth_time existed counts from its own issue.
    expect((await me(sign({ ...admin, iat: now() - 3700, exp: now() + 600 }))).statusCode).toBe(401);
    expect((await me(sign({ ...admin, iat: now() - 60, exp: now() + 600 }))).statusCode).toBe(200);
  });

  it('reads SESSION_MAX_HOURS, default 12', () => {
    expect(parseEnv({}).SESSION_MAX_HOURS).toBe(12);
    expect(parseEnv({ SESSION_MAX_HOURS: '0.5' }).SESSION_MAX_HOURS).toBe(0.5);
    expect(() => parseEnv({ SESSION_MAX_HOURS: '0', TRUST_PROXY: 'maybe' })).toThrow(/SESSION_MAX_HOURS[\s\S]*TRUST_PROXY/);
  });
});

describe('login limits behind a reverse proxy (defect 10)', () => {
  async function attempts(trustProxy: boolean | undefined, logger?: FastifyBaseLogger) {
    const app = await appOn(shared, {
      config: { jwtSecret: TEST_SECRET, tokenTtlSeconds: 1800, trustProxy },
      loginLimits: { perAccount: 2, perAddress: 1000 },
      ...(logger && { logger }),
    });
    const from = (ip: string) => app.inject({
      method: 'POST', url: '/api/auth/login', headers: { 'x-forwarded-for': ip }, payload: { username: 'admin', password: 'wrong-password' },
    });
    try {
      const a = [await from('203.0.113.1'), await from('203.0.113.1'), await from('203.0.113.1')].map((r) => r.statusCode);
      const b = (await from('203.0.113.2')).statusCode;
      return { a, b };
    } finally {
      await app.close();
    }
  }

  it('with TRUST_PROXY, each forwarded client has its own bucket, and the logs show its address', async () => {
    const { logger, lines } = spyLogger();
    const { a, b } = await attempts(true, logger);
    expect(a).toEqual([401, 401, 429]);
    expect(b).toBe(401);
    expect(lines.some((l) => (l.req as { remoteAddress?: string } | undefined)?.remoteAddress === '203.0.113.2')).toBe(true);
  });

  it('without it (the default), the proxy is the client: every client shares one bucket', async () => {
    const { a, b } = await attempts(undefined);
    expect(a).toEqual([401, 401, 429]);
    expect(b).toBe(429);
  });

  it('parses TRUST_PROXY: true, false, a hop count, or addresses and CIDRs, naming a bad one', () => {
    expect(parseEnv({}).TRUST_PROXY).toBe(false);
    expect(parseEnv({ TRUST_PROXY: 'true' }).TRUST_PROXY).toBe(true);
    expect(parseEnv({ TRUST_PROXY: '2' }).TRUST_PROXY).toBe(2);
    expect(parseEnv({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1,::1' }).TRUST_PROXY).toEqual(['10.0.0.0/8', '127.0.0.1', '::1']);
    expect(parseTrustProxy('10.0.0.0/33')).toBeUndefined();
    expect(() => parseEnv({ TRUST_PROXY: 'proxy.example' })).toThrow(/TRUST_PROXY/);
  });
});

describe('the embedded demo (defect 12)', () => {
  it('listens on loopback unless HOST says otherwise; with PostgreSQL on every interface', () => {
    expect(listenHost(parseEnv({}))).toBe('127.0.0.1');
    expect(listenHost(parseEnv({ HOST: '0.0.0.0' }))).toBe('0.0.0.0');
    expect(listenHost(parseEnv({ DATABASE_URL: 'postgres://x@h/db', JWT_SECRET: 'x'.repeat(32), AUDIT_KEY: 'k'.repeat(32) }))).toBe('0.0.0.0');
  });

  it('prints demo1234 only for the accounts still on it, and how to expose a loopback demo', async () => {
    await shared.db.update(users).set({ password_hash: await hashPassword('changed-since') }).where(eq(users.username, 'sales'));
    const unchanged = await demoAccountsStillOnPassword(shared.db, demoAccounts.map((a) => a.username), DEMO_PASSWORD);
    expect([...unchanged].sort()).toEqual(demoAccounts.map((a) => a.username).filter((u) => u !== 'sales').sort());
    const banner = demoBanner('http://127.0.0.1:3000', { unchanged, localOnly: true });
    expect(banner).toMatch(/sales\s+\(password changed\)/);
    expect(banner).toMatch(/admin\s+demo1234/);
    expect(banner).toContain('HOST=0.0.0.0');
    expect(demoBanner('http://localhost:3000')).not.toContain('password changed');
  });
});
