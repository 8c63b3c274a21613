import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import { buildApp, type AppDeps } from '../../server/app';
import type { DbHandle } from '../../db/client';
import { createTestDb } from './db';
import { appModules } from '../../server/modules/index';

export const TEST_SECRET = 'test-secret-that-is-long-enough-0123456789';
export const DEMO_PASSWORD = 'demo1234';

export interface TestContext {
  app: FastifyInstance;
  db: DbHandle;
  /** Logs in once per username and caches the token for the file. */
  tokenOf(username: string): Promise<string>;
  close(): Promise<void>;
}

/** The app as the tests build it on `db` (another instance on the same database, say): not ready yet. */
export const buildTestApp = (db: DbHandle, overrides: Partial<AppDeps> = {}) =>
  buildApp({
    db,
    modules: appModules,
    config: { jwtSecret: TEST_SECRET, tokenTtlSeconds: 1800 },
    adminRoot: '/nonexistent-console',
    loginLimits: { perAccount: 1000, perAddress: 1000 },
    ...overrides,
  });

export async function createTestApp(overrides: Partial<AppDeps> = {}): Promise<TestContext> {
  const db = await createTestDb();
  const app = await buildTestApp(db, overrides);
  await app.ready();
  const tokens = new Map<string, string>();
  return {
    app,
    db,
    async tokenOf(username) {
      const cached = tokens.get(username);
      if (cached) return cached;
      const res = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password: DEMO_PASSWORD } });
      if (res.statusCode !== 200) throw new Error(`login ${username}: ${res.statusCode} ${res.body}`);
      const token = res.json().token as string;
      tokens.set(username, token);
      return token;
    },
    async close() {
      await app.close();
      await db.close();
    },
  };
}

/** A list request in react-admin's encoding. */
export function listUrl(resource: string, opts: { sort?: [string, string]; range?: [number, number]; filter?: object } = {}) {
  const p = new URLSearchParams();
  if (opts.sort) p.set('sort', JSON.stringify(opts.sort));
  if (opts.range) p.set('range', JSON.stringify(opts.range));
  if (opts.filter) p.set('filter', JSON.stringify(opts.filter));
  const qs = p.toString();
  return `/api/${resource}${qs ? `?${qs}` : ''}`;
}

export function totalOf(res: LightMyRequestResponse): number {
  return Number(String(res.headers['content-range']).split('/').pop());
}
