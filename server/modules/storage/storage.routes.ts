import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { errorSchema } from '../../lib/http';
import type { ModuleDeps } from '../../lib/module';
import type { WriteContext } from '../../lib/resource';
import { processingService } from './storage.processing';
import { readingsService } from './storage.readings';
import {
  bulkReadingsBody, bulkReadingsResponse, movementSchemas, processingCreate, processingResponse, readingSchemas, type MovementCreate,
} from './storage.schemas';
import { ledgerService } from './storage.service';

// Storage's routes that carry rules: thin, the rules are in the services.

export function registerStorageRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ bearerAuth: [] }];
  const e = errorSchema;
  const errors = { 400: e, 401: e, 403: e, 404: e, 409: e, 422: e };
  const ctx = (req: FastifyRequest): WriteContext => ({ user: req.user, requestId: req.id });
  const tag = 'storage';
  const ledger = ledgerService(deps);
  const readings = readingsService(deps);
  const processing = processingService(deps);

  r.post('/api/stock-movements', {
    onRequest: [app.authenticate],
    schema: {
      tags: [tag], summary: 'Record a stock movement: receive, transfer, loss, count adjustment or reversal (honours Idempotency-Key)', security,
      body: movementSchemas.create, response: { 201: movementSchemas.record, ...errors },
    },
  }, async (req, reply) => reply.code(201).send((await ledger.move(ctx(req), req.body as MovementCreate)) as never));

  r.post('/api/temperature-readings', {
    onRequest: [app.authenticate],
    schema: { tags: [tag], summary: 'Record a temperature reading (flagged when outside the room\'s zone)', security, body: readingSchemas.create, response: { 201: readingSchemas.record, ...errors } },
  }, async (req, reply) => reply.code(201).send((await readings.record(ctx(req), req.body)) as never));

  r.post('/api/temperature-readings/bulk', {
    onRequest: [app.authenticate],
    bodyLimit: 1024 * 1024,
    schema: {
      tags: [tag], summary: 'A sensor gateway\'s batch of readings (a reading already stored counts as a duplicate)', security,
      body: bulkReadingsBody, response: { 200: bulkReadingsResponse, ...errors },
    },
  }, async (req) => readings.recordMany(ctx(req), req.body.readings));

  r.post('/api/processing-runs', {
    onRequest: [app.authenticate],
    schema: {
      tags: [tag], summary: 'Record a processing run: input lots out of rooms, new lots into rooms, the loss; one transaction (honours Idempotency-Key)', security,
      body: processingCreate, response: { 201: processingResponse, ...errors },
    },
  }, async (req, reply) => reply.code(201).send((await processing.run(ctx(req), req.body)) as never));
}
