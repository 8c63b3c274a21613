import { sql } from 'drizzle-orm';
import { foldSupplyChanges } from '../server/modules/sales/sales.repository';
import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, DEMO_PASSWORD, listUrl, type TestContext } from './helpers/app';
import {
  makeBuyer, makeCooperative, makeCrop, makeHousehold, makeListing, makeLot, makePlanting, makePlot, makeUser, makeVillage, makeWarehouse,
  type Cooperative, type Crop, type HarvestLot, type Listing, type Planting, type Village, type Warehouse,
} from './helpers/factories';
import { apiOf, countOf, day, dec, fieldCode, rows, snapshotOf, today, type Api, type Rec } from './helpers/issue7';

// Issue 8, sales (first part): listings, supply listings (available stock, origin villages, the
// 14-day forecast), orders and their verbs, FEFO allocation that never promises a kilogram
// twice, stock held by allocations, and payments. Each test builds its own crops, so that the
// union-wide supply listings it reads hold only its own stock.

let t: TestContext;
let api: Api;
let admin: string;
let sales: string;
let buyer: string; // buyer.port, Hubei Port Group
let manager: string;
let member: string;
let unionId: number;
let portBuyerId: number;
let cj: Village;
let qy: Village;
let coopCJ: Cooperative;
let coopQY: Cooperative;
let plantingCJ: Map<number, Planting>;
let plantingQY: Map<number, Planting>;

const q = <T = Rec>(query: ReturnType<typeof sql>) => rows<T>(t.db, query);
const SALES_TABLES = ['orders', 'order_lines', 'allocations', 'payments', 'stock', 'supply_stock_changes'];

beforeAll(async () => {
  t = await createTestApp();
  api = apiOf(t.app);
  [admin, sales, buyer, manager, member] = await Promise.all(
    ['admin', 'sales', 'buyer.port', 'manager.changjiang', 'member.changjiang'].map((u) => t.tokenOf(u)),
  );
  [{ union_id: unionId }] = await q<{ union_id: number }>(sql`SELECT union_id FROM users WHERE username = 'admin'`);
  [{ buyer_id: portBuyerId }] = await q<{ buyer_id: number }>(sql`SELECT buyer_id FROM users WHERE username = 'buyer.port'`);
  [cj] = await q<Village>(sql`SELECT * FROM villages WHERE union_id = ${unionId} AND code = 'CJ'`);
  [qy] = await q<Village>(sql`SELECT * FROM villages WHERE union_id = ${unionId} AND code = 'QY'`);
  [coopCJ] = await q<Cooperative>(sql`SELECT * FROM cooperatives WHERE village_id = ${cj.id}`);
  [coopQY] = await q<Cooperative>(sql`SELECT * FROM cooperatives WHERE village_id = ${qy.id}`);
  plantingCJ = new Map();
  plantingQY = new Map();
});
afterAll(() => t?.close());

// ---- helpers -----------------------------------------------------------------------------

const newCrop = () => makeCrop(t.db.db, unionId, { shelf_life_days: 10 });
const room = (coop: Cooperative = coopCJ, overrides: Parameters<typeof makeWarehouse>[2] = {}) => makeWarehouse(t.db.db, coop, overrides);

async function plantingOf(crop: Crop, village: Village): Promise<Planting> {
  const cache = village.id === cj.id ? plantingCJ : village.id === qy.id ? plantingQY : undefined;
  const hit = cache?.get(crop.id);
  if (hit) return hit;
  const p = await makePlanting(t.db.db, await makePlot(t.db.db, await makeHousehold(t.db.db, village), { area_mu: '5' }), crop, { planted_on: day(-60) });
  cache?.set(crop.id, p);
  return p;
}

type Residue = 'pass' | 'fail' | 'untested' | 'pass-then-fail';
/**
 * A lot of the crop received into the room through the stock ledger, its residue tested
 * through the API: `kg` in the room, expiring on `expires` (a day offset), first grade.
 */
async function stockIn(
  crop: Crop, w: Warehouse, kg: number | string, opts: { expires?: number; residue?: Residue; grade?: string; village?: Village } = {},
): Promise<HarvestLot> {
  const village = opts.village ?? (w.village_id === qy.id ? qy : cj);
  const expires = day(opts.expires ?? 5);
  const lot = await makeLot(t.db.db, await plantingOf(crop, village), crop, {
    harvested_on: day(-12), expires_on: expires, quantity_kg: String(kg), grade: (opts.grade ?? 'first') as never,
  });
  const rec = await api(admin, 'POST', '/api/stock-movements', { kind: 'receive', lot_id: lot.id, to_warehouse_id: w.id, quantity_kg: String(kg) });
  expect(rec.statusCode, rec.body).toBe(201);
  const residue = opts.residue ?? 'pass';
  const test = async (result: string, on: string) => {
    const r = await api(admin, 'POST', '/api/residue-tests', { lot_id: lot.id, result, tested_by: '检测员', tested_on: on });
    expect(r.statusCode, r.body).toBe(201);
  };
  if (residue === 'pass' || residue === 'pass-then-fail') await test('pass', day(-3));
  if (residue === 'fail') await test('fail', day(-3));
  if (residue === 'pass-then-fail') await test('fail', day(-1));
  return lot;
}

const order = (token: string, body: Rec, headers?: Record<string, string>) => api(token, 'POST', '/api/orders', body, headers);
const verb = (id: number, v: 'confirm' | 'allocate' | 'cancel', token = sales) => api(token, 'POST', `/api/orders/${id}/${v}`, {});
const line = (crop: Crop, kg: number | string, grade = 'first') => ({ crop_id: crop.id, grade, quantity_kg: String(kg) });

/** An order of buyer.port, placed by sales and confirmed. */
async function confirmedOrder(lines: Rec[], buyerId = portBuyerId): Promise<Rec> {
  const r = await order(sales, { buyer_id: buyerId, lines });
  expect(r.statusCode, r.body).toBe(201);
  const c = await verb(r.json().id, 'confirm');
  expect(c.statusCode, c.body).toBe(200);
  return r.json();
}

const supply = async (listing: Listing, token = sales) => {
  const r = await api(token, 'GET', `/api/supply-listings/${listing.id}`);
  expect(r.statusCode, r.body).toBe(200);
  return r.json();
};
const available = async (listing: Listing) => dec((await supply(listing)).available_kg);

const orderRow = async (id: number) => (await q(sql`SELECT status::text AS status, total_amount::text AS total, paid_amount::text AS paid FROM orders WHERE id = ${id}`))[0];
const stockRow = async (lotId: number) =>
  (await q(sql`SELECT quantity_kg::text AS qty, allocated_kg::text AS allocated FROM stock WHERE lot_id = ${lotId}`)).map((r) => ({ qty: dec(r.qty), allocated: dec(r.allocated) }))[0];
