import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, listUrl, totalOf, type TestContext } from './helpers/app';
import {
  makeCrop, makeHousehold, makeLot, makePlanting, makePlot, makeWarehouse, type Cooperative, type Crop, type HarvestLot, type Planting,
  type Village, type Warehouse,
} from './helpers/factories';
import { apiOf, compact, countOf, day, dec, fieldCode, rows, snapshotOf, today, type Api, type Rec } from './helpers/issue7';

// Issue 7, storage: rooms and their temperatures, the stock ledger and its balances (checked
// against the ledger in the database), FEFO stock, the residue rule and processing runs.

let t: TestContext;
let api: Api;
let admin: string;
let manager: string;
let cadre: string;
let member: string;
let unionId: number;
let cj: Village;
let qy: Village;
let coopCJ: Cooperative;
let coopQY: Cooperative;
let crop: Crop; // cool zone, 10 days
let tender: Crop; // chill-sensitive
let plantingCJ: Planting;
let tenderPlanting: Planting;

const q = <T = Rec>(query: ReturnType<typeof sql>) => rows<T>(t.db, query);
const LEDGER = ['stock_movements', 'stock', 'warehouses', 'harvest_lots', 'processing_runs', 'lot_parents'];

beforeAll(async () => {
  t = await createTestApp();
  api = apiOf(t.app);
  [admin, manager, cadre, member] = await Promise.all(['admin', 'manager.changjiang', 'cadre.changjiang', 'member.changjiang'].map((u) => t.tokenOf(u)));
  [{ union_id: unionId }] = await q<{ union_id: number }>(sql`SELECT union_id FROM users WHERE username = 'admin'`);
  [cj] = await q<Village>(sql`SELECT * FROM villages WHERE union_id = ${unionId} AND code = 'CJ'`);
  [qy] = await q<Village>(sql`SELECT * FROM villages WHERE union_id = ${unionId} AND code = 'QY'`);
  [coopCJ] = await q<Cooperative>(sql`SELECT * FROM cooperatives WHERE village_id = ${cj.id}`);
  [coopQY] = await q<Cooperative>(sql`SELECT * FROM cooperatives WHERE village_id = ${qy.id}`);
  crop = await makeCrop(t.db.db, unionId, { shelf_life_days: 10, storage_zone: 'cool' });
  tender = await makeCrop(t.db.db, unionId, { shelf_life_days: 7, storage_zone: 'cool', chill_sensitive: true, category: 'cucurbit' });
  const plot = await makePlot(t.db.db, await makeHousehold(t.db.db, cj), { area_mu: '9.00' });
  plantingCJ = await makePlanting(t.db.db, plot, crop, { planted_on: day(-60) });
  tenderPlanting = await makePlanting(t.db.db, plot, tender, { planted_on: day(-60) });
});
afterAll(() => t?.close());

const room = (overrides: Parameters<typeof makeWarehouse>[2] = {}, coop = coopCJ) => makeWarehouse(t.db.db, coop, overrides);
const lot = (overrides: Parameters<typeof makeLot>[3] = {}, p = plantingCJ, c = crop) => makeLot(t.db.db, p, c, { harvested_on: day(-1), ...overrides });
const move = (body: Rec, token = manager, headers?: Record<string, string>) => api(token, 'POST', '/api/stock-movements', body, headers);
const receive = (l: HarvestLot, w: Warehouse, kg: string | number, token = manager) => move({ kind: 'receive', lot_id: l.id, to_warehouse_id: w.id, quantity_kg: kg }, token);

async function balance(lotId: number, warehouseId: number): Promise<string | null> {
  const [r] = await q(sql`SELECT quantity_kg FROM stock WHERE lot_id = ${lotId} AND warehouse_id = ${warehouseId}`);
  return r ? dec(r.quantity_kg) : null;
}
const stockKg = async (w: Warehouse) => dec((await q(sql`SELECT stock_kg FROM warehouses WHERE id = ${w.id}`))[0].stock_kg);

/** The ledger's sum per (lot, room): kilograms in minus kilograms out, whatever the kind. */
async function ledgerSums(): Promise<Map<string, string>> {
  const sums = await q(sql`
    SELECT lot_id, warehouse_id, sum(kg)::numeric(14,2)::text AS kg FROM (
      SELECT lot_id, to_warehouse_id AS warehouse_id, quantity_kg AS kg FROM stock_movements WHERE to_warehouse_id IS NOT NULL
      UNION ALL
      SELECT lot_id, from_warehouse_id, -quantity_kg FROM stock_movements WHERE from_warehouse_id IS NOT NULL
    ) m GROUP BY lot_id, warehouse_id`);
  return new Map(sums.filter((s) => Number(s.kg) !== 0).map((s) => [`${s.lot_id}/${s.warehouse_id}`, dec(s.kg)]));
}

/** Every stock row equals its ledger sum (and no ledger sum lacks a row); every room's stock_kg is its rows' sum. */
async function expectLedgerConsistent() {
  const stockRows = await q(sql`SELECT lot_id, warehouse_id, quantity_kg::text AS kg FROM stock`);
  expect(stockRows.every((s) => Number(s.kg) > 0)).toBe(true);
  expect(new Map(stockRows.map((s) => [`${s.lot_id}/${s.warehouse_id}`, dec(s.kg)]))).toEqual(await ledgerSums());
  const rooms = await q(sql`SELECT w.id, w.stock_kg::text AS stock_kg, coalesce((SELECT sum(quantity_kg) FROM stock s WHERE s.warehouse_id = w.id), 0)::text AS summed,
    w.capacity_kg::text AS capacity FROM warehouses w`);
  for (const r of rooms) {
    expect(dec(r.stock_kg), `room ${r.id}`).toBe(dec(r.summed));
    expect(Number(r.stock_kg)).toBeLessThanOrEqual(Number(r.capacity));
  }
  // A lot's received_kg is what the ledger received of it, less the receives reversed.
  const lots = await q(sql`SELECT l.id, l.received_kg::text AS received, l.quantity_kg::text AS kg,
    coalesce((SELECT sum(m.quantity_kg) FROM stock_movements m WHERE m.lot_id = l.id AND m.kind = 'receive'
      AND NOT EXISTS (SELECT 1 FROM stock_movements r WHERE r.reverses_id = m.id)), 0)::text AS ledger
    FROM harvest_lots l WHERE l.source = 'harvest' AND EXISTS (SELECT 1 FROM stock_movements m WHERE m.lot_id = l.id)`);
  for (const l of lots) {
    expect(dec(l.received), `lot ${l.id}`).toBe(dec(l.ledger));
    expect(Number(l.received)).toBeLessThanOrEqual(Number(l.kg));
  }
}

