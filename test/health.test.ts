import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseEnv } from '../server/config';
import { buildTestApp, createTestApp, type TestContext } from './helpers/app';
import { createTestDb } from './helpers/db';

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

describe('health, readiness and docs', () => {
  it('reports the process up and echoes a request id', async () => {
    const res = await t.app.inject({ url: '/api/health', headers: { 'x-request-id': 'abc-123' } });
    expect(res.json()).toEqual({ status: 'ok' });
    expect(res.headers['x-request-id']).toBe('abc-123');
  });

  it('is ready while the database answers', async () => {
    const res = await t.app.inject({ url: '/api/ready' });
    expect(res.statusCode).toBe(200);
    expect(res.json().status).toBe('ready');
  });

  it('serves an OpenAPI document built from the zod schemas, and the docs page', async () => {
    const doc = (await t.app.inject({ url: '/api/openapi.json' })).json();
    expect(doc.openapi).toMatch(/^3\./);
    for (const path of ['/api/households', '/api/households/{id}', '/api/auth/login', '/api/plots', '/api/audit-log']) {
      expect(doc.paths).toHaveProperty([path]);
    }
    const body = doc.paths['/api/plots'].post.requestBody.content['application/json'].schema;
    const create = body.$ref ? doc.components.schemas[body.$ref.split('/').pop()] : body;
    expect(create.required).toEqual(expect.arrayContaining(['village_id', 'area_mu', 'kind']));
    expect((await t.app.inject({ url: '/docs/' })).statusCode).toBe(200);
  });

  it('answers unknown API routes with the one error shape', async () => {
    const res = await t.app.inject({ url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ statusCode: 404, code: 'NOT_FOUND' });
  });
});

describe('configuration', () => {
  it('applies defaults in embedded mode', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ PORT: 3000, DATA_DIR: './data', LOG_LEVEL: 'info', SESSION_MAX_HOURS: 12, TRUST_PROXY: false });
    // No HOST: the embedded demo listens on loopback (listenHost).
    expect(env.HOST).toBeUndefined();
  });

  it('names every bad variable', () => {
    expect(() => parseEnv({ PORT: 'abc', LOG_LEVEL: 'loud' })).toThrow(/PORT[\s\S]*LOG_LEVEL|LOG_LEVEL[\s\S]*PORT/);
    expect(() => parseEnv({ DATABASE_URL: 'mysql://x' })).toThrow(/DATABASE_URL/);
  });

  it('requires JWT_SECRET and AUDIT_KEY with DATABASE_URL, and a migration URL only beside it', () => {
    expect(() => parseEnv({ DATABASE_URL: 'postgres://localhost/x' })).toThrow(/JWT_SECRET[\s\S]*AUDIT_KEY/);
    expect(() => parseEnv({ DATABASE_URL: 'postgres://localhost/x', JWT_SECRET: 'x'.repeat(32) })).toThrow(/AUDIT_KEY: is required/);
    expect(() => parseEnv({ DATABASE_URL: 'postgres://localhost/x', JWT_SECRET: 'x'.repeat(32), AUDIT_KEY: 'short' })).toThrow(/AUDIT_KEY: must be at least 32/);
    const env = parseEnv({ DATABASE_URL: 'postgres://localhost/x', JWT_SECRET: 'x'.repeat(32), AUDIT_KEY: 'k'.repeat(32) });
    expect(env).toMatchObject({ JWT_SECRET: 'x'.repeat(32), AUDIT_KEY: 'k'.repeat(32) });
    expect(() => parseEnv({ MIGRATION_DATABASE_URL: 'postgres://owner@localhost/x' })).toThrow(/MIGRATION_DATABASE_URL: needs DATABASE_URL/);
  });
});

describe('readiness without a database', () => {
  it('answers 503 when the database is gone', async () => {
    const other = await createTestApp();
    await other.db.close();
    const res = await other.app.inject({ url: '/api/ready' });
    expect(res.statusCode).toBe(503);
    expect(res.json().status).toBe('unavailable');
    await other.app.close();
  });
});

describe('graceful shutdown', () => {
  it('finishes a request in flight while closing, and refuses new ones', async () => {
    const db = await createTestDb();
    const app = await buildTestApp(db);
    const other = { app, db };
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let entered!: () => void;
    const inHandler = new Promise<void>((r) => (entered = r));
    // A handler still working when the shutdown starts (a slow query, say).
    other.app.get('/api/test-slow', async () => {
      entered();
      await gate;
      return { done: true };
    });
    await other.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(other.app.server.address() as { port: number }).port}`;
    const inFlight = fetch(`${base}/api/test-slow`);
    await inHandler;
    const closing = other.app.close();
    release();
    const res = await inFlight;
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ done: true });
    await closing;
    await expect(fetch(`${base}/api/health`)).rejects.toThrow();
    await other.db.close();
  });
});