const activeAllocations = (orderId: number) =>
  q(sql`SELECT lot_id, warehouse_id, village_id, quantity_kg::text AS kg FROM allocations WHERE order_id = ${orderId} AND NOT released ORDER BY lot_id`);

/** The 409 INVALID_STATE shape, naming the current status. */
function expectInvalidState(r: LightMyRequestResponse, status: string) {
  expect(r.statusCode, r.body).toBe(409);
  expect(r.json().code).toBe('INVALID_STATE');
  expect(fieldCode(r, 'status')?.params?.status, r.body).toBe(status);
}

/** stock.allocated_kg is the sum of each row's active allocations, and never more than the row holds. */
async function expectAllocationsConsistent() {
  const bad = await q(sql`
    SELECT s.lot_id, s.warehouse_id, s.quantity_kg::text AS qty, s.allocated_kg::text AS allocated, coalesce(a.kg, 0)::text AS summed
    FROM stock s LEFT JOIN (SELECT lot_id, warehouse_id, sum(quantity_kg) AS kg FROM allocations WHERE NOT released AND NOT dispatched GROUP BY 1, 2) a
      ON a.lot_id = s.lot_id AND a.warehouse_id = s.warehouse_id
    WHERE s.allocated_kg <> coalesce(a.kg, 0) OR s.allocated_kg > s.quantity_kg`);
  expect(bad).toEqual([]);
  // No allocation still in storage outlives its stock row (a dispatched one left with its delivery).
  const orphans = await q(sql`SELECT a.id FROM allocations a WHERE NOT a.released AND NOT a.dispatched
    AND NOT EXISTS (SELECT 1 FROM stock s WHERE s.lot_id = a.lot_id AND s.warehouse_id = a.warehouse_id)`);
  expect(orphans).toEqual([]);
  const lines = await q(sql`SELECT l.id, l.allocated_kg::text AS allocated, coalesce(a.kg, 0)::text AS summed FROM order_lines l
    LEFT JOIN (SELECT order_line_id, sum(quantity_kg) AS kg FROM allocations WHERE NOT released GROUP BY 1) a ON a.order_line_id = l.id
    WHERE l.allocated_kg <> coalesce(a.kg, 0)`);
  expect(lines).toEqual([]);
}

// ---- listings ----------------------------------------------------------------------------

describe('listings', () => {
  it('admin and sales write; manager reads; buyer and member none; duplicates 409; a negative price or no minimum 400', async () => {
    const crop = await newCrop();
    const body = { crop_id: crop.id, grade: 'first', price_per_kg: '6.50', min_order_kg: '20', published: true, notes: '精品番茄' };
    const r = await api(sales, 'POST', '/api/listings', body);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ union_id: unionId, crop_id: crop.id, grade: 'first', published: true, notes: '精品番茄' });
    expect(dec(r.json().price_per_kg)).toBe('6.5');
    expect(dec(r.json().min_order_kg)).toBe('20');
    const [row] = await q(sql`SELECT price_per_kg::text AS price, published FROM listings WHERE id = ${r.json().id}`);
    expect(row).toEqual({ price: '6.50', published: true });

    const count = () => countOf(t.db, 'listings', sql`crop_id = ${crop.id}`);
    const dup = await api(admin, 'POST', '/api/listings', { ...body, price_per_kg: '7' });
    expect(dup.statusCode, dup.body).toBe(409);
    expect(dup.json().code).toBe('DUPLICATE');
    for (const [change, field] of [[{ price_per_kg: '-0.01' }, 'price_per_kg'], [{ min_order_kg: '0' }, 'min_order_kg'], [{ min_order_kg: '-5' }, 'min_order_kg']] as const) {
      const b = await api(sales, 'POST', '/api/listings', { ...body, grade: 'second', ...change });
      expect(b.statusCode, `${JSON.stringify(change)} ${b.body}`).toBe(400);
      expect(b.json().errors, JSON.stringify(change)).toHaveProperty(field);
    }
    expect(await count()).toBe(1);
    const before = await snapshotOf(t.db, ['listings']);
    const negative = await api(sales, 'PUT', `/api/listings/${r.json().id}`, { ...body, price_per_kg: '-1', version: r.json().version });
    expect(negative.statusCode, negative.body).toBe(400);
    expect(negative.json().errors).toHaveProperty('price_per_kg');
    expect(await snapshotOf(t.db, ['listings'])).toEqual(before);

    // Rights: managers read, never write; buyers and members see nothing.
    expect((await api(manager, 'GET', `/api/listings/${r.json().id}`)).statusCode).toBe(200);
    expect((await api(await t.tokenOf('cadre.changjiang'), 'GET', `/api/listings/${r.json().id}`)).statusCode).toBe(200);
    expect((await api(manager, 'POST', '/api/listings', { ...body, grade: 'premium' })).statusCode).toBe(403);
    for (const token of [buyer, member]) {
      expect((await api(token, 'GET', '/api/listings')).statusCode).toBe(403);
      expect((await api(token, 'GET', `/api/listings/${r.json().id}`)).statusCode).toBe(403);
      expect((await api(token, 'POST', '/api/listings', { ...body, grade: 'premium' })).statusCode).toBe(403);
    }
    expect(await count()).toBe(1);

    const upd = await api(admin, 'PUT', `/api/listings/${r.json().id}`, { ...body, price_per_kg: '7.20', published: false, version: r.json().version });
    expect(upd.statusCode, upd.body).toBe(200);
    expect((await q(sql`SELECT price_per_kg::text AS price, published FROM listings WHERE id = ${r.json().id}`))[0]).toEqual({ price: '7.20', published: false });
    const del = await api(sales, 'DELETE', `/api/listings/${r.json().id}`);
    expect([200, 204], del.body).toContain(del.statusCode);
    expect(await count()).toBe(0);
  });
});

// ---- supply listings ---------------------------------------------------------------------

