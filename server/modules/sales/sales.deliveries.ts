import { sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { certificates, deliveries, deliveryLines, orders } from '../../../db/schema/index';
import { mapRow } from '../../lib/crud.repository';
import { auditChange, presented, translated, type CrudDeps } from '../../lib/crud.service';
import { today } from '../../lib/dates';
import { fieldError, fieldErrors, notFound, validationError } from '../../lib/errors';
import type { Row, WriteContext } from '../../lib/resource';
import { cents, kgOf } from '../../lib/decimal';
import { recordMovement } from '../storage/storage.service';
import { lockOrder } from './sales.repository';
import { invalidState } from './sales.service';
import { certificateResource, deliveryResource, orderResource } from './sales.resources';

// Deliveries: an allocated order leaves storage through the ledger (a `dispatch` movement per
// allocation, taking the promised kilograms), with one compliance certificate; the buyer
// records what arrived, shortfalls included. Certificates are never changed: a correction
// supersedes one with a new certificate.

/** The producer's commitment printed on every certificate (承诺达标合格证). */
export const COMMITMENT = '我承诺对生产销售的食用农产品：不使用禁用农药兽药、停用兽药和非法添加物，常规农药兽药残留不超标，对承诺的真实性负责。';

export function deliveriesService(deps: CrudDeps) {
  const { db, policies } = deps;
  const tx = <T>(fn: (t: Tx) => Promise<T>) => translated(deps, 'write', () => db.transaction(fn));

  async function dispatch(ctx: WriteContext, orderId: number, body: { vehicle?: string | null; driver?: string | null }) {
    const verbScope = policies.requireVerb(ctx.user, orderResource.name, 'dispatch');
    return tx(async (t) => {
      const order = await lockOrder(t, ctx.user.union_id, orderId, null);
      if (!order) throw notFound(orderResource.name);
      if (order.status !== 'allocated') throw invalidState('order', String(order.status), 'dispatched');
      const promised = (await t.execute(sql`
        SELECT a.id::int AS id, a.order_line_id, a.lot_id, a.warehouse_id, a.quantity_kg::text AS quantity_kg, l.crop_id, l.grade::text AS grade,
               l.code AS lot_code
        FROM allocations a JOIN harvest_lots l ON l.id = a.lot_id
        WHERE a.order_id = ${orderId} AND NOT a.released AND NOT a.dispatched
        ORDER BY a.lot_id, a.warehouse_id, a.id`)).rows as { id: number; order_line_id: number; lot_id: number; warehouse_id: number; quantity_kg: string; crop_id: number; grade: string; lot_code: string }[];
      if (!promised.length) throw invalidState('order', 'allocated with nothing left', 'dispatched');
      const [delivery] = await t.insert(deliveries).values({
        union_id: ctx.user.union_id, order_id: orderId, buyer_id: Number(order.buyer_id), vehicle: body.vehicle ?? null, driver: body.driver ?? null,
        dispatched_by: ctx.user.id,
      }).returning();
      // Out of storage in (lot, room) order, as every lock of the ledger is taken.
      for (const a of promised) {
        await recordMovement(t, ctx, policies, { kind: 'dispatch', lot_id: a.lot_id, from_warehouse_id: a.warehouse_id, quantity_kg: a.quantity_kg, delivery_id: delivery.id }, undefined, { verbScope });
      }
      const lines = await t.insert(deliveryLines).values(promised.map((a) => ({
        union_id: ctx.user.union_id, delivery_id: delivery.id, buyer_id: Number(order.buyer_id), order_line_id: a.order_line_id, lot_id: a.lot_id,
        warehouse_id: a.warehouse_id, crop_id: a.crop_id, grade: a.grade as never, dispatched_kg: a.quantity_kg,
      }))).returning();
      await t.execute(sql`UPDATE allocations SET dispatched = true WHERE id = ANY(${sql.param(promised.map((a) => a.id))}::bigint[])`);
      const after = mapRow(orders, (await t.execute(sql`
        UPDATE orders SET status = 'dispatched', version = version + 1, updated_at = now() WHERE id = ${orderId} RETURNING *`)).rows[0] as Row);
      const certificate = await issue(t, ctx, delivery.id, Number(order.buyer_id), promised.map((a) => a.lot_id));
      await auditChange(t, ctx, deliveryResource, 'dispatch', delivery.id, undefined, { ...delivery, lines });
      await auditChange(t, ctx, orderResource, 'dispatch', orderId, order, after);
      return { order: presented(orderResource, after), delivery: presented(deliveryResource, delivery as Row), lines, certificate };
    });
  }

  /** The certificate of a delivery: product, kg, producer, origin, contact, commitment, tests. */
  async function issue(t: Tx, ctx: WriteContext, deliveryId: number, buyerId: number, lotIds: number[], supersedes?: Row, changes: Row = {}) {
    const facts = (await t.execute(sql`
      SELECT u.code AS union_code, u.name AS union_name,
             (SELECT string_agg(c.name, '、' ORDER BY c.code) FROM cooperatives c WHERE c.union_id = u.id) AS cooperatives
      FROM unions u WHERE u.id = ${ctx.user.union_id}`)).rows[0] as { union_code: string; union_name: string; cooperatives: string | null };
    // Where it grew: the lots' own villages and those of every lot they were processed from.
    const origin = (await t.execute(sql`
      WITH RECURSIVE up(lot_id) AS (
        SELECT unnest(${sql.param(lotIds)}::int[])
        UNION SELECT p.parent_lot_id FROM lot_parents p JOIN up ON p.child_lot_id = up.lot_id)
      SELECT string_agg(DISTINCT v.name, '、') AS names FROM up JOIN harvest_lots l ON l.id = up.lot_id JOIN villages v ON v.id = l.village_id`)).rows[0] as { names: string | null };
    const lineRows = (await t.execute(sql`
      SELECT c.name_zh AS crop, d.grade::text AS grade, sum(d.dispatched_kg)::text AS quantity_kg, array_agg(DISTINCT l.code ORDER BY l.code) AS lots
      FROM delivery_lines d JOIN crops c ON c.id = d.crop_id JOIN harvest_lots l ON l.id = d.lot_id
      WHERE d.delivery_id = ${deliveryId} GROUP BY c.name_zh, d.grade ORDER BY 1, 2`)).rows as { crop: string; grade: string; quantity_kg: string; lots: string[] }[];
    const tests = (await t.execute(sql`
      SELECT l.code AS lot_code, r.method::text AS method, r.result::text AS result, r.tested_on::text AS tested_on
      FROM harvest_lots l JOIN residue_tests r ON r.id = l.latest_test_id WHERE l.id = ANY(${sql.param(lotIds)}::int[]) ORDER BY l.code`)).rows;
    const total = lineRows.reduce((a, l) => a + cents(l.quantity_kg), 0);
    const day = today();
    const base = supersedes ? String(supersedes.number).replace(/-R\d+$/, '') : `${facts.union_code}-${day.replaceAll('-', '')}-${String(deliveryId).padStart(5, '0')}`;
    const revision = supersedes ? Number(/-R(\d+)$/.exec(String(supersedes.number))?.[1] ?? 0) + 1 : 0;
    const [row] = await t.insert(certificates).values({
      union_id: ctx.user.union_id, delivery_id: deliveryId, buyer_id: buyerId, number: revision ? `${base}-R${revision}` : base, issued_on: day,
      product: [...new Set(lineRows.map((l) => l.crop))].join('、'), quantity_kg: kgOf(total),
      producer: `${facts.union_name}（${facts.cooperatives ?? ''}）`, origin: origin.names ?? '',
      contact: (changes.contact as string | undefined) ?? (supersedes?.contact as string | undefined) ?? `${facts.union_name} 销售部`,
      commitment: (changes.commitment as string | undefined) ?? (supersedes?.commitment as string | undefined) ?? COMMITMENT,
      test_results: tests, lines: lineRows, supersedes_id: (supersedes?.id as number | undefined) ?? null,
      reason: (changes.reason as string | undefined) ?? null, issued_by: ctx.user.id,
    }).returning();
    await auditChange(t, ctx, certificateResource, supersedes ? 'supersede' : 'create', row.id, undefined, row);
    return presented(certificateResource, row as Row);
  }

  async function receive(ctx: WriteContext, id: number, body: { received_by: string; lines: { delivery_line_id: number; received_kg: string }[] }) {
    const scope = policies.requireVerb(ctx.user, deliveryResource.name, 'receive');
    return tx(async (t) => {
      const [delivery] = (await t.execute(sql`
        SELECT * FROM deliveries WHERE id = ${id} AND union_id = ${ctx.user.union_id} AND (${scope === 'buyer' ? ctx.user.buyer_id : null}::int IS NULL OR buyer_id = ${scope === 'buyer' ? ctx.user.buyer_id : null})
        FOR NO KEY UPDATE`)).rows as Row[];
      if (!delivery) throw notFound(deliveryResource.name);
      if (delivery.status !== 'dispatched') throw invalidState('delivery', String(delivery.status), 'received again');
      const lines = (await t.execute(sql`SELECT id, dispatched_kg::text AS dispatched_kg FROM delivery_lines WHERE delivery_id = ${id} ORDER BY id`)).rows as { id: number; dispatched_kg: string }[];
      const errors = fieldErrors();
      const given = new Map(body.lines.map((l, i) => [l.delivery_line_id, { ...l, i }]));
      body.lines.forEach((l, i) => {
        const line = lines.find((x) => x.id === l.delivery_line_id);
        if (!line) errors[`lines.${i}.delivery_line_id`] = fieldError('not_found_reference', 'is not a line of this delivery');
        else if (cents(l.received_kg) > cents(line.dispatched_kg)) {
          errors[`lines.${i}.received_kg`] = fieldError('too_big', `must be at most the ${line.dispatched_kg} kg dispatched`, { maximum: line.dispatched_kg });
        }
      });
      lines.forEach((line) => {
        if (!given.has(line.id)) errors[`lines.${body.lines.length}.delivery_line_id`] ??= fieldError('required', `line ${line.id} of the delivery is missing`);
      });
      if (Object.keys(errors).length) throw validationError(errors, 'The receipt does not match the delivery');
      for (const l of body.lines) await t.execute(sql`UPDATE delivery_lines SET received_kg = ${l.received_kg}::numeric WHERE id = ${l.delivery_line_id}`);
      const after = mapRow(deliveries, (await t.execute(sql`
        UPDATE deliveries SET status = 'delivered', delivered_at = now(), received_by = ${body.received_by} WHERE id = ${id} RETURNING *`)).rows[0] as Row);
      // The order is delivered once nothing it sent is still on the road.
      await t.execute(sql`
        UPDATE orders SET status = 'delivered', version = version + 1, updated_at = now()
        WHERE id = ${delivery.order_id} AND status = 'dispatched'
          AND NOT EXISTS (SELECT 1 FROM deliveries WHERE order_id = ${delivery.order_id} AND status = 'dispatched')`);
      await auditChange(t, ctx, deliveryResource, 'receive', id, delivery, { ...after, lines: body.lines });
      return presented(deliveryResource, after);
    });
  }

  async function supersede(ctx: WriteContext, id: number, body: { reason: string; contact?: string | null; commitment?: string | null }) {
    policies.requireVerb(ctx.user, certificateResource.name, 'supersede');
    return tx(async (t) => {
      const [old] = (await t.execute(sql`SELECT * FROM certificates WHERE id = ${id} AND union_id = ${ctx.user.union_id} FOR NO KEY UPDATE`)).rows as Row[];
      if (!old) throw notFound(certificateResource.name);
      if (old.superseded_by_id != null) throw invalidState('certificate', `superseded by ${String(old.superseded_by_id)}`, 'superseded again');
      const lots = (await t.execute(sql`SELECT DISTINCT lot_id FROM delivery_lines WHERE delivery_id = ${old.delivery_id}`)).rows.map((r) => Number((r as Row).lot_id));
      const fresh = await issue(t, ctx, Number(old.delivery_id), Number(old.buyer_id), lots, old, body);
      await t.execute(sql`UPDATE certificates SET superseded_by_id = ${fresh.id as number} WHERE id = ${id}`);
      return fresh;
    });
  }

  return { dispatch, receive, supersede };
}
