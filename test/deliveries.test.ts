import { sql } from 'drizzle-orm';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_PASSWORD, listUrl, type TestContext } from './helpers/app';
import {
  makeBuyer, makeCrop, makeHousehold, makeListing, makeLot, makePlanting, makePlot, makeUser, makeWarehouse,
  type Cooperative, type Crop, type HarvestLot, type Planting, type Village, type Warehouse,
} from './helpers/factories';
import { apiOf, countOf, day, dec, fieldCode, rows, snapshotOf, today, type Api, type Rec } from './helpers/issue7';

// Issue 8, sales (second part): dispatching an allocated order through the stock ledger, the
// delivery and its lines, the compliance certificate (承诺达标合格证) issued with it, the
// buyer's receipt with shortfalls, who sees what, certificates kept as issued and superseded,
// and deliveries in trace and recall. Each test builds its own crops and lots.

let t: TestContext;
let api: Api;
let admin: string;
let sales: string;
let buyer: string; // buyer.port
let manager: string;
let member: string;
let unionId: number;
let unionName: string;
let salesUserId: number;
let portBuyerId: number;
let portBuyerName: string;
let cj: Village;
let qy: Village;
let coopCJ: Cooperative;
let coopQY: Cooperative;

const q = <T = Rec>(query: ReturnType<typeof sql>) => rows<T>(t.db, query);
const INTAKE_PRICE = '3.17';
const TABLES = ['orders', 'order_lines', 'allocations', 'stock', 'stock_movements', 'warehouses', 'deliveries', 'delivery_lines', 'certificates'];

beforeAll(async () => {
  t = await createTestApp();
  api = apiOf(t.app);
  [admin, sales, buyer, manager, member] = await Promise.all(
    ['admin', 'sales', 'buyer.port', 'manager.changjiang', 'member.changjiang'].map((u) => t.tokenOf(u)),
  );
  [{ union_id: unionId }] = await q<{ union_id: number }>(sql`SELECT union_id FROM users WHERE username = 'admin'`);
  [{ name: unionName }] = await q<{ name: string }>(sql`SELECT name FROM unions WHERE id = ${unionId}`);
  [{ id: salesUserId }] = await q<{ id: number }>(sql`SELECT id FROM users WHERE username = 'sales'`);
  [{ buyer_id: portBuyerId }] = await q<{ buyer_id: number }>(sql`SELECT buyer_id FROM users WHERE username = 'buyer.port'`);
  [{ name: portBuyerName }] = await q<{ name: string }>(sql`SELECT name FROM buyers WHERE id = ${portBuyerId}`);
  [cj] = await q<Village>(sql`SELECT * FROM villages WHERE union_id = ${unionId} AND code = 'CJ'`);
  [qy] = await q<Village>(sql`SELECT * FROM villages WHERE union_id = ${unionId} AND code = 'QY'`);
  [coopCJ] = await q<Cooperative>(sql`SELECT * FROM cooperatives WHERE village_id = ${cj.id}`);
  [coopQY] = await q<Cooperative>(sql`SELECT * FROM cooperatives WHERE village_id = ${qy.id}`);
});
afterAll(() => t?.close());

// ---- helpers -----------------------------------------------------------------------------

const newCrop = async () => {
  const crop = await makeCrop(t.db.db, unionId, { shelf_life_days: 10 });
  await makeListing(t.db.db, crop, { min_order_kg: '1' });
  return crop;
};
const room = (coop: Cooperative = coopCJ) => makeWarehouse(t.db.db, coop);

/** Households whose heads' names must never appear in a certificate. */
const headNames: string[] = [];
async function plantingOf(crop: Crop, village: Village): Promise<Planting> {
  const hh = await makeHousehold(t.db.db, village);
  headNames.push(hh.head_name);
  return makePlanting(t.db.db, await makePlot(t.db.db, hh, { area_mu: '5' }), crop, { planted_on: day(-60) });
}

/** A lot received into the room through the ledger, its residue test passed (on day -3). */
async function stockIn(crop: Crop, w: Warehouse, kg: number, expires = 5, grade = 'first'): Promise<HarvestLot> {
  const village = w.village_id === qy.id ? qy : cj;
  const lot = await makeLot(t.db.db, await plantingOf(crop, village), crop, {
    harvested_on: day(-12), expires_on: day(expires), quantity_kg: String(kg), grade: grade as never, intake_price: INTAKE_PRICE,
  });
  const rec = await api(admin, 'POST', '/api/stock-movements', { kind: 'receive', lot_id: lot.id, to_warehouse_id: w.id, quantity_kg: String(kg) });
  expect(rec.statusCode, rec.body).toBe(201);
  await residue(lot, 'pass', day(-3));
  return lot;
}
async function residue(lot: HarvestLot, result: 'pass' | 'fail', on: string) {
  const r = await api(admin, 'POST', '/api/residue-tests', { lot_id: lot.id, result, tested_by: '检测员', tested_on: on, method: 'rapid' });
  expect(r.statusCode, r.body).toBe(201);
}