describe('supply listings', () => {
  it('one row per published listing: available = passed, unexpired, unallocated stock; origin villages; no intake prices or households', async () => {
    const crop = await newCrop();
    const pub = await makeListing(t.db.db, crop, { grade: 'first', price_per_kg: '4.20', min_order_kg: '5' });
    const unpub = await makeListing(t.db.db, crop, { grade: 'second', published: false });
    const far = await makeVillage(t.db.db, unionId);
    const farRoom = await room(await makeCooperative(t.db.db, far));
    const [a, b, c] = [await room(), await room(), await room(coopQY)];
    await stockIn(crop, a, 300, { expires: 5 });
    await stockIn(crop, c, 200, { expires: 3 });
    await stockIn(crop, b, 10, { expires: 0 }); // expires today: still on offer
    await stockIn(crop, a, 100, { residue: 'untested' });
    await stockIn(crop, c, 100, { residue: 'fail' });
    await stockIn(crop, b, 50, { expires: -1 }); // expired yesterday
    await stockIn(crop, a, 40, { residue: 'pass-then-fail' });
    await stockIn(crop, b, 70, { grade: 'second' }); // the unpublished listing's
    await stockIn(crop, farRoom, 60, { residue: 'untested', village: far });
    await stockIn(crop, farRoom, 25, { expires: -2, village: far });

    const got = await supply(pub, buyer);
    expect(got).toMatchObject({ id: pub.id, crop_id: crop.id, grade: 'first' });
    expect(dec(got.price_per_kg)).toBe('4.2');
    expect(dec(got.min_order_kg)).toBe('5');
    expect(dec(got.available_kg)).toBe('510');
    expect([...got.origin_villages].sort()).toEqual([cj.name, qy.name].sort());
    expect(got.forecast).toHaveLength(14);
    // What buyers see carries no intake prices and nothing of households.
    const text = JSON.stringify(got);
    expect(text).not.toMatch(/intake|household|head_name/);

    const list = await api(buyer, 'GET', listUrl('supply-listings', { range: [0, 999] }));
    expect(list.statusCode, list.body).toBe(200);
    const ids = list.json().map((x: Rec) => x.id);
    expect(ids).toContain(pub.id);
    expect(ids).not.toContain(unpub.id);
    expect(JSON.stringify(list.json())).not.toMatch(/intake|household/);
    const published = await q(sql`SELECT id FROM listings WHERE union_id = ${unionId} AND published`);
    expect([...ids].sort((x, y) => x - y)).toEqual(published.map((p) => p.id).sort((x, y) => x - y));
    expect((await api(buyer, 'GET', `/api/supply-listings/${unpub.id}`)).statusCode).toBe(404);
    for (const token of [manager, member]) expect((await api(token, 'GET', `/api/supply-listings/${pub.id}`)).statusCode).toBe(403);

    // Publishing the second grade brings its passed stock in; a lot failing a new test takes its stock out.
    await q(sql`UPDATE listings SET published = true WHERE id = ${unpub.id}`);
    expect(await available(unpub)).toBe('70');
    const [qyLot] = await q(sql`SELECT s.lot_id FROM stock s JOIN harvest_lots l ON l.id = s.lot_id
      WHERE s.crop_id = ${crop.id} AND s.warehouse_id = ${c.id} AND l.residue_status = 'pass'`);
    const fail = await api(admin, 'POST', '/api/residue-tests', { lot_id: qyLot.lot_id, result: 'fail', tested_by: '检测员', tested_on: today() });
    expect(fail.statusCode, fail.body).toBe(201);
    const after = await supply(pub);
    expect(dec(after.available_kg)).toBe('310');
    expect(after.origin_villages).toEqual([cj.name]);
  });

  it('forecast: 14 days from the plantings\' expected windows and yields, less what was harvested', async () => {
    const crop = await newCrop();
    const other = await newCrop();
    const listing = await makeListing(t.db.db, crop);
    const plot = async (v: Village) => makePlot(t.db.db, await makeHousehold(t.db.db, v), { area_mu: '5' });
    const base = { planted_on: day(-60), status: 'growing' as const };
    // 1,000 kg over day -2..day 7, 100 harvested: 900 over the 8 days left (today..day 7).
    const a = await makePlanting(t.db.db, await plot(cj), crop, { ...base, expected_harvest_from: day(-2), expected_harvest_to: day(7), expected_yield_kg: '1000' });
    // 500 kg over day 10..day 19: 50 a day, four of them inside the 14 days.
    await makePlanting(t.db.db, await plot(qy), crop, { ...base, status: 'planned', expected_harvest_from: day(10), expected_harvest_to: day(19), expected_yield_kg: '500' });
    // Harvested beyond its yield: nothing more expected (never negative).
    const over = await makePlanting(t.db.db, await plot(cj), crop, { ...base, expected_harvest_from: day(1), expected_harvest_to: day(4), expected_yield_kg: '100' });
    // Finished, past its window, another crop, no yield: none counts.
    await makePlanting(t.db.db, await plot(cj), crop, { ...base, status: 'finished', finished_on: today(), expected_harvest_from: day(0), expected_harvest_to: day(5), expected_yield_kg: '600' });
    await makePlanting(t.db.db, await plot(qy), crop, { ...base, expected_harvest_from: day(-10), expected_harvest_to: day(-1), expected_yield_kg: '800' });
    await makePlanting(t.db.db, await plot(qy), other, { ...base, expected_harvest_from: day(0), expected_harvest_to: day(13), expected_yield_kg: '1400' });
    await makePlanting(t.db.db, await plot(qy), crop, { ...base, expected_harvest_from: day(0), expected_harvest_to: day(13), expected_yield_kg: null });
    for (const [p, kg] of [[a, '100'], [over, '150']] as const) {
      const h = await api(admin, 'POST', '/api/harvest-lots', { planting_id: p.id, harvested_on: today(), grade: 'first', quantity_kg: kg, intake_price: '2' });
      expect(h.statusCode, h.body).toBe(201);
    }
    expect((await q(sql`SELECT harvested_kg::text AS kg FROM plantings WHERE id = ${a.id}`))[0].kg).toBe('100.00');

    const got = await supply(listing, buyer);
    expect(got.forecast.map((f: Rec) => f.day)).toEqual(Array.from({ length: 14 }, (_, i) => day(i)));
    const expected = Array.from({ length: 14 }, (_, i) => (i <= 7 ? 112.5 : i >= 10 ? 50 : 0));
    const kgs = got.forecast.map((f: Rec) => Number(f.kg));
    kgs.forEach((kg: number, i: number) => expect(kg, `${day(i)}: ${JSON.stringify(got.forecast)}`).toBeCloseTo(expected[i], 1));
    // Harvested lots are not stock until received and passed.
    expect(dec(got.available_kg)).toBe('0');
    expect(got.origin_villages).toEqual([]);
  });
});

// ---- orders ------------------------------------------------------------------------------

