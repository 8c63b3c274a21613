import type { DbOrTx, Tx } from '../../../db/client';
import { harvestLots } from '../../../db/schema/index';
import { announceWrite, auditInsertedCte } from '../../lib/audit';
import { auditChange, changesOf, presented, translated, unchanged, type CrudDeps } from '../../lib/crud.service';
import { findRow, getRow, insertRow, updateRow } from '../../lib/crud.repository';
import { today } from '../../lib/dates';
import { AppError, conflict, fieldError, fieldErrors, notFound, validationError } from '../../lib/errors';
import { assertWithinScope, scopeCondition, scopeTerms, type Row, type WriteContext } from '../../lib/resource';
import { recordMovement } from '../storage/storage.service';
import {
  areaTaken, cropInUnion, harvestAtOnce, insertHarvestLot, intervalBlockers, lockApplication, lockLot, lockPlanting, lockPlantingFor, lockPlot, markCorrected,
  nextLotCodes, refreshHarvestableFrom, refreshResidueStatus,
} from './production.repository';
import { applicationResource, lotResource, plantingResource, residueTestResource } from './production.resources';
import { plantingStatuses, type LotCreate } from './production.schemas';
import type { LotFacts } from './production.repository';

// The rules of production. Each write is one transaction that checks, writes and audits;
// the `...In(tx, ...)` forms run inside a caller's transaction (an import, the demo seed).

const bad = (field: string, code: Parameters<typeof fieldError>[0], message: string, params?: Record<string, string | number>) =>
  validationError(fieldErrors({ [field]: fieldError(code, message, params) }), `${field} ${message}`);

const notInFuture = (field: string, value: unknown) => {
  if (typeof value === 'string' && value > today()) throw bad(field, 'in_future', 'must not be after today');
};

const num = (v: unknown) => Number(v ?? 0);

/** A planting's period on its plot: planted until finished, or until the expected harvest ends (open-ended if unknown). */
const periodEnd = (p: Row): string | null => (p.finished_on ?? p.expected_harvest_to ?? null) as string | null;

