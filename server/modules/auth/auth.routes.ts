import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { withPriority, type Db } from '../../../db/client';
import { AppError } from '../../lib/errors';
import type { Policies } from '../../lib/policy';
import type { UsersService } from '../org/org.service';
import { errorSchema } from '../../lib/http';
import { loginBody, meResponse, tokenResponse } from './auth.schemas';
import { login, sessionOf } from './auth.service';

export interface LoginLimits {
  /** Attempts in one minute from one address on one username. */
  perAccount: number;
  /** Attempts in one minute from one address, whatever the username. */
  perAddress: number;
}

export interface AuthRouteOptions {
  db: Db;
  policies: Policies;
  users: UsersService;
  limits: LoginLimits;
}

export function registerAuthRoutes(app: FastifyInstance, opts: AuthRouteOptions) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ bearerAuth: [] }];

  // A second, wider limit per address, so guessing across many usernames is slowed too.
  const perAddress = app.createRateLimit({
    max: opts.limits.perAddress,
    timeWindow: 60_000,
    keyGenerator: (req) => `login|${req.ip}`,
  });

  r.post('/api/auth/login', {
    preHandler: async (req, reply) => {
      const res = await perAddress(req);
      if (!res.isAllowed && res.isExceeded) {
        reply.header('retry-after', res.ttlInSeconds);
        throw new AppError(429, 'TOO_MANY_REQUESTS', `Too many login attempts; retry in ${res.ttlInSeconds} s`);
      }
    },
    config: {
      rateLimit: {
        max: opts.limits.perAccount,
        timeWindow: '1 minute',
        // After body parsing, so that one address guessing one account is what gets slowed.
        hook: 'preHandler',
        keyGenerator: (req) => `${req.ip}|${String((req.body as { username?: string } | undefined)?.username ?? '').toLowerCase()}`,
      },
    },
    schema: {
      tags: ['auth'],
      summary: 'Sign in; returns a short-lived bearer token',
      body: loginBody,
      response: { 200: tokenResponse, 400: errorSchema, 401: errorSchema, 429: errorSchema },
    },
  }, async (req) => {
    // A sign-in goes ahead of queued list queries on the embedded database (one connection).
    return withPriority(async () => {
      const account = await login(opts.db, req.body.username, req.body.password, (u) => opts.users.recordLogin(u, req.id));
      return { ...app.issueToken(account), user: await sessionOf(opts.db, opts.policies, account.user, account.unionName) };
    });
  });

  r.get('/api/auth/me', {
    onRequest: [app.authenticate],
    schema: { tags: ['auth'], summary: 'The signed-in user, with the rights the console uses', security, response: { 200: meResponse, 401: errorSchema } },
  }, async (req) => ({ user: await sessionOf(opts.db, opts.policies, req.user) }));

  r.post('/api/auth/refresh', {
    onRequest: [app.authenticate],
    schema: {
      tags: ['auth'], summary: 'Exchange a valid token for a fresh one, within the session\'s absolute lifetime (then 401)', security,
      response: { 200: tokenResponse, 401: errorSchema },
    },
  }, async (req) => ({ ...app.issueToken({ user: req.user, credential: req.credential }, req.authTime), user: await sessionOf(opts.db, opts.policies, req.user) }));
}