describe('orders', () => {
  it('a buyer orders from the listings: each line priced from its listing, the total derived; staff name the buyer', async () => {
    const [tomato, pepper] = [await newCrop(), await newCrop()];
    const lt = await makeListing(t.db.db, tomato, { price_per_kg: '4.20', min_order_kg: '5' });
    await makeListing(t.db.db, pepper, { grade: 'premium', price_per_kg: '3.00', min_order_kg: '10' });
    const r = await order(buyer, { reference: 'PO-8-001', wanted_on: day(3), notes: '早上送达', lines: [line(tomato, '12.5'), line(pepper, 20, 'premium')] });
    expect(r.statusCode, r.body).toBe(201);
    const o = r.json();
    expect(o).toMatchObject({ buyer_id: portBuyerId, union_id: unionId, status: 'submitted', reference: 'PO-8-001', wanted_on: day(3), payment_status: 'unpaid' });
    expect(dec(o.total_amount)).toBe('112.5');
    expect(dec(o.paid_amount)).toBe('0');
    expect(o.lines).toHaveLength(2);
    expect(o.lines.map((l: Rec) => [l.crop_id, l.grade, dec(l.quantity_kg), dec(l.price_per_kg), dec(l.amount), dec(l.allocated_kg)])).toEqual([
      [tomato.id, 'first', '12.5', '4.2', '52.5', '0'],
      [pepper.id, 'premium', '20', '3', '60', '0'],
    ]);
    expect(await orderRow(o.id)).toEqual({ status: 'submitted', total: '112.50', paid: '0.00' });
    const lines = await q(sql`SELECT buyer_id, crop_id, price_per_kg::text AS price, amount::text AS amount FROM order_lines WHERE order_id = ${o.id} ORDER BY id`);
    expect(lines).toEqual([
      { buyer_id: portBuyerId, crop_id: tomato.id, price: '4.20', amount: '52.50' },
      { buyer_id: portBuyerId, crop_id: pepper.id, price: '3.00', amount: '60.00' },
    ]);
    const read = await api(buyer, 'GET', `/api/orders/${o.id}`);
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json()).toMatchObject({ id: o.id, status: 'submitted', payment_status: 'unpaid' });

    // A later price change leaves the placed order as it was.
    await q(sql`UPDATE listings SET price_per_kg = '9.99' WHERE id = ${lt.id}`);
    expect((await q(sql`SELECT price_per_kg::text AS p FROM order_lines WHERE order_id = ${o.id} AND crop_id = ${tomato.id}`))[0].p).toBe('4.20');
    expect((await orderRow(o.id)).total).toBe('112.50');

    // Staff name the buyer; without one the order is refused.
    const before = await countOf(t.db, 'orders');
    const none = await order(sales, { lines: [line(tomato, 10)] });
    expect(none.statusCode, none.body).toBe(400);
    expect(none.json().errors).toHaveProperty('buyer_id');
    expect(await countOf(t.db, 'orders')).toBe(before);
    const staff = await order(sales, { buyer_id: portBuyerId, lines: [line(tomato, 10)] });
    expect(staff.statusCode, staff.body).toBe(201);
    expect(staff.json()).toMatchObject({ buyer_id: portBuyerId, status: 'submitted' });
    expect(dec(staff.json().total_amount)).toBe('99.9');
    // Managers and members neither place nor read orders.
    for (const token of [manager, member]) {
      expect((await order(token, { buyer_id: portBuyerId, lines: [line(tomato, 10)] })).statusCode).toBe(403);
      expect((await api(token, 'GET', '/api/orders')).statusCode).toBe(403);
    }
    expect(await countOf(t.db, 'orders')).toBe(before + 1);
  });

  it('refuses a crop or grade not listed (or unpublished), a line below the minimum, no lines or too many; nothing written', async () => {
    const [listed, unlisted, hidden] = [await newCrop(), await newCrop(), await newCrop()];
    await makeListing(t.db.db, listed, { min_order_kg: '10' });
    await makeListing(t.db.db, hidden, { published: false });
    const before = await snapshotOf(t.db, ['orders', 'order_lines']);
    const cases: [Rec[], string, string][] = [
      [[line(unlisted, 50)], 'lines.0.crop_id', 'not_listed'],
      [[line(hidden, 50)], 'lines.0.crop_id', 'not_listed'],
      [[line(listed, 50), line(listed, 50, 'premium')], 'lines.1.crop_id', 'not_listed'],
      [[line(listed, '9.99')], 'lines.0.quantity_kg', 'below_minimum'],
      [[line(listed, 50), line(listed, 5)], 'lines.1.quantity_kg', 'below_minimum'],
    ];
    for (const [lines, field, code] of cases) {
      for (const token of [buyer, sales]) {
        const r = await order(token, { buyer_id: token === sales ? portBuyerId : undefined, lines });
        expect(r.statusCode, `${field} ${r.body}`).toBe(400);
        expect(fieldCode(r, field)?.code, r.body).toBe(code);
        if (code === 'below_minimum') expect(dec(fieldCode(r, field)?.params?.minimum)).toBe('10');
      }
    }
    for (const lines of [[], Array.from({ length: 51 }, () => line(listed, 10)), [{ crop_id: listed.id, grade: 'first', quantity_kg: '-10' }]]) {
      const r = await order(buyer, { lines });
      expect(r.statusCode, r.body).toBe(400);
    }
    // A price sent with a line is not the buyer's to set: refused, or replaced by the listing's.
    const priced = await order(buyer, { lines: [{ ...line(listed, 10), price_per_kg: '-1' }] });
    if (priced.statusCode === 201) {
      expect(dec(priced.json().lines[0].price_per_kg)).toBe('5');
      await q(sql`DELETE FROM order_lines WHERE order_id = ${priced.json().id}`);
      await q(sql`DELETE FROM orders WHERE id = ${priced.json().id}`);
    } else expect(priced.statusCode, priced.body).toBe(400);
    expect(await snapshotOf(t.db, ['orders', 'order_lines'])).toEqual(before);
  });

  it('an Idempotency-Key replay gives the same order and one row; another body under the key is 422', async () => {
    const crop = await newCrop();
    await makeListing(t.db.db, crop);
    const key = `order-${crop.id}`;
    const body = { reference: `IDEM-${crop.id}`, lines: [line(crop, 30)] };
    const first = await order(buyer, body, { 'idempotency-key': key });
    expect(first.statusCode, first.body).toBe(201);
    const again = await order(buyer, body, { 'idempotency-key': key });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(await countOf(t.db, 'orders', sql`reference = ${body.reference}`)).toBe(1);
    expect(await countOf(t.db, 'order_lines', sql`crop_id = ${crop.id}`)).toBe(1);
    const other = await order(buyer, { ...body, lines: [line(crop, 40)] }, { 'idempotency-key': key });
    expect(other.statusCode, other.body).toBe(422);
    expect(await countOf(t.db, 'orders', sql`reference = ${body.reference}`)).toBe(1);
  });

  it('a buyer sees only their own orders, lines and payments, and no listings, allocations, intake prices or households', async () => {
    const crop = await newCrop();
    await makeListing(t.db.db, crop);
    const otherBuyer = await makeBuyer(t.db.db, unionId);
    const { user: otherUser } = await makeUser(t.db.db, { role: 'buyer', buyer: otherBuyer, password: DEMO_PASSWORD });
    const other = await t.tokenOf(otherUser.username);
    const mine = (await order(buyer, { lines: [line(crop, 20)] })).json();
    const theirs = await order(other, { lines: [line(crop, 30)] });
    expect(theirs.statusCode, theirs.body).toBe(201);
    expect(theirs.json().buyer_id).toBe(otherBuyer.id);
    const tid = theirs.json().id;

    expect((await api(buyer, 'GET', `/api/orders/${tid}`)).statusCode).toBe(404);
    expect((await api(other, 'GET', `/api/orders/${mine.id}`)).statusCode).toBe(404);
    const list = await api(buyer, 'GET', listUrl('orders', { range: [0, 999] }));
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().length).toBeGreaterThan(0);
    expect(list.json().every((o: Rec) => o.buyer_id === portBuyerId)).toBe(true);
    expect(list.json().map((o: Rec) => o.id)).toContain(mine.id);
    const theirLines = await api(buyer, 'GET', listUrl('order-lines', { filter: { order_id: tid } }));
    expect(theirLines.statusCode, theirLines.body).toBe(200);
    expect(theirLines.json()).toEqual([]);
    const myLines = await api(buyer, 'GET', listUrl('order-lines', { filter: { order_id: mine.id } }));
    expect(myLines.json().map((l: Rec) => [l.order_id, l.buyer_id])).toEqual([[mine.id, portBuyerId]]);

    // Staff confirm and take a payment on theirs: the port buyer still sees none of it.
    expect((await verb(tid, 'confirm')).statusCode).toBe(200);
    const pay = await api(sales, 'POST', '/api/payments', { order_id: tid, amount: '10', paid_on: today(), method: 'cash' });
    expect(pay.statusCode, pay.body).toBe(201);
    expect((await api(buyer, 'GET', `/api/payments/${pay.json().id}`)).statusCode).toBe(404);
    expect((await api(other, 'GET', `/api/payments/${pay.json().id}`)).statusCode).toBe(200);
    const payments = await api(buyer, 'GET', listUrl('payments', { range: [0, 999] }));
    expect(payments.statusCode, payments.body).toBe(200);
    expect(payments.json().map((p: Rec) => p.id)).not.toContain(pay.json().id);

    // A buyer acts on nobody else's order, and names no other buyer.
    const before = await snapshotOf(t.db, ['orders', 'order_lines', 'allocations', 'payments']);
    expect([403, 404]).toContain((await verb(tid, 'cancel', buyer)).statusCode);
    expect([403, 404]).toContain((await verb(mine.id, 'confirm', buyer)).statusCode);
    expect([403, 404]).toContain((await verb(mine.id, 'allocate', buyer)).statusCode);
    expect((await api(buyer, 'POST', '/api/payments', { order_id: mine.id, amount: '1', paid_on: today(), method: 'cash' })).statusCode).toBe(403);
    expect(await snapshotOf(t.db, ['orders', 'order_lines', 'allocations', 'payments'])).toEqual(before);
    const named = await order(buyer, { buyer_id: otherBuyer.id, lines: [line(crop, 20)] });
    if (named.statusCode === 201) expect(named.json().buyer_id).toBe(portBuyerId);
    else expect([400, 403], named.body).toContain(named.statusCode);
    expect(await countOf(t.db, 'orders', sql`buyer_id = ${otherBuyer.id}`)).toBe(1);

    for (const url of ['/api/listings', '/api/allocations', '/api/harvest-lots', '/api/households', '/api/people', '/api/stock']) {
      expect((await api(buyer, 'GET', url)).statusCode, url).toBe(403);
    }
  });
});

