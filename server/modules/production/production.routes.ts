import { sql } from 'drizzle-orm';
import { harvestLots } from '../../../db/schema/index';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { aggregateRows } from '../../lib/crud.repository';
import { translated } from '../../lib/crud.service';
import { idParams } from '../../lib/crud.routes';
import { errorSchema } from '../../lib/http';
import { listQuerySchema, type Term } from '../../lib/list-query';
import type { ModuleDeps } from '../../lib/module';
import { scopeTerms, type ResourceDef, type Row, type WriteContext } from '../../lib/resource';
import { importLots } from './production.import';
import { genealogyOf } from './production.repository';
import { lotResource, workRecordResource } from './production.resources';
import {
  applicationSchemas, genealogy, importBody, importResponse, lotSchemas, lotTotals, plantingSchemas, residueSchemas, workTotals, type LotCreate,
} from './production.schemas';
import type { ProductionService } from './production.service';

// Production's routes that carry rules: thin, the rules are in production.service.ts.

export function registerProductionRoutes(app: FastifyInstance, deps: ModuleDeps, production: ProductionService) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ bearerAuth: [] }];
  const e = errorSchema;
  const errors = { 400: e, 401: e, 403: e, 404: e, 409: e, 422: e };
  const ctx = (req: FastifyRequest): WriteContext => ({ user: req.user, requestId: req.id });
  const tag = 'production';
  const readTerms = (req: FastifyRequest, def: ResourceDef) => scopeTerms(def, req.user, deps.policies.require(req.user, def.name, 'read'));

  r.post('/api/plantings', {
    onRequest: [app.authenticate],
    schema: { tags: [tag], summary: 'Record a planting (the plot\'s plantings at one time never exceed its area)', security, body: plantingSchemas.create, response: { 201: plantingSchemas.record, ...errors } },
  }, async (req, reply) => reply.code(201).send((await production.createPlanting(ctx(req), req.body as Row)) as never));

  r.put('/api/plantings/:id', {
    onRequest: [app.authenticate],
    schema: { tags: [tag], summary: 'Update a planting (status only moves forward)', security, params: idParams, body: plantingSchemas.update, response: { 200: plantingSchemas.record, ...errors } },
  }, async (req) => (await production.updatePlanting(ctx(req), req.params.id, req.body as Row)) as never);

  r.post('/api/input-applications', {
    onRequest: [app.authenticate],
    schema: {
      tags: [tag], summary: 'Record a pesticide, fertiliser or other input (a correction names the record it corrects)', security,
      body: applicationSchemas.create, response: { 201: applicationSchemas.record, ...errors },
    },
  }, async (req, reply) => reply.code(201).send((await production.recordApplication(ctx(req), req.body as Row)) as never));

  r.post('/api/harvest-lots', {
    onRequest: [app.authenticate],
    schema: {
      tags: [tag], summary: 'Record a harvest as a lot (refused inside a pesticide\'s pre-harvest interval; honours Idempotency-Key)', security,
      body: lotSchemas.create, response: { 201: lotSchemas.record, ...errors },
    },
  }, async (req, reply) => reply.code(201).send((await production.createLot(ctx(req), req.body as LotCreate)) as never));

  r.post('/api/harvest-lots/import', {
    onRequest: [app.authenticate],
    bodyLimit: 8 * 1024 * 1024,
    schema: {
      tags: [tag], summary: 'Import harvest lots: all rows or none; every bad row is reported as "<line>.<field>"', security,
      body: importBody, response: { 201: importResponse, ...errors },
    },
  }, async (req, reply) => {
    deps.policies.require(req.user, lotResource.name, 'create');
    const res = await translated(deps, 'write', () => deps.db.transaction((tx) => importLots(tx, ctx(req), production, req.body.rows, deps.constraints)));
    return reply.code(201).send(res);
  });

  r.get('/api/harvest-lots/totals', {
    onRequest: [app.authenticate],
    schema: { tags: [tag], summary: 'Intake totals of the harvest lots a list filter selects (harvests, not processed lots): kg and credits, members and non-members apart', security, querystring: listQuerySchema, response: { 200: lotTotals, ...errors } },
  }, async (req) => {
    // Intake is what households delivered: processed lots were made from lots already counted.
    const intake: Term = { op: 'eq', columns: [harvestLots.source], value: 'harvest' };
    const rows = await aggregateRows(deps.db, lotResource, req.query, [...readTerms(req, lotResource), intake],
      sql`coalesce(is_member, false) AS is_member, count(*)::int AS lots, coalesce(sum(quantity_kg), 0)::text AS quantity_kg, coalesce(sum(intake_amount), 0)::text AS intake_amount`,
      sql`1`);
    const part = (member: boolean) => {
      const row = rows.find((x) => x.is_member === member);
      return { lots: Number(row?.lots ?? 0), quantity_kg: Number(row?.quantity_kg ?? 0).toFixed(2), intake_amount: Number(row?.intake_amount ?? 0).toFixed(2) };
    };
    const members = part(true);
    const others = part(false);
    const sum = (a: string, b: string) => ((Math.round(Number(a) * 100) + Math.round(Number(b) * 100)) / 100).toFixed(2);
    return {
      lots: members.lots + others.lots, quantity_kg: sum(members.quantity_kg, others.quantity_kg),
      intake_amount: sum(members.intake_amount, others.intake_amount), members, non_members: others,
    };
  });

  r.get('/api/harvest-lots/:id/genealogy', {
    onRequest: [app.authenticate],
    schema: { tags: [tag], summary: 'The lots a lot came from and the lots made from it, with kg', security, params: idParams, response: { 200: genealogy, ...errors } },
  }, async (req) => {
    const lot = await production.readableLot(ctx(req), req.params.id);
    return genealogyOf(deps.db, lot.id as number) as never;
  });

  r.post('/api/residue-tests', {
    onRequest: [app.authenticate],
    schema: { tags: [tag], summary: 'Record a residue test (the latest test decides whether the lot may leave storage)', security, body: residueSchemas.create, response: { 201: residueSchemas.record, ...errors } },
  }, async (req, reply) => reply.code(201).send((await production.recordResidueTest(ctx(req), req.body as Row)) as never));

  r.get('/api/work-records/totals', {
    onRequest: [app.authenticate],
    schema: { tags: [tag], summary: 'Employment totals of the work records a list filter selects: person-times, person-days, wages', security, querystring: listQuerySchema, response: { 200: workTotals, ...errors } },
  }, async (req) => {
    const [row] = await aggregateRows(deps.db, workRecordResource, req.query, readTerms(req, workRecordResource),
      sql`count(*)::int AS records, coalesce(sum(days), 0)::text AS person_days, coalesce(sum(wage), 0)::text AS wages, count(DISTINCT person_id)::int AS people`);
    return { records: Number(row.records), person_days: Number(row.person_days).toFixed(1), wages: Number(row.wages).toFixed(2), people: Number(row.people) };
  });

}