describe('warehouses', () => {
  it('take their village from the cooperative; capacity and zone are checked; stock_kg is derived', async () => {
    const body = { cooperative_id: coopCJ.id, code: 'CJ-COLD-T1', name: '一号冷库', kind: 'cold_room', temperature_zone: 'chilled', capacity_kg: '5000' };
    const r = await api(manager, 'POST', '/api/warehouses', body);
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ village_id: cj.id, cooperative_id: coopCJ.id, capacity_kg: '5000.00', last_temperature_c: null });
    expect(dec(r.json().stock_kg)).toBe('0');
    const read = (await api(manager, 'GET', `/api/warehouses/${r.json().id}`)).json();
    expect(read).toMatchObject({ zone_min_c: 0, zone_max_c: 2 });
    expect(dec(read.free_kg)).toBe('5000');
    const [row] = await q(sql`SELECT village_id, stock_kg FROM warehouses WHERE id = ${r.json().id}`);
    expect(row.village_id).toBe(cj.id);

    const before = await countOf(t.db, 'warehouses');
    const bad: [Rec, string][] = [
      [{ capacity_kg: '0' }, 'capacity_kg'],
      [{ capacity_kg: '-10' }, 'capacity_kg'],
      [{ kind: 'cold_room', temperature_zone: 'ambient' }, 'temperature_zone'],
      [{ kind: 'processing_hall', temperature_zone: 'cool' }, 'temperature_zone'],
      [{ stock_kg: '100' }, 'stock_kg'],
    ];
    for (const [change, field] of bad) {
      const b = await api(manager, 'POST', '/api/warehouses', { ...body, code: 'CJ-BAD', ...change });
      expect(b.statusCode, `${JSON.stringify(change)} ${b.body}`).toBe(400);
      expect(b.json().errors, JSON.stringify(change)).toHaveProperty(field);
    }
    const other = await api(manager, 'POST', '/api/warehouses', { ...body, code: 'QY-BAD', cooperative_id: coopQY.id });
    expect([400, 403]).toContain(other.statusCode);
    expect(await countOf(t.db, 'warehouses')).toBe(before);
    // Managers create and update, never delete; members see nothing.
    expect((await api(manager, 'DELETE', `/api/warehouses/${r.json().id}`)).statusCode).toBe(403);
    expect((await api(member, 'GET', `/api/warehouses/${r.json().id}`)).statusCode).toBe(403);
    const upd = await api(manager, 'PUT', `/api/warehouses/${r.json().id}`, { capacity_kg: '6000', version: r.json().version });
    expect(upd.statusCode, upd.body).toBe(200);
    expect(upd.json().capacity_kg).toBe('6000.00');
  });

  it('the create response carries the read-time fields, as a read does', async () => {
    const r = await api(manager, 'POST', '/api/warehouses', { cooperative_id: coopCJ.id, code: 'CJ-COOL-T2', name: '二号冷库', kind: 'cold_room', temperature_zone: 'cool', capacity_kg: '800' });
    expect(r.statusCode, r.body).toBe(201);
    const read = await api(manager, 'GET', `/api/warehouses/${r.json().id}`);
    expect(r.json()).toEqual(read.json());
    expect(r.json()).toMatchObject({ free_kg: '800.00', zone_min_c: 7, zone_max_c: 10 });
  });

  it('keeps its cooperative, and its kind and zone while it holds stock', async () => {
    const w = await room({ temperature_zone: 'cool' });
    const l = await lot();
    expect((await receive(l, w, 40)).statusCode).toBe(201);
    const current = (await api(manager, 'GET', `/api/warehouses/${w.id}`)).json();
    const before = await snapshotOf(t.db, ['warehouses', 'stock']);
    // A cool room made chilled would hold chill-sensitive produce at 0–2 °C.
    const zone = await api(manager, 'PUT', `/api/warehouses/${w.id}`, { ...current, temperature_zone: 'chilled' });
    expect(zone.statusCode, zone.body).toBe(400);
    expect(fieldCode(zone, 'temperature_zone')?.code).toBe('violates_rule');
    const moved = await api(admin, 'PUT', `/api/warehouses/${w.id}`, { ...current, cooperative_id: coopQY.id });
    expect(moved.statusCode, moved.body).toBe(400);
    expect(fieldCode(moved, 'cooperative_id')?.code).toBe('read_only');
    expect(await snapshotOf(t.db, ['warehouses', 'stock'])).toEqual(before);
    // Emptied, it may be rezoned; other edits never needed it empty.
    expect((await api(manager, 'PUT', `/api/warehouses/${w.id}`, { ...current, name: '改名冷库' })).statusCode).toBe(200);
    expect((await move({ kind: 'loss', lot_id: l.id, from_warehouse_id: w.id, quantity_kg: 40, reason: '清空' })).statusCode).toBe(201);
    const fresh = (await api(manager, 'GET', `/api/warehouses/${w.id}`)).json();
    const rezoned = await api(manager, 'PUT', `/api/warehouses/${w.id}`, { ...fresh, temperature_zone: 'chilled' });
    expect(rezoned.statusCode, rezoned.body).toBe(200);
    expect(rezoned.json().temperature_zone).toBe('chilled');
  });

  it('a manager cannot see or touch another village\'s rooms', async () => {
    const qyRoom = await room({}, coopQY);
    const before = await snapshotOf(t.db, ['warehouses', 'temperature_readings', 'stock_movements']);
    expect((await api(manager, 'GET', `/api/warehouses/${qyRoom.id}`)).statusCode).toBe(404);
    expect((await api(manager, 'PUT', `/api/warehouses/${qyRoom.id}`, { name: '改名', version: qyRoom.version })).statusCode).toBe(404);
    expect((await api(manager, 'GET', listUrl('warehouses', { filter: { village_id: qy.id } }))).json()).toEqual([]);
    const reading = await api(manager, 'POST', '/api/temperature-readings', { warehouse_id: qyRoom.id, read_at: new Date().toISOString(), temperature_c: 8 });
    expect([400, 403, 404]).toContain(reading.statusCode);
    const qyLot = await lot({}, await makePlanting(t.db.db, await makePlot(t.db.db, await makeHousehold(t.db.db, qy), { area_mu: '3' }), crop, { planted_on: day(-50) }));
    const rec = await receive(qyLot, qyRoom, 10);
    expect([400, 403, 404]).toContain(rec.statusCode);
    expect(await snapshotOf(t.db, ['warehouses', 'temperature_readings', 'stock_movements'])).toEqual(before);
  });
});

