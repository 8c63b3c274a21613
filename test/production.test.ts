import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, listUrl, totalOf, type TestContext } from './helpers/app';
import {
  makeCooperative, makeCrop, makeHousehold, makePerson, makePlanting, makePlot, makeVillage, type Crop, type Household, type Plot, type Village,
} from './helpers/factories';
import { apiOf, compact, countOf, day, dec, fieldCode, rows, snapshotOf, today, type Api, type Rec } from './helpers/issue7';

// Issue 7, production: crops, plantings, input applications and the pre-harvest rule, harvest
// lots (codes, idempotency, intake credits, CSV import), residue tests and work records,
// through the API on the seeded database, with every outcome checked in the rows.

let t: TestContext;
let api: Api;
let admin: string;
let sales: string;
let manager: string;
let cadre: string;
let member: string;
let unionId: number;
let cj: Village;
let qy: Village;
let memberHH: Household;
let crop: Crop;

const q = <T = Rec>(query: ReturnType<typeof sql>) => rows<T>(t.db, query);

beforeAll(async () => {
  t = await createTestApp();
  api = apiOf(t.app);
  [admin, sales, manager, cadre, member] = await Promise.all(
    ['admin', 'sales', 'manager.changjiang', 'cadre.changjiang', 'member.changjiang'].map((u) => t.tokenOf(u)),
  );
  const [{ union_id, household_id }] = await q<{ union_id: number; household_id: number }>(
    sql`SELECT union_id, household_id FROM users WHERE username = 'member.changjiang'`,
  );
  unionId = union_id;
  [cj] = await q<Village>(sql`SELECT * FROM villages WHERE union_id = ${unionId} AND code = 'CJ'`);
  [qy] = await q<Village>(sql`SELECT * FROM villages WHERE union_id = ${unionId} AND code = 'QY'`);
  [memberHH] = await q<Household>(sql`SELECT * FROM households WHERE id = ${household_id}`);
  crop = await makeCrop(t.db.db, unionId, { shelf_life_days: 10 });
});
afterAll(() => t?.close());

/** A household of the village with a plot of `area` mu. */
async function plotIn(village: Village, area = '2.00', hh?: Household): Promise<Plot> {
  return makePlot(t.db.db, hh ?? (await makeHousehold(t.db.db, village)), { area_mu: area });
}

/** A planting made through the API (as the administrator unless told), planted 60 days ago. */
async function planting(plot: Plot, body: Rec = {}, token = admin): Promise<Rec> {
  const r = await api(token, 'POST', '/api/plantings', { plot_id: plot.id, crop_id: crop.id, area_mu: '0.50', planted_on: day(-60), status: 'growing', ...body });
  expect(r.statusCode, r.body).toBe(201);
  return r.json();
}

const apply = (planting_id: number, body: Rec = {}, token = admin) =>
  api(token, 'POST', '/api/input-applications', {
    planting_id, kind: 'pesticide', product: '吡虫啉', active_ingredient: 'imidacloprid', dose: '30', dose_unit: 'g/亩',
    applied_on: day(-20), applied_by: '张三', pre_harvest_interval_days: 10, ...body,
  });

const harvest = (planting_id: number, body: Rec = {}, token = admin, headers?: Record<string, string>) =>
  api(token, 'POST', '/api/harvest-lots', { planting_id, harvested_on: today(), grade: 'first', quantity_kg: '100.00', intake_price: '2.00', ...body }, headers);

const lotCount = (plantingId: number) => countOf(t.db, 'harvest_lots', sql`planting_id = ${plantingId}`);

describe('crops', () => {
  it('the administrator keeps them; everyone else reads them and nobody else writes them', async () => {
    const body = { code: 'TOMATO-T1', name_zh: '番茄', name_en: 'Tomato', variety: '粉果', category: 'fruiting', shelf_life_days: 14, storage_zone: 'cool', chill_sensitive: true };
    const made = await api(admin, 'POST', '/api/crops', body);
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ ...body, union_id: unionId, version: 1 });
    const id = made.json().id;
    for (const token of [sales, manager, cadre, member]) {
      const r = await api(token, 'GET', `/api/crops/${id}`);
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json().code).toBe('TOMATO-T1');
    }
    for (const token of [sales, manager, cadre, member]) {
      const c = await api(token, 'POST', '/api/crops', { ...body, code: 'NOPE' });
      expect(c.statusCode, c.body).toBe(403);
      const u = await api(token, 'PUT', `/api/crops/${id}`, { shelf_life_days: 1, version: 1 });
      expect(u.statusCode, u.body).toBe(403);
      const d = await api(token, 'DELETE', `/api/crops/${id}`);
      expect(d.statusCode, d.body).toBe(403);
    }
    expect(await countOf(t.db, 'crops', sql`code = 'NOPE'`)).toBe(0);
    const [row] = await q(sql`SELECT shelf_life_days, version FROM crops WHERE id = ${id}`);
    expect(row).toEqual({ shelf_life_days: 14, version: 1 });
    const upd = await api(admin, 'PUT', `/api/crops/${id}`, { shelf_life_days: 12, version: 1 });
    expect(upd.statusCode, upd.body).toBe(200);
    expect(upd.json()).toMatchObject({ shelf_life_days: 12, version: 2 });
    const del = await api(admin, 'DELETE', `/api/crops/${id}`);
    expect(del.statusCode, del.body).toBe(200);
    expect(await countOf(t.db, 'crops', sql`id = ${id}`)).toBe(0);
  });

  it('refuses a chill-sensitive crop that needs the chilled zone, and shelf lives out of range', async () => {
    const before = await countOf(t.db, 'crops');
    const base = { code: 'BAD-C', name_zh: '坏', name_en: 'Bad', category: 'fruiting', shelf_life_days: 5, storage_zone: 'chilled', chill_sensitive: true };
    const chill = await api(admin, 'POST', '/api/crops', base);
    expect(chill.statusCode, chill.body).toBe(400);
    for (const shelf_life_days of [0, 731]) {
      const r = await api(admin, 'POST', '/api/crops', { ...base, chill_sensitive: false, shelf_life_days });
      expect(r.statusCode, r.body).toBe(400);
      expect(r.json().errors).toHaveProperty('shelf_life_days');
    }
    expect(await countOf(t.db, 'crops')).toBe(before);
  });
});

