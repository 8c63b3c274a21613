import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/** Serves the built console at `/`. */
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
  // The console uses hash routes (/#/plots), so no server-side fallback is needed; the
  // wildcard route serves whatever the latest build holds, without a restart.
  await app.register(fastifyStatic, { root: opts.root, prefix: '/', index: ['index.html'] });
});