describe('temperature readings', () => {
  it('flag readings outside the room\'s zone; the room shows its last reading', async () => {
    const w = await room({ temperature_zone: 'cool' });
    const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();
    const ok = await api(manager, 'POST', '/api/temperature-readings', { warehouse_id: w.id, read_at: at(30), temperature_c: 8.5 });
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json()).toMatchObject({ village_id: cj.id, out_of_range: false, source: 'manual' });
    const hotAt = at(10);
    const hot = await api(manager, 'POST', '/api/temperature-readings', { warehouse_id: w.id, read_at: hotAt, temperature_c: '12.4' });
    expect(hot.json()).toMatchObject({ out_of_range: true });
    // An older reading entered later does not replace the last one.
    const older = await api(manager, 'POST', '/api/temperature-readings', { warehouse_id: w.id, read_at: at(60), temperature_c: 6 });
    expect(older.json().out_of_range).toBe(true);
    const got = (await api(manager, 'GET', `/api/warehouses/${w.id}`)).json();
    expect(dec(got.last_temperature_c)).toBe('12.4');
    expect(got.last_reading_out_of_range).toBe(true);
    expect(new Date(got.last_reading_at).toISOString()).toBe(hotAt);
    const n = await countOf(t.db, 'temperature_readings', sql`warehouse_id = ${w.id}`);
    const future = await api(manager, 'POST', '/api/temperature-readings', { warehouse_id: w.id, read_at: new Date(Date.now() + 10 * 60_000).toISOString(), temperature_c: 8 });
    expect(future.statusCode, future.body).toBe(400);
    expect(future.json().errors).toHaveProperty('read_at');
    const absurd = await api(manager, 'POST', '/api/temperature-readings', { warehouse_id: w.id, read_at: at(5), temperature_c: 81 });
    expect(absurd.statusCode).toBe(400);
    expect(await countOf(t.db, 'temperature_readings', sql`warehouse_id = ${w.id}`)).toBe(n);
    const put = await api(admin, 'PUT', `/api/temperature-readings/${ok.json().id}`, { temperature_c: 9 });
    expect(put.statusCode).toBe(405);
  });

  it('the bulk endpoint stores a batch, counts duplicates and out-of-range readings, and keeps the latest', async () => {
    const chilled = await room({ temperature_zone: 'chilled' });
    const cool = await room({ temperature_zone: 'cool' });
    const t0 = Date.now() - 3_600_000;
    const at = (m: number) => new Date(t0 + m * 60_000).toISOString();
    const first = await api(manager, 'POST', '/api/temperature-readings/bulk', { readings: [{ warehouse_id: chilled.id, read_at: at(0), temperature_c: 1 }] });
    expect(first.statusCode, first.body).toBe(200);
    expect(first.json()).toEqual({ inserted: 1, duplicates: 0, out_of_range: 0 });
    const batch = [
      { warehouse_id: chilled.id, read_at: at(0), temperature_c: 1 }, // already stored
      { warehouse_id: chilled.id, read_at: at(5), temperature_c: 3.5 }, // too warm for 0–2 °C
      { warehouse_id: chilled.id, read_at: at(10), temperature_c: 1.5 },
      { warehouse_id: cool.id, read_at: at(10), temperature_c: 9 },
    ];
    const r = await api(manager, 'POST', '/api/temperature-readings/bulk', { readings: batch });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({ inserted: 3, duplicates: 1, out_of_range: 1 });
    const stored = await q(sql`SELECT warehouse_id, temperature_c::text AS c, out_of_range, source FROM temperature_readings
      WHERE warehouse_id IN (${chilled.id}, ${cool.id}) ORDER BY warehouse_id, read_at`);
    expect(stored.map((s) => [s.warehouse_id, dec(s.c), s.out_of_range, s.source])).toEqual([
      [chilled.id, '1', false, 'sensor'], [chilled.id, '3.5', true, 'sensor'], [chilled.id, '1.5', false, 'sensor'], [cool.id, '9', false, 'sensor'],
    ]);
    const [c] = await q(sql`SELECT last_temperature_c::text AS t, last_reading_out_of_range AS o FROM warehouses WHERE id = ${chilled.id}`);
    expect([dec(c.t), c.o]).toEqual(['1.5', false]);
    const n = await countOf(t.db, 'temperature_readings');
    const qyRoom = await room({}, coopQY);
    const foreign = await api(manager, 'POST', '/api/temperature-readings/bulk', { readings: [{ warehouse_id: cool.id, read_at: at(30), temperature_c: 8 }, { warehouse_id: qyRoom.id, read_at: at(30), temperature_c: 8 }] });
    expect([400, 403, 404]).toContain(foreign.statusCode);
    const empty = await api(manager, 'POST', '/api/temperature-readings/bulk', { readings: [] });
    expect(empty.statusCode).toBe(400);
    const badOne = await api(manager, 'POST', '/api/temperature-readings/bulk', { readings: [{ warehouse_id: cool.id, read_at: at(20), temperature_c: 8 }, { warehouse_id: cool.id, read_at: at(21), temperature_c: 'hot' }] });
    expect(badOne.statusCode).toBe(400);
    expect(await countOf(t.db, 'temperature_readings')).toBe(n);
  });
});

