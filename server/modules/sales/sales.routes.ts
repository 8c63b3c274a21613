import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { idParams } from '../../lib/crud.routes';
import { addDays, today } from '../../lib/dates';
import { fieldError, fieldErrors, fromZodIssues, notFound, validationError } from '../../lib/errors';
import { errorSchema } from '../../lib/http';
import { changesLive, writeGeneration } from '../../lib/changes';
import { listQuerySchema, TtlCache } from '../../lib/list-query';
import type { ModuleDeps } from '../../lib/module';
import type { WriteContext } from '../../lib/resource';
import { registerVerb } from '../../lib/verbs';
import { id as idField } from '../../lib/zod-fields';
import { lotGrades } from '../production/production.schemas';
import { forecastByCrop, supplyListings, type SupplyRow } from './sales.repository';
import {
  allocateResult, certificateRecord, deliveryRecord, dispatchBody, dispatchResult, orderCreate, orderRecord, orderWithLines, paymentSchemas, receiveBody, supersedeBody,
  supplyListing,
} from './sales.schemas';
import { deliveriesService } from './sales.deliveries';
import type { SalesService } from './sales.service';

// Sales routes: thin; the rules are in sales.service.ts.

export function registerSalesRoutes(app: FastifyInstance, deps: ModuleDeps, sales: SalesService) {
  const deliveriesOf = deliveriesService(deps);
  const r = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ bearerAuth: [] }];
  const e = errorSchema;
  const errors = { 400: e, 401: e, 403: e, 404: e, 409: e, 422: e };
  const ctx = (req: FastifyRequest): WriteContext => ({ user: req.user, requestId: req.id });
  const tag = 'sales';
  const idValue = z.coerce.number().pipe(idField);

  /**
   * What every buyer of a union sees is the same: kept for a few seconds, until a write that
   * could change it (stock, lots, tests, orders, listings, plantings) is announced, and only
   * while announcements are heard (lib/changes.ts), as list counts are.
   */
  const cache = new TtlCache<Awaited<ReturnType<typeof computeSupply>>>(5_000, 200);
  const RELEVANT = ['stock-movements', 'harvest-lots', 'residue-tests', 'processing-runs', 'orders', 'listings', 'plantings'];
  async function supplyOf(req: FastifyRequest, listingId?: number) {
    deps.policies.require(req.user, 'supply-listings', 'read');
    if (listingId !== undefined || !changesLive()) return computeSupply(req.user.union_id, listingId);
    const key = `${req.user.union_id}|${today()}|${RELEVANT.map(writeGeneration).join(',')}`;
    const hit = cache.get(key);
    if (hit) return hit;
    const rows = await computeSupply(req.user.union_id);
    cache.set(key, rows);
    return rows;
  }

  /** Supply listings with their 14-day forecast, computed for the crops listed, in two queries. */
  async function computeSupply(unionId: number, listingId?: number) {
    const day = today();
    const rows = await supplyListings(deps.db, unionId, day, listingId);
    const crops = [...new Set(rows.map((x) => x.crop_id))];
    const forecast = crops.length ? await forecastByCrop(deps.db, unionId, crops, day) : [];
    const days = Array.from({ length: 14 }, (_, i) => addDays(day, i));
    return rows.map((row: SupplyRow): z.infer<typeof supplyListing> => ({
      ...row,
      grade: row.grade as z.infer<typeof supplyListing>['grade'],
      available_kg: Number(row.available_kg).toFixed(2),
      origin_villages: row.origin_villages ?? [],
      forecast: days.map((d) => ({ day: d, kg: Number(forecast.find((f) => f.crop_id === row.crop_id && f.day === d)?.kg ?? 0).toFixed(2) })),
    }));
  }

  // A short list (one row per published listing): filtered and paged here, in react-admin's terms.
  const supplyFilter = z.object({
    id: z.union([idValue, z.array(idValue).max(1000)]).optional(),
    crop_id: idValue.optional(),
    grade: z.enum(lotGrades).optional(),
  }).strict();
  const jsonOf = (field: string, raw: string | undefined): unknown => {
    if (raw === undefined || raw === '') return undefined;
    try {
      return JSON.parse(raw);
    } catch {
      throw validationError(fieldErrors({ [field]: fieldError('invalid_json', 'must be valid JSON') }), `Invalid ${field}`);
    }
  };

  r.get('/api/supply-listings', {
    onRequest: [app.authenticate],
    schema: { tags: [tag], summary: 'What buyers are offered: published listings with kg available now and a 14-day forecast', security, querystring: listQuerySchema, response: { 200: z.array(supplyListing), ...errors } },
  }, async (req, reply) => {
    const parsed = supplyFilter.safeParse(jsonOf('filter', req.query.filter) ?? {});
    if (!parsed.success) throw validationError(fromZodIssues(parsed.error.issues as never), 'Invalid filter');
    const range = z.tuple([z.number().int().min(0), z.number().int().min(0)]).safeParse(jsonOf('range', req.query.range) ?? [0, 99]);
    if (!range.success || range.data[1] < range.data[0]) {
      throw validationError(fieldErrors({ range: fieldError('invalid_format', 'must be [start, end] with 0 <= start <= end', { format: 'range' }) }), 'Invalid range');
    }
    const f = parsed.data;
    const ids = f.id === undefined ? undefined : new Set(Array.isArray(f.id) ? f.id : [f.id]);
    const all = (await supplyOf(req)).filter((x) => (!ids || ids.has(x.id)) && (f.crop_id === undefined || x.crop_id === f.crop_id) && (f.grade === undefined || x.grade === f.grade));
    const [start, end] = range.data;
    const page = all.slice(start, Math.min(end, start + 99) + 1);
    reply.header('Content-Range', `supply-listings ${start}-${page.length ? start + page.length - 1 : start}/${all.length}`);
    return page;
  });

  r.get('/api/supply-listings/:id', {
    onRequest: [app.authenticate],
    schema: { tags: [tag], summary: 'One supply listing (by its listing id)', security, params: idParams, response: { 200: supplyListing, ...errors } },
  }, async (req) => {
    const [row] = await supplyOf(req, req.params.id);
    if (!row) throw notFound('supply-listings');
    return row;
  });

  r.post('/api/orders', {
    onRequest: [app.authenticate],
    schema: { tags: [tag], summary: 'Place an order: lines priced from the published listings (honours Idempotency-Key)', security, body: orderCreate, response: { 201: orderWithLines, ...errors } },
  }, async (req, reply) => reply.code(201).send((await sales.placeOrder(ctx(req), req.body)) as never));

  const empty = z.object({}).strict();
  registerVerb(app, { resource: 'orders', verb: 'confirm', tag, summary: 'Confirm a submitted order', body: empty, response: orderRecord, handler: (c, id) => sales.confirm(c, id) as never });
  registerVerb(app, {
    resource: 'orders', verb: 'allocate', tag, summary: 'Promise stock to the order first expiry first, line by line (a partial allocation reports what is short)',
    body: empty, response: allocateResult, handler: (c, id) => sales.allocate(c, id) as never,
  });
  registerVerb(app, { resource: 'orders', verb: 'cancel', tag, summary: 'Cancel an order; its allocations are freed', body: empty, response: orderRecord, handler: (c, id) => sales.cancel(c, id) as never });

  registerVerb(app, {
    resource: 'orders', verb: 'dispatch', tag, summary: 'Dispatch an allocated order: its stock leaves through the ledger, with a delivery and its compliance certificate',
    body: dispatchBody, response: dispatchResult, handler: (c, id, body) => deliveriesOf.dispatch(c, id, body) as never,
  });
  registerVerb(app, {
    resource: 'deliveries', verb: 'receive', tag, summary: 'Record what arrived, line by line (a shortfall is recorded, not hidden)',
    body: receiveBody, response: deliveryRecord, handler: (c, id, body) => deliveriesOf.receive(c, id, body) as never,
  });
  registerVerb(app, {
    resource: 'certificates', verb: 'supersede', tag, summary: 'Correct a certificate: a new one supersedes it; the old one stays readable',
    body: supersedeBody, response: certificateRecord, handler: (c, id, body) => deliveriesOf.supersede(c, id, body) as never,
  });

  r.post('/api/payments', {
    onRequest: [app.authenticate],
    schema: { tags: [tag], summary: 'Record a payment against an order (honours Idempotency-Key)', security, body: paymentSchemas.create, response: { 201: paymentSchemas.record, ...errors } },
  }, async (req, reply) => reply.code(201).send((await sales.pay(ctx(req), req.body)) as never));
}
