import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { jsonSchemaTransform } from 'fastify-type-provider-zod';

/** OpenAPI generated from the routes' zod schemas: /api/openapi.json, browsable at /docs. */
export default fp(async function openapiPlugin(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      info: {
        title: 'Lvjiang Zhihang cooperative union API',
        description:
          'Lists follow ra-data-simple-rest: `sort=["field","ASC"]`, `range=[0,24]` (at most 100 rows), ' +
          '`filter={...}` with `q` for free text and `id` arrays; the total is in `Content-Range`. ' +
          'Errors: `{ statusCode, code, message, errors? }` where `errors` maps a field to its message.',
        version: '0.1.0',
      },
      components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger());
});