const line = (crop: Crop, kg: number, grade = 'first') => ({ crop_id: crop.id, grade, quantity_kg: String(kg) });
const verb = (id: number, v: string, token = sales, body: Rec = {}) => api(token, 'POST', `/api/orders/${id}/${v}`, body);

/** An order placed by sales for the buyer (buyer.port unless told), in the status asked for. */
async function orderIn(status: 'submitted' | 'confirmed' | 'allocated', lines: Rec[], buyerId = portBuyerId): Promise<Rec> {
  const r = await api(sales, 'POST', '/api/orders', { buyer_id: buyerId, lines });
  expect(r.statusCode, r.body).toBe(201);
  if (status === 'submitted') return r.json();
  const c = await verb(r.json().id, 'confirm');
  expect(c.statusCode, c.body).toBe(200);
  if (status === 'confirmed') return r.json();
  const a = await verb(r.json().id, 'allocate');
  expect(a.statusCode, a.body).toBe(200);
  expect(a.json().order.status).toBe('allocated');
  return a.json().order;
}

/** Dispatched by admin unless told (the tests of dispatch itself use sales). */
async function dispatched(o: Rec, body: Rec = {}, token = admin): Promise<Rec> {
  const r = await verb(o.id, 'dispatch', token, body);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
}

const stockRow = async (lotId: number, warehouseId: number) =>
  (await q(sql`SELECT quantity_kg::text AS qty, allocated_kg::text AS allocated FROM stock WHERE lot_id = ${lotId} AND warehouse_id = ${warehouseId}`))
    .map((r) => ({ qty: dec(r.qty), allocated: dec(r.allocated) }))[0] ?? null;
const orderStatus = async (id: number) => (await q<{ s: string }>(sql`SELECT status::text AS s FROM orders WHERE id = ${id}`))[0].s;

function expectInvalidState(r: LightMyRequestResponse, status?: string) {
  expect(r.statusCode, r.body).toBe(409);
  expect(r.json().code).toBe('INVALID_STATE');
  if (status) expect(fieldCode(r, 'status')?.params?.status, r.body).toBe(status);
}

/** Per (lot, room) of these lots: the stock row equals the ledger's movements in less out (no row: zero). */
async function expectLedgerBalanced(lotIds: number[]) {
  const ids = sql.join(lotIds.map((id) => sql`${id}`), sql`, `);
  const ledger = await q<{ lot_id: number; warehouse_id: number; kg: string; stock: string | null }>(sql`
    WITH m AS (
      SELECT lot_id, warehouse_id, sum(kg) AS kg FROM (
        SELECT lot_id, to_warehouse_id AS warehouse_id, quantity_kg AS kg FROM stock_movements WHERE to_warehouse_id IS NOT NULL AND lot_id IN (${ids})
        UNION ALL SELECT lot_id, from_warehouse_id, -quantity_kg FROM stock_movements WHERE from_warehouse_id IS NOT NULL AND lot_id IN (${ids})
      ) x GROUP BY 1, 2)
    SELECT coalesce(m.lot_id, s.lot_id) AS lot_id, coalesce(m.warehouse_id, s.warehouse_id) AS warehouse_id,
           coalesce(m.kg, 0)::text AS kg, s.quantity_kg::text AS stock
    FROM m FULL JOIN (SELECT * FROM stock WHERE lot_id IN (${ids})) s ON s.lot_id = m.lot_id AND s.warehouse_id = m.warehouse_id`);
  expect(ledger.length).toBeGreaterThanOrEqual(lotIds.length);
  expect(ledger.filter((r) => Number(r.kg) !== Number(r.stock ?? 0))).toEqual([]);
  // Rooms' running totals follow too.
  const rooms = await q(sql`SELECT w.id, w.stock_kg::text AS kept, coalesce((SELECT sum(quantity_kg) FROM stock s WHERE s.warehouse_id = w.id), 0)::text AS summed
    FROM warehouses w WHERE w.id IN (SELECT coalesce(from_warehouse_id, to_warehouse_id) FROM stock_movements WHERE lot_id IN (${ids}))`);
  expect(rooms.length).toBeGreaterThan(0);
  expect(rooms.filter((r) => Number(r.kept) !== Number(r.summed))).toEqual([]);
}

// ---- dispatch ----------------------------------------------------------------------------

