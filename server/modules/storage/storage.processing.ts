import { sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { auditChange, presented, translated, type CrudDeps } from '../../lib/crud.service';
import { today } from '../../lib/dates';
import { AppError, fieldError, fieldErrors, validationError } from '../../lib/errors';
import type { Row, WriteContext } from '../../lib/resource';
import { recordProcessedLots, reserveLotCodes } from '../production/production.service';
import { insertParents, insertRun, lockRooms, shareLots } from './storage.repository';
import { processingResource } from './storage.resources';
import type { ProcessingCreate } from './storage.schemas';
import { cents, kgOf } from '../../lib/decimal';
import { recordMovement } from './storage.service';

// A processing run (grading, washing, packing) is one transaction of ledger movements:
// inputs issued out of their rooms, new lots made and put into rooms, the loss recorded,
// and each new lot's parents kept with the kilograms that came from each.

interface InputLot {
  id: number;
  village_id: number;
  crop_id: number;
  harvested_on: string;
  expires_on: string;
}

/**
 * Splits `total` hundredths over weights in proportion, to the hundredth, by largest
 * remainder: the parts always add up to the total exactly.
 */
export function splitByWeight(total: number, weights: number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i] += 1;
    left -= 1;
  }
  return parts;
}

/**
 * Runs one line's movement; a refusal's fields are renamed to the line's own (`inputs.2.quantity_kg`,
 * `outputs.0.warehouse_id`), so the form shows it under the right input.
 */
async function onLine<T>(prefix: string, rename: Record<string, string>, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof AppError) || !err.errors) throw err;
    const errors = fieldErrors();
    for (const [field, e] of Object.entries(err.errors)) errors[`${prefix}.${rename[field] ?? field}`] = e;
    throw new AppError(err.statusCode, err.code, err.message, errors);
  }
}

