import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { z } from 'zod';
import { idParams } from './crud.routes';
import { errorSchema } from './http';
import type { WriteContext } from './resource';

export interface VerbRoute<B extends z.ZodType, R extends z.ZodType> {
  /** The resource the record belongs to (its policy grants the verb). */
  resource: string;
  /** The verb, as in the URL and in the policy's `verbs`. */
  verb: string;
  tag: string;
  summary: string;
  body: B;
  response: R;
  /** Extra Fastify route options (a rate limit...). */
  config?: Record<string, unknown>;
  handler: (ctx: WriteContext, id: number, body: z.infer<B>, req: FastifyRequest) => Promise<z.infer<R>>;
}

/**
 * `POST /api/<resource>/:id/<verb>`: a non-CRUD action on one record. Thin like every route:
 * the service checks the verb's grant (403) and finds the record within its scope (404).
 */
export function registerVerb<B extends z.ZodType, R extends z.ZodType>(app: FastifyInstance, v: VerbRoute<B, R>) {
  const e = errorSchema;
  // Typed loosely at the route: the handler's own signature carries the types.
  (app.withTypeProvider<ZodTypeProvider>() as FastifyInstance).post(`/api/${v.resource}/:id/${v.verb}`, {
    onRequest: [app.authenticate],
    ...(v.config && { config: v.config }),
    schema: {
      tags: [v.tag], summary: v.summary, security: [{ bearerAuth: [] }], params: idParams, body: v.body,
      response: { 200: v.response, 400: e, 401: e, 403: e, 404: e, 409: e, 422: e, 429: e },
    },
  }, async (req) => v.handler({ user: req.user, requestId: req.id }, (req.params as { id: number }).id, req.body as z.infer<B>, req));
}
