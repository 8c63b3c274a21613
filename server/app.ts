import { randomUUID } from 'node:crypto';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { validatorCompiler } from 'fastify-type-provider-zod';
import type { DbHandle } from '../db/client';
import type { Config } from './config';
import type { z } from 'zod';
import { registerCrudRoutes } from './lib/crud.routes';
import { errorSchema } from './lib/http';
import { AppError } from './lib/errors';
import idempotency from './lib/idempotency';
import jsonBody from './lib/json-body';
import { checkModules, type AppModule, type ModuleDeps } from './lib/module';
import { Policies } from './lib/policy';
import { registerAuthRoutes, type LoginLimits } from './modules/auth/auth.routes';
import { registerHealthRoutes } from './modules/health/health.routes';
import { usersService } from './modules/org/org.service';
import adminStatic from './plugins/admin-static';
import authPlugin from './plugins/auth';
import errorsPlugin from './plugins/errors';
import openapiPlugin from './plugins/openapi';
import timeoutsPlugin, { defaultTimeouts, serverTimeoutOptions, type Timeouts } from './plugins/timeouts';

export interface AppDeps {
  db: DbHandle;
  /** The domains to serve (server/modules/index.ts); checked against each other at start. */
  modules: readonly AppModule[];
  config: Pick<Config, 'jwtSecret' | 'tokenTtlSeconds'> & Partial<Pick<Config, 'sessionMaxSeconds' | 'trustProxy'>>;
  /** How long a client may take to send its request (defaults 30 s, 60 s idle). */
  timeouts?: Partial<Timeouts>;
  /** A pino logger; tests pass none (silent). */
  logger?: FastifyBaseLogger;
  /** Folder of the built console; defaults to admin/dist. */
  adminRoot?: string;
  /** How long an unchanged account stays cached (default 60 s; changes invalidate it at once). */
  accountCacheMs?: number;
  /** Login attempts per minute: per address and username, and per address (defaults 10 and 50). */
  loginLimits?: LoginLimits;
}

/** Each resource's record, create and update bodies, and the error shape, as named OpenAPI components. */
function openapiSchemas(modules: readonly AppModule[]): Record<string, z.ZodType> {
  const out: Record<string, z.ZodType> = { Error: errorSchema };
  const pascal = (name: string) => name.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
  for (const def of modules.flatMap((m) => m.resources)) {
    const base = pascal(def.name);
    out[base] = def.record;
    // Also when a module's own routes take them (users' create and update).
    if (Object.keys(def.create.shape).length) out[`${base}Create`] = def.create;
    if (Object.keys(def.update.shape).length) out[`${base}Update`] = def.update;
  }
  return out;
}

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Builds the whole application on the given database. Never listens: main.ts does. */
export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  checkModules(deps.modules);
  const policies = new Policies(Object.assign({}, ...deps.modules.map((m) => m.policy)));
  const constraints = new Map(deps.modules.flatMap((m) => Object.entries(m.constraintFields ?? {})));
  const moduleDeps: ModuleDeps = { db: deps.db.db, policies, constraints };

  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
    },
    bodyLimit: 1024 * 1024,
    // Requests arriving while the server closes get 503 SHUTTING_DOWN in the one error shape (hook below).
    return503OnClosing: false,
    // Behind a reverse proxy, req.ip (login limits, logs) is the client's address.
    // (Fastify takes a hop count too, which its types leave out.)
    trustProxy: (deps.config.trustProxy ?? false) as boolean | string[],
    ...serverTimeoutOptions({ ...defaultTimeouts, ...deps.timeouts }),
  });
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the API; rows are already in their public shape.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));
  app.addHook('onSend', async (req, reply) => {
    reply.header('X-Request-Id', req.id);
  });
  let closing = false;
  app.addHook('preClose', async () => {
    closing = true;
  });
  app.addHook('onRequest', async (_req, reply) => {
    if (!closing) return;
    reply.header('Connection', 'close').header('Retry-After', '5');
    throw new AppError(503, 'SHUTTING_DOWN', 'The server is shutting down; retry shortly');
  });

  await app.register(errorsPlugin, { constraints, db: deps.db });
  await app.register(timeoutsPlugin);
  await app.register(jsonBody);
  await app.register(cors, { exposedHeaders: ['Content-Range', 'X-Request-Id'] });
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_req, ctx) => new AppError(429, 'TOO_MANY_REQUESTS', `Too many attempts; retry in ${ctx.after}`),
  });
  await app.register(authPlugin, { db: deps.db, accountCacheMs: deps.accountCacheMs, secret: deps.config.jwtSecret, tokenTtlSeconds: deps.config.tokenTtlSeconds,
    sessionMaxSeconds: deps.config.sessionMaxSeconds });
  await app.register(openapiPlugin, { schemas: openapiSchemas(deps.modules) });
  await app.register(idempotency, { db: deps.db.db });

  registerHealthRoutes(app, deps.db);
  registerAuthRoutes(app, {
    db: deps.db.db, policies, users: usersService(moduleDeps), limits: deps.loginLimits ?? { perAccount: 10, perAddress: 50 },
  });
  for (const m of deps.modules) {
    for (const def of m.resources) registerCrudRoutes(app, moduleDeps, def);
    m.routes?.(app, moduleDeps);
  }

  await app.register(adminStatic, { root: deps.adminRoot ?? resolve(repoRoot, 'admin/dist') });
  return app;
}
