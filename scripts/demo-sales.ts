import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { listings } from '../db/schema/index';
import { addDays, today } from '../server/lib/dates';
import { Policies, type AuthUser } from '../server/lib/policy';
import type { WriteContext } from '../server/lib/resource';
import { appModules } from '../server/modules/index';
import { deliveriesService } from '../server/modules/sales/sales.deliveries';
import { salesService } from '../server/modules/sales/sales.service';

// The demo's sales so far (issue 8, first part): listings of what is in the rooms, and orders
// of Hubei Port Group and the other buyers at each step (submitted, confirmed, allocated, part
// paid, and one dispatched with its certificate and received short), made through the sales service so that allocations are real promises of stock.

/** Yuan per kg by crop category, for the premium grade; lower grades sell for less. */
const basePrice: Record<string, number> = { leafy: 4.2, brassica: 2.6, root: 2.2, aquatic: 6.5, fruiting: 6.8, cucurbit: 4.5, legume: 7.0 };
const gradeFactor: Record<string, number> = { premium: 1, first: 0.85, second: 0.7 };

export async function seedSales(tx: Tx, refs: { unionId: number; admin: AuthUser; buyerIds: number[] }) {
  // The service opens its transactions as savepoints of the seed's.
  const deps = { db: tx as never, policies: new Policies(Object.assign({}, ...appModules.map((m) => m.policy))), constraints: new Map() };
  const ctx: WriteContext = { user: refs.admin, requestId: 'demo-seed' };
  const sales = salesService(deps);
  const deliveries = deliveriesService(deps);

  const offered = (await tx.execute<{ crop_id: number; category: string; grade: string }>(sql`
    SELECT DISTINCT s.crop_id, c.category::text AS category, s.grade::text AS grade
    FROM stock s JOIN crops c ON c.id = s.crop_id WHERE s.union_id = ${refs.unionId} AND s.grade <> 'processing'
    ORDER BY 1, 3`)).rows;
  const rows = offered.map((o, i) => ({
    union_id: refs.unionId, crop_id: o.crop_id, grade: o.grade as never,
    price_per_kg: ((basePrice[o.category] ?? 4) * (gradeFactor[o.grade] ?? 0.7)).toFixed(2),
    min_order_kg: o.grade === 'premium' ? '50' : '100',
    // One is drafted but not yet offered.
    published: i !== offered.length - 1,
  }));
  if (rows.length) await tx.insert(listings).values(rows);

  // What the port group orders: the two listings with the most available, a few weeks running.
  const supply = (await tx.execute<{ crop_id: number; grade: string; kg: string }>(sql`
    SELECT l.crop_id, l.grade::text AS grade, coalesce(sum(s.delta_kg), 0)::text AS kg
    FROM listings l LEFT JOIN supply_stock_changes s ON s.crop_id = l.crop_id AND s.grade = l.grade AND s.expires_on >= ${today()}::date
    WHERE l.union_id = ${refs.unionId} AND l.published GROUP BY 1, 2 ORDER BY 3::numeric DESC LIMIT 3`)).rows;
  if (supply.length < 2) return { listings: rows.length, orders: 0 };
  const [a, b, c] = supply;
  const line = (x: { crop_id: number; grade: string }, kg: number) => ({ crop_id: x.crop_id, grade: x.grade as never, quantity_kg: String(kg) });
  const [port, ...others] = refs.buyerIds;
  const placed = [];
  const order = async (buyer: number, lines: ReturnType<typeof line>[], reference: string, wantedIn: number) =>
    ((await sales.placeOrder(ctx, { buyer_id: buyer, reference, wanted_on: addDays(today(), wantedIn), lines })) as unknown as { id: number }).id;

  const paid = await order(port, [line(a, 200), line(b, 150)], 'HBPG-2026-W46', -2);
  await sales.confirm(ctx, paid);
  await sales.allocate(ctx, paid);
  const paidOrder = (await tx.execute<{ total_amount: string }>(sql`SELECT total_amount::text FROM orders WHERE id = ${paid}`)).rows[0];
  await sales.pay(ctx, { order_id: paid, amount: (Number(paidOrder.total_amount) / 2).toFixed(2), paid_on: today(), method: 'bank_transfer', reference: '港口集团预付 50%' });
  // The first week's order went out on the port's lorry and arrived 5 kg short.
  const shipped = (await deliveries.dispatch(ctx, paid, { vehicle: '鄂A·D7312', driver: '刘师傅' })) as unknown as { delivery: { id: number }; lines: { id: number; dispatched_kg: string }[] };
  await deliveries.receive(ctx, shipped.delivery.id, {
    received_by: '港口集团仓储部',
    lines: shipped.lines.map((l, i) => ({ delivery_line_id: l.id, received_kg: i === 0 ? (Number(l.dispatched_kg) - 5).toFixed(2) : l.dispatched_kg })),
  });
  placed.push(paid);
  const allocated = await order(port, [line(a, 150)], 'HBPG-2026-W47', 1);
  await sales.confirm(ctx, allocated);
  await sales.allocate(ctx, allocated);
  placed.push(allocated);
  const confirmed = await order(port, [line(b, 100)], 'HBPG-2026-W48', 5);
  await sales.confirm(ctx, confirmed);
  placed.push(confirmed, await order(port, [line(c ?? a, 120)], 'HBPG-2026-W49', 9));
  for (const [i, buyer] of others.entries()) placed.push(await order(buyer, [line(i % 2 ? a : b, 100 + 50 * i)], `DEMO-${i + 1}`, 3 + i));
  const cancelled = await order(others[0] ?? port, [line(a, 80)], 'DEMO-CANCELLED', 4);
  await sales.cancel(ctx, cancelled);
  return { listings: rows.length, orders: placed.length + 1 };
}
