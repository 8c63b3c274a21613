import type { Tx } from '../../../db/client';
import { auditChange, presented, translated, type CrudDeps } from '../../lib/crud.service';
import { AppError, conflict, fieldError, fieldErrors, validationError, type FieldErrorCode } from '../../lib/errors';
import type { Policies } from '../../lib/policy';
import type { Row, WriteContext } from '../../lib/resource';
import { cents, kgOf } from '../../lib/decimal';
import { today } from '../../lib/dates';
import {
  addReceived, insertMovement, lockBalance, lockRooms, lotForMove, movementToReverse, putStock, takeStock, type LotForMove, type Room,
} from './storage.repository';
import { movementResource } from './storage.resources';
import type { MovementCreate } from './storage.schemas';

// The stock ledger's rules, in one place: every kilogram that moves goes through
// recordMovement, inside the caller's transaction (a harvest received straight into a room,
// a processing run, later a delivery), so no module copies them.

export interface Movement {
  kind: 'receive' | 'transfer' | 'issue' | 'output' | 'loss' | 'adjust' | 'reversal' | 'dispatch';
  lot_id: number;
  from_warehouse_id?: number | null;
  to_warehouse_id?: number | null;
  /** Kilograms, an exact decimal string (adjust: computed from counted_kg). */
  quantity_kg?: string;
  counted_kg?: string;
  processing_run_id?: number | null;
  /** A dispatch: the delivery it leaves with; it takes kilograms promised to that order. */
  delivery_id?: number | null;
  reverses_id?: number | null;
  reason?: string | null;
  moved_at?: Date | null;
}


const bad = (field: string, code: FieldErrorCode, message: string, params?: Record<string, string | number>) =>
  validationError(fieldErrors({ [field]: fieldError(code, message, params) }), `${field} ${message}`);

/** Rooms a scoped writer may use: their village's. */
function reachable(ctx: WriteContext, room: Room | undefined, scope: string): boolean {
  if (!room) return false;
  return scope === 'union' || room.village_id === ctx.user.village_id;
}

/**
 * Records one movement and moves the balances with it, or refuses with a coded error and
 * writes nothing. `roomField` names the request field a room error belongs to when the
 * caller's body calls it something else (a harvest's `warehouse_id`).
 */