export function productionService(deps: CrudDeps) {
  const { db, policies } = deps;
  const tx = <T>(fn: (tx: Tx) => Promise<T>) => translated(deps, 'write', () => db.transaction(fn));

  /** The plot's plantings that overlap this one in time may not exceed the plot's area. */
  async function checkArea(t: DbOrTx, plot: { id: number; area_mu: string }, planting: Row, exceptId: number | null) {
    const taken = await areaTaken(t, plot.id, String(planting.planted_on), periodEnd(planting), exceptId);
    const available = Math.round((num(plot.area_mu) - taken) * 100) / 100;
    if (num(planting.area_mu) > available) {
      throw new AppError(409, 'PLOT_AREA_EXCEEDED', `The plot has ${available} mu free at that time`, fieldErrors({
        area_mu: fieldError('plot_area_exceeded', `must be at most ${available} (the plot's free area at that time)`, { available: available.toFixed(2) }),
      }));
    }
  }

  function settleStatus(values: Row, before?: Row) {
    const from = before ? plantingStatuses.indexOf(before.status as never) : 0;
    const to = plantingStatuses.indexOf((values.status ?? before?.status ?? 'planned') as never);
    if (to < from) {
      throw bad('status', 'status_backwards', `cannot go back from ${String(before?.status)} to ${String(values.status)}`, {
        from: String(before?.status), to: String(values.status),
      });
    }
    if (values.status === 'finished' && before?.status !== 'finished' && !values.finished_on) values.finished_on = today();
  }

  /** A planting's dates in order, checked before its period is compared with the plot's others. */
  function checkDates(p: Row) {
    const planted = String(p.planted_on);
    for (const field of ['expected_harvest_from', 'expected_harvest_to', 'finished_on']) {
      if (p[field] != null && String(p[field]) < planted) {
        throw bad(field, 'before_planting', `must not be before the planting (${planted})`, { planted_on: planted });
      }
    }
  }

  async function createPlanting(ctx: WriteContext, body: Row) {
    const scope = policies.require(ctx.user, plantingResource.name, 'create');
    return tx(async (t) => {
      const plot = await lockPlot(t, ctx.user, body.plot_id as number);
      if (!plot) throw bad('plot_id', 'not_found_reference', 'does not exist or is outside your village');
      const crop = await cropInUnion(t, ctx.user.union_id, body.crop_id as number);
      if (!crop) throw bad('crop_id', 'not_found_reference', 'does not exist');
      const values: Row = { ...body, union_id: ctx.user.union_id, village_id: plot.village_id, household_id: plot.household_id };
      settleStatus(values);
      checkDates(values);
      assertWithinScope(plantingResource, ctx.user, scope, values);
      await checkArea(t, plot, values, null);
      const row = await insertRow(t, plantingResource, values);
      await auditChange(t, ctx, plantingResource, 'create', row.id, undefined, row);
      return presented(plantingResource, row);
    });
  }

  async function updatePlanting(ctx: WriteContext, id: number, body: Row) {
    const scope = policies.require(ctx.user, plantingResource.name, 'update');
    const readScope = scopeCondition(plantingResource, ctx.user, policies.require(ctx.user, plantingResource.name, 'read'));
    return tx(async (t) => {
      const seen = await findRow(t, plantingResource, id, readScope);
      if (!seen) throw notFound(plantingResource.name);
      // Plots before plantings, as everywhere.
      const plot = await lockPlot(t, ctx.user, seen.plot_id as number);
      const before = await findRow(t, plantingResource, id, readScope, true);
      if (!before || !plot) throw notFound(plantingResource.name);
      assertWithinScope(plantingResource, ctx.user, scope, before);
      const changes = changesOf(plantingResource, scope, before, body);
      settleStatus(changes, before);
      if (unchanged(plantingResource, before, changes)) return presented(plantingResource, before);
      const merged = { ...before, ...changes };
      checkDates(merged);
      if (['area_mu', 'planted_on', 'expected_harvest_to', 'finished_on', 'status'].some((k) => k in changes)) await checkArea(t, plot, merged, id);
      const row = await updateRow(t, plantingResource, id, changes);
      await auditChange(t, ctx, plantingResource, 'update', id, before, row);
      return presented(plantingResource, row);
    });
  }

  async function recordApplicationIn(t: Tx, ctx: WriteContext, body: Row) {
    const scope = policies.require(ctx.user, applicationResource.name, 'create');
    notInFuture('applied_on', body.applied_on);
    if (body.kind === 'pesticide' && body.pre_harvest_interval_days == null) {
      throw bad('pre_harvest_interval_days', 'required', 'is required for a pesticide (the label\'s pre-harvest interval)');
    }
    if ((body.corrects_id == null) !== (body.correction_reason == null)) {
      throw body.corrects_id == null
        ? bad('corrects_id', 'required', 'is required with a correction reason')
        : bad('correction_reason', 'required', 'is required for a correction');
    }
    const planting = await lockPlanting(t, ctx.user, body.planting_id as number);
    if (!planting) throw bad('planting_id', 'not_found_reference', 'does not exist or is outside your village');
    let original: Awaited<ReturnType<typeof lockApplication>>;
    if (body.corrects_id != null) {
      original = await lockApplication(t, ctx.user, body.corrects_id as number);
      if (!original) throw bad('corrects_id', 'not_found_reference', 'does not exist or is outside your village');
      if (original.planting_id !== planting.id) {
        throw bad('planting_id', 'correction_mismatch', `must be the corrected record's planting (${original.planting_id})`, { field: 'planting_id' });
      }
      if (original.corrected_by_id != null) {
        throw conflict('ALREADY_CORRECTED', `Record ${original.id} was already corrected by ${original.corrected_by_id}; correct that one`, fieldErrors({
          corrects_id: fieldError('already_corrected', `was already corrected by ${original.corrected_by_id}`, { corrected_by_id: original.corrected_by_id }),
        }));
      }
    }
    const values: Row = {
      ...body, union_id: ctx.user.union_id, village_id: planting.village_id, household_id: planting.household_id, recorded_by: ctx.user.id,
    };
    if (values.kind !== 'pesticide' && values.pre_harvest_interval_days === undefined) values.pre_harvest_interval_days = null;
    assertWithinScope(applicationResource, ctx.user, scope, values);
    const row = await insertRow(t, applicationResource, values);
    if (original) {
      await markCorrected(t, original.id, row.id as number);
      await auditChange(t, ctx, applicationResource, 'corrected', original.id, { corrected_by_id: null }, { corrected_by_id: row.id });
    }
    await refreshHarvestableFrom(t, planting.id);
    await auditChange(t, ctx, applicationResource, 'create', row.id, undefined, row);
    return presented(applicationResource, row);
  }

  const actorOf = (ctx: WriteContext) => ({ union_id: ctx.user.union_id, user: ctx.user, requestId: ctx.requestId });
  const factsOf = (ctx: WriteContext, body: LotCreate): LotFacts => ({
    union_id: ctx.user.union_id, harvested_on: body.harvested_on, grade: body.grade, quantity_kg: body.quantity_kg,
    intake_price: body.intake_price, notes: body.notes ?? null, recorded_by: ctx.user.id,
  });

  /**
   * A harvest: most are recorded by one statement with no transaction around it (harvestAtOnce);
   * one that a rule may refuse, or that goes straight into a room, takes the full path, which
   * names the reason.
   */
  async function createLot(ctx: WriteContext, body: LotCreate) {
    policies.require(ctx.user, lotResource.name, 'create');
    if (body.code !== undefined) throw bad('code', 'server_generated', 'is made by the server; leave it out');
    notInFuture('harvested_on', body.harvested_on);
    if (body.warehouse_id == null) {
      const at = await translated(deps, 'write', () =>
        harvestAtOnce(db, ctx.user, body.household_id ?? null, body.planting_id, factsOf(ctx, body),
          (from) => auditInsertedCte(actorOf(ctx), 'create', lotResource.name, harvestLots, from)));
      if (!at.found) throw bad('planting_id', 'not_found_reference', 'does not exist or is outside your village');
      if (at.lot) {
        announceWrite(db, lotResource.name);
        return presented(lotResource, at.lot);
      }
    }
    return tx((t) => createLotIn(t, ctx, body));
  }

  /** Records a harvest as a lot: the pre-harvest rule, a server-made code, the household's credit. */
  async function createLotIn(t: Tx, ctx: WriteContext, body: LotCreate) {
    const scope = policies.require(ctx.user, lotResource.name, 'create');
    if (body.code !== undefined) throw bad('code', 'server_generated', 'is made by the server; leave it out');
    notInFuture('harvested_on', body.harvested_on);
    const planting = await lockPlantingFor(t, ctx.user, body.planting_id, body.household_id ?? null);
    if (!planting) throw bad('planting_id', 'not_found_reference', 'does not exist or is outside your village');
    if (planting.status === 'finished') {
      throw new AppError(409, 'PLANTING_FINISHED', 'The planting is finished; nothing more is harvested from it', fieldErrors({
        planting_id: fieldError('planting_finished', 'is finished'),
      }));
    }
    if (body.harvested_on < planting.planted_on) {
      throw bad('harvested_on', 'before_planting', `must not be before the planting (${planting.planted_on})`, { planted_on: planting.planted_on });
    }
    const householdId = body.household_id ?? planting.household_id;
    if (householdId != null && planting.credited_id == null) {
      throw bad('household_id', 'not_found_reference', 'is not a household of the planting\'s village');
    }
    // Read after the planting is locked: an application recorded meanwhile is seen.
    const [blocker] = await intervalBlockers(t, planting.id, body.harvested_on);
    if (blocker) {
      const message = `${blocker.product} applied on ${blocker.applied_on} has a ${blocker.interval_days}-day pre-harvest interval: harvest allowed from ${blocker.allowed_from}`;
      throw new AppError(409, 'PRE_HARVEST_INTERVAL', message, fieldErrors({
        harvested_on: fieldError('pre_harvest_interval', message, {
          product: blocker.product, application_id: blocker.id, applied_on: blocker.applied_on,
          interval_days: blocker.interval_days, allowed_from: blocker.allowed_from,
        }),
      }));
    }
    assertWithinScope(lotResource, ctx.user, scope, { village_id: planting.village_id, household_id: householdId });
    const row = await insertHarvestLot(t, planting, factsOf(ctx, body), (from) => auditInsertedCte(actorOf(ctx), 'create', lotResource.name, harvestLots, from));
    announceWrite(t, lotResource.name);
    if (body.warehouse_id != null) {
      await recordMovement(t, ctx, policies, { kind: 'receive', lot_id: row.id as number, to_warehouse_id: body.warehouse_id, quantity_kg: body.quantity_kg }, 'warehouse_id');
      return presented(lotResource, (await findRow(t, lotResource, row.id as number, scopeCondition(lotResource, ctx.user, 'union')))!);
    }
    return presented(lotResource, row);
  }

  async function recordResidueTestIn(t: Tx, ctx: WriteContext, body: Row) {
    const scope = policies.require(ctx.user, residueTestResource.name, 'create');
    notInFuture('tested_on', body.tested_on);
    const lot = await lockLot(t, ctx.user, body.lot_id as number);
    if (!lot) throw bad('lot_id', 'not_found_reference', 'does not exist or is outside your village');
    if (String(body.tested_on) < lot.harvested_on) {
      throw bad('tested_on', 'before_harvest', `must not be before the harvest (${lot.harvested_on})`, { harvested_on: lot.harvested_on });
    }
    const values: Row = { ...body, union_id: ctx.user.union_id, village_id: lot.village_id, recorded_by: ctx.user.id };
    assertWithinScope(residueTestResource, ctx.user, scope, values);
    const row = await insertRow(t, residueTestResource, values);
    await refreshResidueStatus(t, lot.id);
    await auditChange(t, ctx, residueTestResource, 'create', row.id, undefined, row);
    return row;
  }

  return {
    createPlanting,
    updatePlanting,
    recordApplicationIn,
    recordApplication: (ctx: WriteContext, body: Row) => tx((t) => recordApplicationIn(t, ctx, body)),
    createLotIn,
    createLot,
    recordResidueTestIn,
    recordResidueTest: (ctx: WriteContext, body: Row) => tx((t) => recordResidueTestIn(t, ctx, body)),
    /** A lot within the reader's scope, or 404. */
    async readableLot(ctx: WriteContext, id: number) {
      const row = await getRow(db, lotResource, id, scopeTerms(lotResource, ctx.user, policies.require(ctx.user, lotResource.name, 'read')));
      if (!row) throw notFound(lotResource.name);
      return row;
    },
  };
}