describe('dispatch', () => {
  it('takes every allocation out through the ledger, creates the delivery and its lines, and issues a certificate', async () => {
    const tomato = await newCrop();
    const bean = await newCrop();
    const [a, b] = [await room(coopCJ), await room(coopQY)];
    const x = await stockIn(tomato, a, 100, 3); // first to expire: all of it
    const y = await stockIn(tomato, b, 50, 5); // 20 of it
    const z = await stockIn(bean, a, 80, 4); // 30 of it
    const o = await orderIn('allocated', [line(tomato, 120), line(bean, 30)]);
    const allocs = await q(sql`SELECT id, order_line_id, lot_id, warehouse_id, quantity_kg::text AS kg FROM allocations WHERE order_id = ${o.id} AND NOT released ORDER BY lot_id`);
    expect(allocs.map((al) => [al.lot_id, al.warehouse_id, dec(al.kg)])).toEqual([[x.id, a.id, '100'], [y.id, b.id, '20'], [z.id, a.id, '30']]);
    expect(await stockRow(y.id, b.id)).toEqual({ qty: '50', allocated: '20' });
    const roomsBefore = await q(sql`SELECT id, stock_kg::text AS kg FROM warehouses WHERE id IN (${a.id}, ${b.id}) ORDER BY id`);

    const res = await dispatched(o, { vehicle: '鄂A12345', driver: '张师傅' }, sales);
    const { delivery, lines, certificate } = res;
    expect(res.order).toMatchObject({ id: o.id, status: 'dispatched' });
    expect(delivery).toMatchObject({
      union_id: unionId, order_id: o.id, buyer_id: portBuyerId, status: 'dispatched', vehicle: '鄂A12345', driver: '张师傅',
      delivered_at: null, received_by: null, dispatched_by: salesUserId,
    });
    expect(delivery.dispatched_at).toBeTruthy();
    const lineKey = (l: Rec) => [l.lot_id, l.warehouse_id, l.crop_id, l.grade, dec(l.dispatched_kg)];
    expect(lines.map(lineKey).sort((p: number[], r: number[]) => p[0] - r[0])).toEqual([
      [x.id, a.id, tomato.id, 'first', '100'], [y.id, b.id, tomato.id, 'first', '20'], [z.id, a.id, bean.id, 'first', '30'],
    ]);
    for (const l of lines) expect(l).toMatchObject({ delivery_id: delivery.id, buyer_id: portBuyerId, received_kg: null });

    // The stock: both counts down by each allocation; an emptied row leaves the table.
    expect(await stockRow(x.id, a.id)).toBeNull();
    expect(await stockRow(y.id, b.id)).toEqual({ qty: '30', allocated: '0' });
    expect(await stockRow(z.id, a.id)).toEqual({ qty: '50', allocated: '0' });
    const roomsAfter = await q(sql`SELECT id, stock_kg::text AS kg FROM warehouses WHERE id IN (${a.id}, ${b.id}) ORDER BY id`);
    const taken = new Map([[a.id, 130], [b.id, 20]]);
    expect(roomsAfter.map((r) => [r.id, Number(r.kg)])).toEqual(roomsBefore.map((r) => [r.id, Number(r.kg) - taken.get(r.id)!]));
    // One `dispatch` movement per allocation, carrying the delivery.
    const moves = await q(sql`SELECT lot_id, from_warehouse_id, to_warehouse_id, quantity_kg::text AS kg, delivery_id FROM stock_movements
      WHERE kind = 'dispatch' AND lot_id IN (${x.id}, ${y.id}, ${z.id}) ORDER BY lot_id`);
    expect(moves.map((m) => [m.lot_id, m.from_warehouse_id, m.to_warehouse_id, dec(m.kg), m.delivery_id])).toEqual([
      [x.id, a.id, null, '100', delivery.id], [y.id, b.id, null, '20', delivery.id], [z.id, a.id, null, '30', delivery.id],
    ]);
    await expectLedgerBalanced([x.id, y.id, z.id]);

    // The rows: delivery, lines, allocations dispatched (not released), order dispatched.
    const [dRow] = await q(sql`SELECT order_id, buyer_id, status::text AS status, vehicle, driver, delivered_at, dispatched_by FROM deliveries WHERE id = ${delivery.id}`);
    expect(dRow).toEqual({ order_id: o.id, buyer_id: portBuyerId, status: 'dispatched', vehicle: '鄂A12345', driver: '张师傅', delivered_at: null, dispatched_by: salesUserId });
    expect(await countOf(t.db, 'deliveries', sql`order_id = ${o.id}`)).toBe(1);
    const dl = await q(sql`SELECT order_line_id, lot_id, warehouse_id, dispatched_kg::text AS kg, received_kg FROM delivery_lines WHERE delivery_id = ${delivery.id} ORDER BY lot_id`);
    expect(dl.map((l) => [l.order_line_id, l.lot_id, l.warehouse_id, dec(l.kg), l.received_kg])).toEqual(
      allocs.map((al) => [al.order_line_id, al.lot_id, al.warehouse_id, dec(al.kg), null]),
    );
    expect(await q(sql`SELECT id, dispatched, released FROM allocations WHERE order_id = ${o.id} ORDER BY lot_id`)).toEqual(
      allocs.map((al) => ({ id: al.id, dispatched: true, released: false })),
    );
    expect(await orderStatus(o.id)).toBe('dispatched');

    // The certificate: the producer, origins, tests and lines; nothing of households or prices.
    expect(certificate).toMatchObject({
      union_id: unionId, delivery_id: delivery.id, buyer_id: portBuyerId, issued_on: today(), supersedes_id: null, superseded_by_id: null,
    });
    expect(typeof certificate.number).toBe('string');
    expect(certificate.number.length).toBeGreaterThan(5);
    expect(dec(certificate.quantity_kg)).toBe('150');
    expect(certificate.product).toContain(tomato.name_zh);
    expect(certificate.product).toContain(bean.name_zh);
    expect(certificate.producer).toContain(unionName);
    expect(certificate.producer).toContain(coopCJ.name);
    expect(certificate.producer).toContain(coopQY.name);
    expect(certificate.origin).toContain(cj.name);
    expect(certificate.origin).toContain(qy.name);
    expect(certificate.contact).toBeTruthy();
    expect(certificate.commitment).toBeTruthy();
    expect(certificate.test_results.map((r: Rec) => [r.lot_code, r.result, r.method, r.tested_on]).sort()).toEqual(
      [[x.code, 'pass', 'rapid', day(-3)], [y.code, 'pass', 'rapid', day(-3)], [z.code, 'pass', 'rapid', day(-3)]].sort(),
    );
    expect(certificate.lines).toHaveLength(2);
    const tomatoLine = certificate.lines.find((l: Rec) => JSON.stringify(l.crop).includes(tomato.name_zh));
    const beanLine = certificate.lines.find((l: Rec) => JSON.stringify(l.crop).includes(bean.name_zh));
    expect(tomatoLine, JSON.stringify(certificate.lines)).toBeTruthy();
    expect(dec(tomatoLine.quantity_kg)).toBe('120');
    expect(tomatoLine.grade).toBe('first');
    expect(JSON.stringify(tomatoLine.lots)).toContain(x.code);
    expect(JSON.stringify(tomatoLine.lots)).toContain(y.code);
    expect(JSON.stringify(tomatoLine.lots)).not.toContain(z.code);
    expect(dec(beanLine.quantity_kg)).toBe('30');
    const text = JSON.stringify(certificate);
    for (const name of headNames) expect(text).not.toContain(name);
    expect(text).not.toMatch(/intake|household|head_name/);
    expect(text).not.toContain(INTAKE_PRICE);
    const [cRow] = await q(sql`SELECT number, delivery_id, buyer_id, quantity_kg::text AS kg, issued_by, test_results, lines FROM certificates WHERE id = ${certificate.id}`);
    expect(cRow).toMatchObject({ number: certificate.number, delivery_id: delivery.id, buyer_id: portBuyerId, kg: '150.00', issued_by: salesUserId });
    expect(cRow.test_results).toEqual(certificate.test_results);
    expect(await countOf(t.db, 'certificates', sql`delivery_id = ${delivery.id}`)).toBe(1);
    const read = await api(sales, 'GET', `/api/certificates/${certificate.id}`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toEqual(certificate);

    // Each certificate has its own number.
    const bean2 = await newCrop();
    await stockIn(bean2, a, 40);
    const o2 = await orderIn('allocated', [line(bean2, 10)]);
    const second = (await dispatched(o2)).certificate;
    expect(second.number).not.toBe(certificate.number);
    expect(await countOf(t.db, 'certificates', sql`number = ${certificate.number}`)).toBe(1);
  });

  it('from any status but allocated is 409 INVALID_STATE and writes nothing; only admin and sales dispatch', async () => {
    const crop = await newCrop();
    const w = await room();
    await stockIn(crop, w, 500);
    const submitted = await orderIn('submitted', [line(crop, 10)]);
    const confirmed = await orderIn('confirmed', [line(crop, 10)]);
    const cancelled = await orderIn('allocated', [line(crop, 10)]);
    expect((await verb(cancelled.id, 'cancel')).statusCode).toBe(200);
    const done = await orderIn('allocated', [line(crop, 10)]);
    await dispatched(done);
    const ready = await orderIn('allocated', [line(crop, 10)]);

    const before = await snapshotOf(t.db, TABLES);
    for (const [o, status] of [[submitted, 'submitted'], [confirmed, 'confirmed'], [cancelled, 'cancelled'], [done, 'dispatched']] as const) {
      expectInvalidState(await verb(o.id, 'dispatch'), status);
    }
    for (const token of [buyer, manager, member]) {
      const r = await verb(ready.id, 'dispatch', token);
      expect([403, 404], r.body).toContain(r.statusCode);
    }
    expect(await snapshotOf(t.db, TABLES)).toEqual(before);
    expect(await countOf(t.db, 'deliveries', sql`order_id = ${done.id}`)).toBe(1);
    expect(await countOf(t.db, 'deliveries', sql`order_id IN (${submitted.id}, ${confirmed.id}, ${cancelled.id}, ${ready.id})`)).toBe(0);
    // Sales may.
    const ok = await verb(ready.id, 'dispatch', sales);
    expect(ok.statusCode, ok.body).toBe(200);
    expect(await orderStatus(ready.id)).toBe('dispatched');
  });

  it('a lot whose residue test failed after it was allocated: 409 RESIDUE_TEST_FAILED, nothing written', async () => {
    const crop = await newCrop();
    const w = await room();
    const good = await stockIn(crop, w, 30, 2);
    const bad = await stockIn(crop, w, 50, 4);
    const o = await orderIn('allocated', [line(crop, 60)]);
    expect(await stockRow(bad.id, w.id)).toEqual({ qty: '50', allocated: '30' });
    await residue(bad, 'fail', day(-1));

    const before = await snapshotOf(t.db, TABLES);
    const r = await verb(o.id, 'dispatch', admin);
    expect(r.statusCode, r.body).toBe(409);
    expect(r.json().code).toBe('RESIDUE_TEST_FAILED');
    expect(await snapshotOf(t.db, TABLES)).toEqual(before);
    expect(await orderStatus(o.id)).toBe('allocated');
    expect(await stockRow(good.id, w.id)).toEqual({ qty: '30', allocated: '30' });
    expect(await countOf(t.db, 'stock_movements', sql`kind = 'dispatch' AND lot_id IN (${good.id}, ${bad.id})`)).toBe(0);
    expect(await countOf(t.db, 'deliveries', sql`order_id = ${o.id}`)).toBe(0);
  });

  it('a `dispatch` movement cannot be posted to /api/stock-movements (400 kind)', async () => {
    const crop = await newCrop();
    const w = await room();
    const lot = await stockIn(crop, w, 40);
    const before = await snapshotOf(t.db, ['stock', 'stock_movements', 'warehouses']);
    const r = await api(admin, 'POST', '/api/stock-movements', { kind: 'dispatch', lot_id: lot.id, from_warehouse_id: w.id, quantity_kg: '10' });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().errors, r.body).toHaveProperty('kind');
    // Nor by naming a delivery (not a writable field of a movement).
    const [d] = await q(sql`SELECT id FROM deliveries ORDER BY id LIMIT 1`);
    const named = await api(admin, 'POST', '/api/stock-movements', { kind: 'dispatch', lot_id: lot.id, from_warehouse_id: w.id, quantity_kg: '10', delivery_id: d?.id ?? 1 });
    expect(named.statusCode, named.body).toBe(400);
    expect(await snapshotOf(t.db, ['stock', 'stock_movements', 'warehouses'])).toEqual(before);
    expect(await stockRow(lot.id, w.id)).toEqual({ qty: '40', allocated: '0' });
  });
});

