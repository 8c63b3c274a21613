import { sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { allocations, orderLines, orders, payments } from '../../../db/schema/index';
import { auditChange, presented, translated, type CrudDeps } from '../../lib/crud.service';
import { today } from '../../lib/dates';
import { AppError, fieldError, fieldErrors, forbidden, notFound, validationError } from '../../lib/errors';
import type { Row, WriteContext } from '../../lib/resource';
import { cents, kgOf } from '../../lib/decimal';
import { candidatesFor, linesOf, lockOrder, releaseAllocations, takeFree, type Candidate } from './sales.repository';
import { orderResource, paymentResource } from './sales.resources';
import type { OrderCreate } from './sales.schemas';

// The rules of selling: an order is priced from the listings when placed, moves through its
// statuses only by verbs, and its allocation promises kilograms of stock first expiry first,
// never more than is free. Each write is one transaction, audited.

/** 409 INVALID_STATE: the record's status does not allow the action (nothing is written). */
export const invalidState = (what: string, status: string, action: string) =>
  new AppError(409, 'INVALID_STATE', `A ${what} that is ${status} cannot be ${action}`, fieldErrors({
    status: fieldError('violates_rule', `is ${status}`, { status }),
  }));

const PAST: Record<string, string> = { confirm: 'confirmed', allocate: 'allocated', cancel: 'cancelled' };

/** From which statuses each verb may run. */
const FROM: Record<string, readonly string[]> = {
  confirm: ['submitted'],
  allocate: ['confirmed', 'allocated'],
  cancel: ['submitted', 'confirmed', 'allocated'],
};

export function salesService(deps: CrudDeps) {
  const { db, policies } = deps;
  const tx = <T>(fn: (t: Tx) => Promise<T>) => translated(deps, 'write', () => db.transaction(fn));

  async function placeOrder(ctx: WriteContext, body: OrderCreate) {
    const scope = policies.require(ctx.user, orderResource.name, 'create');
    // A buyer orders for their own organisation only; naming another is refused, not ignored.
    if (scope === 'buyer' && body.buyer_id != null && body.buyer_id !== ctx.user.buyer_id) {
      throw forbidden('orders outside your buyer organisation', fieldErrors({
        buyer_id: fieldError('outside_scope', `must be your own (${ctx.user.buyer_id})`, { expected: String(ctx.user.buyer_id) }),
      }));
    }
    const buyerId = scope === 'buyer' ? ctx.user.buyer_id : body.buyer_id;
    if (buyerId == null) throw validationError(fieldErrors({ buyer_id: fieldError('required', 'is required') }));
    return tx(async (t) => {
      const listed = (await t.execute(sql`
        SELECT crop_id, grade::text AS grade, price_per_kg::text AS price_per_kg, min_order_kg::text AS min_order_kg
        FROM listings WHERE union_id = ${ctx.user.union_id} AND published`)).rows as { crop_id: number; grade: string; price_per_kg: string; min_order_kg: string }[];
      const errors = fieldErrors();
      const priced = body.lines.map((line, i) => {
        const listing = listed.find((l) => l.crop_id === line.crop_id && l.grade === line.grade);
        if (!listing) errors[`lines.${i}.crop_id`] = fieldError('not_listed', 'is not offered in that grade (no published listing)');
        else if (cents(line.quantity_kg) < cents(listing.min_order_kg)) {
          errors[`lines.${i}.quantity_kg`] = fieldError('below_minimum', `must be at least ${listing.min_order_kg} kg`, { minimum: listing.min_order_kg });
        }
        return { ...line, price_per_kg: listing?.price_per_kg ?? '0' };
      });
      if (Object.keys(errors).length) throw validationError(errors, 'Some lines cannot be ordered');
      const total = priced.reduce((a, l) => a + Math.round(cents(l.quantity_kg) * Number(l.price_per_kg)), 0);
      const [order] = await t.insert(orders).values({
        union_id: ctx.user.union_id, buyer_id: buyerId, reference: body.reference ?? null, wanted_on: body.wanted_on ?? null,
        notes: body.notes ?? null, total_amount: (Math.round(total) / 100).toFixed(2), created_by: ctx.user.id,
      }).returning();
      const lines = await t.insert(orderLines).values(priced.map((l) => ({
        union_id: ctx.user.union_id, order_id: order.id, buyer_id: buyerId, crop_id: l.crop_id, grade: l.grade, quantity_kg: l.quantity_kg,
        price_per_kg: l.price_per_kg,
      }))).returning();
      // The total is the lines' own rounding, to the fen.
      const sum = lines.reduce((a, l) => a + cents(l.amount), 0);
      const [fixed] = await t.update(orders).set({ total_amount: kgOf(sum) }).where(sql`id = ${order.id}`).returning();
      await auditChange(t, ctx, orderResource, 'create', fixed.id, undefined, { ...fixed, lines });
      return { ...presented(orderResource, fixed as Row), lines };
    });
  }

  /** A verb's order: within reach (404 otherwise), locked, in a status the verb may start from. */
  async function orderFor(t: Tx, ctx: WriteContext, id: number, verb: string) {
    const scope = policies.requireVerb(ctx.user, orderResource.name, verb);
    const order = await lockOrder(t, ctx.user.union_id, id, scope === 'buyer' ? ctx.user.buyer_id : null);
    if (!order) throw notFound(orderResource.name);
    const allowed = scope === 'buyer' && verb === 'cancel' ? ['submitted'] : FROM[verb];
    if (!allowed.includes(String(order.status))) throw invalidState('order', String(order.status), PAST[verb]);
    return order;
  }

  async function setStatus(t: Tx, ctx: WriteContext, before: Row, status: string, action: string) {
    const [after] = await t.update(orders).set({ status: status as never, version: sql`${orders.version} + 1`, updated_at: sql`now()` })
      .where(sql`id = ${before.id}`).returning();
    await auditChange(t, ctx, orderResource, action, before.id, before, after);
    return after as Row;
  }

  async function allocate(ctx: WriteContext, id: number) {
    return tx(async (t) => {
      const order = await orderFor(t, ctx, id, 'allocate');
      const day = today();
      const lines = await linesOf(t, id);
      // Allocations of one crop and grade take their turn (an advisory lock per key, in key
      // order), so two never plan on the same free kilograms; movements are kept off promised
      // kilograms by the conditional update and the CHECK whatever happens.
      const keys = [...new Set(lines.map((l) => `${ctx.user.union_id}:${l.crop_id}:${l.grade}`))].sort();
      for (const key of keys) await t.execute(sql`SELECT pg_advisory_xact_lock(hashtext(${`allocate:${key}`}))`);
      // Plan every line first expiry first, then take every stock row in one (lot, room) order.
      const left = new Map<number, number>();
      const plan: { line: (typeof lines)[number]; c: Candidate; kg: number }[] = [];
      for (const line of lines) {
        let wanted = cents(line.quantity_kg) - cents(line.allocated_kg);
        if (wanted <= 0) continue;
        for (const c of await candidatesFor(t, ctx.user.union_id, line.crop_id, line.grade, day, 200)) {
          if (wanted <= 0) break;
          const free = left.get(c.id) ?? cents(c.free_kg);
          const kg = Math.min(free, wanted);
          if (kg <= 0) continue;
          plan.push({ line, c, kg });
          left.set(c.id, free - kg);
          wanted -= kg;
        }
      }
      plan.sort((x, y) => x.c.lot_id - y.c.lot_id || x.c.warehouse_id - y.c.warehouse_id || x.line.id - y.line.id);
      const taken = new Map<number, { lot_id: number; lot_code: string; warehouse_id: number; quantity_kg: string; expires_on: string }[]>();
      for (const { line, c, kg } of plan) {
        const take = cents(await takeFree(t, c.id, kgOf(kg)));
        if (take <= 0) continue;
        await t.insert(allocations).values({
          union_id: ctx.user.union_id, order_id: id, order_line_id: line.id, buyer_id: Number(order.buyer_id), lot_id: c.lot_id,
          warehouse_id: c.warehouse_id, village_id: c.village_id, quantity_kg: kgOf(take),
        });
        taken.set(line.id, [...(taken.get(line.id) ?? []), { lot_id: c.lot_id, lot_code: c.lot_code, warehouse_id: c.warehouse_id, quantity_kg: kgOf(take), expires_on: c.expires_on }]);
      }
      let any = false;
      const report = [];
      for (const line of lines) {
        const got = taken.get(line.id) ?? [];
        // Reported first expiry first, as planned.
        got.sort((x, y) => x.expires_on.localeCompare(y.expires_on) || x.lot_id - y.lot_id);
        const now = got.reduce((a, x) => a + cents(x.quantity_kg), 0);
        if (now > 0) {
          any = true;
          await t.execute(sql`UPDATE order_lines SET allocated_kg = allocated_kg + ${kgOf(now)}::numeric WHERE id = ${line.id}`);
        }
        const allocated = cents(line.allocated_kg) + now;
        report.push({
          order_line_id: line.id, quantity_kg: kgOf(cents(line.quantity_kg)), allocated_kg: kgOf(allocated),
          short_kg: kgOf(cents(line.quantity_kg) - allocated), allocations: got,
        });
      }
      const after = any || order.status === 'allocated' ? await setStatus(t, ctx, order, 'allocated', 'allocate') : order;
      return { order: presented(orderResource, after), lines: report };
    });
  }

  async function transition(ctx: WriteContext, id: number, verb: 'confirm' | 'cancel') {
    return tx(async (t) => {
      const order = await orderFor(t, ctx, id, verb);
      if (verb === 'cancel') await releaseAllocations(t, id);
      return presented(orderResource, await setStatus(t, ctx, order, verb === 'confirm' ? 'confirmed' : 'cancelled', verb));
    });
  }

  async function pay(ctx: WriteContext, body: { order_id: number; amount: string; paid_on: string; method: string; reference?: string | null }) {
    policies.require(ctx.user, paymentResource.name, 'create');
    if (body.paid_on > today()) throw validationError(fieldErrors({ paid_on: fieldError('in_future', 'must not be after today') }));
    return tx(async (t) => {
      const order = await lockOrder(t, ctx.user.union_id, body.order_id, null);
      if (!order) throw validationError(fieldErrors({ order_id: fieldError('not_found_reference', 'does not exist') }));
      if (order.status === 'cancelled') throw invalidState('order', 'cancelled', 'paid');
      const balance = cents(order.total_amount as string) - cents(order.paid_amount as string);
      if (cents(body.amount) > balance) {
        throw validationError(fieldErrors({ amount: fieldError('too_big', `must be at most the balance, ${kgOf(balance)}`, { maximum: kgOf(balance) }) }));
      }
      const [row] = await t.insert(payments).values({
        union_id: ctx.user.union_id, order_id: body.order_id, buyer_id: Number(order.buyer_id), amount: body.amount, paid_on: body.paid_on,
        method: body.method as never, reference: body.reference ?? null, recorded_by: ctx.user.id,
      }).returning();
      await t.execute(sql`UPDATE orders SET paid_amount = paid_amount + ${body.amount}::numeric, updated_at = now() WHERE id = ${body.order_id}`);
      await auditChange(t, ctx, paymentResource, 'create', row.id, undefined, row);
      return presented(paymentResource, row as Row);
    });
  }

  return {
    placeOrder,
    allocate,
    confirm: (ctx: WriteContext, id: number) => transition(ctx, id, 'confirm'),
    cancel: (ctx: WriteContext, id: number) => transition(ctx, id, 'cancel'),
    pay,
  };
}

export type SalesService = ReturnType<typeof salesService>;