// ---- the lifecycle -----------------------------------------------------------------------

describe('confirm, allocate, cancel', () => {
  it('submitted → confirmed → allocated → cancelled; a verb from the wrong status is 409 INVALID_STATE and writes nothing', async () => {
    const crop = await newCrop();
    const listing = await makeListing(t.db.db, crop);
    const w = await room();
    const lot = await stockIn(crop, w, 100);
    const o = (await order(buyer, { lines: [line(crop, 30)] })).json();

    let before = await snapshotOf(t.db, SALES_TABLES);
    expect((await verb(o.id, 'confirm', buyer)).statusCode).toBe(403);
    expectInvalidState(await verb(o.id, 'allocate'), 'submitted');
    expect(await snapshotOf(t.db, SALES_TABLES)).toEqual(before);

    const confirm = await verb(o.id, 'confirm');
    expect(confirm.statusCode, confirm.body).toBe(200);
    expect((await orderRow(o.id)).status).toBe('confirmed');
    before = await snapshotOf(t.db, SALES_TABLES);
    expectInvalidState(await verb(o.id, 'confirm', admin), 'confirmed');
    // A buyer cancels their own order only while it is submitted.
    expect([403, 409]).toContain((await verb(o.id, 'cancel', buyer)).statusCode);
    expect(await snapshotOf(t.db, SALES_TABLES)).toEqual(before);

    const alloc = await verb(o.id, 'allocate');
    expect(alloc.statusCode, alloc.body).toBe(200);
    expect(alloc.json().order).toMatchObject({ id: o.id, status: 'allocated' });
    expect(alloc.json().lines.map((l: Rec) => [dec(l.quantity_kg), dec(l.allocated_kg), dec(l.short_kg)])).toEqual([['30', '30', '0']]);
    expect((await orderRow(o.id)).status).toBe('allocated');
    expect(await stockRow(lot.id)).toEqual({ qty: '100', allocated: '30' });
    expect(await available(listing)).toBe('70');
    expectInvalidState(await verb(o.id, 'confirm'), 'allocated');

    const cancel = await verb(o.id, 'cancel');
    expect(cancel.statusCode, cancel.body).toBe(200);
    expect((await orderRow(o.id)).status).toBe('cancelled');
    expect(await activeAllocations(o.id)).toEqual([]);
    expect(await countOf(t.db, 'allocations', sql`order_id = ${o.id} AND released`)).toBe(1);
    expect(await stockRow(lot.id)).toEqual({ qty: '100', allocated: '0' });
    expect(await available(listing)).toBe('100');
    expect(dec((await q(sql`SELECT allocated_kg::text AS kg FROM order_lines WHERE order_id = ${o.id}`))[0].kg)).toBe('0');

    before = await snapshotOf(t.db, SALES_TABLES);
    expectInvalidState(await verb(o.id, 'allocate'), 'cancelled');
    expectInvalidState(await verb(o.id, 'confirm'), 'cancelled');
    expectInvalidState(await verb(o.id, 'cancel'), 'cancelled');
    expect(await snapshotOf(t.db, SALES_TABLES)).toEqual(before);

    // The buyer cancels their own submitted order.
    const own = (await order(buyer, { lines: [line(crop, 15)] })).json();
    const mine = await verb(own.id, 'cancel', buyer);
    expect(mine.statusCode, mine.body).toBe(200);
    expect((await orderRow(own.id)).status).toBe('cancelled');
    await expectAllocationsConsistent();
  });

  it('allocates first-expiry-first-out across rooms and villages, line by line, partially, never more than is free', async () => {
    const [bean, leek] = [await newCrop(), await newCrop()];
    const lb = await makeListing(t.db.db, bean, { min_order_kg: '1' });
    await makeListing(t.db.db, leek, { min_order_kg: '1' });
    const [a1, a2, b1] = [await room(), await room(), await room(coopQY)];
    const x = await stockIn(bean, a1, 100, { expires: 8 });
    const y = await stockIn(bean, b1, 80, { expires: 4 });
    const z = await stockIn(bean, a2, 50, { expires: 6 });
    await stockIn(bean, a1, 500, { expires: 2, residue: 'untested' });
    await stockIn(bean, b1, 300, { expires: 3, residue: 'fail' });
    await stockIn(bean, a2, 400, { expires: -1 });
    await stockIn(bean, a2, 400, { expires: 1, grade: 'second' });
    const k = await stockIn(leek, b1, 20, { expires: 7 });
    expect(await available(lb)).toBe('230');

    const o1 = await confirmedOrder([line(bean, 200), line(leek, 50)]);
    const r1 = await verb(o1.id, 'allocate');
    expect(r1.statusCode, r1.body).toBe(200);
    expect(r1.json().order).toMatchObject({ id: o1.id, status: 'allocated' });
    const [l1, l2] = r1.json().lines;
    expect([l1.order_line_id, l2.order_line_id]).toEqual(o1.lines.map((l: Rec) => l.id));
    expect([dec(l1.quantity_kg), dec(l1.allocated_kg), dec(l1.short_kg)]).toEqual(['200', '200', '0']);
    expect([dec(l2.quantity_kg), dec(l2.allocated_kg), dec(l2.short_kg)]).toEqual(['50', '20', '30']);
    const fefo = [...l1.allocations].sort((p: Rec, r: Rec) => p.expires_on.localeCompare(r.expires_on));
    expect(fefo.map((al: Rec) => [al.lot_id, al.lot_code, al.warehouse_id, dec(al.quantity_kg), al.expires_on])).toEqual([
      [y.id, y.code, b1.id, '80', day(4)],
      [z.id, z.code, a2.id, '50', day(6)],
      [x.id, x.code, a1.id, '70', day(8)],
    ]);
    expect(l2.allocations.map((al: Rec) => [al.lot_id, dec(al.quantity_kg)])).toEqual([[k.id, '20']]);
    expect((await activeAllocations(o1.id)).map((al) => [al.lot_id, al.village_id, dec(al.kg)])).toEqual(
      [[x.id, cj.id, '70'], [y.id, qy.id, '80'], [z.id, cj.id, '50'], [k.id, qy.id, '20']].sort((p, r) => Number(p[0]) - Number(r[0])),
    );
    // Staff read the allocations, filtered by order; buyers do not.
    const read = await api(sales, 'GET', listUrl('allocations', { filter: { order_id: o1.id }, range: [0, 99] }));
    expect(read.statusCode, read.body).toBe(200);
    expect(read.json().map((al: Rec) => [al.order_id, al.buyer_id, al.lot_id, al.warehouse_id, al.village_id, dec(al.quantity_kg), al.released])
      .sort((p: unknown[], r: unknown[]) => Number(p[2]) - Number(r[2]))).toEqual(
      [[x.id, a1.id, cj.id, '70'], [y.id, b1.id, qy.id, '80'], [z.id, a2.id, cj.id, '50'], [k.id, b1.id, qy.id, '20']]
        .sort((p, r) => Number(p[0]) - Number(r[0])).map(([lot, w, v, kg]) => [o1.id, portBuyerId, lot, w, v, kg, false]),
    );
    expect((await api(buyer, 'GET', listUrl('allocations', { filter: { order_id: o1.id } }))).statusCode).toBe(403);
    expect(await stockRow(x.id)).toEqual({ qty: '100', allocated: '70' });
    expect(await stockRow(y.id)).toEqual({ qty: '80', allocated: '80' });
    expect(await stockRow(z.id)).toEqual({ qty: '50', allocated: '50' });
    expect(await available(lb)).toBe('30');
    const lineRows = await q(sql`SELECT allocated_kg::text AS kg FROM order_lines WHERE order_id = ${o1.id} ORDER BY id`);
    expect(lineRows.map((l) => dec(l.kg))).toEqual(['200', '20']);

    // The next order takes the 30 kg left; a third finds nothing free and stays confirmed.
    const o2 = await confirmedOrder([line(bean, 150)]);
    const r2 = (await verb(o2.id, 'allocate')).json();
    expect(r2.order.status).toBe('allocated');
    expect(r2.lines.map((l: Rec) => [dec(l.allocated_kg), dec(l.short_kg)])).toEqual([['30', '120']]);
    expect(await stockRow(x.id)).toEqual({ qty: '100', allocated: '100' });
    const o3 = await confirmedOrder([line(bean, 10)]);
    const before = await snapshotOf(t.db, SALES_TABLES);
    const r3 = await verb(o3.id, 'allocate');
    expect(r3.statusCode, r3.body).toBe(200);
    expect(r3.json().order.status).toBe('confirmed');
    expect(r3.json().lines.map((l: Rec) => [dec(l.allocated_kg), dec(l.short_kg), l.allocations.length])).toEqual([['0', '10', 0]]);
    expect((await orderRow(o3.id)).status).toBe('confirmed');
    const after = await snapshotOf(t.db, SALES_TABLES);
    expect({ ...after, orders: undefined }).toEqual({ ...before, orders: undefined });
    expect(await available(lb)).toBe('0');

    // Fresh stock arrives: allocating again tops up what is still short, in order.
    const v = await stockIn(bean, b1, 200, { expires: 9 });
    const again = await verb(o2.id, 'allocate');
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().lines.map((l: Rec) => [dec(l.allocated_kg), dec(l.short_kg)])).toEqual([['150', '0']]);
    expect((await activeAllocations(o2.id)).map((al) => [al.lot_id, dec(al.kg)])).toEqual([[x.id, '30'], [v.id, '120']]);
    const r3b = (await verb(o3.id, 'allocate')).json();
    expect(r3b.order.status).toBe('allocated');
    expect(r3b.lines.map((l: Rec) => [dec(l.allocated_kg), dec(l.short_kg)])).toEqual([['10', '0']]);
    expect(await stockRow(v.id)).toEqual({ qty: '200', allocated: '130' });
    expect(await available(lb)).toBe('70');
    // Nothing promised twice: every stock row's promises fit in it.
    const over = await q(sql`SELECT s.lot_id FROM stock s WHERE s.crop_id IN (${bean.id}, ${leek.id})
      AND (SELECT coalesce(sum(quantity_kg), 0) FROM allocations a WHERE a.lot_id = s.lot_id AND a.warehouse_id = s.warehouse_id AND NOT a.released) > s.quantity_kg`);
    expect(over).toEqual([]);
    // Unpassed, failed, expired and other-grade stock was never touched.
    expect(await countOf(t.db, 'allocations', sql`lot_id NOT IN (${x.id}, ${y.id}, ${z.id}, ${k.id}, ${v.id}) AND order_id IN (${o1.id}, ${o2.id}, ${o3.id})`)).toBe(0);
    await expectAllocationsConsistent();
  });

  it('allocated stock stays in its room: a loss, transfer or count below it is 409 INSUFFICIENT_STOCK with available = free', async () => {
    const crop = await newCrop();
    const listing = await makeListing(t.db.db, crop, { min_order_kg: '1' });
    const [a, b] = [await room(), await room()];
    const hall = await room(coopCJ, { kind: 'processing_hall', temperature_zone: 'ambient' });
    const lot = await stockIn(crop, a, 100);
    const o = await confirmedOrder([line(crop, 70)]);
    expect((await verb(o.id, 'allocate')).statusCode).toBe(200);

    const move = (body: Rec) => api(admin, 'POST', '/api/stock-movements', { lot_id: lot.id, ...body });
    const before = await snapshotOf(t.db, ['stock_movements', 'stock', 'warehouses', 'allocations']);
    for (const body of [
      { kind: 'loss', from_warehouse_id: a.id, quantity_kg: '40', reason: '腐烂' },
      { kind: 'transfer', from_warehouse_id: a.id, to_warehouse_id: b.id, quantity_kg: '31' },
    ]) {
      const r = await move(body);
      expect(r.statusCode, r.body).toBe(409);
      expect(r.json().code).toBe('INSUFFICIENT_STOCK');
      expect(dec(fieldCode(r, 'quantity_kg')?.params?.available), r.body).toBe('30');
    }
    const count = await move({ kind: 'adjust', warehouse_id: a.id, counted_kg: '60', reason: '盘点' });
    expect(count.statusCode, count.body).toBe(409);
    expect(count.json().code).toBe('INSUFFICIENT_STOCK');
    // Nor as a processing run's input.
    const lotsBefore = await countOf(t.db, 'harvest_lots');
    const runsBefore = await countOf(t.db, 'processing_runs');
    const run = await api(admin, 'POST', '/api/processing-runs', {
      kind: 'grading', run_on: today(), warehouse_id: hall.id,
      inputs: [{ lot_id: lot.id, warehouse_id: a.id, quantity_kg: '40' }], outputs: [{ grade: 'premium', quantity_kg: '35', warehouse_id: b.id }],
    });
    expect(run.statusCode, run.body).toBe(409);
    expect(run.json().code).toBe('INSUFFICIENT_STOCK');
    expect(dec(fieldCode(run, 'inputs.0.quantity_kg')?.params?.available), run.body).toBe('30');
    expect(await countOf(t.db, 'harvest_lots')).toBe(lotsBefore);
    expect(await countOf(t.db, 'processing_runs')).toBe(runsBefore);
    expect(await snapshotOf(t.db, ['stock_movements', 'stock', 'warehouses', 'allocations'])).toEqual(before);

    // The free 30 kg may go; then nothing more.
    expect((await move({ kind: 'loss', from_warehouse_id: a.id, quantity_kg: '30', reason: '腐烂' })).statusCode).toBe(201);
    expect(await stockRow(lot.id)).toEqual({ qty: '70', allocated: '70' });
    const none = await move({ kind: 'transfer', from_warehouse_id: a.id, to_warehouse_id: b.id, quantity_kg: '1' });
    expect(none.statusCode, none.body).toBe(409);
    expect(dec(fieldCode(none, 'quantity_kg')?.params?.available)).toBe('0');
    expect(await available(listing)).toBe('0');

    // Cancelling frees them: on offer again, and free to move.
    expect((await verb(o.id, 'cancel')).statusCode).toBe(200);
    expect(await stockRow(lot.id)).toEqual({ qty: '70', allocated: '0' });
    expect(await available(listing)).toBe('70');
    const moved = await move({ kind: 'transfer', from_warehouse_id: a.id, to_warehouse_id: b.id, quantity_kg: '70' });
    expect(moved.statusCode, moved.body).toBe(201);
    expect(await available(listing)).toBe('70');
    await expectAllocationsConsistent();
  });
});