export async function recordMovement(
  tx: Tx, ctx: WriteContext, policies: Policies, input: Movement, roomField?: string,
  /** A dispatch moves stock on the strength of the order's `dispatch` verb (checked by its caller), at that verb's scope. */
  grantedBy?: { verbScope: string },
): Promise<Row> {
  const scope = grantedBy?.verbScope ?? policies.require(ctx.user, movementResource.name, 'create');
  let m = { ...input };
  let reversing: Awaited<ReturnType<typeof movementToReverse>>;
  if (m.kind === 'reversal') {
    reversing = await movementToReverse(tx, ctx.user.union_id, m.reverses_id as number);
    if (!reversing || (scope !== 'union' && reversing.village_id !== ctx.user.village_id)) {
      throw bad('reverses_id', 'not_found_reference', 'does not exist or is outside your village');
    }
    if (!['receive', 'transfer', 'loss', 'adjust'].includes(reversing.kind)) {
      throw bad('reverses_id', 'not_reversible', `a ${reversing.kind} movement is not reversed on its own`);
    }
    if (reversing.reversed_by != null) {
      throw conflict('ALREADY_REVERSED', `Movement ${reversing.id} was already reversed by ${reversing.reversed_by}`, fieldErrors({
        reverses_id: fieldError('already_reversed', `was already reversed by ${reversing.reversed_by}`, { reversed_by_id: reversing.reversed_by }),
      }));
    }
    m = { ...m, lot_id: reversing.lot_id, from_warehouse_id: reversing.to_warehouse_id, to_warehouse_id: reversing.from_warehouse_id, quantity_kg: reversing.quantity_kg };
  }
  const undoesReceipt = reversing?.kind === 'receive';
  const lot = await lotForMove(tx, ctx.user.union_id, m.lot_id, m.kind === 'receive' || undoesReceipt ? 'update' : m.kind === 'issue' || m.kind === 'dispatch' ? 'share' : null);
  if (!lot) throw bad('lot_id', 'not_found_reference', 'does not exist');
  if (m.moved_at) {
    if (m.moved_at.getTime() > Date.now() + 5 * 60_000) throw bad('moved_at', 'in_future', 'must not be in the future');
    if (today(m.moved_at) < lot.harvested_on) {
      throw bad('moved_at', 'before_harvest', `must not be before the harvest (${lot.harvested_on})`, { harvested_on: lot.harvested_on });
    }
  }

  const rooms = await lockRooms(tx, ctx.user.union_id, [m.from_warehouse_id, m.to_warehouse_id].filter((x): x is number => x != null));
  const from = m.from_warehouse_id != null ? rooms.get(m.from_warehouse_id) : undefined;
  const to = m.to_warehouse_id != null ? rooms.get(m.to_warehouse_id) : undefined;
  const fromField = roomField ?? (m.kind === 'adjust' ? 'warehouse_id' : 'from_warehouse_id');
  const toField = roomField ?? (m.kind === 'adjust' ? 'warehouse_id' : 'to_warehouse_id');
  if (m.from_warehouse_id != null && !reachable(ctx, from, scope)) throw bad(fromField, 'not_found_reference', 'does not exist or is outside your village');
  if (m.to_warehouse_id != null && !reachable(ctx, to, scope)) throw bad(toField, 'not_found_reference', 'does not exist or is outside your village');
  if ((to ?? (m.kind === 'adjust' ? from : undefined))?.kind === 'processing_hall') {
    const room = (to ?? from)!;
    throw bad(toField, 'not_storage', `${room.name} is a processing hall: produce is not stored there`);
  }
  if (to && to.kind === 'processing_hall') throw bad(toField, 'not_storage', `${to.name} is a processing hall: produce is not stored there`);
  if (to && to.temperature_zone === 'chilled' && lot.chill_sensitive) {
    throw bad(toField, 'chill_sensitive', `${to.name} is a 0–2 °C room and this crop is damaged by chilling`);
  }
  if ((m.kind === 'issue' || m.kind === 'dispatch') && lot.residue_status === 'fail') {
    const message = `Lot ${lot.code} failed its latest residue test (${lot.latest_tested_on}); it cannot leave storage`;
    throw new AppError(409, 'RESIDUE_TEST_FAILED', message, fieldErrors({
      lot_id: fieldError('residue_test_failed', message, { test_id: lot.latest_test_id ?? 0, tested_on: lot.latest_tested_on ?? '' }),
    }));
  }

  // Balances, locked in (lot, room) order: one lot here, so by room id.
  // Kilograms promised to orders stay in the room: only the rest may leave by a movement.
  const balances = new Map<number, number>();
  const promised = new Map<number, number>();
  for (const room of [...rooms.values()].sort((a, b) => a.id - b.id)) {
    const b = await lockBalance(tx, lot.id, room.id);
    balances.set(room.id, cents(b.quantity));
    promised.set(room.id, cents(b.allocated));
  }

  if (m.kind === 'adjust') {
    const room = from ?? to!;
    const delta = cents(m.counted_kg) - (balances.get(room.id) ?? 0);
    if (delta === 0) throw bad('counted_kg', 'same_as_current', 'equals the balance: nothing to adjust');
    const held = promised.get(room.id) ?? 0;
    if (cents(m.counted_kg) < held) {
      throw new AppError(409, 'INSUFFICIENT_STOCK', `${kgOf(held)} kg of lot ${lot.code} in ${room.name} are promised to orders`, fieldErrors({
        counted_kg: fieldError('insufficient_stock', `is below the ${kgOf(held)} kg promised to orders; cancel or change those first`, { available: kgOf(held) }),
      }));
    }
    m = delta < 0
      ? { ...m, from_warehouse_id: room.id, to_warehouse_id: null, quantity_kg: kgOf(-delta) }
      : { ...m, from_warehouse_id: null, to_warehouse_id: room.id, quantity_kg: kgOf(delta) };
  }
  const qty = cents(m.quantity_kg);
  const out = m.from_warehouse_id != null ? rooms.get(m.from_warehouse_id)! : undefined;
  const into = m.to_warehouse_id != null ? rooms.get(m.to_warehouse_id)! : undefined;
  if (m.kind === 'receive') {
    const remaining = cents(lot.quantity_kg) - cents(lot.received_kg);
    if (qty > remaining) {
      throw bad('quantity_kg', 'exceeds_harvested', `is more than the ${kgOf(remaining)} kg of the lot not yet received`, { remaining: kgOf(remaining) });
    }
  }
  if (out) {
    // A dispatch takes the kilograms promised to its order; every other movement only the rest.
    const available = m.kind === 'dispatch' ? Math.min(balances.get(out.id) ?? 0, promised.get(out.id) ?? 0) : (balances.get(out.id) ?? 0) - (promised.get(out.id) ?? 0);
    if (qty > available) {
      throw new AppError(409, 'INSUFFICIENT_STOCK', `Lot ${lot.code} has ${kgOf(available)} kg in ${out.name}`, fieldErrors({
        quantity_kg: fieldError('insufficient_stock', `is more than the ${kgOf(available)} kg of the lot in ${out.name}`, { available: kgOf(available) }),
      }));
    }
  }
  if (into) {
    const free = cents(into.capacity_kg) - cents(into.stock_kg);
    if (qty > free) {
      throw new AppError(409, 'CAPACITY_EXCEEDED', `${into.name} can take ${kgOf(free)} kg more`, fieldErrors({
        [toField]: fieldError('capacity_exceeded', `can take ${kgOf(free)} kg more (capacity ${into.capacity_kg} kg)`, { free: kgOf(free), capacity: into.capacity_kg }),
      }));
    }
  }

  const kg = kgOf(qty);
  const row = await insertMovement(tx, {
    union_id: ctx.user.union_id, village_id: (out ?? into)!.village_id, kind: m.kind, lot_id: lot.id,
    from_warehouse_id: m.from_warehouse_id ?? null, to_warehouse_id: m.to_warehouse_id ?? null, quantity_kg: kg,
    counted_kg: m.kind === 'adjust' ? kgOf(cents(m.counted_kg)) : null, processing_run_id: m.processing_run_id ?? null,
    delivery_id: m.delivery_id ?? null,
    reverses_id: m.reverses_id ?? null, reason: m.reason ?? null, moved_at: m.moved_at ?? undefined, recorded_by: ctx.user.id,
  });
  if (out) await takeStock(tx, lot.id, out.id, kg, m.kind === 'dispatch');
  if (into) await putStock(tx, lot as LotForMove, into, kg);
  if (m.kind === 'receive') await addReceived(tx, lot.id, kg);
  if (undoesReceipt) await addReceived(tx, lot.id, `-${kg}`);
  await auditChange(tx, ctx, movementResource, 'create', row.id, undefined, row);
  return row;
}

