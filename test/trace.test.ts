import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from './helpers/app';
import {
  makeCrop, makeHousehold, makeLot, makePlanting, makePlot, makeWarehouse, type Cooperative, type Crop, type Household, type Plot, type Village, type Warehouse,
} from './helpers/factories';
import { apiOf, day, dec, rows, today, type Api, type Rec } from './helpers/issue7';

// Issue 8, traceability: a lot's chain backward and forward through processing merges and
// splits (kg on every link), recalls from a lot, a plot or an input application (JSON and
// CSV), the EPCIS 2.0 export validated against GS1's schema, the public trace and its page.

let t: TestContext;
let api: Api;
let admin: string;
let sales: string;
let manager: string;
let cadre: string;
let member: string;
let buyer: string;
let unionId: number;
let cj: Village;
let qy: Village;
let coopCJ: Cooperative;
let memberHH: Household;
let crop: Crop;
let r1: Warehouse;
let r2: Warehouse;
let plotA: Plot;
let plotB: Plot;
let plotC: Plot;

const q = <T = Rec>(query: ReturnType<typeof sql>) => rows<T>(t.db, query);
const INTAKE_PRICE = '3.17';
// Characters that must be escaped on the page, in a name the page shows.
const CROP_NAME = '番茄<i>"&\'';

/** The genealogy built once (see beforeAll): lots by name, runs by name. */
const lots: Record<string, Rec> = {};
const runs: Record<string, Rec> = {};