// ---- receipt -----------------------------------------------------------------------------

describe('receipt', () => {
  it('records what arrived, with shortfalls; more than dispatched is 400; twice is 409; the order becomes delivered', async () => {
    const crop = await newCrop();
    const [a, b] = [await room(coopCJ), await room(coopQY)];
    await stockIn(crop, a, 40, 2);
    await stockIn(crop, b, 100, 4);
    const o = await orderIn('allocated', [line(crop, 70)]);
    const { delivery, lines } = await dispatched(o);
    const ls = [...lines].sort((p: Rec, r: Rec) => p.id - r.id);
    expect(ls.map((l: Rec) => dec(l.dispatched_kg)).sort()).toEqual(['30', '40']);
    const receive = (body: Rec, token = buyer) => api(token, 'POST', `/api/deliveries/${delivery.id}/receive`, body);
    const snap = () => snapshotOf(t.db, ['deliveries', 'delivery_lines', 'orders', 'stock', 'stock_movements']);

    // Before receipt the shortfall is unknown.
    const unread = await api(buyer, 'GET', listUrl('delivery-lines', { filter: { delivery_id: delivery.id }, range: [0, 99] }));
    expect(unread.statusCode, unread.body).toBe(200);
    expect(unread.json().map((l: Rec) => [l.received_kg, l.shortfall_kg])).toEqual([[null, null], [null, null]]);

    const before = await snap();
    const tooMuch = await receive({ received_by: '王收货', lines: [
      { delivery_line_id: ls[0].id, received_kg: ls[0].dispatched_kg },
      { delivery_line_id: ls[1].id, received_kg: String(Number(ls[1].dispatched_kg) + 0.01) },
    ] });
    expect(tooMuch.statusCode, tooMuch.body).toBe(400);
    expect(fieldCode(tooMuch, 'lines.1.received_kg')?.code, tooMuch.body).toBe('too_big');
    expect(dec(fieldCode(tooMuch, 'lines.1.received_kg')?.params?.maximum)).toBe(dec(ls[1].dispatched_kg));
    for (const body of [
      { received_by: '王收货', lines: [{ delivery_line_id: ls[0].id, received_kg: '1' }] }, // a line missing
      { received_by: '王收货', lines: [{ delivery_line_id: ls[0].id, received_kg: '-1' }, { delivery_line_id: ls[1].id, received_kg: '1' }] },
      { lines: [{ delivery_line_id: ls[0].id, received_kg: '1' }, { delivery_line_id: ls[1].id, received_kg: '1' }] }, // no received_by
    ]) {
      const r = await receive(body);
      expect(r.statusCode, `${JSON.stringify(body)} ${r.body}`).toBe(400);
    }
    expect(await snap()).toEqual(before);

    // The buyer receives 5 kg short on the first line.
    const short = String(Number(ls[0].dispatched_kg) - 5);
    const ok = await receive({ received_by: '王收货', lines: [
      { delivery_line_id: ls[0].id, received_kg: short }, { delivery_line_id: ls[1].id, received_kg: ls[1].dispatched_kg },
    ] });
    expect(ok.statusCode, ok.body).toBe(200);
    const [dRow] = await q(sql`SELECT status::text AS status, delivered_at IS NOT NULL AS delivered, received_by FROM deliveries WHERE id = ${delivery.id}`);
    expect(dRow).toEqual({ status: 'delivered', delivered: true, received_by: '王收货' });
    const dl = await q(sql`SELECT id, dispatched_kg::text AS d, received_kg::text AS r FROM delivery_lines WHERE delivery_id = ${delivery.id} ORDER BY id`);
    expect(dl.map((l) => [l.id, dec(l.r)])).toEqual([[ls[0].id, dec(short)], [ls[1].id, dec(ls[1].dispatched_kg)]]);
    expect(await orderStatus(o.id)).toBe('delivered');
    const got = await api(buyer, 'GET', listUrl('delivery-lines', { filter: { delivery_id: delivery.id }, range: [0, 99] }));
    expect(got.json().map((l: Rec) => [l.id, dec(l.received_kg), dec(l.shortfall_kg)]).sort((p: number[], r: number[]) => p[0] - r[0])).toEqual(
      [[ls[0].id, dec(short), '5'], [ls[1].id, dec(ls[1].dispatched_kg), '0']],
    );
    const one = await api(buyer, 'GET', `/api/deliveries/${delivery.id}`);
    expect(one.json()).toMatchObject({ status: 'delivered', received_by: '王收货' });
    expect(one.json().delivered_at).toBeTruthy();
    // The stock is not touched by a receipt.
    expect(await snapshotOf(t.db, ['stock', 'stock_movements'])).toEqual({ stock: before.stock, stock_movements: before.stock_movements });

    const after = await snap();
    expectInvalidState(await receive({ received_by: '王收货', lines: ls.map((l: Rec) => ({ delivery_line_id: l.id, received_kg: '1' })) }, sales), 'delivered');
    expect(await snap()).toEqual(after);
  });
});

