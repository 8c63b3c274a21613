import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DbHandle } from '../../../db/client';

const status = z.object({ status: z.string(), database: z.string().optional() });

export function registerHealthRoutes(app: FastifyInstance, db: DbHandle) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  r.get('/api/health', { schema: { tags: ['health'], summary: 'The process is up', response: { 200: status } } }, async () => ({ status: 'ok' }));
  r.get('/api/ready', {
    schema: { tags: ['health'], summary: 'The database answers (503 when it does not)', response: { 200: status, 503: status } },
  }, async (_req, reply) => {
    const ok = await db.ping();
    return reply.status(ok ? 200 : 503).send({ status: ok ? 'ready' : 'unavailable', database: db.kind });
  });
}