describe('plantings', () => {
  it('takes village and household from the plot; derived fields are the server\'s', async () => {
    const hh = await makeHousehold(t.db.db, cj);
    const plot = await plotIn(cj, '2.00', hh);
    const r = await api(manager, 'POST', '/api/plantings', { plot_id: plot.id, crop_id: crop.id, area_mu: 1.2, planted_on: day(-30) });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({
      village_id: cj.id, household_id: hh.id, plot_id: plot.id, crop_id: crop.id, area_mu: '1.20', status: 'planned', harvestable_from: null, harvestable_now: true,
    });
    expect(dec(r.json().harvested_kg)).toBe('0');
    const [row] = await q(sql`SELECT village_id, household_id, area_mu, status FROM plantings WHERE id = ${r.json().id}`);
    expect(row).toEqual({ village_id: cj.id, household_id: hh.id, area_mu: '1.20', status: 'planned' });

    const before = await countOf(t.db, 'plantings');
    for (const extra of [{ harvestable_from: day(5) }, { village_id: qy.id }, { harvested_kg: '5' }]) {
      const bad = await api(manager, 'POST', '/api/plantings', { plot_id: plot.id, crop_id: crop.id, area_mu: '0.1', planted_on: day(-30), ...extra });
      expect(bad.statusCode, bad.body).toBe(400);
      expect(bad.json().errors).toHaveProperty(Object.keys(extra)[0]);
    }
    expect(await countOf(t.db, 'plantings')).toBe(before);
  });

  it('refuses another village\'s plot (400 plot_id) and an unknown crop (400 crop_id), writing nothing', async () => {
    const qyPlot = await plotIn(qy);
    const before = await countOf(t.db, 'plantings');
    const r = await api(manager, 'POST', '/api/plantings', { plot_id: qyPlot.id, crop_id: crop.id, area_mu: '0.5', planted_on: day(-10) });
    expect(r.statusCode, r.body).toBe(400);
    expect(fieldCode(r, 'plot_id')?.code).toBe('not_found_reference');
    const cjPlot = await plotIn(cj);
    const c = await api(manager, 'POST', '/api/plantings', { plot_id: cjPlot.id, crop_id: 99_999_999, area_mu: '0.5', planted_on: day(-10) });
    expect(c.statusCode, c.body).toBe(400);
    expect(c.json().errors).toHaveProperty('crop_id');
    expect(await countOf(t.db, 'plantings')).toBe(before);
  });

  it('refuses dates before the planting (the harvest window\'s end, the finishing day), naming the field', async () => {
    const plot = await plotIn(cj);
    const before = await countOf(t.db, 'plantings');
    const base = { plot_id: plot.id, crop_id: crop.id, area_mu: '0.5', planted_on: day(-10) };
    const end = await api(manager, 'POST', '/api/plantings', { ...base, expected_harvest_to: day(-20) });
    expect(end.statusCode, end.body).toBe(400);
    expect(fieldCode(end, 'expected_harvest_to')).toEqual({ code: 'before_planting', params: { planted_on: day(-10) } });
    const done = await api(manager, 'POST', '/api/plantings', { ...base, status: 'finished', finished_on: day(-15) });
    expect(done.statusCode, done.body).toBe(400);
    expect(fieldCode(done, 'finished_on')?.code).toBe('before_planting');
    expect(await countOf(t.db, 'plantings')).toBe(before);
  });

  it('never commits more of a plot than its area at one time (409 PLOT_AREA_EXCEEDED with what is available)', async () => {
    const plot = await plotIn(cj, '2.00');
    const a = await planting(plot, { area_mu: '1.50', planted_on: day(-40), expected_harvest_to: day(20) });
    const before = await countOf(t.db, 'plantings', sql`plot_id = ${plot.id}`);
    const over = await api(manager, 'POST', '/api/plantings', { plot_id: plot.id, crop_id: crop.id, area_mu: '1.00', planted_on: day(-10) });
    expect(over.statusCode, over.body).toBe(409);
    expect(over.json().code).toBe('PLOT_AREA_EXCEEDED');
    expect(fieldCode(over, 'area_mu')?.code).toBe('plot_area_exceeded');
    expect(dec(fieldCode(over, 'area_mu')?.params?.available)).toBe('0.5');
    expect(await countOf(t.db, 'plantings', sql`plot_id = ${plot.id}`)).toBe(before);
    // Exactly what is left fits.
    const fits = await api(manager, 'POST', '/api/plantings', { plot_id: plot.id, crop_id: crop.id, area_mu: '0.50', planted_on: day(-10) });
    expect(fits.statusCode, fits.body).toBe(201);
    // Growing the first one now overcommits too.
    const grow = await api(manager, 'PUT', `/api/plantings/${a.id}`, { area_mu: '1.60', version: a.version });
    expect(grow.statusCode, grow.body).toBe(409);
    expect(grow.json().code).toBe('PLOT_AREA_EXCEEDED');
    const [row] = await q(sql`SELECT area_mu FROM plantings WHERE id = ${a.id}`);
    expect(row.area_mu).toBe('1.50');
  });

  it('counts only plantings whose periods overlap: a finished one frees its area', async () => {
    const plot = await plotIn(cj, '1.00');
    await makePlanting(t.db.db, plot, crop, { area_mu: '1.00', planted_on: day(-120), status: 'finished', finished_on: day(-50) });
    const r = await api(manager, 'POST', '/api/plantings', { plot_id: plot.id, crop_id: crop.id, area_mu: '1.00', planted_on: day(-10) });
    expect(r.statusCode, r.body).toBe(201);
    const over = await api(manager, 'POST', '/api/plantings', { plot_id: plot.id, crop_id: crop.id, area_mu: '0.01', planted_on: day(-5) });
    expect(over.statusCode, over.body).toBe(409);
    expect(dec(fieldCode(over, 'area_mu')?.params?.available)).toBe('0');
    expect(await countOf(t.db, 'plantings', sql`plot_id = ${plot.id}`)).toBe(2);
  });

  it('deletes a planting only while nothing was recorded on it (409 IN_USE)', async () => {
    const used = await planting(await plotIn(cj), {}, manager);
    expect((await apply(used.id, { kind: 'fertiliser', product: '有机肥', pre_harvest_interval_days: undefined }, manager)).statusCode).toBe(201);
    const refused = await api(manager, 'DELETE', `/api/plantings/${used.id}`);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().code).toBe('IN_USE');
    expect(await countOf(t.db, 'plantings', sql`id = ${used.id}`)).toBe(1);
    const unused = await planting(await plotIn(cj), {}, manager);
    const del = await api(manager, 'DELETE', `/api/plantings/${unused.id}`);
    expect(del.statusCode, del.body).toBe(200);
    expect(await countOf(t.db, 'plantings', sql`id = ${unused.id}`)).toBe(0);
    // Cadres and members read plantings, never write them.
    const mine = await makePlanting(t.db.db, await makePlot(t.db.db, memberHH, { area_mu: '1' }), crop);
    for (const token of [cadre, member, sales]) {
      expect((await api(token, 'GET', `/api/plantings/${mine.id}`)).statusCode).toBe(200);
      expect((await api(token, 'DELETE', `/api/plantings/${mine.id}`)).statusCode).toBe(403);
    }
    expect(await countOf(t.db, 'plantings', sql`id = ${mine.id}`)).toBe(1);
  });

  it('moves status only forward; finishing sets finished_on; plot, crop and harvestable_from are read-only', async () => {
    const plot = await plotIn(cj);
    const p = await planting(plot, { status: 'growing' }, manager);
    const back = await api(manager, 'PUT', `/api/plantings/${p.id}`, { status: 'planned', version: p.version });
    expect(back.statusCode, back.body).toBe(400);
    expect(fieldCode(back, 'status')?.code).toBe('status_backwards');
    expect((await q(sql`SELECT status FROM plantings WHERE id = ${p.id}`))[0].status).toBe('growing');

    // harvestable_from is derived: the console sends it back with every form, and the server
    // ignores it there (lib/resource.ts, `derived`); it never takes the value sent.
    const sentBack = await api(manager, 'PUT', `/api/plantings/${p.id}`, { harvestable_from: day(3), version: p.version });
    expect([200, 400], sentBack.body).toContain(sentBack.statusCode);
    if (sentBack.statusCode === 200) expect(sentBack.json()).toMatchObject({ harvestable_from: null, version: p.version });
    const refusals: Rec = {};
    for (const change of [{ plot_id: (await plotIn(cj)).id }, { crop_id: (await makeCrop(t.db.db, unionId)).id }]) {
      const r = await api(manager, 'PUT', `/api/plantings/${p.id}`, { ...change, version: p.version });
      const field = Object.keys(change)[0];
      refusals[field] = [r.statusCode, r.json().error_codes?.[field]?.code];
    }
    const [same] = await q(sql`SELECT plot_id, crop_id, harvestable_from, version FROM plantings WHERE id = ${p.id}`);
    expect(same).toEqual({ plot_id: plot.id, crop_id: crop.id, harvestable_from: null, version: p.version });

    const h = await api(manager, 'PUT', `/api/plantings/${p.id}`, { status: 'harvesting', version: p.version });
    expect(h.statusCode, h.body).toBe(200);
    const f = await api(manager, 'PUT', `/api/plantings/${p.id}`, { status: 'finished', version: h.json().version });
    expect(f.statusCode, f.body).toBe(200);
    expect(f.json()).toMatchObject({ status: 'finished', finished_on: today() });
    const again = await api(manager, 'PUT', `/api/plantings/${p.id}`, { status: 'growing', version: f.json().version });
    expect(again.statusCode, again.body).toBe(400);
    expect((await q(sql`SELECT status, finished_on FROM plantings WHERE id = ${p.id}`))[0]).toEqual({ status: 'finished', finished_on: today() });
    // Nothing more is harvested from a finished planting.
    const lot = await harvest(p.id, {}, manager);
    expect(lot.statusCode, lot.body).toBe(409);
    expect(lot.json().code).toBe('PLANTING_FINISHED');
    expect(await lotCount(p.id)).toBe(0);
    // Checked last, so that the rest of the test runs whatever this finds.
    expect(refusals).toEqual({ plot_id: [400, 'read_only'], crop_id: [400, 'read_only'] });
  });
});