// ---- payments ----------------------------------------------------------------------------

describe('payments', () => {
  it('update the balance and payment status; more than the balance is 400; a cancelled order 409; append-only; idempotent', async () => {
    const crop = await newCrop();
    await makeListing(t.db.db, crop, { price_per_kg: '5.00', min_order_kg: '1' });
    const o = await confirmedOrder([line(crop, 20)]);
    expect(dec(o.total_amount)).toBe('100');
    const pay = (body: Rec, token = sales, headers?: Record<string, string>) =>
      api(token, 'POST', '/api/payments', { order_id: o.id, paid_on: today(), method: 'bank_transfer', ...body }, headers);

    const first = await pay({ amount: '30', reference: 'TX-1' });
    expect(first.statusCode, first.body).toBe(201);
    expect(first.json()).toMatchObject({ order_id: o.id, buyer_id: portBuyerId, paid_on: today(), method: 'bank_transfer', reference: 'TX-1' });
    expect(dec(first.json().amount)).toBe('30');
    expect((await orderRow(o.id)).paid).toBe('30.00');
    expect((await api(buyer, 'GET', `/api/orders/${o.id}`)).json()).toMatchObject({ payment_status: 'partial' });

    const snap = () => snapshotOf(t.db, ['payments', 'orders']);
    let before = await snap();
    const tooBig = await pay({ amount: '70.01' });
    expect(tooBig.statusCode, tooBig.body).toBe(400);
    expect(fieldCode(tooBig, 'amount')?.code).toBe('too_big');
    expect(dec(fieldCode(tooBig, 'amount')?.params?.maximum)).toBe('70');
    for (const body of [{ amount: '0' }, { amount: '-5' }, { amount: '10', paid_on: day(1) }, { amount: '10', method: 'cheque' }]) {
      const r = await pay(body);
      expect(r.statusCode, `${JSON.stringify(body)} ${r.body}`).toBe(400);
    }
    expect((await pay({ amount: '10' }, buyer)).statusCode).toBe(403);
    expect(await snap()).toEqual(before);

    const key = `pay-${o.id}`;
    const rest = await pay({ amount: '70', method: 'cash' }, admin, { 'idempotency-key': key });
    expect(rest.statusCode, rest.body).toBe(201);
    const replay = await pay({ amount: '70', method: 'cash' }, admin, { 'idempotency-key': key });
    expect(replay.statusCode, replay.body).toBe(201);
    expect(replay.json()).toEqual(rest.json());
    expect(await countOf(t.db, 'payments', sql`order_id = ${o.id}`)).toBe(2);
    expect((await orderRow(o.id)).paid).toBe('100.00');
    expect((await api(sales, 'GET', `/api/orders/${o.id}`)).json()).toMatchObject({ payment_status: 'paid' });
    const more = await pay({ amount: '0.01' });
    expect(more.statusCode, more.body).toBe(400);
    expect(dec(fieldCode(more, 'amount')?.params?.maximum)).toBe('0');

    // Append-only.
    before = await snap();
    expect((await api(admin, 'PUT', `/api/payments/${first.json().id}`, { amount: '1' })).statusCode).toBe(405);
    expect((await api(admin, 'DELETE', `/api/payments/${first.json().id}`)).statusCode).toBe(405);
    expect(await snap()).toEqual(before);
    // The buyer reads their own.
    const mine = await api(buyer, 'GET', `/api/payments/${first.json().id}`);
    expect(mine.statusCode, mine.body).toBe(200);
    expect(mine.json().order_id).toBe(o.id);

    // A cancelled order takes no payment.
    const c = await confirmedOrder([line(crop, 10)]);
    expect((await verb(c.id, 'cancel')).statusCode).toBe(200);
    before = await snap();
    expectInvalidState(await api(sales, 'POST', '/api/payments', { order_id: c.id, amount: '10', paid_on: today(), method: 'cash' }), 'cancelled');
    expect(await snap()).toEqual(before);
  });
});

