import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { crudService, type CrudDeps } from './crud.service';
import { AppError } from './errors';
import { errorSchema } from './http';
import { listQuerySchema } from './list-query';
import { serves, type ResourceDef, type Row, type WriteContext } from './resource';

export const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) });

/** Registers the ra-data-simple-rest routes of one resource: thin, all rules live in the service. */
export function registerCrudRoutes(app: FastifyInstance, deps: CrudDeps, def: ResourceDef) {
  const service = crudService(deps, def);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const base = `/api/${def.name}`;
  const security = [{ bearerAuth: [] }];
  const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema, 422: errorSchema };
  const ctx = (req: FastifyRequest): WriteContext => ({ user: req.user, requestId: req.id });

  if (serves(def, 'list')) r.get(base, {
    onRequest: [app.authenticate],
    schema: { tags: [def.tag], summary: `List ${def.name}`, security, querystring: listQuerySchema, response: { 200: z.array(def.record), ...errors } },
  }, async (req, reply) => {
    const { rows, total, offset } = await service.list(ctx(req), req.query);
    const end = rows.length ? offset + rows.length - 1 : offset;
    reply.header('Content-Range', `${def.name} ${offset}-${end}/${total}`);
    return rows;
  });

  if (serves(def, 'get')) r.get(`${base}/:id`, {
    onRequest: [app.authenticate],
    schema: { tags: [def.tag], summary: `Get one of ${def.name}`, security, params: idParams, response: { 200: def.record, ...errors } },
  }, async (req) => service.get(ctx(req), req.params.id));

  if (serves(def, 'create')) {
    r.post(base, {
      onRequest: [app.authenticate],
      schema: { tags: [def.tag], summary: `Create one of ${def.name}`, security, body: def.create, response: { 201: def.record, ...errors } },
    }, async (req, reply) => {
      const row = await service.create(ctx(req), req.body as Row);
      return reply.code(201).send(row);
    });
  }

  if (serves(def, 'update')) r.put(`${base}/:id`, {
    onRequest: [app.authenticate],
    schema: { tags: [def.tag], summary: `Update one of ${def.name}`, security, params: idParams, body: def.update, response: { 200: def.record, ...errors } },
  }, async (req) => service.update(ctx(req), req.params.id, req.body as Row));

  if (def.appendOnly) {
    const refuse = async (_req: FastifyRequest, reply: FastifyReply) => {
      reply.header('allow', serves(def, 'create') ? 'GET, POST' : 'GET');
      throw new AppError(405, 'METHOD_NOT_ALLOWED', def.appendOnly as string);
    };
    const schema = { tags: [def.tag], security, params: idParams, response: { 405: errorSchema } };
    r.put(`${base}/:id`, { onRequest: [app.authenticate], schema: { ...schema, summary: `Never: ${def.name} are kept as written` } }, refuse);
    r.delete(`${base}/:id`, { onRequest: [app.authenticate], schema: { ...schema, summary: `Never: ${def.name} are kept as written` } }, refuse);
  }

  if (serves(def, 'delete')) r.delete(`${base}/:id`, {
    onRequest: [app.authenticate],
    schema: { tags: [def.tag], summary: `Delete one of ${def.name}`, security, params: idParams, response: { 200: def.record, ...errors } },
  }, async (req) => service.remove(ctx(req), req.params.id));
}