describe('input applications', () => {
  it('a pesticide needs its pre-harvest interval (400 naming it); derived fields come from the planting', async () => {
    const hh = await makeHousehold(t.db.db, cj);
    const p = await planting(await plotIn(cj, '2.00', hh));
    const before = await countOf(t.db, 'input_applications');
    const none = await apply(p.id, { pre_harvest_interval_days: undefined }, manager);
    expect(none.statusCode, none.body).toBe(400);
    expect(none.json().errors).toHaveProperty('pre_harvest_interval_days');
    const nul = await apply(p.id, { pre_harvest_interval_days: null }, manager);
    expect(nul.statusCode, nul.body).toBe(400);
    expect(nul.json().errors).toHaveProperty('pre_harvest_interval_days');
    const future = await apply(p.id, { applied_on: day(1) }, manager);
    expect(future.statusCode, future.body).toBe(400);
    expect(future.json().errors).toHaveProperty('applied_on');
    expect(await countOf(t.db, 'input_applications')).toBe(before);

    const fert = await apply(p.id, { kind: 'fertiliser', product: '复合肥', pre_harvest_interval_days: undefined, dose: '20', dose_unit: 'kg/亩' }, manager);
    expect(fert.statusCode, fert.body).toBe(201);
    expect(fert.json()).toMatchObject({ village_id: cj.id, household_id: hh.id, kind: 'fertiliser', pre_harvest_interval_days: null, in_force: true, corrected_by_id: null });
    const pest = await apply(p.id, { applied_on: day(-3), pre_harvest_interval_days: 7 }, manager);
    expect(pest.statusCode, pest.body).toBe(201);
    expect(pest.json()).toMatchObject({ safe_from: day(4), in_force: true, pre_harvest_interval_days: 7 });
    const pl = await api(manager, 'GET', `/api/plantings/${p.id}`);
    expect(pl.json()).toMatchObject({ harvestable_from: day(4), harvestable_now: false });
    expect((await q(sql`SELECT harvestable_from FROM plantings WHERE id = ${p.id}`))[0].harvestable_from).toBe(day(4));
  });

  it('is never edited or deleted (405, nothing changes); a correction marks the original, which stays readable; only once', async () => {
    const p = await planting(await plotIn(cj));
    const orig = (await apply(p.id, { applied_on: day(-5), pre_harvest_interval_days: 7 }, manager)).json();
    const [stored] = await q(sql`SELECT to_jsonb(a) AS j FROM input_applications a WHERE id = ${orig.id}`);
    const put = await api(manager, 'PUT', `/api/input-applications/${orig.id}`, { product: '改了', version: 1 });
    expect(put.statusCode, put.body).toBe(405);
    expect(put.json().code).toBe('METHOD_NOT_ALLOWED');
    expect(put.json().message).toMatch(/correct/i);
    const del = await api(admin, 'DELETE', `/api/input-applications/${orig.id}`);
    expect(del.statusCode, del.body).toBe(405);
    expect((await q(sql`SELECT to_jsonb(a) AS j FROM input_applications a WHERE id = ${orig.id}`))[0]).toEqual(stored);

    const noReason = await apply(p.id, { corrects_id: orig.id, applied_on: day(-5), pre_harvest_interval_days: 3 }, manager);
    expect(noReason.statusCode, noReason.body).toBe(400);
    expect(noReason.json().errors).toHaveProperty('correction_reason');
    const otherPlanting = await planting(await plotIn(cj));
    const elsewhere = await apply(otherPlanting.id, { corrects_id: orig.id, correction_reason: '记错', pre_harvest_interval_days: 3 }, manager);
    expect(elsewhere.statusCode, elsewhere.body).toBe(400);

    const fix = await apply(p.id, { corrects_id: orig.id, correction_reason: '间隔期记错', applied_on: day(-5), pre_harvest_interval_days: 3 }, manager);
    expect(fix.statusCode, fix.body).toBe(201);
    expect(fix.json()).toMatchObject({ corrects_id: orig.id, correction_reason: '间隔期记错', in_force: true });
    const old = await api(manager, 'GET', `/api/input-applications/${orig.id}`);
    expect(old.statusCode).toBe(200);
    expect(old.json()).toMatchObject({ id: orig.id, product: '吡虫啉', pre_harvest_interval_days: 7, corrected_by_id: fix.json().id, in_force: false });
    const list = await api(cadre, 'GET', listUrl('input-applications', { filter: { planting_id: p.id }, sort: ['applied_on', 'ASC'] }));
    expect(list.json().map((a: Rec) => a.id).sort()).toEqual([orig.id, fix.json().id].sort());
    expect(totalOf(list)).toBe(2);

    const n = await countOf(t.db, 'input_applications');
    const twice = await apply(p.id, { corrects_id: orig.id, correction_reason: '再改', pre_harvest_interval_days: 1 }, manager);
    expect(twice.statusCode, twice.body).toBe(409);
    expect(twice.json().code).toBe('ALREADY_CORRECTED');
    expect(Number(twice.json().error_codes?.corrects_id?.params?.corrected_by_id)).toBe(fix.json().id);
    expect(await countOf(t.db, 'input_applications')).toBe(n);
    // The correction itself can be corrected.
    const chain = await apply(p.id, { corrects_id: fix.json().id, correction_reason: '再改', applied_on: day(-5), pre_harvest_interval_days: 1 }, manager);
    expect(chain.statusCode, chain.body).toBe(201);
  });
});