// ---- who sees what -----------------------------------------------------------------------

describe('rights', () => {
  it('a buyer sees and receives only their own deliveries, lines and certificates; managers and members none', async () => {
    const crop = await newCrop();
    const w = await room();
    await stockIn(crop, w, 200);
    const otherBuyer = await makeBuyer(t.db.db, unionId);
    const { user: otherUser } = await makeUser(t.db.db, { role: 'buyer', buyer: otherBuyer, password: DEMO_PASSWORD });
    const other = await t.tokenOf(otherUser.username);
    const mine = await dispatched(await orderIn('allocated', [line(crop, 20)]));
    const theirs = await dispatched(await orderIn('allocated', [line(crop, 30)], otherBuyer.id));
    expect(theirs.delivery.buyer_id).toBe(otherBuyer.id);
    expect(theirs.certificate.buyer_id).toBe(otherBuyer.id);

    const urls = (d: Rec) => [`/api/deliveries/${d.delivery.id}`, `/api/delivery-lines/${d.lines[0].id}`, `/api/certificates/${d.certificate.id}`];
    for (const url of urls(mine)) {
      const r = await api(buyer, 'GET', url);
      expect(r.statusCode, `${url} ${r.body}`).toBe(200);
      expect(r.json().buyer_id).toBe(portBuyerId);
      expect((await api(other, 'GET', url)).statusCode, url).toBe(404);
      for (const token of [manager, member]) expect((await api(token, 'GET', url)).statusCode, url).toBe(403);
      expect((await api(sales, 'GET', url)).statusCode, url).toBe(200);
    }
    for (const url of urls(theirs)) {
      expect((await api(other, 'GET', url)).statusCode, url).toBe(200);
      expect((await api(buyer, 'GET', url)).statusCode, url).toBe(404);
    }
    for (const resource of ['deliveries', 'delivery-lines', 'certificates']) {
      const list = await api(other, 'GET', listUrl(resource, { range: [0, 999] }));
      expect(list.statusCode, list.body).toBe(200);
      expect(list.json().length).toBeGreaterThan(0);
      expect(list.json().every((x: Rec) => x.buyer_id === otherBuyer.id), resource).toBe(true);
      const port = await api(buyer, 'GET', listUrl(resource, { range: [0, 999] }));
      expect(port.json().every((x: Rec) => x.buyer_id === portBuyerId), resource).toBe(true);
      expect(port.json().map((x: Rec) => x.id)).not.toContain(resource === 'deliveries' ? theirs.delivery.id : resource === 'certificates' ? theirs.certificate.id : theirs.lines[0].id);
      // Asking for another buyer's by filter finds nothing.
      const sneaky = await api(buyer, 'GET', listUrl(resource, { filter: { buyer_id: otherBuyer.id }, range: [0, 999] }));
      expect(sneaky.statusCode === 200 ? sneaky.json() : [], resource).toEqual([]);
      for (const token of [manager, member]) expect((await api(token, 'GET', listUrl(resource))).statusCode, resource).toBe(403);
    }
    const filtered = await api(sales, 'GET', listUrl('deliveries', { filter: { buyer_id: otherBuyer.id }, range: [0, 999] }));
    expect(filtered.json().map((d: Rec) => d.id)).toEqual([theirs.delivery.id]);

    // Receiving someone else's delivery: 404, nothing written.
    const before = await snapshotOf(t.db, ['deliveries', 'delivery_lines', 'orders']);
    const body = { received_by: '李', lines: theirs.lines.map((l: Rec) => ({ delivery_line_id: l.id, received_kg: l.dispatched_kg })) };
    expect((await api(buyer, 'POST', `/api/deliveries/${theirs.delivery.id}/receive`, body)).statusCode).toBe(404);
    for (const token of [manager, member]) expect((await api(token, 'POST', `/api/deliveries/${theirs.delivery.id}/receive`, body)).statusCode).toBe(403);
    expect(await snapshotOf(t.db, ['deliveries', 'delivery_lines', 'orders'])).toEqual(before);
    const own = await api(other, 'POST', `/api/deliveries/${theirs.delivery.id}/receive`, body);
    expect(own.statusCode, own.body).toBe(200);
    expect(await orderStatus(theirs.order.id)).toBe('delivered');
  });
});