async function planting(plot: Plot): Promise<Rec> {
  const r = await api(admin, 'POST', '/api/plantings', { plot_id: plot.id, crop_id: crop.id, area_mu: '0.50', planted_on: day(-60), status: 'growing' });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

async function harvest(plantingId: number, kg: string, body: Rec = {}): Promise<Rec> {
  const r = await api(admin, 'POST', '/api/harvest-lots', { planting_id: plantingId, harvested_on: today(), grade: 'first', quantity_kg: kg, intake_price: INTAKE_PRICE, ...body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

async function move(body: Rec): Promise<Rec> {
  const r = await api(admin, 'POST', '/api/stock-movements', body);
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

async function runProcessing(kind: string, inputs: [Rec, Warehouse, string][], outputs: [string, string, Warehouse][]): Promise<Rec> {
  const r = await api(admin, 'POST', '/api/processing-runs', {
    kind, run_on: today(),
    inputs: inputs.map(([lot, w, kg]) => ({ lot_id: lot.id, warehouse_id: w.id, quantity_kg: kg })),
    outputs: outputs.map(([grade, kg, w]) => ({ grade, quantity_kg: kg, warehouse_id: w.id })),
  });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}
/** An output of a run as a lot ({ id, code }). */
const out = (run: Rec, i: number): Rec => ({ id: run.outputs[i].lot_id, code: run.outputs[i].code });

beforeAll(async () => {
  t = await createTestApp();
  api = apiOf(t.app);
  [admin, sales, manager, cadre, member, buyer] = await Promise.all(
    ['admin', 'sales', 'manager.changjiang', 'cadre.changjiang', 'member.changjiang', 'buyer.port'].map((u) => t.tokenOf(u)),
  );
  const [{ union_id, household_id }] = await q<{ union_id: number; household_id: number }>(sql`SELECT union_id, household_id FROM users WHERE username = 'member.changjiang'`);
  unionId = union_id;
  [cj] = await q<Village>(sql`SELECT * FROM villages WHERE union_id = ${unionId} AND code = 'CJ'`);
  [qy] = await q<Village>(sql`SELECT * FROM villages WHERE union_id = ${unionId} AND code = 'QY'`);
  [coopCJ] = await q<Cooperative>(sql`SELECT * FROM cooperatives WHERE village_id = ${cj.id}`);
  [memberHH] = await q<Household>(sql`SELECT * FROM households WHERE id = ${household_id}`);
  crop = await makeCrop(t.db.db, unionId, { name_zh: CROP_NAME, shelf_life_days: 10, storage_zone: 'cool' });
  r1 = await makeWarehouse(t.db.db, coopCJ);
  r2 = await makeWarehouse(t.db.db, coopCJ);
  // Plot A is the demo member's household's: its name, code and phone must never reach the public.
  plotA = await makePlot(t.db.db, memberHH, { area_mu: '5.00' });
  plotB = await makePlot(t.db.db, await makeHousehold(t.db.db, cj, { phone: '13900001111' }), { area_mu: '5.00' });
  plotC = await makePlot(t.db.db, await makeHousehold(t.db.db, cj), { area_mu: '5.00' });
  const [pA, pB] = [await planting(plotA), await planting(plotB)];
  const spray = await api(admin, 'POST', '/api/input-applications', {
    planting_id: pA.id, kind: 'pesticide', product: '吡虫啉', active_ingredient: 'imidacloprid', dose: '30', dose_unit: 'g/亩',
    applied_on: day(-20), applied_by: '张三', pre_harvest_interval_days: 10,
  });
  expect(spray.statusCode, spray.body).toBe(201);
  runs.spray = spray.json();

  // Two harvests into the rooms: L1 straight into R1 (then 20 kg moved to R2), L2 received.
  lots.L1 = await harvest(pA.id, '100.00', { warehouse_id: r1.id });
  lots.L2 = await harvest(pB.id, '60.00');
  await move({ kind: 'receive', lot_id: lots.L2.id, to_warehouse_id: r1.id, quantity_kg: '60.00' });
  await move({ kind: 'transfer', lot_id: lots.L1.id, from_warehouse_id: r1.id, to_warehouse_id: r2.id, quantity_kg: '20.00' });
  const test = await api(admin, 'POST', '/api/residue-tests', { lot_id: lots.L1.id, method: 'rapid', result: 'pass', value: '12.5', tested_by: '李检', tested_on: today() });
  expect(test.statusCode, test.body).toBe(201);

  // A merge (L1 + L2 → M, 10 kg lost), a split (M → S1 premium + S2 second), a second generation (S1 → P).
  runs.merge = await runProcessing('washing', [[lots.L1, r1, '80.00'], [lots.L1, r2, '20.00'], [lots.L2, r1, '60.00']], [['first', '150.00', r2]]);
  lots.M = out(runs.merge, 0);
  runs.split = await runProcessing('grading', [[lots.M, r2, '150.00']], [['premium', '90.00', r1], ['second', '55.00', r2]]);
  [lots.S1, lots.S2] = [out(runs.split, 0), out(runs.split, 1)];
  runs.pack = await runProcessing('packing', [[lots.S1, r1, '90.00']], [['premium', '85.00', r1]]);
  lots.P = out(runs.pack, 0);
  await move({ kind: 'loss', lot_id: lots.S2.id, from_warehouse_id: r2.id, quantity_kg: '5.00', reason: '腐烂' });
}, 60_000);
afterAll(() => t?.close());

const trace = (code: string, token = admin) => api(token, 'GET', `/api/trace/${encodeURIComponent(code)}`);
const linksOf = (side: Rec) => (side.links as Rec[]).map((l) => `${l.parent_code}>${l.child_code}:${dec(l.quantity_kg)}@${l.depth}`).sort();

describe('GET /api/trace/:lotCode', () => {
  it('goes backward through a split and a merge to both plots, with the kg on each link', async () => {
    const r = await trace(lots.S1.code);
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(body).toMatchObject({ id: lots.S1.id, code: lots.S1.code, source: 'processing', grade: 'premium', quantity_kg: '90.00', village: { id: cj.id } });
    // M's 150 kg split over L1 (100 of 160 kg in) and L2 (60 of 160) in proportion: 93.75 and 56.25.
    expect(linksOf(body.backward)).toEqual([
      `${lots.L1.code}>${lots.M.code}:93.75@2`, `${lots.L2.code}>${lots.M.code}:56.25@2`, `${lots.M.code}>${lots.S1.code}:90@1`,
    ].sort());
    expect(body.backward.lots.map((l: Rec) => [l.code, l.depth])).toEqual([[lots.M.code, 1], [lots.L1.code, 2], [lots.L2.code, 2]]);
    const origins = new Map((body.backward.origins as Rec[]).map((o) => [o.lot_code, o]));
    expect([...origins.keys()].sort()).toEqual([lots.L1.code, lots.L2.code].sort());
    const a = origins.get(lots.L1.code)!;
    expect(a.plot).toMatchObject({ id: plotA.id, code: plotA.code });
    expect(a.household).toEqual({ id: memberHH.id, code: memberHH.code });
    expect(a.input_applications).toEqual([expect.objectContaining({
      id: runs.spray.id, product: '吡虫啉', pre_harvest_interval_days: 10, applied_on: day(-20), allowed_from: day(-10), days_before_harvest: 20, corrected: false,
    })]);
    expect(origins.get(lots.L2.code)!.plot).toMatchObject({ id: plotB.id });
    expect(origins.get(lots.L2.code)!.input_applications).toEqual([]);
    expect(body.backward.residue_tests).toEqual([expect.objectContaining({ lot_id: lots.L1.id, lot_code: lots.L1.code, result: 'pass', method: 'rapid' })]);
    // Forward: its packing into P.
    expect(linksOf(body.forward)).toEqual([`${lots.S1.code}>${lots.P.code}:85@1`]);
    expect(body.forward.deliveries).toEqual([]);
    expect(body.forward.movements.map((m: Rec) => [m.kind, dec(m.quantity_kg), m.to_warehouse?.id ?? m.from_warehouse?.id])).toEqual([
      ['output', '90', r1.id], ['issue', '90', r1.id],
    ]);
    expect(body.forward.movements[0].moved_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?\+08:00$/);
    expect(body.processing_runs.map((x: Rec) => x.id).sort()).toEqual([runs.merge.id, runs.split.id, runs.pack.id].sort());
    const merge = body.processing_runs.find((x: Rec) => x.id === runs.merge.id);
    expect(merge).toMatchObject({ kind: 'washing', input_kg: '160.00', output_kg: '150.00', loss_kg: '10.00' });
    expect(merge.outputs).toEqual([{ lot_id: lots.M.id, lot_code: lots.M.code, quantity_kg: '150.00' }]);
  });

  it('goes forward from a harvest lot through every generation, and lists its rooms', async () => {
    const body = (await trace(lots.L1.code, sales)).json();
    expect(body.backward).toMatchObject({ lots: [], links: [] });
    expect(body.backward.origins).toHaveLength(1);
    expect(linksOf(body.forward)).toEqual([
      `${lots.L1.code}>${lots.M.code}:93.75@1`, `${lots.M.code}>${lots.S1.code}:90@2`, `${lots.M.code}>${lots.S2.code}:55@2`, `${lots.S1.code}>${lots.P.code}:85@3`,
    ].sort());
    expect(body.forward.lots.map((l: Rec) => [l.code, l.depth])).toEqual([[lots.M.code, 1], [lots.S1.code, 2], [lots.S2.code, 2], [lots.P.code, 3]]);
    expect(body.forward.movements.map((m: Rec) => [m.kind, dec(m.quantity_kg), m.from_warehouse?.id ?? null, m.to_warehouse?.id ?? null])).toEqual([
      ['receive', '100', null, r1.id], ['transfer', '20', r1.id, r2.id], ['issue', '80', r1.id, null], ['issue', '20', r2.id, null],
    ]);
    // The same lot by its id.
    const byId = await trace(String(lots.L1.id));
    expect(byId.statusCode).toBe(200);
    expect(byId.json().code).toBe(lots.L1.code);
  });

  it('follows a chain five generations deep both ways', async () => {
    const p = await planting(plotC);
    const chain = [await harvest(p.id, '200.00', { warehouse_id: r1.id })];
    for (let i = 1; i <= 5; i++) {
      const run = await runProcessing('grading', [[chain[i - 1], r1, String(200 - (i - 1) * 10)]], [['first', String(200 - i * 10), r1]]);
      chain.push(out(run, 0));
    }
    const up = (await trace(chain[5].code)).json();
    expect(up.backward.lots.map((l: Rec) => [l.code, l.depth])).toEqual([4, 3, 2, 1, 0].map((i, d) => [chain[i].code, d + 1]));
    expect(up.backward.links.map((l: Rec) => dec(l.quantity_kg))).toEqual(['150', '160', '170', '180', '190']);
    expect(up.backward.origins.map((o: Rec) => o.lot_code)).toEqual([chain[0].code]);
    const down = (await trace(chain[0].code)).json();
    expect(down.forward.lots.map((l: Rec) => [l.code, l.depth])).toEqual([1, 2, 3, 4, 5].map((i) => [chain[i].code, i]));
    lots.deep0 = chain[0];
    lots.deep5 = chain[5];
  });

  it('keeps to the caller\'s scope: 404 outside one\'s village or for an unknown code, 403 to buyers and members, 401 to nobody', async () => {
    const hhQY = await makeHousehold(t.db.db, qy);
    const qyPlanting = await makePlanting(t.db.db, await makePlot(t.db.db, hhQY), crop, { planted_on: day(-60) });
    const qyLot = await makeLot(t.db.db, qyPlanting, crop, { harvested_on: day(-1) });
    lots.QY = qyLot;
    expect((await trace(lots.S1.code, manager)).statusCode).toBe(200);
    expect((await trace(lots.S1.code, cadre)).statusCode).toBe(200);
    for (const token of [manager, cadre]) {
      const r = await trace(qyLot.code, token);
      expect(r.statusCode, r.body).toBe(404);
      expect(r.json().code).toBe('NOT_FOUND');
    }
    expect((await trace(qyLot.code, sales)).statusCode).toBe(200);
    for (const token of [member, buyer]) {
      const r = await trace(lots.S1.code, token);
      expect(r.statusCode, r.body).toBe(403);
      expect(r.json().code).toBe('FORBIDDEN');
    }
    expect((await t.app.inject({ method: 'GET', url: `/api/trace/${lots.S1.code}` })).statusCode).toBe(401);
    const unknown = await trace('CJ-19990101-999');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND' });
    expect((await api(admin, 'GET', `/api/trace/${lots.S1.code}/epcis`)).statusCode).toBe(200);
    expect((await api(manager, 'GET', `/api/trace/${qyLot.code}/epcis`)).statusCode).toBe(404);
    expect((await api(buyer, 'GET', `/api/trace/${lots.S1.code}/epcis`)).statusCode).toBe(403);
  });
});

describe('recall', () => {
  const recall = (from: string, id: number, token = admin) => api(token, 'GET', `/api/recall?from=${from}&id=${id}`);
  const codes = (body: Rec) => (body.lots as Rec[]).map((l) => l.code).sort();

  it('from a lot: itself and every lot made from it, not its co-inputs', async () => {
    const r = await recall('lot', lots.L2.id);
    expect(r.statusCode, r.body).toBe(200);
    const body = r.json();
    expect(codes(body)).toEqual([lots.L2.code, lots.M.code, lots.S1.code, lots.S2.code, lots.P.code].sort());
    expect(body).toMatchObject({ from: 'lot', id: lots.L2.id, deliveries: [], buyers: [] });
    // 60 + 150 + 90 + 55 + 85 kg; in the rooms now: S2's 50 (5 written off) and P's 85.
    expect(dec(body.total_kg)).toBe('440');
    expect(dec(body.stock_kg)).toBe('135');
    const p = body.lots.find((l: Rec) => l.code === lots.P.code);
    expect(p).toMatchObject({ depth: 3, deliveries: [], stock: [{ warehouse_id: r1.id, quantity_kg: '85.00' }] });
    expect(body.lots.find((l: Rec) => l.code === lots.L2.code)).toMatchObject({ depth: 0, stock: [] });
  });

  it('from a plot: every lot harvested on it and their descendants', async () => {
    const body = (await recall('plot', plotA.id)).json();
    expect(codes(body)).toEqual([lots.L1.code, lots.M.code, lots.S1.code, lots.S2.code, lots.P.code].sort());
    const c = (await recall('plot', plotC.id)).json();
    expect(codes(c)).toContain(lots.deep5.code);
    expect(codes(c)).not.toContain(lots.M.code);
  });

  it('from a pesticide application: only what its planting gave on or after the day it was applied', async () => {
    const plot = await makePlot(t.db.db, await makeHousehold(t.db.db, cj), { area_mu: '2.00' });
    const p = await planting(plot);
    const before = await harvest(p.id, '10.00', { harvested_on: day(-8), warehouse_id: r2.id });
    const spray = await api(admin, 'POST', '/api/input-applications', {
      planting_id: p.id, kind: 'pesticide', product: '高效氯氰菊酯', dose: '20', dose_unit: 'ml/亩', applied_on: day(-5), applied_by: '王五', pre_harvest_interval_days: 2,
    });
    expect(spray.statusCode, spray.body).toBe(201);
    const onDay = await harvest(p.id, '11.00', { harvested_on: day(-3), warehouse_id: r2.id });
    const later = await harvest(p.id, '12.00', { warehouse_id: r2.id });
    const run = await runProcessing('grading', [[later, r2, '12.00']], [['first', '11.50', r2]]);
    const body = (await recall('application', spray.json().id)).json();
    expect(codes(body)).toEqual([onDay.code, later.code, run.outputs[0].code].sort());
    expect(codes(body)).not.toContain(before.code);
    // The demo's applications reach nothing of this test's.
    const [other] = await q(sql`SELECT id FROM input_applications WHERE union_id = ${unionId} AND planting_id <> ${p.id} ORDER BY id LIMIT 1`);
    const otherCodes = codes((await recall('application', Number(other.id))).json());
    expect(otherCodes).not.toContain(onDay.code);
  });

  it('keeps to the caller\'s scope, refuses buyers and members, 404 for an unknown start, 400 for a bad one', async () => {
    expect((await recall('lot', lots.L2.id, manager)).statusCode).toBe(200);
    expect((await recall('lot', Number(lots.QY.id), manager)).statusCode).toBe(404);
    expect((await recall('lot', Number(lots.QY.id), sales)).statusCode).toBe(200);
    expect((await recall('lot', lots.L2.id, member)).statusCode).toBe(403);
    expect((await recall('lot', lots.L2.id, buyer)).statusCode).toBe(403);
    expect((await recall('plot', 2_000_000_000)).statusCode).toBe(404);
    const bad = await api(admin, 'GET', '/api/recall?from=buyer&id=1');
    expect(bad.statusCode).toBe(400);
    expect(bad.json().error_codes).toHaveProperty('from');
    expect((await api(admin, 'GET', '/api/recall?from=lot')).statusCode).toBe(400);
  });

  it('exports one CSV row per critical tracking event, with the key data elements', async () => {
    const r = await api(admin, 'GET', `/api/recall.csv?from=lot&id=${lots.L2.id}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(r.rawPayload.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const lines = r.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('event,lot_code,product,grade,quantity,unit,place,date,time,reference');
    const data = lines.slice(1).map((l) => l.split(','));
    // One row per harvest (L2; the rest were made by processing) and per receipt, transfer, processing movement or loss.
    const ids = [lots.L2.id, lots.M.id, lots.S1.id, lots.S2.id, lots.P.id];
    const [{ n }] = await q<{ n: number }>(sql`SELECT count(*)::int AS n FROM stock_movements
      WHERE lot_id = ANY(${sql.param(ids)}::int[]) AND kind IN ('receive', 'transfer', 'issue', 'output', 'loss')`);
    expect(data).toHaveLength(Number(n) + 1);
    expect(data.filter((d) => d[0] === 'harvest')).toHaveLength(1);
    const product = `"${CROP_NAME.replaceAll('"', '""')}"`;
    const harvestRow = lines.find((l) => l.startsWith(`harvest,${lots.L2.code},`))!;
    expect(harvestRow).toBe(`harvest,${lots.L2.code},${product},first,60.00,KGM,${cj.name} ${plotB.code},${today()},${harvestRow.split(',').at(-2)},harvest-lot:${lots.L2.id}`);
    expect(lines.some((l) => l.startsWith(`receiving,${lots.L2.code},${product},first,60.00,KGM,${r1.code} ${r1.name},${today()},`))).toBe(true);
    expect(lines.some((l) => l.startsWith(`transformation_input,${lots.L2.code},`) && l.endsWith(`,processing-run:${runs.merge.id}`))).toBe(true);
    expect(lines.some((l) => l.startsWith(`transformation_output,${lots.P.code},${product},premium,85.00,KGM,`) && l.endsWith(`,processing-run:${runs.pack.id}`))).toBe(true);
    expect(lines.filter((l) => l.startsWith(`loss,${lots.S2.code},`) && /,movement:\d+$/.test(l))).toHaveLength(1);
    for (const d of data.filter((x) => x[0] !== 'harvest')) {
      expect(d.at(-3)).toMatch(/^\d{4}-\d\d-\d\d$/);
      expect(d.at(-2)).toMatch(/^\d\d:\d\d:\d\d$/);
    }
    // Sorted by date and time.
    const stamps = data.map((d) => `${d.at(-3)} ${d.at(-2)}`);
    expect(stamps).toEqual([...stamps].sort());
    // Co-inputs of the merge are not recalled.
    expect(r.body).not.toContain(lots.L1.code);
  });

  it('a manager\'s CSV holds only their village\'s lots', async () => {
    const r = await api(manager, 'GET', `/api/recall.csv?from=lot&id=${lots.L2.id}`);
    expect(r.statusCode).toBe(200);
    expect(r.body).toContain(lots.P.code);
    expect((await api(manager, 'GET', `/api/recall.csv?from=lot&id=${lots.QY.id}`)).statusCode).toBe(404);
    expect((await api(member, 'GET', `/api/recall.csv?from=lot&id=${lots.L2.id}`)).statusCode).toBe(403);
  });
});

describe('across villages and corrections', () => {
  it('a merge across villages: a manager sees the other village\'s lot, but not its household', async () => {
    const [coopQY] = await q<Cooperative>(sql`SELECT * FROM cooperatives WHERE village_id = ${qy.id}`);
    const roomQY = await makeWarehouse(t.db.db, coopQY);
    const hhQY = await makeHousehold(t.db.db, qy);
    const qyPlanting = await makePlanting(t.db.db, await makePlot(t.db.db, hhQY, { area_mu: '2.00' }), crop, { planted_on: day(-60) });
    const fromQY = await harvest(qyPlanting.id, '40.00', { warehouse_id: roomQY.id });
    const p = await planting(plotC);
    const fromCJ = await harvest(p.id, '30.00', { warehouse_id: r1.id });
    const run = await runProcessing('washing', [[fromCJ, r1, '30.00'], [fromQY, roomQY, '40.00']], [['first', '68.00', r1]]);
    const mixed = out(run, 0); // made in Changjiang, its first input's room
    const households = (body: Rec) => Object.fromEntries((body.backward.origins as Rec[]).map((o) => [o.lot_code, o.household]));
    const byAdmin = (await trace(mixed.code)).json();
    expect(households(byAdmin)).toEqual({ [fromQY.code]: { id: hhQY.id, code: hhQY.code }, [fromCJ.code]: { id: plotC.household_id, code: expect.any(String) } });
    const byManager = await trace(mixed.code, manager);
    expect(byManager.statusCode, byManager.body).toBe(200);
    expect(households(byManager.json())).toEqual({ [fromQY.code]: null, [fromCJ.code]: { id: plotC.household_id, code: expect.any(String) } });
    expect(byManager.body).not.toContain(hhQY.code);
    // The manager's recall of the QY lot is refused; the administrator's reaches the mixed lot.
    expect((await api(manager, 'GET', `/api/recall?from=lot&id=${fromQY.id}`)).statusCode).toBe(404);
    const recalled = (await api(admin, 'GET', `/api/recall?from=lot&id=${fromQY.id}`)).json();
    expect(recalled.lots.map((l: Rec) => l.code).sort()).toEqual([fromQY.code, mixed.code].sort());
  });

  it('a receipt undone by a reversal is no event of the CSV or of EPCIS, though the trace lists both', async () => {
    const p = await planting(plotC);
    const lot = await harvest(p.id, '10.00');
    const wrong = await move({ kind: 'receive', lot_id: lot.id, to_warehouse_id: r2.id, quantity_kg: '10.00' });
    await move({ kind: 'reversal', reverses_id: wrong.id, reason: '录错冷库' });
    await move({ kind: 'receive', lot_id: lot.id, to_warehouse_id: r1.id, quantity_kg: '10.00' });
    const body = (await trace(lot.code)).json();
    expect(body.forward.movements.map((m: Rec) => m.kind)).toEqual(['receive', 'reversal', 'receive']);
    const csv = (await api(admin, 'GET', `/api/recall.csv?from=lot&id=${lot.id}`)).body;
    const receipts = csv.split('\r\n').filter((l) => l.startsWith('receiving,'));
    expect(receipts).toHaveLength(1);
    expect(receipts[0]).toContain(`${r1.code} ${r1.name}`);
    const events = (await api(admin, 'GET', `/api/trace/${lot.code}/epcis`)).json().epcisBody.eventList as Rec[];
    expect(events.filter((e) => e.bizStep === 'receiving').map((e) => e.bizLocation.id)).toEqual([expect.stringMatching(new RegExp(`/room/${r1.code}$`))]);
  });
});

describe('EPCIS 2.0 export', () => {
  const schema = JSON.parse(readFileSync(new URL('./fixtures/epcis-2.0-json-schema.json', import.meta.url), 'utf8'));
  const ajv = new Ajv({ strict: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);

  it('validates against GS1\'s schema and tells the lot\'s story from its harvests', async () => {
    const r = await api(admin, 'GET', `/api/trace/${lots.S1.code}/epcis`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.headers['content-type']).toMatch(/^application\/ld\+json/);
    const doc = r.json();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc).toMatchObject({ '@context': ['https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld'], type: 'EPCISDocument', schemaVersion: '2.0' });
    const events = doc.epcisBody.eventList as Rec[];
    const classOf = (code: string) => expect.stringMatching(new RegExp(`^https://.*/lot/${code}$`));
    const commissioned = events.filter((e) => e.type === 'ObjectEvent' && e.bizStep === 'commissioning');
    expect(commissioned.map((e) => e.action)).toEqual(['ADD', 'ADD']);
    expect(commissioned.map((e) => e.quantityList[0])).toEqual(expect.arrayContaining([
      { epcClass: classOf(lots.L1.code), quantity: 100, uom: 'KGM' }, { epcClass: classOf(lots.L2.code), quantity: 60, uom: 'KGM' },
    ]));
    const received = events.filter((e) => e.bizStep === 'receiving');
    expect(received.map((e) => [e.action, e.quantityList[0].quantity, e.bizLocation.id])).toEqual(expect.arrayContaining([
      ['OBSERVE', 100, expect.stringMatching(new RegExp(`/room/${r1.code}$`))], ['OBSERVE', 60, expect.stringMatching(new RegExp(`/room/${r1.code}$`))],
    ]));
    expect(events.filter((e) => e.bizStep === 'storing').map((e) => [e.quantityList[0].quantity, e.readPoint.id]))
      .toEqual([[20, expect.stringMatching(new RegExp(`/room/${r2.code}$`))]]);
    const transformations = events.filter((e) => e.type === 'TransformationEvent');
    expect(transformations).toHaveLength(3);
    const merge = transformations.find((e) => String(e.transformationID).endsWith(`/processing-run/${runs.merge.id}`))!;
    expect(merge.inputQuantityList).toEqual(expect.arrayContaining([
      { epcClass: classOf(lots.L1.code), quantity: 80, uom: 'KGM' }, { epcClass: classOf(lots.L1.code), quantity: 20, uom: 'KGM' },
      { epcClass: classOf(lots.L2.code), quantity: 60, uom: 'KGM' },
    ]));
    expect(merge.outputQuantityList).toEqual([{ epcClass: classOf(lots.M.code), quantity: 150, uom: 'KGM' }]);
    for (const e of events) {
      expect(e.eventTimeZoneOffset).toBe('+08:00');
      expect(e.eventTime).toMatch(/\+08:00$/);
    }
    const times = events.map((e) => Date.parse(e.eventTime));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it('the validator would catch a wrong document', async () => {
    const doc = (await api(admin, 'GET', `/api/trace/${lots.deep5.code}/epcis`)).json();
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    const broken = structuredClone(doc);
    broken.epcisBody.eventList[0].quantityList[0].uom = 'kg';
    expect(validate(broken)).toBe(false);
    const noOffset = structuredClone(doc);
    delete noOffset.epcisBody.eventList[0].eventTimeZoneOffset;
    expect(validate(noOffset)).toBe(false);
  });
});

describe('public trace', () => {
  const anon = (url: string) => t.app.inject({ method: 'GET', url });
  const secrets = async () => {
    const hh = await q(sql`SELECT head_name, code, phone, address FROM households WHERE id IN (${memberHH.id}, ${plotB.household_id})`);
    return [...hh.flatMap((h) => [h.head_name, h.code, h.phone, h.address]).filter(Boolean), INTAKE_PRICE, '张三', '李检', plotA.code, plotB.code] as string[];
  };

  it('shows crop, grade, harvest dates, villages, residue tests and processing steps, without a login and without personal data', async () => {
    const r = await anon(`/api/public/trace/${lots.P.code}`);
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json()).toEqual({
      code: lots.P.code, crop: { name_zh: CROP_NAME, name_en: crop.name_en }, grade: 'premium', quantity_kg: '85.00', harvest_dates: [today()],
      origin_villages: [cj.name], expires_on: expect.any(String),
      residue_tests: [{ method: 'rapid', result: 'pass', tested_on: today() }],
      processing: expect.arrayContaining([{ kind: 'washing', run_on: today() }, { kind: 'grading', run_on: today() }, { kind: 'packing', run_on: today() }]),
    });
    expect(memberHH.head_name.length).toBeGreaterThan(0);
    for (const s of await secrets()) expect(r.body, s).not.toContain(s);
    expect(r.body).not.toMatch(/household|phone|intake|plot/);
    const unknown = await anon('/api/public/trace/CJ-19990101-999');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe('NOT_FOUND');
  });

  it('serves a self-contained Chinese page for the QR code, everything escaped; 404 page for an unknown code', async () => {
    const r = await anon(`/t/${lots.P.code}`);
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(r.body).toContain('lang="zh-CN"');
    expect(r.body).toContain('name="viewport"');
    expect(r.body).toContain(lots.P.code);
    expect(r.body).toContain(cj.name);
    expect(r.body).toContain('合格');
    expect(r.body).toContain('番茄&lt;i&gt;&quot;&amp;&#39;');
    expect(r.body).not.toContain('<i>');
    // No external assets: no script, stylesheet link or image from anywhere.
    expect(r.body).not.toMatch(/<script|<link|<img|src=|https?:\/\//);
    for (const s of await secrets()) expect(r.body, s).not.toContain(s);
    const missing = await anon('/t/CJ-19990101-999');
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(missing.body).toContain('未找到');
    expect((await anon('/t/%3Cscript%3E')).statusCode).toBe(404);
  });

  it('is rate limited per address', async () => {
    let ok = 0;
    let limited: Awaited<ReturnType<typeof anon>> | undefined;
    for (let i = 0; i < 70 && !limited; i++) {
      const r = await anon(`/api/public/trace/${lots.S2.code}`);
      if (r.statusCode === 429) limited = r;
      else ok += 1;
    }
    expect(limited, 'no 429 after 70 requests').toBeDefined();
    expect(ok).toBeLessThanOrEqual(60);
    expect(limited!.json().code).toBe('TOO_MANY_REQUESTS');
  });
});