export type ProductionService = ReturnType<typeof productionService>;


export interface ProcessedLotSpec {
  village_id: number;
  village_code: string;
  processing_run_id: number;
  crop_id: number;
  run_on: string;
  /** The earliest input's harvest date and expiry: processing does not make produce younger. */
  harvested_on: string;
  expires_on: string;
  outputs: { grade: string; quantity_kg: string }[];
  /** From reserveLotCodes, taken before the run locked any room (the platform's lock order). */
  codes: string[];
}

/** Reserves the next codes of a village's day: the first lock a run takes. */
export const reserveLotCodes = (tx: Tx, villageId: number, villageCode: string, day: string, count: number) =>
  nextLotCodes(tx, villageId, villageCode, day, count);

/**
 * The lots a processing run makes (storage calls it inside the run's transaction): codes
 * from the village's sequence for the run's day, no household (no intake credit).
 */
export async function recordProcessedLots(tx: Tx, ctx: WriteContext, spec: ProcessedLotSpec): Promise<Row[]> {
  const { codes } = spec;
  const lots: Row[] = [];
  for (const [i, o] of spec.outputs.entries()) {
    const row = await insertRow(tx, lotResource, {
      union_id: ctx.user.union_id, village_id: spec.village_id, code: codes[i], source: 'processing', crop_id: spec.crop_id,
      harvested_on: spec.harvested_on, grade: o.grade, quantity_kg: o.quantity_kg, processing_run_id: spec.processing_run_id,
      expires_on: spec.expires_on, received_kg: o.quantity_kg, recorded_by: ctx.user.id,
    });
    await auditChange(tx, ctx, lotResource, 'create', row.id, undefined, row);
    lots.push(row);
  }
  return lots;
}
