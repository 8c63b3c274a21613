import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createJsonSchemaTransform, createJsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';

export interface OpenapiOptions {
  /** Shared shapes, by component name: each appears once under components.schemas and is referenced. */
  schemas: Record<string, z.ZodType>;
}

type Doc = { paths?: Record<string, Record<string, { responses?: Record<string, Record<string, unknown>> }>> };

const contentRange = {
  description: 'The page and the total: `<resource> <first>-<last>/<total>` (ra-data-simple-rest)',
  schema: { type: 'string', example: 'households 0-24/319' },
};
const errorDescriptions: Record<string, string> = {
  400: 'Bad input; `errors` names each field', 401: 'No token, or a bad or expired one', 403: 'Your role may not do this',
  404: 'Not found, or outside your scope', 409: 'Conflict: stale version, duplicate, in use, or an idempotency key in flight',
  415: 'Only JSON in UTF-8 is accepted', 422: 'The idempotency key was used for another request', 429: 'Too many attempts; see Retry-After',
  503: 'The database cannot be reached; see Retry-After',
};

/** Lists declare their Content-Range header; error responses say when they happen. */
function annotate(doc: Doc): Doc {
  for (const ops of Object.values(doc.paths ?? {})) {
    for (const [method, op] of Object.entries(ops)) {
      for (const [status, res] of Object.entries(op.responses ?? {})) {
        const schema = (res.content as Record<string, { schema?: { type?: string } }> | undefined)?.['application/json']?.schema;
        if (method === 'get' && status === '200' && schema?.type === 'array') res.headers = { 'Content-Range': contentRange };
        if (errorDescriptions[status] && res.description === 'Default Response') res.description = errorDescriptions[status];
      }
    }
  }
  return doc;
}

/** The component ids this process has put in zod's global registry (zod itself accepts an id twice). */
const componentIds = new Set<string>();

/** OpenAPI generated from the routes' zod schemas: /api/openapi.json, browsable at /docs. */
export default fp(async function openapiPlugin(app: FastifyInstance, opts: OpenapiOptions) {
  // zod keeps descriptions (`.describe`) in its global registry, and the document reads
  // metadata from one registry only: the ids go there too. Adding is idempotent, so apps
  // built again (tests) reuse them; an id already taken by another schema stays inline.
  const registry = z.globalRegistry;
  for (const [id, schema] of Object.entries(opts.schemas)) {
    if (registry.has(schema) || componentIds.has(id)) continue;
    registry.add(schema, { id });
    componentIds.add(id);
  }
  const toObject = createJsonSchemaTransformObject({ schemaRegistry: registry });
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Lvjiang Zhihang cooperative union API',
        description:
          'Lists follow ra-data-simple-rest: `sort=["field","ASC"]`, `range=[0,24]` (at most 100 rows), ' +
          '`filter={...}` with `q` for free text and `id` arrays; the total is in `Content-Range`. ' +
          'Errors: `{ statusCode, code, message, errors?, error_codes? }` where `errors` maps a field to its message and ' +
          '`error_codes` maps the same fields to `{ code, params? }`; `code` and each field code come from the closed ' +
          'lists of the `Error` schema (enums), so a client translates codes instead of matching English text. ' +
          'Writes accept an `Idempotency-Key` header; non-CRUD actions are `POST /api/<resource>/:id/<verb>`.',
        version: '0.1.0',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: createJsonSchemaTransform({ schemaRegistry: registry }),
    transformObject: (doc) => annotate(toObject(doc) as Doc) as never,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
});