describe('the pre-harvest interval', () => {
  it('refuses inside it (409 naming the product and the first allowed day), allows the boundary day and after', async () => {
    const p = await planting(await plotIn(cj));
    const app = (await apply(p.id, { product: '高效氯氰菊酯', applied_on: day(-20), pre_harvest_interval_days: 10 })).json();
    for (const d of [-12, -11]) {
      const r = await harvest(p.id, { harvested_on: day(d) }, manager);
      expect(r.statusCode, r.body).toBe(409);
      const body = r.json();
      expect(body.code).toBe('PRE_HARVEST_INTERVAL');
      expect(body.errors.harvested_on).toContain('高效氯氰菊酯');
      expect(body.error_codes.harvested_on).toEqual({
        code: 'pre_harvest_interval',
        params: { product: '高效氯氰菊酯', application_id: app.id, applied_on: day(-20), interval_days: 10, allowed_from: day(-10) },
      });
      expect(body.message).toBe(`高效氯氰菊酯 applied on ${day(-20)} has a 10-day pre-harvest interval: harvest allowed from ${day(-10)}`);
    }
    expect(await lotCount(p.id)).toBe(0);
    // Before the application nothing restricts the harvest.
    const before = await harvest(p.id, { harvested_on: day(-25) }, manager);
    expect(before.statusCode, before.body).toBe(201);
    const boundary = await harvest(p.id, { harvested_on: day(-10) }, manager);
    expect(boundary.statusCode, boundary.body).toBe(201);
    const after = await harvest(p.id, { harvested_on: day(-5) }, manager);
    expect(after.statusCode, after.body).toBe(201);
    expect((await q(sql`SELECT harvested_on FROM harvest_lots WHERE planting_id = ${p.id} ORDER BY harvested_on`)).map((r) => r.harvested_on)).toEqual([
      day(-25), day(-10), day(-5),
    ]);
  });

  it('a fertiliser never blocks; the latest-ending pesticide in force does', async () => {
    const p = await planting(await plotIn(cj));
    await apply(p.id, { kind: 'fertiliser', product: '尿素', pre_harvest_interval_days: undefined, applied_on: day(-1) });
    await apply(p.id, { product: '短效药', applied_on: day(-10), pre_harvest_interval_days: 5 });
    const long = (await apply(p.id, { product: '长效药', applied_on: day(-4), pre_harvest_interval_days: 14 })).json();
    const r = await harvest(p.id, { harvested_on: today() });
    expect(r.statusCode, r.body).toBe(409);
    expect(r.json().error_codes.harvested_on.params).toMatchObject({ product: '长效药', application_id: long.id, allowed_from: day(10) });
    expect((await api(admin, 'GET', `/api/plantings/${p.id}`)).json()).toMatchObject({ harvestable_from: day(10), harvestable_now: false });
  });

  it('a correction that shortens the interval lets the harvest through', async () => {
    const p = await planting(await plotIn(cj));
    const orig = (await apply(p.id, { applied_on: day(-10), pre_harvest_interval_days: 14 })).json();
    const refused = await harvest(p.id, {}, manager);
    expect(refused.statusCode, refused.body).toBe(409);
    expect(refused.json().error_codes.harvested_on.params.allowed_from).toBe(day(4));
    const fix = await apply(p.id, { corrects_id: orig.id, correction_reason: '标签为7天', applied_on: day(-10), pre_harvest_interval_days: 7 });
    expect(fix.statusCode, fix.body).toBe(201);
    expect((await api(admin, 'GET', `/api/plantings/${p.id}`)).json()).toMatchObject({ harvestable_from: day(-3), harvestable_now: true });
    const ok = await harvest(p.id, {}, manager);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(await lotCount(p.id)).toBe(1);
  });

  it('a correction that lengthens it refuses a harvest the original allowed, naming the correction', async () => {
    const p = await planting(await plotIn(cj));
    const orig = (await apply(p.id, { product: '多菌灵', applied_on: day(-10), pre_harvest_interval_days: 3 })).json();
    const fix = (await apply(p.id, { corrects_id: orig.id, correction_reason: '应为30天', product: '多菌灵', applied_on: day(-10), pre_harvest_interval_days: 30 })).json();
    const r = await harvest(p.id, {}, manager);
    expect(r.statusCode, r.body).toBe(409);
    expect(r.json().error_codes.harvested_on.params).toMatchObject({ product: '多菌灵', application_id: fix.id, interval_days: 30, allowed_from: day(20) });
    expect(await lotCount(p.id)).toBe(0);
    expect((await q(sql`SELECT harvestable_from FROM plantings WHERE id = ${p.id}`))[0].harvestable_from).toBe(day(20));
  });
});