describe('stock movements', () => {
  it('receive, transfer, loss, adjust and reversal move the balances, and the ledger agrees', async () => {
    const a = await room();
    const b = await room();
    const l = await lot({ quantity_kg: '1000.00' });
    const r1 = await receive(l, a, '600');
    expect(r1.statusCode, r1.body).toBe(201);
    expect(r1.json()).toMatchObject({ kind: 'receive', lot_id: l.id, to_warehouse_id: a.id, from_warehouse_id: null, quantity_kg: '600.00', village_id: cj.id });
    expect(await balance(l.id, a.id)).toBe('600');
    expect(dec((await q(sql`SELECT received_kg FROM harvest_lots WHERE id = ${l.id}`))[0].received_kg)).toBe('600');

    const over = await receive(l, a, '400.01');
    expect(over.statusCode, over.body).toBe(400);
    expect(fieldCode(over, 'quantity_kg')).toMatchObject({ code: 'exceeds_harvested' });
    expect(dec(fieldCode(over, 'quantity_kg')?.params?.remaining)).toBe('400');

    const tr = await move({ kind: 'transfer', lot_id: l.id, from_warehouse_id: a.id, to_warehouse_id: b.id, quantity_kg: 200 });
    expect(tr.statusCode, tr.body).toBe(201);
    expect([await balance(l.id, a.id), await balance(l.id, b.id)]).toEqual(['400', '200']);
    const same = await move({ kind: 'transfer', lot_id: l.id, from_warehouse_id: a.id, to_warehouse_id: a.id, quantity_kg: 1 });
    expect(same.statusCode).toBe(400);

    const noReason = await move({ kind: 'loss', lot_id: l.id, from_warehouse_id: b.id, quantity_kg: 50 });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().errors).toHaveProperty('reason');
    const loss = await move({ kind: 'loss', lot_id: l.id, from_warehouse_id: b.id, quantity_kg: 50, reason: '腐烂' });
    expect(loss.statusCode, loss.body).toBe(201);
    expect(await balance(l.id, b.id)).toBe('150');

    const adj = await move({ kind: 'adjust', lot_id: l.id, warehouse_id: b.id, counted_kg: '140', reason: '盘点' });
    expect(adj.statusCode, adj.body).toBe(201);
    expect(adj.json()).toMatchObject({ kind: 'adjust', counted_kg: '140.00', quantity_kg: '10.00' });
    expect(await balance(l.id, b.id)).toBe('140');
    const sameCount = await move({ kind: 'adjust', lot_id: l.id, warehouse_id: b.id, counted_kg: '140', reason: '盘点' });
    expect(sameCount.statusCode).toBe(400);
    const up = await move({ kind: 'adjust', lot_id: l.id, warehouse_id: a.id, counted_kg: '405.5', reason: '盘点多出' });
    expect(up.statusCode, up.body).toBe(201);
    expect(await balance(l.id, a.id)).toBe('405.5');

    const rev = await move({ kind: 'reversal', reverses_id: loss.json().id, reason: '记错了' });
    expect(rev.statusCode, rev.body).toBe(201);
    expect(rev.json()).toMatchObject({ kind: 'reversal', reverses_id: loss.json().id, lot_id: l.id });
    expect(await balance(l.id, b.id)).toBe('190');
    const n = await countOf(t.db, 'stock_movements');
    const twice = await move({ kind: 'reversal', reverses_id: loss.json().id, reason: '再撤' });
    expect(twice.statusCode, twice.body).toBe(409);
    expect(twice.json().code).toBe('ALREADY_REVERSED');
    const revRev = await move({ kind: 'reversal', reverses_id: rev.json().id, reason: '撤销撤销' });
    expect(revRev.statusCode).toBe(400);
    expect(await countOf(t.db, 'stock_movements')).toBe(n);

    // A reversed receive gives the kilograms back to the lot.
    const small = await receive(l, b, '100');
    const revRecv = await move({ kind: 'reversal', reverses_id: small.json().id, reason: '未入库' });
    expect(revRecv.statusCode, revRecv.body).toBe(201);
    expect(dec((await q(sql`SELECT received_kg FROM harvest_lots WHERE id = ${l.id}`))[0].received_kg)).toBe('600');
    expect(await balance(l.id, b.id)).toBe('190');
    expect([await stockKg(a), await stockKg(b)]).toEqual(['405.5', '190']);
    await expectLedgerConsistent();
  });

  it('taking more than the room holds is 409 INSUFFICIENT_STOCK, and nothing is written', async () => {
    const a = await room();
    const b = await room();
    const l = await lot({ quantity_kg: '500' });
    await receive(l, a, 300);
    const before = await snapshotOf(t.db, LEDGER);
    for (const body of [
      { kind: 'loss', lot_id: l.id, from_warehouse_id: a.id, quantity_kg: '300.01', reason: '丢失' },
      { kind: 'transfer', lot_id: l.id, from_warehouse_id: a.id, to_warehouse_id: b.id, quantity_kg: 301 },
      { kind: 'transfer', lot_id: l.id, from_warehouse_id: b.id, to_warehouse_id: a.id, quantity_kg: 1 },
    ]) {
      const r = await move(body);
      expect(r.statusCode, r.body).toBe(409);
      expect(r.json().code).toBe('INSUFFICIENT_STOCK');
      expect(fieldCode(r, 'quantity_kg')?.code).toBe('insufficient_stock');
      expect(dec(fieldCode(r, 'quantity_kg')?.params?.available)).toBe(body.from_warehouse_id === a.id ? '300' : '0');
    }
    const neg = await move({ kind: 'loss', lot_id: l.id, from_warehouse_id: a.id, quantity_kg: -5, reason: 'x' });
    expect(neg.statusCode).toBe(400);
    expect(await snapshotOf(t.db, LEDGER)).toEqual(before);
  });

  it('a room never takes more than its capacity (409 CAPACITY_EXCEEDED with what is free)', async () => {
    const small = await room({ capacity_kg: '100' });
    const big = await room();
    const l = await lot({ quantity_kg: '500' });
    await receive(l, small, 70);
    await receive(l, big, 200);
    const before = await snapshotOf(t.db, LEDGER);
    for (const body of [
      { kind: 'receive', lot_id: l.id, to_warehouse_id: small.id, quantity_kg: '30.01' },
      { kind: 'transfer', lot_id: l.id, from_warehouse_id: big.id, to_warehouse_id: small.id, quantity_kg: 31 },
      { kind: 'adjust', lot_id: l.id, warehouse_id: small.id, counted_kg: 101, reason: '盘点' },
    ]) {
      const r = await move(body);
      expect(r.statusCode, `${body.kind}: ${r.body}`).toBe(409);
      expect(r.json().code).toBe('CAPACITY_EXCEEDED');
      if (body.kind !== 'adjust') {
        expect(fieldCode(r, 'to_warehouse_id')?.code).toBe('capacity_exceeded');
        expect(dec(fieldCode(r, 'to_warehouse_id')?.params?.free)).toBe('30');
        expect(dec(fieldCode(r, 'to_warehouse_id')?.params?.capacity)).toBe('100');
      }
    }
    expect(await snapshotOf(t.db, LEDGER)).toEqual(before);
    const fill = await receive(l, small, '30');
    expect(fill.statusCode, fill.body).toBe(201);
    expect(await stockKg(small)).toBe('100');
  });

  it('refuses a chill-sensitive crop in a chilled room, produce in a processing hall, and posted issue/output', async () => {
    const chilled = await room({ temperature_zone: 'chilled' });
    const cool = await room({ temperature_zone: 'cool' });
    const hall = await room({ kind: 'processing_hall', temperature_zone: 'ambient' });
    const cucumber = await lot({ quantity_kg: '100' }, tenderPlanting, tender);
    const l = await lot({ quantity_kg: '100' });
    const before = await snapshotOf(t.db, LEDGER);
    const chill = await receive(cucumber, chilled, 10);
    expect(chill.statusCode, chill.body).toBe(400);
    expect(fieldCode(chill, 'to_warehouse_id')?.code).toBe('chill_sensitive');
    const hallR = await receive(l, hall, 10);
    expect(hallR.statusCode, hallR.body).toBe(400);
    expect(fieldCode(hallR, 'to_warehouse_id')?.code).toBe('not_storage');
    for (const kind of ['issue', 'output']) {
      const r = await move({ kind, lot_id: l.id, from_warehouse_id: cool.id, to_warehouse_id: cool.id, quantity_kg: 1 });
      expect(r.statusCode, r.body).toBe(400);
    }
    expect(await snapshotOf(t.db, LEDGER)).toEqual(before);
    // The same cucumbers go into a cool room, but not on into the chilled one.
    expect((await receive(cucumber, cool, 10)).statusCode).toBe(201);
    const tr = await move({ kind: 'transfer', lot_id: cucumber.id, from_warehouse_id: cool.id, to_warehouse_id: chilled.id, quantity_kg: 5 });
    expect(tr.statusCode).toBe(400);
    expect(fieldCode(tr, 'to_warehouse_id')?.code).toBe('chill_sensitive');
    expect(await balance(cucumber.id, cool.id)).toBe('10');
  });

  it('is append-only: PUT and DELETE are 405 and change nothing', async () => {
    const a = await room();
    const l = await lot();
    const m = (await receive(l, a, 10)).json();
    const before = await snapshotOf(t.db, LEDGER);
    const put = await api(admin, 'PUT', `/api/stock-movements/${m.id}`, { quantity_kg: 5 });
    expect(put.statusCode, put.body).toBe(405);
    expect(put.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    expect(put.json().message).toMatch(/revers/i);
    const del = await api(admin, 'DELETE', `/api/stock-movements/${m.id}`);
    expect(del.statusCode).toBe(405);
    expect(await snapshotOf(t.db, LEDGER)).toEqual(before);
  });

  it('honours Idempotency-Key: a resent movement moves the stock once', async () => {
    const a = await room();
    const l = await lot();
    const body = { kind: 'receive', lot_id: l.id, to_warehouse_id: a.id, quantity_kg: 25 };
    const one = await move(body, manager, { 'idempotency-key': `mv-${l.id}` });
    const two = await move(body, manager, { 'idempotency-key': `mv-${l.id}` });
    expect(two.json().id).toBe(one.json().id);
    expect(await balance(l.id, a.id)).toBe('25');
    expect(await countOf(t.db, 'stock_movements', sql`lot_id = ${l.id}`)).toBe(1);
  });
});