export function processingService(deps: CrudDeps) {
  const { db, policies } = deps;

  async function runIn(tx: Tx, ctx: WriteContext, body: ProcessingCreate) {
    const scope = policies.require(ctx.user, processingResource.name, 'create');
    const errors = fieldErrors();
    if (body.run_on > today()) errors.run_on = fieldError('in_future', 'must not be after today');
    const lotIds = [...new Set(body.inputs.map((i) => i.lot_id))];
    const found = await tx.execute(sql`
      SELECT id, village_id, crop_id, harvested_on::text AS harvested_on, expires_on::text AS expires_on
      FROM harvest_lots WHERE union_id = ${ctx.user.union_id} AND id = ANY(${sql.param(lotIds)}::int[])`);
    const lots = new Map((found.rows as unknown as InputLot[]).map((l) => [Number(l.id), l]));
    body.inputs.forEach((input, i) => {
      if (!lots.has(input.lot_id)) errors[`inputs.${i}.lot_id`] = fieldError('not_found_reference', 'does not exist');
    });
    const crops = [...new Set([...lots.values()].map((l) => l.crop_id))];
    if (crops.length > 1) errors.inputs = fieldError('mixed_crops', 'must all be of one crop', { crop_id: crops.join(', ') });
    const inTotal = body.inputs.reduce((a, i) => a + cents(i.quantity_kg), 0);
    const outTotal = body.outputs.reduce((a, o) => a + cents(o.quantity_kg), 0);
    if (outTotal > inTotal) errors.outputs = fieldError('outputs_exceed_inputs', `weigh more than the ${kgOf(inTotal)} kg that went in`, { input_kg: kgOf(inTotal) });
    if (Object.keys(errors).length) throw validationError(errors);

    // The run belongs to its hall's village, or to its first input room's.
    const placeId = body.warehouse_id ?? body.inputs[0].warehouse_id;
    const place = (await tx.execute(sql`
      SELECT w.id, w.kind::text AS kind, w.village_id, v.code AS village_code FROM warehouses w JOIN villages v ON v.id = w.village_id
      WHERE w.id = ${placeId} AND w.union_id = ${ctx.user.union_id}`)).rows[0] as { id: number; kind: string; village_id: number; village_code: string } | undefined;
    const placeField = body.warehouse_id != null ? 'warehouse_id' : 'inputs.0.warehouse_id';
    if (!place || (scope === 'village' && place.village_id !== ctx.user.village_id)) {
      throw validationError(fieldErrors({ [placeField]: fieldError('not_found_reference', 'does not exist or is outside your village') }));
    }
    if (body.warehouse_id != null && place.kind !== 'processing_hall') {
      throw validationError(fieldErrors({ warehouse_id: fieldError('invalid_value', 'must be a processing hall') }));
    }

    // Locks in the platform's order: the day's lot codes, the input lots, then every room.
    const inputs = [...lots.values()];
    const harvestedOn = inputs.map((l) => l.harvested_on).sort()[0];
    const expiresOn = inputs.map((l) => l.expires_on).sort()[0];
    const codes = await reserveLotCodes(tx, place.village_id, place.village_code, body.run_on, body.outputs.length);
    await shareLots(tx, ctx.user.union_id, lotIds);
    await lockRooms(tx, ctx.user.union_id, [...body.inputs.map((i) => i.warehouse_id), ...body.outputs.map((o) => o.warehouse_id)]);
    const run = await insertRun(tx, {
      union_id: ctx.user.union_id, village_id: place.village_id, warehouse_id: body.warehouse_id ?? null, kind: body.kind, crop_id: crops[0],
      run_on: body.run_on, input_kg: kgOf(inTotal), output_kg: kgOf(outTotal), loss_kg: kgOf(inTotal - outTotal), notes: body.notes ?? null,
      recorded_by: ctx.user.id,
    });
    const runId = run.id as number;
    // In (lot, room) order, as every lock is taken; an error names the line of the form it came from.
    const sorted = body.inputs.map((input, i) => ({ input, i })).sort((a, b) => a.input.lot_id - b.input.lot_id || a.input.warehouse_id - b.input.warehouse_id);
    for (const { input, i } of sorted) {
      await onLine(`inputs.${i}`, { from_warehouse_id: 'warehouse_id' }, () =>
        recordMovement(tx, ctx, policies, { kind: 'issue', lot_id: input.lot_id, from_warehouse_id: input.warehouse_id, quantity_kg: input.quantity_kg, processing_run_id: runId }));
    }
    const made = await recordProcessedLots(tx, ctx, {
      village_id: place.village_id, village_code: place.village_code, processing_run_id: runId, crop_id: crops[0], run_on: body.run_on,
      harvested_on: harvestedOn, expires_on: expiresOn, outputs: body.outputs, codes,
    });
    for (const [i, o] of body.outputs.entries()) {
      await onLine(`outputs.${i}`, { to_warehouse_id: 'warehouse_id', lot_id: 'grade' }, () =>
        recordMovement(tx, ctx, policies, { kind: 'output', lot_id: made[i].id as number, to_warehouse_id: o.warehouse_id, quantity_kg: o.quantity_kg, processing_run_id: runId }));
    }
    // Genealogy: each output's kilograms split over the input lots in proportion to what each gave.
    const given = new Map<number, number>();
    for (const input of body.inputs) given.set(input.lot_id, (given.get(input.lot_id) ?? 0) + cents(input.quantity_kg));
    const parentIds = [...given.keys()];
    const parents = made.flatMap((lot, i) => {
      const shares = splitByWeight(cents(body.outputs[i].quantity_kg), parentIds.map((id) => given.get(id)!));
      return parentIds.map((parent, j) => ({ union_id: ctx.user.union_id, child_lot_id: lot.id as number, parent_lot_id: parent, processing_run_id: runId, quantity_kg: kgOf(shares[j]) }))
        .filter((p) => p.quantity_kg !== '0.00');
    });
    await insertParents(tx, parents);
    await auditChange(tx, ctx, processingResource, 'create', runId, undefined, { ...run, inputs: body.inputs, outputs: made.map((l) => l.code) });
    return {
      ...presented(processingResource, run),
      outputs: made.map((lot, i) => ({ lot_id: lot.id as number, code: lot.code as string, grade: lot.grade as string, quantity_kg: lot.quantity_kg as string, warehouse_id: body.outputs[i].warehouse_id })),
    } as Row;
  }

  return {
    runIn,
    run: (ctx: WriteContext, body: ProcessingCreate) => translated(deps, 'write', () => db.transaction((tx) => runIn(tx, ctx, body))),
  };
}