describe('harvest lots', () => {
  /** A village of its own, so that its lot codes start at 001. */
  async function freshVillage() {
    const v = await makeVillage(t.db.db, unionId);
    const hh = await makeHousehold(t.db.db, v, { is_member: true });
    const plot = await makePlot(t.db.db, hh, { area_mu: '5.00' });
    const p = await makePlanting(t.db.db, plot, crop, { planted_on: day(-60) });
    return { v, hh, plot, p };
  }

  it('the server makes the code: village, date, sequence per village and day', async () => {
    const { v, hh, p } = await freshVillage();
    const a = await harvest(p.id, { harvested_on: day(-1), quantity_kg: '12.5' });
    expect(a.statusCode, a.body).toBe(201);
    expect(a.json()).toMatchObject({
      code: `${v.code}-${compact(day(-1))}-001`, village_id: v.id, household_id: hh.id, plot_id: p.plot_id, crop_id: crop.id, source: 'harvest',
      quantity_kg: '12.50', is_member: true, expires_on: day(9), residue_status: 'untested',
    });
    const b = await harvest(p.id, { harvested_on: day(-1) });
    const c = await harvest(p.id, { harvested_on: today() });
    const d = await harvest(p.id, { harvested_on: day(-1) });
    expect([b, c, d].map((r) => r.json().code)).toEqual([
      `${v.code}-${compact(day(-1))}-002`, `${v.code}-${compact(today())}-001`, `${v.code}-${compact(day(-1))}-003`,
    ]);
    const stored = await q(sql`SELECT code FROM harvest_lots WHERE village_id = ${v.id} ORDER BY id`);
    expect(stored.map((r) => r.code)).toEqual([a, b, c, d].map((r) => r.json().code));
    // The first lot moved the planting on to harvesting; its kilograms are counted.
    const [pl] = await q(sql`SELECT status, harvested_kg FROM plantings WHERE id = ${p.id}`);
    expect(pl.status).toBe('harvesting');
    expect(dec(pl.harvested_kg)).toBe('312.5');
  });

  it('refuses bad input naming the field, writing nothing', async () => {
    const { p } = await freshVillage();
    const before = await countOf(t.db, 'harvest_lots');
    const cases: [Rec, string, string?][] = [
      [{ code: 'X-20260101-001' }, 'code', 'server_generated'],
      [{ quantity_kg: 0 }, 'quantity_kg'],
      [{ quantity_kg: '-5' }, 'quantity_kg'],
      [{ harvested_on: day(1) }, 'harvested_on', 'in_future'],
      [{ harvested_on: day(-61) }, 'harvested_on', 'before_planting'],
      [{ intake_price: '-1' }, 'intake_price'],
      [{ grade: 'super' }, 'grade'],
    ];
    for (const [body, field, code] of cases) {
      const r = await harvest(p.id, body);
      expect(r.statusCode, `${JSON.stringify(body)}: ${r.body}`).toBe(400);
      expect(r.json().errors, JSON.stringify(body)).toHaveProperty(field);
      if (code) expect(fieldCode(r, field)?.code, JSON.stringify(body)).toBe(code);
    }
    const unknown = await harvest(99_999_999);
    expect(unknown.statusCode, unknown.body).toBe(400);
    expect(unknown.json().errors).toHaveProperty('planting_id');
    expect(await countOf(t.db, 'harvest_lots')).toBe(before);
    expect((await q(sql`SELECT status FROM plantings WHERE id = ${p.id}`))[0].status).toBe('growing');
  });

  it('an Idempotency-Key replay gives the same lot and one audit row; another body under the key is 422', async () => {
    const { p } = await freshVillage();
    const key = `harvest-${p.id}-phone`;
    const body = { harvested_on: today(), quantity_kg: '88.80', grade: 'premium' };
    const first = await harvest(p.id, body, admin, { 'idempotency-key': key });
    expect(first.statusCode, first.body).toBe(201);
    const again = await harvest(p.id, body, admin, { 'idempotency-key': key });
    expect(again.statusCode, again.body).toBe(201);
    expect(again.json()).toEqual(first.json());
    expect(await lotCount(p.id)).toBe(1);
    expect(await countOf(t.db, 'audit_log', sql`resource = 'harvest-lots' AND record_id = ${String(first.json().id)}`)).toBe(1);
    const other = await harvest(p.id, { ...body, quantity_kg: '99.90' }, admin, { 'idempotency-key': key });
    expect(other.statusCode, other.body).toBe(422);
    expect(other.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(await lotCount(p.id)).toBe(1);
    expect((await q(sql`SELECT quantity_kg FROM harvest_lots WHERE planting_id = ${p.id}`))[0].quantity_kg).toBe('88.80');
  });

  it('credits the household kg × intake price to the fen, and totals members and non-members apart', async () => {
    const { v, p } = await freshVillage();
    const outsider = await makeHousehold(t.db.db, v, { is_member: false });
    const lots = [
      (await harvest(p.id, { quantity_kg: '1234.56', intake_price: '7.89' })).json(),
      (await harvest(p.id, { quantity_kg: '0.10', intake_price: '0.10' })).json(),
      (await harvest(p.id, { quantity_kg: '0.20', intake_price: '0.10', household_id: outsider.id })).json(),
    ];
    expect(lots.map((l) => [l.intake_amount, l.is_member])).toEqual([['9740.68', true], ['0.01', true], ['0.02', false]]);
    const [row] = await q(sql`SELECT intake_amount FROM harvest_lots WHERE id = ${lots[0].id}`);
    expect(row.intake_amount).toBe('9740.68');
    const r = await api(admin, 'GET', `/api/harvest-lots/totals?filter=${encodeURIComponent(JSON.stringify({ village_id: v.id }))}`);
    expect(r.statusCode, r.body).toBe(200);
    const tot = r.json();
    expect(tot.lots).toBe(3);
    expect(dec(tot.quantity_kg)).toBe('1234.86');
    expect(dec(tot.intake_amount)).toBe('9740.71');
    expect(tot.members.lots).toBe(2);
    expect(dec(tot.members.quantity_kg)).toBe('1234.66');
    expect(dec(tot.members.intake_amount)).toBe('9740.69');
    expect(tot.non_members.lots).toBe(1);
    expect(dec(tot.non_members.quantity_kg)).toBe('0.2');
    expect(dec(tot.non_members.intake_amount)).toBe('0.02');
  });

  it('a member sees only their household\'s lots and running total; another household\'s lot is 404', async () => {
    const own = await makePlot(t.db.db, memberHH, { area_mu: '3.00' });
    const ownP = await makePlanting(t.db.db, own, crop, { planted_on: day(-50) });
    const mine = (await harvest(ownP.id, { quantity_kg: '10.00', intake_price: '3.00' }, manager)).json();
    const neighbour = await planting(await plotIn(cj));
    const theirs = (await harvest(neighbour.id, {}, manager)).json();
    expect(theirs.id).toBeTypeOf('number');

    const list = await api(member, 'GET', listUrl('harvest-lots', { range: [0, 99] }));
    expect(list.statusCode, list.body).toBe(200);
    expect(list.json().length).toBeGreaterThan(0);
    expect(new Set(list.json().map((l: Rec) => l.household_id))).toEqual(new Set([memberHH.id]));
    expect(list.json().map((l: Rec) => l.id)).toContain(mine.id);
    const [{ n }] = await q(sql`SELECT count(*)::int AS n FROM harvest_lots WHERE household_id = ${memberHH.id}`);
    expect(totalOf(list)).toBe(Number(n));
    const widened = await api(member, 'GET', listUrl('harvest-lots', { filter: { household_id: theirs.household_id } }));
    expect(widened.json()).toEqual([]);
    const other = await api(member, 'GET', `/api/harvest-lots/${theirs.id}`);
    expect(other.statusCode, other.body).toBe(404);
    expect(other.body).not.toContain(theirs.code);

    const totals = await api(member, 'GET', '/api/harvest-lots/totals');
    expect(totals.statusCode, totals.body).toBe(200);
    const [sum] = await q(sql`SELECT count(*)::int AS lots, coalesce(sum(intake_amount), 0)::text AS amount FROM harvest_lots WHERE household_id = ${memberHH.id}`);
    expect(totals.json().lots).toBe(Number(sum.lots));
    expect(dec(totals.json().intake_amount)).toBe(dec(sum.amount));
    // Members cannot record a harvest.
    const before = await countOf(t.db, 'harvest_lots');
    const write = await harvest(ownP.id, {}, member);
    expect(write.statusCode, write.body).toBe(403);
    expect(await countOf(t.db, 'harvest_lots')).toBe(before);
  });

  it('a manager cannot see or touch another village\'s plantings or lots', async () => {
    const qyP = await planting(await plotIn(qy));
    const qyLot = (await harvest(qyP.id)).json();
    const before = await snapshotOf(t.db, ['plantings', 'harvest_lots', 'input_applications', 'residue_tests']);
    expect((await api(manager, 'GET', `/api/plantings/${qyP.id}`)).statusCode).toBe(404);
    expect((await api(manager, 'PUT', `/api/plantings/${qyP.id}`, { notes: 'x', version: qyP.version })).statusCode).toBe(404);
    expect((await api(manager, 'DELETE', `/api/plantings/${qyP.id}`)).statusCode).toBe(404);
    expect((await api(manager, 'GET', `/api/harvest-lots/${qyLot.id}`)).statusCode).toBe(404);
    expect((await api(manager, 'GET', listUrl('plantings', { filter: { village_id: qy.id } }))).json()).toEqual([]);
    expect((await api(manager, 'GET', listUrl('harvest-lots', { filter: { id: [qyLot.id] } }))).json()).toEqual([]);
    for (const r of [
      await harvest(qyP.id, {}, manager),
      await apply(qyP.id, {}, manager),
      await api(manager, 'POST', '/api/residue-tests', { lot_id: qyLot.id, result: 'fail', tested_by: '李四', tested_on: today() }),
    ]) expect([400, 403, 404], r.body).toContain(r.statusCode);
    expect(await snapshotOf(t.db, ['plantings', 'harvest_lots', 'input_applications', 'residue_tests'])).toEqual(before);
  });

  it('expiry: expires_on from the shelf life, days_left and expiry_status at read time', async () => {
    const short = await makeCrop(t.db.db, unionId, { shelf_life_days: 3 });
    const plot = await plotIn(cj);
    const p = await makePlanting(t.db.db, plot, short, { planted_on: day(-30) });
    const lot = (await harvest(p.id, { harvested_on: day(-2) })).json();
    expect(lot).toMatchObject({ crop_id: short.id, expires_on: day(1), days_left: 1, expiry_status: 'critical' });
    const old = (await harvest(p.id, { harvested_on: day(-5) })).json();
    expect(old).toMatchObject({ expires_on: day(-2), days_left: -2, expiry_status: 'expired' });
  });
});

describe('residue tests', () => {
  it('the latest test (by date) sets the lot\'s residue status', async () => {
    const p = await planting(await plotIn(cj));
    const lot = (await harvest(p.id, { harvested_on: day(-3) })).json();
    const test = (body: Rec) => api(manager, 'POST', '/api/residue-tests', { lot_id: lot.id, result: 'pass', tested_by: '检测员', tested_on: day(-2), ...body });
    const early = await test({ tested_on: day(-4) });
    expect(early.statusCode, early.body).toBe(400);
    expect(early.json().errors).toHaveProperty('tested_on');
    const pass = await test({ value: '12.5' });
    expect(pass.statusCode, pass.body).toBe(201);
    expect(pass.json()).toMatchObject({ method: 'rapid', village_id: cj.id, lot_id: lot.id });
    expect((await q(sql`SELECT residue_status, latest_test_id FROM harvest_lots WHERE id = ${lot.id}`))[0]).toEqual({ residue_status: 'pass', latest_test_id: pass.json().id });
    const fail = (await test({ result: 'fail', tested_on: day(-1), value: '65' })).json();
    expect((await api(manager, 'GET', `/api/harvest-lots/${lot.id}`)).json()).toMatchObject({ residue_status: 'fail', latest_test_id: fail.id });
    // An older test recorded later does not overturn the newer one.
    const late = await test({ result: 'pass', tested_on: day(-2), method: 'lab' });
    expect(late.statusCode, late.body).toBe(201);
    expect((await q(sql`SELECT residue_status, latest_test_id FROM harvest_lots WHERE id = ${lot.id}`))[0]).toEqual({ residue_status: 'fail', latest_test_id: fail.id });
    const retest = (await test({ result: 'pass', tested_on: today(), method: 'lab' })).json();
    expect((await q(sql`SELECT residue_status, latest_test_id FROM harvest_lots WHERE id = ${lot.id}`))[0]).toEqual({ residue_status: 'pass', latest_test_id: retest.id });
    const put = await api(admin, 'PUT', `/api/residue-tests/${fail.id}`, { result: 'pass' });
    expect(put.statusCode).toBe(405);
    expect((await q(sql`SELECT result FROM residue_tests WHERE id = ${fail.id}`))[0].result).toBe('fail');
  });
});

describe('work records', () => {
  it('derive village and household from the person, and total person-times and person-days', async () => {
    const v = await makeVillage(t.db.db, unionId);
    await makeCooperative(t.db.db, v);
    const hh = await makeHousehold(t.db.db, v);
    const a = await makePerson(t.db.db, hh);
    const b = await makePerson(t.db.db, v);
    const rec = (body: Rec) => api(admin, 'POST', '/api/work-records', { person_id: a.id, worked_on: day(-1), task: '采收', days: '1.5', wage: '150.00', ...body });
    const r1 = await rec({});
    expect(r1.statusCode, r1.body).toBe(201);
    expect(r1.json()).toMatchObject({ village_id: v.id, household_id: hh.id, days: '1.5', wage: '150.00' });
    expect((await rec({ days: '2', wage: '200' })).statusCode).toBe(201);
    const r3 = await rec({ person_id: b.id, days: '0.5', wage: '50.5' });
    expect(r3.json()).toMatchObject({ village_id: v.id, household_id: null });
    const before = await countOf(t.db, 'work_records');
    const named: Rec = {};
    for (const [body, field] of [[{ days: 0 }, 'days'], [{ days: '31.5' }, 'days'], [{ worked_on: day(1) }, 'worked_on'], [{ wage: '-1' }, 'wage'], [{ person_id: 99_999_999 }, 'person_id']] as const) {
      const r = await rec(body);
      expect(r.statusCode, r.body).toBe(400);
      named[JSON.stringify(body)] = Object.keys(r.json().errors ?? {});
    }
    expect(await countOf(t.db, 'work_records')).toBe(before);
    const tot = await api(admin, 'GET', `/api/work-records/totals?filter=${encodeURIComponent(JSON.stringify({ village_id: v.id }))}`);
    expect(tot.statusCode, tot.body).toBe(200);
    expect(tot.json().records).toBe(3);
    expect(dec(tot.json().person_days)).toBe('4');
    expect(dec(tot.json().wages)).toBe('400.5');
    expect(tot.json().people).toBe(2);
    // A manager of Changjiang neither sees nor records another village's work.
    const m = await api(manager, 'POST', '/api/work-records', { person_id: a.id, worked_on: day(-1), task: '采收', days: '1', wage: '100' });
    expect([400, 403, 404]).toContain(m.statusCode);
    expect(await countOf(t.db, 'work_records')).toBe(before);
    expect((await api(manager, 'GET', `/api/work-records/${r1.json().id}`)).statusCode).toBe(404);
    // Each refusal names its field (checked last, so that the totals above are checked whatever this finds).
    expect(named).toEqual({
      '{"days":0}': ['days'], '{"days":"31.5"}': ['days'], [`{"worked_on":"${day(1)}"}`]: ['worked_on'], '{"wage":"-1"}': ['wage'], '{"person_id":99999999}': ['person_id'],
    });
  });
});

describe('CSV import of harvest lots', () => {
  async function plantingInFreshVillage() {
    const v = await makeVillage(t.db.db, unionId);
    const hh = await makeHousehold(t.db.db, v);
    const p = await makePlanting(t.db.db, await makePlot(t.db.db, hh, { area_mu: '3.00' }), crop, { planted_on: day(-40) });
    return { v, p };
  }

  it('all good rows: all imported, each with its line and code', async () => {
    const { v, p } = await plantingInFreshVillage();
    const rows3 = [0, 1, 2].map((i) => ({ planting_id: p.id, harvested_on: day(-1), grade: 'first', quantity_kg: `${10 + i}.25`, intake_price: '1.80' }));
    const r = await api(admin, 'POST', '/api/harvest-lots/import', { rows: rows3 });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json().imported).toBe(3);
    const codes = [1, 2, 3].map((n) => `${v.code}-${compact(day(-1))}-00${n}`);
    expect(r.json().lots.map((l: Rec) => [l.line, l.code])).toEqual([[2, codes[0]], [3, codes[1]], [4, codes[2]]]);
    const stored = await q(sql`SELECT id, code, quantity_kg FROM harvest_lots WHERE planting_id = ${p.id} ORDER BY code`);
    expect(stored.map((s) => [s.code, s.quantity_kg])).toEqual([[codes[0], '10.25'], [codes[1], '11.25'], [codes[2], '12.25']]);
    expect(stored.map((s) => s.id).sort()).toEqual(r.json().lots.map((l: Rec) => l.id).sort());
  });

  it('a bad row in the middle imports nothing and names "<line>.<field>" of every bad row', async () => {
    const { p } = await plantingInFreshVillage();
    const good = { planting_id: p.id, harvested_on: day(-1), grade: 'first', quantity_kg: '10', intake_price: '1.80' };
    const rowsIn = [good, good, { ...good, quantity_kg: '0' }, good, { ...good, harvested_on: day(2), grade: 'nope' }, good, { ...good, harvested_on: day(1) }];
    const before = await countOf(t.db, 'harvest_lots');
    const seqBefore = await q(sql`SELECT * FROM lot_sequences ORDER BY village_id, day`);
    const r = await api(admin, 'POST', '/api/harvest-lots/import', { rows: rowsIn });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().code).toBe('IMPORT_FAILED');
    expect(r.json().error_codes['8.harvested_on'].code).toBe('in_future');
    expect(await countOf(t.db, 'harvest_lots')).toBe(before);
    expect(await lotCount(p.id)).toBe(0);
    expect(await q(sql`SELECT * FROM lot_sequences ORDER BY village_id, day`)).toEqual(seqBefore);
    // Explicit lines (the CSV's own numbering) are the ones named.
    const withLines = await api(admin, 'POST', '/api/harvest-lots/import', { rows: [{ ...good, line: 10 }, { ...good, line: 11, planting_id: 99_999_999 }] });
    expect(withLines.statusCode, withLines.body).toBe(400);
    expect(Object.keys(withLines.json().errors)).toEqual(['11.planting_id']);
    expect(await countOf(t.db, 'harvest_lots')).toBe(before);
    // Every bad row, every field (checked last, so that "nothing imported" is checked whatever this finds).
    expect(Object.keys(r.json().errors).sort()).toEqual(['4.quantity_kg', '6.grade', '6.harvested_on', '8.harvested_on']);
  });

  it('a row inside a pre-harvest interval fails the whole import', async () => {
    const { p } = await plantingInFreshVillage();
    await apply(p.id, { applied_on: day(-5), pre_harvest_interval_days: 10 });
    const before = await countOf(t.db, 'harvest_lots');
    const r = await api(admin, 'POST', '/api/harvest-lots/import', {
      rows: [
        { planting_id: p.id, harvested_on: day(-6), grade: 'first', quantity_kg: '5', intake_price: '1' },
        { planting_id: p.id, harvested_on: day(-1), grade: 'first', quantity_kg: '5', intake_price: '1' },
      ],
    });
    expect(r.statusCode, r.body).toBe(400);
    expect(r.json().code).toBe('IMPORT_FAILED');
    expect(r.json().error_codes['3.harvested_on']).toMatchObject({ code: 'pre_harvest_interval', params: { allowed_from: day(5) } });
    expect(await countOf(t.db, 'harvest_lots')).toBe(before);
  });
});
