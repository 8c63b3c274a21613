import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** Serves the built console at `/`; client-side routes fall back to index.html. */
export default fp(async function adminStatic(app: FastifyInstance, opts: { root: string }) {
  const index = join(opts.root, 'index.html');
  if (!existsSync(index)) {
    app.get('/', async (_req, reply) =>
      reply.type('text/html; charset=utf-8').send(
        '<!doctype html><meta charset="utf-8"><title>Console not built</title>' +
          '<p>The console is not built yet: run <code>npm run build:admin</code> (npm start does it for you). ' +
          'The API is at <a href="/docs">/docs</a>.</p>',
      ),
    );
    return;
  }
  await app.register(fastifyStatic, { root: opts.root, prefix: '/', wildcard: false, index: ['index.html'] });
  app.get('/*', async (req, reply) => {
    const path = req.url.split('?')[0];
    if (path.startsWith('/api/') || path.startsWith('/docs')) {
      return reply.status(404).send({ statusCode: 404, code: 'NOT_FOUND', message: `Route ${req.method} ${path} not found` });
    }
    // Hashed asset names change per build; index.html must always be re-read.
    reply.header('Cache-Control', 'no-cache');
    return reply.sendFile('index.html');
  });
});