// ---- certificates ------------------------------------------------------------------------

describe('certificates', () => {
  it('are kept as issued (PUT/DELETE 405, the database refuses changes); supersede issues a new one, once per certificate', async () => {
    const crop = await newCrop();
    const w = await room();
    await stockIn(crop, w, 100);
    const { certificate: first } = await dispatched(await orderIn('allocated', [line(crop, 25)]));
    const snap = () => snapshotOf(t.db, ['certificates']);

    let before = await snap();
    expect((await api(admin, 'PUT', `/api/certificates/${first.id}`, { ...first, contact: 'x' })).statusCode).toBe(405);
    expect((await api(admin, 'DELETE', `/api/certificates/${first.id}`)).statusCode).toBe(405);
    expect((await api(admin, 'POST', '/api/certificates', { delivery_id: first.delivery_id })).statusCode).toBeGreaterThanOrEqual(400);
    await expect(t.db.db.execute(sql`UPDATE certificates SET contact = 'x' WHERE id = ${first.id}`)).rejects.toThrow();
    await expect(t.db.db.execute(sql`DELETE FROM certificates WHERE id = ${first.id}`)).rejects.toThrow();
    for (const token of [buyer, manager]) {
      const r = await api(token, 'POST', `/api/certificates/${first.id}/supersede`, { reason: '更正' });
      expect(r.statusCode, r.body).toBe(403);
    }
    expect((await api(sales, 'POST', `/api/certificates/${first.id}/supersede`, {})).statusCode).toBe(400); // a reason is required
    expect(await snap()).toEqual(before);

    const sup = await api(sales, 'POST', `/api/certificates/${first.id}/supersede`, { reason: '联系电话有误', contact: '联系人 13800000000' });
    expect([200, 201], sup.body).toContain(sup.statusCode);
    const second = sup.json();
    expect(second.id).not.toBe(first.id);
    expect(second).toMatchObject({
      number: `${first.number}-R1`, supersedes_id: first.id, superseded_by_id: null, reason: '联系电话有误', contact: '联系人 13800000000',
      delivery_id: first.delivery_id, buyer_id: first.buyer_id, product: first.product, producer: first.producer, origin: first.origin,
      commitment: first.commitment, test_results: first.test_results, lines: first.lines,
    });
    expect(dec(second.quantity_kg)).toBe(dec(first.quantity_kg));
    // The old one keeps its data and points to the new.
    const old = await api(sales, 'GET', `/api/certificates/${first.id}`);
    expect(old.statusCode).toBe(200);
    expect(old.json()).toEqual({ ...first, superseded_by_id: second.id });
    const [oldRow] = await q(sql`SELECT number, contact, superseded_by_id, supersedes_id FROM certificates WHERE id = ${first.id}`);
    expect(oldRow).toEqual({ number: first.number, contact: first.contact, superseded_by_id: second.id, supersedes_id: null });
    const [newRow] = await q(sql`SELECT number, supersedes_id, superseded_by_id, reason FROM certificates WHERE id = ${second.id}`);
    expect(newRow).toEqual({ number: `${first.number}-R1`, supersedes_id: first.id, superseded_by_id: null, reason: '联系电话有误' });
    // The buyer reads both.
    expect((await api(buyer, 'GET', `/api/certificates/${first.id}`)).json().superseded_by_id).toBe(second.id);
    expect((await api(buyer, 'GET', `/api/certificates/${second.id}`)).statusCode).toBe(200);
    // Even marked superseded, the old one cannot be changed again.
    await expect(t.db.db.execute(sql`UPDATE certificates SET superseded_by_id = NULL WHERE id = ${first.id}`)).rejects.toThrow();

    before = await snap();
    expectInvalidState(await api(sales, 'POST', `/api/certificates/${first.id}/supersede`, { reason: '再次更正' }));
    expect(await snap()).toEqual(before);
    const third = await api(admin, 'POST', `/api/certificates/${second.id}/supersede`, { reason: '再次更正' });
    expect([200, 201], third.body).toContain(third.statusCode);
    expect(third.json()).toMatchObject({ number: `${first.number}-R2`, supersedes_id: second.id, contact: '联系人 13800000000' });
    expect(await countOf(t.db, 'certificates', sql`delivery_id = ${first.delivery_id}`)).toBe(3);
  });
});