/** A movement as a client posts it: each kind names what it needs. */
export function movementFromBody(body: MovementCreate): Movement {
  const errors = fieldErrors();
  const need = (field: keyof MovementCreate) => {
    if (body[field] == null) errors[field] = fieldError('required', `is required for a ${body.kind}`);
  };
  const forbid = (field: keyof MovementCreate) => {
    if (body[field] != null) errors[field] = fieldError('unknown_field', `is not part of a ${body.kind}`);
  };
  switch (body.kind) {
    case 'issue':
    case 'output':
    case 'dispatch':
      throw bad('kind', 'not_one_of', 'issue and output are recorded by processing runs, dispatch by an order\'s dispatch', { values: 'receive, transfer, loss, adjust, reversal' });
    case 'receive':
      need('lot_id'); need('to_warehouse_id'); need('quantity_kg'); forbid('from_warehouse_id'); forbid('warehouse_id'); forbid('counted_kg'); forbid('reverses_id');
      break;
    case 'transfer':
      need('lot_id'); need('from_warehouse_id'); need('to_warehouse_id'); need('quantity_kg'); forbid('warehouse_id'); forbid('counted_kg'); forbid('reverses_id');
      if (body.from_warehouse_id != null && body.from_warehouse_id === body.to_warehouse_id) {
        errors.to_warehouse_id = fieldError('same_warehouse', 'must differ from the room it leaves');
      }
      break;
    case 'loss':
      need('lot_id'); need('from_warehouse_id'); need('quantity_kg'); need('reason'); forbid('to_warehouse_id'); forbid('warehouse_id'); forbid('counted_kg'); forbid('reverses_id');
      break;
    case 'adjust':
      need('lot_id'); need('warehouse_id'); need('counted_kg'); need('reason'); forbid('from_warehouse_id'); forbid('to_warehouse_id'); forbid('quantity_kg'); forbid('reverses_id');
      break;
    case 'reversal':
      need('reverses_id'); need('reason'); forbid('lot_id'); forbid('from_warehouse_id'); forbid('to_warehouse_id'); forbid('warehouse_id'); forbid('quantity_kg'); forbid('counted_kg');
      break;
  }
  if (Object.keys(errors).length) throw validationError(errors);
  return {
    kind: body.kind, lot_id: body.lot_id ?? 0, from_warehouse_id: body.kind === 'adjust' ? body.warehouse_id : body.from_warehouse_id,
    to_warehouse_id: body.to_warehouse_id, quantity_kg: body.quantity_kg, counted_kg: body.counted_kg, reverses_id: body.reverses_id,
    reason: body.reason, moved_at: body.moved_at,
  };
}

export function ledgerService(deps: CrudDeps) {
  const { db } = deps;
  return {
    moveIn: (tx: Tx, ctx: WriteContext, body: MovementCreate) => recordMovement(tx, ctx, deps.policies, movementFromBody(body)),
    move: (ctx: WriteContext, body: MovementCreate) =>
      translated(deps, 'write', () => db.transaction(async (tx) => presented(movementResource, await recordMovement(tx, ctx, deps.policies, movementFromBody(body))))),
  };
}