describe('a harvest received straight into a room', () => {
  it('moves the whole lot into the room in the same transaction; a refusal writes neither', async () => {
    const w = await room();
    const chilled = await room({ temperature_zone: 'chilled' });
    const r = await api(manager, 'POST', '/api/harvest-lots', {
      planting_id: plantingCJ.id, harvested_on: today(), grade: 'first', quantity_kg: '75.50', intake_price: '2', warehouse_id: w.id,
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(dec(r.json().received_kg)).toBe('75.5');
    expect(await balance(r.json().id, w.id)).toBe('75.5');
    const [m] = await q(sql`SELECT kind, to_warehouse_id, quantity_kg FROM stock_movements WHERE lot_id = ${r.json().id}`);
    expect(m).toEqual({ kind: 'receive', to_warehouse_id: w.id, quantity_kg: '75.50' });
    const before = await snapshotOf(t.db, LEDGER);
    const refused = await api(manager, 'POST', '/api/harvest-lots', {
      planting_id: tenderPlanting.id, harvested_on: today(), grade: 'first', quantity_kg: '10', intake_price: '2', warehouse_id: chilled.id,
    });
    expect(refused.statusCode, refused.body).toBe(400);
    expect(refused.json().errors).toHaveProperty('warehouse_id');
    const tiny = await room({ capacity_kg: '5' });
    const before2 = await snapshotOf(t.db, LEDGER);
    const full = await api(manager, 'POST', '/api/harvest-lots', {
      planting_id: plantingCJ.id, harvested_on: today(), grade: 'first', quantity_kg: '10', intake_price: '2', warehouse_id: tiny.id,
    });
    expect(full.statusCode, full.body).toBe(409);
    expect(full.json().code).toBe('CAPACITY_EXCEEDED');
    expect(await snapshotOf(t.db, LEDGER)).toEqual(before2);
    expect(before2.harvest_lots).toEqual(before.harvest_lots);
  });
});

describe('movement dates', () => {
  it('moved_at may be late (paper records) but not in the future nor before the harvest', async () => {
    const w = await room();
    const l = await lot({ harvested_on: day(-3) });
    const before = await snapshotOf(t.db, LEDGER);
    const future = await move({ kind: 'receive', lot_id: l.id, to_warehouse_id: w.id, quantity_kg: 1, moved_at: new Date(Date.now() + 3_600_000).toISOString() });
    expect(future.statusCode, future.body).toBe(400);
    expect(future.json().errors).toHaveProperty('moved_at');
    const early = await move({ kind: 'receive', lot_id: l.id, to_warehouse_id: w.id, quantity_kg: 1, moved_at: `${day(-5)}T04:00:00.000Z` });
    expect(early.statusCode, early.body).toBe(400);
    expect(fieldCode(early, 'moved_at')?.code).toBe('before_harvest');
    expect(await snapshotOf(t.db, LEDGER)).toEqual(before);
    const late = await move({ kind: 'receive', lot_id: l.id, to_warehouse_id: w.id, quantity_kg: 1, moved_at: `${day(-2)}T04:00:00.000Z` });
    expect(late.statusCode, late.body).toBe(201);
    expect(new Date(late.json().moved_at).toISOString()).toBe(`${day(-2)}T04:00:00.000Z`);
  });
});

describe('the stock list', () => {
  it('is first-expiry-first-out with days left and expiry status, and filters by room, crop, grade and expiry', async () => {
    const w = await room();
    const other = await room();
    const lots = [
      await lot({ harvested_on: day(-3), grade: 'first' }), // expires day(7): fresh
      await lot({ harvested_on: day(-9), grade: 'second' }), // expires day(1): critical
      await lot({ harvested_on: day(-6), grade: 'first' }), // expires day(4): soon
      await lot({ harvested_on: day(-11), grade: 'premium' }), // expires day(-1): expired
      await lot({ harvested_on: day(-5), grade: 'first' }, tenderPlanting, tender), // expires day(2): critical
    ];
    for (const l of lots) expect((await receive(l, w, 10)).statusCode).toBe(201);
    await receive(lots[0], other, 5);
    const r = await api(cadre, 'GET', listUrl('stock', { filter: { warehouse_id: w.id } }));
    expect(r.statusCode, r.body).toBe(200);
    expect(totalOf(r)).toBe(5);
    expect(r.json().map((s: Rec) => [s.lot_id, s.expires_on, s.days_left, s.expiry_status])).toEqual([
      [lots[3].id, day(-1), -1, 'expired'],
      [lots[1].id, day(1), 1, 'critical'],
      [lots[4].id, day(2), 2, 'critical'],
      [lots[2].id, day(4), 4, 'soon'],
      [lots[0].id, day(7), 7, 'fresh'],
    ]);
    expect(r.json()[0]).toMatchObject({ warehouse_id: w.id, lot_code: lots[3].code, crop_id: crop.id, grade: 'premium', quantity_kg: '10.00', village_id: cj.id });
    const ids = async (filter: Rec) => (await api(manager, 'GET', listUrl('stock', { filter: { warehouse_id: w.id, ...filter } }))).json().map((s: Rec) => s.lot_id);
    expect(await ids({ crop_id: tender.id })).toEqual([lots[4].id]);
    expect(await ids({ grade: 'first' })).toEqual([lots[4].id, lots[2].id, lots[0].id]);
    expect(await ids({ expiring_within_days: 2 })).toEqual([lots[3].id, lots[1].id, lots[4].id]);
    expect(await ids({ expiring_within_days: 0 })).toEqual([lots[3].id]);
    const both = await api(manager, 'GET', listUrl('stock', { filter: { lot_id: lots[0].id } }));
    expect(both.json().map((s: Rec) => [s.warehouse_id, s.quantity_kg])).toEqual(expect.arrayContaining([[w.id, '10.00'], [other.id, '5.00']]));
    expect(totalOf(both)).toBe(2);
    // Emptied rows disappear; the list is read-only; members see none of it.
    await move({ kind: 'loss', lot_id: lots[3].id, from_warehouse_id: w.id, quantity_kg: 10, reason: '过期销毁' });
    expect(await ids({})).toEqual([lots[1].id, lots[4].id, lots[2].id, lots[0].id]);
    expect(await countOf(t.db, 'stock', sql`lot_id = ${lots[3].id}`)).toBe(0);
    expect((await api(member, 'GET', listUrl('stock'))).statusCode).toBe(403);
    expect([404, 405]).toContain((await api(admin, 'POST', '/api/stock', { lot_id: lots[0].id, warehouse_id: w.id, quantity_kg: 1 })).statusCode);
    expect(await balance(lots[0].id, w.id)).toBe('10');
  });

  it('a manager\'s stock list holds only their village\'s rooms', async () => {
    const qyRoom = await room({}, coopQY);
    const qyP = await makePlanting(t.db.db, await makePlot(t.db.db, await makeHousehold(t.db.db, qy), { area_mu: '2' }), crop, { planted_on: day(-30) });
    const qyLot = await lot({}, qyP);
    expect((await receive(qyLot, qyRoom, 10, admin)).statusCode).toBe(201);
    const r = await api(manager, 'GET', listUrl('stock', { range: [0, 99] }));
    expect(r.json().every((s: Rec) => s.village_id === cj.id)).toBe(true);
    expect((await api(manager, 'GET', listUrl('stock', { filter: { warehouse_id: qyRoom.id } }))).json()).toEqual([]);
    const [{ id }] = await q(sql`SELECT id FROM stock WHERE lot_id = ${qyLot.id}`);
    expect((await api(manager, 'GET', `/api/stock/${id}`)).statusCode).toBe(404);
  });
});

describe('residue tests and storage', () => {
  it('a failed latest test stops the lot going into processing (409 naming the test) but a transfer works', async () => {
    const a = await room();
    const b = await room();
    const bad = await lot({ quantity_kg: '100' });
    await receive(bad, a, 100);
    const test = await api(manager, 'POST', '/api/residue-tests', { lot_id: bad.id, result: 'fail', value: '72', tested_by: '检测员', tested_on: today() });
    expect(test.statusCode, test.body).toBe(201);
    const before = await snapshotOf(t.db, LEDGER);
    const run = await api(manager, 'POST', '/api/processing-runs', {
      kind: 'grading', run_on: today(), inputs: [{ lot_id: bad.id, warehouse_id: a.id, quantity_kg: 50 }], outputs: [{ grade: 'first', quantity_kg: 45, warehouse_id: b.id }],
    });
    expect(run.statusCode, run.body).toBe(409);
    expect(run.json().code).toBe('RESIDUE_TEST_FAILED');
    const codes = Object.values(run.json().error_codes ?? {}) as Rec[];
    expect(codes.map((c) => c.params?.test_id).map(Number)).toContain(test.json().id);
    expect(JSON.stringify(run.json())).toContain(today());
    expect(await snapshotOf(t.db, LEDGER)).toEqual(before);
    const tr = await move({ kind: 'transfer', lot_id: bad.id, from_warehouse_id: a.id, to_warehouse_id: b.id, quantity_kg: 40 });
    expect(tr.statusCode, tr.body).toBe(201);
    const loss = await move({ kind: 'loss', lot_id: bad.id, from_warehouse_id: a.id, quantity_kg: 60, reason: '农残超标销毁' });
    expect(loss.statusCode, loss.body).toBe(201);
    expect([await balance(bad.id, a.id), await balance(bad.id, b.id)]).toEqual([null, '40']);
  });
});

describe('processing runs', () => {
  it('conserves mass: inputs = outputs + loss; new lots with codes; genealogy adds up', async () => {
    const a = await room();
    const b = await room();
    const hall = await room({ kind: 'processing_hall', temperature_zone: 'ambient' });
    const l1 = await lot({ quantity_kg: '400', harvested_on: day(-2) }); // expires day(8)
    const l2 = await lot({ quantity_kg: '300', harvested_on: day(-4) }); // expires day(6)
    await receive(l1, a, 400);
    await receive(l2, a, 300);
    const r = await api(manager, 'POST', '/api/processing-runs', {
      kind: 'grading', run_on: today(), warehouse_id: hall.id, notes: '分级',
      inputs: [{ lot_id: l1.id, warehouse_id: a.id, quantity_kg: '300' }, { lot_id: l2.id, warehouse_id: a.id, quantity_kg: '200' }],
      outputs: [{ grade: 'premium', quantity_kg: '250', warehouse_id: b.id }, { grade: 'second', quantity_kg: '200', warehouse_id: b.id }],
    });
    expect(r.statusCode, r.body).toBe(201);
    const run = r.json();
    expect(run).toMatchObject({ village_id: cj.id, crop_id: crop.id, input_kg: '500.00', output_kg: '450.00', loss_kg: '50.00', warehouse_id: hall.id });
    expect(run.outputs).toHaveLength(2);
    const codeRe = new RegExp(`^CJ-${compact(today())}-\\d{3}$`);
    for (const o of run.outputs) expect(o.code).toMatch(codeRe);
    expect(new Set(run.outputs.map((o: Rec) => o.code)).size).toBe(2);
    const [premium, second] = run.outputs;
    expect(premium).toMatchObject({ grade: 'premium', quantity_kg: '250.00', warehouse_id: b.id });

    const newLots = await q(sql`SELECT id, source, processing_run_id, planting_id, household_id, expires_on, crop_id, quantity_kg FROM harvest_lots WHERE processing_run_id = ${run.id} ORDER BY id`);
    expect(newLots).toHaveLength(2);
    for (const nl of newLots) expect(nl).toMatchObject({ source: 'processing', planting_id: null, household_id: null, expires_on: day(6), crop_id: crop.id });
    const [dbRun] = await q(sql`SELECT input_kg::text AS i, output_kg::text AS o, loss_kg::text AS l FROM processing_runs WHERE id = ${run.id}`);
    expect(Number(dbRun.i)).toBe(Number(dbRun.o) + Number(dbRun.l));
    // Its movements: issues out of the rooms, outputs into them.
    const mv = await q(sql`SELECT kind, lot_id, from_warehouse_id, to_warehouse_id, quantity_kg::text AS kg FROM stock_movements WHERE processing_run_id = ${run.id} ORDER BY kind, lot_id`);
    expect(mv.map((m) => [m.kind, m.lot_id, m.from_warehouse_id, m.to_warehouse_id, dec(m.kg)])).toEqual([
      ['issue', l1.id, a.id, null, '300'], ['issue', l2.id, a.id, null, '200'],
      ['output', premium.lot_id, null, b.id, '250'], ['output', second.lot_id, null, b.id, '200'],
    ].sort((x, y) => String(x[0]).localeCompare(String(y[0])) || Number(x[1]) - Number(y[1])));
    const viaApi = await api(manager, 'GET', listUrl('stock-movements', { filter: { processing_run_id: run.id } }));
    expect(totalOf(viaApi)).toBe(4);
    expect([await balance(l1.id, a.id), await balance(l2.id, a.id), await balance(premium.lot_id, b.id), await balance(second.lot_id, b.id)]).toEqual([
      '100', '100', '250', '200',
    ]);

    // Genealogy: each output's kilograms split over the inputs in proportion (3:2).
    const g = (await api(manager, 'GET', `/api/harvest-lots/${premium.lot_id}/genealogy`)).json();
    expect(g.children).toEqual([]);
    expect(g.parents.map((p: Rec) => [p.lot_id, dec(p.quantity_kg), p.processing_run_id]).sort()).toEqual([[l1.id, '150', run.id], [l2.id, '100', run.id]].sort());
    expect(g.parents.find((p: Rec) => p.lot_id === l1.id)).toMatchObject({ code: l1.code, crop_id: crop.id, grade: 'first' });
    const g2 = (await api(manager, 'GET', `/api/harvest-lots/${second.lot_id}/genealogy`)).json();
    expect(g2.parents.reduce((s: number, p: Rec) => s + Math.round(Number(p.quantity_kg) * 100), 0)).toBe(20000);
    const gp = (await api(manager, 'GET', `/api/harvest-lots/${l1.id}/genealogy`)).json();
    expect(gp.parents).toEqual([]);
    expect(gp.children.map((c: Rec) => c.lot_id).sort()).toEqual([premium.lot_id, second.lot_id].sort());
    expect(gp.children.reduce((s: number, c: Rec) => s + Math.round(Number(c.quantity_kg) * 100), 0)).toBe(15000 + 12000);
    const lp = await q(sql`SELECT child_lot_id, sum(quantity_kg)::text AS kg FROM lot_parents WHERE processing_run_id = ${run.id} GROUP BY child_lot_id ORDER BY child_lot_id`);
    expect(lp.map((x) => dec(x.kg))).toEqual(['250', '200']);
    const byRun = await api(manager, 'GET', listUrl('harvest-lots', { filter: { processing_run_id: run.id } }));
    expect(byRun.json().map((x: Rec) => x.id).sort()).toEqual([premium.lot_id, second.lot_id].sort());
    await expectLedgerConsistent();
  });

  it('splits to the fen by largest remainder when the shares do not divide', async () => {
    const a = await room();
    const l1 = await lot({ quantity_kg: '1' });
    const l2 = await lot({ quantity_kg: '1' });
    const l3 = await lot({ quantity_kg: '1' });
    for (const l of [l1, l2, l3]) await receive(l, a, 1);
    const r = await api(admin, 'POST', '/api/processing-runs', {
      kind: 'packing', run_on: today(),
      inputs: [l1, l2, l3].map((l) => ({ lot_id: l.id, warehouse_id: a.id, quantity_kg: 1 })),
      outputs: [{ grade: 'first', quantity_kg: '1.00', warehouse_id: a.id }],
    });
    expect(r.statusCode, r.body).toBe(201);
    const parents = (await api(admin, 'GET', `/api/harvest-lots/${r.json().outputs[0].lot_id}/genealogy`)).json().parents;
    const fen = parents.map((p: Rec) => Math.round(Number(p.quantity_kg) * 100)).sort();
    expect(fen).toEqual([33, 33, 34]);
  });

  it('refuses mixed crops, outputs above inputs and a run that cannot be completed, writing nothing', async () => {
    const a = await room();
    const b = await room();
    const l1 = await lot({ quantity_kg: '100' });
    const cuke = await lot({ quantity_kg: '100' }, tenderPlanting, tender);
    const l2 = await lot({ quantity_kg: '100' });
    await receive(l1, a, 100);
    await receive(cuke, a, 100);
    await receive(l2, a, 20);
    const tiny = await room({ capacity_kg: '10' });
    const before = await snapshotOf(t.db, LEDGER);
    const seqBefore = await q(sql`SELECT * FROM lot_sequences ORDER BY village_id, day`);
    const base = { kind: 'grading', run_on: today() };
    const mixed = await api(manager, 'POST', '/api/processing-runs', {
      ...base, inputs: [{ lot_id: l1.id, warehouse_id: a.id, quantity_kg: 50 }, { lot_id: cuke.id, warehouse_id: a.id, quantity_kg: 50 }],
      outputs: [{ grade: 'first', quantity_kg: 90, warehouse_id: b.id }],
    });
    expect(mixed.statusCode, mixed.body).toBe(400);
    expect(JSON.stringify(mixed.json().error_codes)).toContain('mixed_crops');
    const more = await api(manager, 'POST', '/api/processing-runs', {
      ...base, inputs: [{ lot_id: l1.id, warehouse_id: a.id, quantity_kg: 50 }], outputs: [{ grade: 'first', quantity_kg: '50.01', warehouse_id: b.id }],
    });
    expect(more.statusCode, more.body).toBe(400);
    expect(JSON.stringify(more.json().error_codes)).toContain('outputs_exceed_inputs');
    // The first input could be issued, the second cannot: the whole run is refused.
    const short = await api(manager, 'POST', '/api/processing-runs', {
      ...base, inputs: [{ lot_id: l1.id, warehouse_id: a.id, quantity_kg: 50 }, { lot_id: l2.id, warehouse_id: a.id, quantity_kg: 30 }],
      outputs: [{ grade: 'first', quantity_kg: 70, warehouse_id: b.id }],
    });
    expect(short.statusCode, short.body).toBe(409);
    expect(short.json().code).toBe('INSUFFICIENT_STOCK');
    // Named under the form's own line: the second input asks for more than its room holds.
    expect(short.json().error_codes).toEqual({ 'inputs.1.quantity_kg': { code: 'insufficient_stock', params: { available: '20.00' } } });
    // Outputs into a room that cannot hold them.
    const full = await api(manager, 'POST', '/api/processing-runs', {
      ...base, inputs: [{ lot_id: l1.id, warehouse_id: a.id, quantity_kg: 50 }], outputs: [{ grade: 'first', quantity_kg: 45, warehouse_id: tiny.id }],
    });
    expect(full.statusCode, full.body).toBe(409);
    expect(full.json().code).toBe('CAPACITY_EXCEEDED');
    expect(Object.keys(full.json().error_codes)).toEqual(['outputs.0.warehouse_id']);
    expect(await snapshotOf(t.db, LEDGER)).toEqual(before);
    expect(await q(sql`SELECT * FROM lot_sequences ORDER BY village_id, day`)).toEqual(seqBefore);
    const put = await api(admin, 'PUT', '/api/processing-runs/1', { notes: 'x' });
    expect(put.statusCode).toBe(405);
  });
});

describe('after all of the above', () => {
  it('every stock row equals its ledger sum and every room\'s stock_kg its rows\' sum', async () => {
    await expectLedgerConsistent();
    expect(await countOf(t.db, 'stock_movements')).toBeGreaterThan(20);
  });
});