// ---- trace and recall --------------------------------------------------------------------

describe('trace and recall', () => {
  it('list the deliveries that carried a lot, with the buyer, kg and certificate number', async () => {
    const crop = await newCrop();
    const w = await room();
    const lot = await stockIn(crop, w, 100);
    const { delivery, certificate } = await dispatched(await orderIn('allocated', [line(crop, 70)]));

    const tr = await api(admin, 'GET', `/api/trace/${encodeURIComponent(lot.code)}`);
    expect(tr.statusCode, tr.body).toBe(200);
    const ds = tr.json().forward.deliveries as Rec[];
    expect(ds, tr.body).toHaveLength(1);
    const d = JSON.stringify(ds[0]);
    expect(d).toContain(portBuyerName);
    expect(d).toContain(certificate.number);
    expect(Object.values(ds[0]).some((v) => typeof v !== 'object' && dec(v) === '70'), d).toBe(true);
    expect(Object.values(ds[0]).includes(delivery.id) || d.includes(`"delivery_id":${delivery.id}`), d).toBe(true);

    const rc = await api(admin, 'GET', `/api/recall?from=lot&id=${lot.id}`);
    expect(rc.statusCode, rc.body).toBe(200);
    const body = rc.json();
    expect(body.deliveries, rc.body).toHaveLength(1);
    expect(JSON.stringify(body.deliveries[0])).toContain(certificate.number);
    expect(body.buyers, rc.body).toHaveLength(1);
    const b = body.buyers[0];
    expect(JSON.stringify(b)).toMatch(new RegExp(`${portBuyerName}|"(buyer_)?id":${portBuyerId}`));
    expect(Object.values(b).some((v) => typeof v !== 'object' && dec(v) === '70'), JSON.stringify(b)).toBe(true);
    // In the database: one delivery line of that lot.
    expect(await q(sql`SELECT dl.dispatched_kg::text AS kg, d.buyer_id FROM delivery_lines dl JOIN deliveries d ON d.id = dl.delivery_id WHERE dl.lot_id = ${lot.id}`))
      .toEqual([{ kg: '70.00', buyer_id: portBuyerId }]);
  });
});