// ---- after everything --------------------------------------------------------------------

describe('supply availability', () => {
  it('equals the free kilograms of passed, unexpired stock, row by row, in the table, its changes and the API', async () => {
    // Expires in the past: a fresh lot that expired, to make sure it is kept out.
    const crop = await newCrop();
    const listing = await makeListing(t.db.db, crop, { min_order_kg: '1' });
    const w = await room(coopQY);
    await stockIn(crop, w, 120, { expires: 3 });
    await stockIn(crop, w, 30, { expires: -3 });
    const o = await confirmedOrder([line(crop, 45)]);
    expect((await verb(o.id, 'allocate')).statusCode).toBe(200);
    expect(await available(listing)).toBe('75');

    const kept = await q(sql`
      SELECT crop_id, grade::text AS grade, expires_on::text AS expires_on, village_id, sum(kg)::numeric(14,2)::text AS kg FROM (
        SELECT crop_id, grade, expires_on, village_id, free_kg AS kg FROM supply_stock WHERE union_id = ${unionId}
        UNION ALL
        SELECT crop_id, grade, expires_on, village_id, delta_kg FROM supply_stock_changes WHERE union_id = ${unionId}
      ) x WHERE expires_on >= ${today()}::date GROUP BY 1, 2, 3, 4 HAVING sum(kg) <> 0 ORDER BY 1, 2, 3, 4`);
    const summed = await q(sql`
      SELECT s.crop_id, s.grade::text AS grade, s.expires_on::text AS expires_on, s.village_id, sum(s.quantity_kg - s.allocated_kg)::numeric(14,2)::text AS kg
      FROM stock s JOIN harvest_lots l ON l.id = s.lot_id AND l.residue_status = 'pass'
      WHERE s.union_id = ${unionId} AND s.expires_on >= ${today()}::date
      GROUP BY 1, 2, 3, 4 HAVING sum(s.quantity_kg - s.allocated_kg) <> 0 ORDER BY 1, 2, 3, 4`);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept).toEqual(summed);
    // Never below zero anywhere, expired or not.
    const negative = await q(sql`SELECT crop_id, grade, expires_on, village_id FROM (
        SELECT crop_id, grade, expires_on, village_id, free_kg AS kg FROM supply_stock
        UNION ALL SELECT crop_id, grade, expires_on, village_id, delta_kg FROM supply_stock_changes) x
      GROUP BY 1, 2, 3, 4 HAVING sum(kg) < 0`);
    expect(negative).toEqual([]);

    // The API says the same for every published listing.
    const byKey = new Map<string, number>();
    for (const r of summed) byKey.set(`${r.crop_id}/${r.grade}`, (byKey.get(`${r.crop_id}/${r.grade}`) ?? 0) + Math.round(Number(r.kg) * 100));
    const listed = await api(sales, 'GET', listUrl('supply-listings', { range: [0, 999] }));
    expect(listed.statusCode, listed.body).toBe(200);
    expect(listed.json().length).toBeGreaterThan(3);
    for (const s of listed.json()) {
      expect(Math.round(Number(s.available_kg) * 100), `${s.crop_id}/${s.grade}`).toBe(byKey.get(`${s.crop_id}/${s.grade}`) ?? 0);
    }
    await expectAllocationsConsistent();

    // Folded (as the job does every 10 s), whatever the sign of each key's changes: nothing
    // left to fold, and the same availability, from supply_stock alone.
    const folded = await foldSupplyChanges(t.db.db);
    expect(folded).toBeGreaterThan(0);
    expect(await q(sql`SELECT count(*)::int AS n FROM supply_stock_changes`)).toEqual([{ n: 0 }]);
    const after = await q(sql`
      SELECT crop_id, grade::text AS grade, expires_on::text AS expires_on, village_id, free_kg::numeric(14,2)::text AS kg FROM supply_stock
      WHERE union_id = ${unionId} AND expires_on >= ${today()}::date AND free_kg <> 0 ORDER BY 1, 2, 3, 4`);
    expect(after).toEqual(summed);
    const relisted = await api(sales, 'GET', listUrl('supply-listings', { range: [0, 999] }));
    expect(relisted.json().map((x: Rec) => x.available_kg)).toEqual(listed.json().map((x: Rec) => x.available_kg));
    // Taken again after the fold: that key's only change is negative, and folds too.
    const more = await confirmedOrder([line(crop, 25)]);
    expect((await verb(more.id, 'allocate')).statusCode).toBe(200);
    expect(await foldSupplyChanges(t.db.db)).toBeGreaterThan(0);
    expect(await available(listing)).toBe('50');
  });
});
