import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { idParams } from '../../lib/crud.routes';
import { AppError } from '../../lib/errors';
import { errorSchema } from '../../lib/http';
import type { ModuleDeps } from '../../lib/module';
import type { Row } from '../../lib/resource';
import { registerVerb } from '../../lib/verbs';
import { loadAccount } from '../../plugins/auth';
import { tokenResponse } from '../auth/auth.schemas';
import { sessionOf } from '../auth/auth.service';
import type { UsersService } from './org.service';
import { changePasswordBody, userSchemas } from './org.schemas';

// The users routes that replace the generic writes: thin, the rules are in org.service.ts.

export function registerOrgRoutes(app: FastifyInstance, deps: ModuleDeps, users: UsersService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ bearerAuth: [] }];
  const e = errorSchema;
  const errors = { 400: e, 401: e, 403: e, 404: e, 409: e, 422: e };

  r.post('/api/users', {
    onRequest: [app.authenticate],
    schema: { tags: ['organisation'], summary: 'Create an account (administrator)', security, body: userSchemas.create, response: { 201: userSchemas.record, ...errors } },
  }, async (req, reply) => reply.code(201).send((await users.create({ user: req.user, requestId: req.id }, req.body as Row)) as never));

  r.put('/api/users/:id', {
    onRequest: [app.authenticate],
    schema: {
      tags: ['organisation'], summary: 'Update an account (administrator), or one\'s own name and phone', security,
      params: idParams, body: userSchemas.update, response: { 200: userSchemas.record, ...errors },
    },
  }, async (req) => (await users.update({ user: req.user, requestId: req.id }, req.params.id, req.body as Row)) as never);

  // Guessing the current password with a stolen token is slowed like guessing at login.
  const perUser = app.createRateLimit({ max: 10, timeWindow: 60_000, keyGenerator: (req) => `change-password|${req.user?.id ?? req.ip}` });
  registerVerb(app, {
    resource: 'users',
    verb: 'change-password',
    tag: 'organisation',
    summary: 'Change one\'s own password, giving the current one; returns a fresh token (older ones stop working)',
    body: changePasswordBody,
    response: tokenResponse,
    config: { idempotency: false },
    handler: async (ctx, id, body, req) => {
      const limit = await perUser(req);
      if (!limit.isAllowed && limit.isExceeded) {
        throw new AppError(429, 'TOO_MANY_REQUESTS', `Too many attempts; retry in ${limit.ttlInSeconds} s`);
      }
      await users.changePassword(ctx, id, body);
      const account = await loadAccount(deps.db, ctx.user.id);
      if (!account) throw new AppError(401, 'UNAUTHORIZED', 'The account no longer exists or is disabled');
      return { ...app.issueToken(account), user: await sessionOf(deps.db, deps.policies, account.user) };
    },
  });
}
