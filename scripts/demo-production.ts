import { sql } from 'drizzle-orm';
import type { Tx } from '../db/client';
import { crops, plantings, warehouses, workRecords } from '../db/schema/index';
import { addDays, today } from '../server/lib/dates';
import { Policies, type AuthUser } from '../server/lib/policy';
import type { WriteContext } from '../server/lib/resource';
import { appModules } from '../server/modules/index';
import { productionService } from '../server/modules/production/production.service';
import { processingService } from '../server/modules/storage/storage.processing';
import { readingsService } from '../server/modules/storage/storage.readings';
import { recordMovement } from '../server/modules/storage/storage.service';

// The demo's current season, relative to the day it is seeded: plantings on real plots,
// inputs (some pesticides still inside their interval today), harvests as lots, lots in
// cold rooms, a processing run, residue tests (one failed), temperature readings with one
// excursion, and work records. Everything goes through the services, so the demo obeys the
// rules it demonstrates (intervals, balances, capacity, codes).

type Rnd = { next(): number; int(min: number, max: number): number; pick<T>(xs: readonly T[]): T };

/** Shelf lives at the storage zone each needs (domain.md; USDA Handbook 66 orders of magnitude). */
export const demoCrops = [
  { code: 'PAKCHOI', name_zh: '小白菜', name_en: 'Pak choi', category: 'leafy', shelf_life_days: 10, storage_zone: 'chilled', chill_sensitive: false },
  { code: 'SPINACH', name_zh: '菠菜', name_en: 'Spinach', category: 'leafy', shelf_life_days: 10, storage_zone: 'chilled', chill_sensitive: false },
  { code: 'LETTUCE', name_zh: '生菜', name_en: 'Lettuce', category: 'leafy', shelf_life_days: 14, storage_zone: 'chilled', chill_sensitive: false },
  { code: 'NAPA', name_zh: '大白菜', name_en: 'Napa cabbage', category: 'brassica', shelf_life_days: 45, storage_zone: 'chilled', chill_sensitive: false },
  { code: 'CABBAGE', name_zh: '甘蓝', name_en: 'Cabbage', category: 'brassica', shelf_life_days: 60, storage_zone: 'chilled', chill_sensitive: false },
  { code: 'BROCCOLI', name_zh: '西兰花', name_en: 'Broccoli', category: 'brassica', shelf_life_days: 14, storage_zone: 'chilled', chill_sensitive: false },
  { code: 'RADISH', name_zh: '白萝卜', name_en: 'Daikon radish', category: 'root', shelf_life_days: 60, storage_zone: 'chilled', chill_sensitive: false },
  { code: 'LOTUSROOT', name_zh: '莲藕', name_en: 'Lotus root', category: 'aquatic', shelf_life_days: 30, storage_zone: 'chilled', chill_sensitive: false },
  { code: 'PEPPER', name_zh: '辣椒', name_en: 'Chili pepper', category: 'fruiting', shelf_life_days: 14, storage_zone: 'cool', chill_sensitive: true },
  { code: 'EGGPLANT', name_zh: '茄子', name_en: 'Eggplant', category: 'fruiting', shelf_life_days: 10, storage_zone: 'cool', chill_sensitive: true },
  { code: 'CUCUMBER', name_zh: '黄瓜', name_en: 'Cucumber', category: 'cucurbit', shelf_life_days: 12, storage_zone: 'cool', chill_sensitive: true },
  { code: 'COWPEA', name_zh: '豇豆', name_en: 'Yardlong bean', category: 'legume', shelf_life_days: 7, storage_zone: 'cool', chill_sensitive: true },
] as const;

const pesticides = [
  { product: '吡虫啉', ingredient: '吡虫啉 10% 可湿性粉剂', target: '蚜虫', dose: '20', unit: 'g/亩', interval: 7 },
  { product: '阿维菌素', ingredient: '阿维菌素 1.8% 乳油', target: '小菜蛾', dose: '40', unit: 'ml/亩', interval: 7 },
  { product: '代森锰锌', ingredient: '代森锰锌 80% 可湿性粉剂', target: '霜霉病', dose: '150', unit: 'g/亩', interval: 10 },
  { product: '高效氯氰菊酯', ingredient: '高效氯氰菊酯 4.5% 乳油', target: '菜青虫', dose: '30', unit: 'ml/亩', interval: 5 },
] as const;
const fertilisers = [
  { product: '有机肥', ingredient: null, dose: '300', unit: 'kg/亩' },
  { product: '复合肥 15-15-15', ingredient: null, dose: '40', unit: 'kg/亩' },
] as const;
const tasks = ['采收', '分拣分级', '清洗包装', '田间管理', '搬运入库', '育苗'];

interface SeedRefs {
  unionId: number;
  admin: AuthUser;
  villages: { id: number; code: string }[];
  cooperatives: { id: number; village_id: number }[];
  memberHouseholdId: number;
}

/** A timestamp on a demo day, at an hour of the union's day (UTC+8), never after now. */
const at = (day: string, hour: number) => new Date(Math.min(Date.parse(`${day}T${String(hour).padStart(2, '0')}:00:00+08:00`), Date.now() - 60_000));

export async function seedProduction(tx: Tx, refs: SeedRefs, rnd: Rnd) {
  const T = today();
  const deps = { db: tx as never, policies: new Policies(Object.assign({}, ...appModules.map((m) => m.policy))), constraints: new Map() };
  const ctx: WriteContext = { user: refs.admin, requestId: 'demo-seed' };
  const production = productionService(deps);
  const readings = readingsService(deps);
  const processing = processingService(deps);

  const cropRows = await tx.insert(crops).values(demoCrops.map((c) => ({ ...c, union_id: refs.unionId }))).returning();

  // Rooms: each cooperative has a 0–2 °C and a 7–10 °C cold room and an ambient store;
  // Changjiang also runs the union's grading and packing hall.
  const roomValues = refs.cooperatives.flatMap((c) => {
    const v = refs.villages.find((x) => x.id === c.village_id)!;
    return [
      { code: `${v.code}-CR1`, name: `${v.code} 1号冷库（0–2 °C）`, kind: 'cold_room', temperature_zone: 'chilled', capacity_kg: '60000' },
      { code: `${v.code}-CR2`, name: `${v.code} 2号冷库（7–10 °C）`, kind: 'cold_room', temperature_zone: 'cool', capacity_kg: '30000' },
      { code: `${v.code}-AS1`, name: `${v.code} 常温库`, kind: 'ambient_store', temperature_zone: 'ambient', capacity_kg: '20000' },
      ...(v.code === 'CJ' ? [{ code: 'CJ-PH1', name: 'CJ 分拣包装车间', kind: 'processing_hall', temperature_zone: 'ambient', capacity_kg: '10000' }] : []),
    ].map((w) => ({ ...w, union_id: refs.unionId, village_id: c.village_id, cooperative_id: c.id } as typeof warehouses.$inferInsert));
  });
  const rooms = await tx.insert(warehouses).values(roomValues).returning();
  const roomOf = (villageId: number, zone: string) => rooms.find((r) => r.village_id === villageId && r.kind === 'cold_room' && r.temperature_zone === zone)!;

  // Plantings: the member's household first in Changjiang, then households' and collective plots.
  const plotRes = await tx.execute<{ id: number; village_id: number; household_id: number | null; area_mu: string }>(sql`
    SELECT id, village_id, household_id, area_mu::text AS area_mu FROM plots WHERE union_id = ${refs.unionId}
    ORDER BY village_id, (household_id = ${refs.memberHouseholdId}) DESC NULLS LAST, id`);
  const byVillage = new Map<number, typeof plotRes.rows>();
  for (const p of plotRes.rows) byVillage.set(p.village_id, [...(byVillage.get(p.village_id) ?? []), p]);
  const plantingValues: (typeof plantings.$inferInsert)[] = [];
  for (const v of refs.villages) {
    const plots = (byVillage.get(v.id) ?? []).slice(0, 9);
    plots.forEach((plot, i) => {
      const crop = cropRows[(i * 5 + v.id) % cropRows.length];
      const planted = addDays(T, -rnd.int(55, 95));
      const planned = i === 8;
      const harvestFrom = addDays(planted, 40);
      plantingValues.push({
        union_id: refs.unionId, village_id: v.id, plot_id: plot.id, household_id: plot.household_id, crop_id: crop.id,
        area_mu: (Number(plot.area_mu) * (planned ? 0.4 : 0.5)).toFixed(2), planted_on: planned ? addDays(T, 7) : planted,
        expected_harvest_from: planned ? addDays(T, 50) : harvestFrom, expected_harvest_to: planned ? addDays(T, 80) : addDays(harvestFrom, 45),
        expected_yield_kg: String(Math.round(Number(plot.area_mu) * 0.5 * rnd.int(1500, 3000))),
        // A finished planting is closed after its harvests are recorded (below).
        status: planned ? 'planned' : 'growing',
      });
    });
  }
  const plantingRows = await tx.insert(plantings).values(plantingValues).returning();
  const finishedIds = plantingRows.filter((_, i) => i % 9 === 7).map((p) => p.id);

  let blocked = 0;
  const lotsMade: { id: number; village_id: number; crop: (typeof cropRows)[number]; room: number; kg: string; code: string }[] = [];
  for (const [i, p] of plantingRows.entries()) {
    if (p.status === 'planned') continue;
    const isFinished = finishedIds.includes(p.id);
    const crop = cropRows.find((c) => c.id === p.crop_id)!;
    const apply = (day: string, input: Record<string, unknown>) =>
      production.recordApplicationIn(tx, ctx, { planting_id: p.id, applied_on: day, applied_by: '植保员', ...input });
    const fert = fertilisers[i % fertilisers.length];
    await apply(addDays(p.planted_on, 3), { kind: 'fertiliser', product: fert.product, active_ingredient: fert.ingredient, dose: fert.dose, dose_unit: fert.unit });
    const early = pesticides[i % pesticides.length];
    await apply(addDays(T, -35), { kind: 'pesticide', product: early.product, active_ingredient: early.ingredient, target: early.target, dose: early.dose, dose_unit: early.unit, pre_harvest_interval_days: early.interval });

    // Lots over the last three weeks; leafy greens harvested early are past their date now.
    const room = roomOf(p.village_id, crop.storage_zone === 'cool' ? 'cool' : 'chilled');
    const harvests = isFinished ? 2 : rnd.int(2, 3);
    for (let h = 0; h < harvests; h++) {
      const day = addDays(T, -(18 - h * 6 - rnd.int(0, 2)));
      const kg = String(rnd.int(8, 40) * 25);
      const lot = await production.createLotIn(tx, ctx, {
        planting_id: p.id, harvested_on: day, grade: rnd.pick(['premium', 'first', 'first', 'second'] as const), quantity_kg: kg,
        intake_price: (crop.category === 'fruiting' || crop.category === 'cucurbit' ? rnd.int(280, 420) : rnd.int(120, 260)) / 100 + '',
      });
      await recordMovement(tx, ctx, deps.policies, { kind: 'receive', lot_id: lot.id as number, to_warehouse_id: room.id, quantity_kg: kg, moved_at: at(day, 11) });
      await production.recordResidueTestIn(tx, ctx, {
        lot_id: lot.id, method: 'rapid', result: 'pass', value: String(rnd.int(50, 320) / 10), tested_by: '速测员', tested_on: day,
      });
      lotsMade.push({ id: lot.id as number, village_id: p.village_id, crop, room: room.id, kg, code: lot.code as string });
    }
    // Every third growing planting was sprayed two days ago: inside its interval today.
    if (!isFinished && i % 3 === 0) {
      const late = pesticides[(i + 1) % pesticides.length];
      await apply(addDays(T, -2), { kind: 'pesticide', product: late.product, active_ingredient: late.ingredient, target: late.target, dose: late.dose, dose_unit: late.unit, pre_harvest_interval_days: Math.max(late.interval, 7) });
      blocked++;
    }
  }

  await tx.execute(sql`UPDATE plantings SET status = 'finished', finished_on = ${addDays(T, -3)}::date WHERE id = ANY(${sql.param(finishedIds)}::int[])`);

  // A correction: an interval typed as 5 days that the label gives as 7.
  const first = plantingRows.find((p) => p.status === 'growing' && !finishedIds.includes(p.id))!;
  const wrong = await production.recordApplicationIn(tx, ctx, {
    planting_id: first.id, kind: 'pesticide', product: '高效氯氰菊酯', active_ingredient: '高效氯氰菊酯 4.5% 乳油', target: '菜青虫',
    dose: '30', dose_unit: 'ml/亩', applied_on: addDays(T, -30), applied_by: '植保员', pre_harvest_interval_days: 5,
  });
  await production.recordApplicationIn(tx, ctx, {
    planting_id: first.id, kind: 'pesticide', product: '高效氯氰菊酯', active_ingredient: '高效氯氰菊酯 4.5% 乳油', target: '菜青虫',
    dose: '30', dose_unit: 'ml/亩', applied_on: addDays(T, -30), applied_by: '植保员', pre_harvest_interval_days: 7,
    corrects_id: wrong.id, correction_reason: '按标签更正安全间隔期（原记录误写为5天）',
  });

  // Storage events: spoilage of an expired lot, a count, a transfer to the ambient store, one failed residue test.
  const expired = lotsMade.find((l) => l.crop.shelf_life_days <= 10)!;
  await recordMovement(tx, ctx, deps.policies, { kind: 'loss', lot_id: expired.id, from_warehouse_id: expired.room, quantity_kg: '25.00', reason: '过期腐烂，报损', moved_at: at(addDays(T, -1), 9) });
  const counted = lotsMade[3];
  await recordMovement(tx, ctx, deps.policies, { kind: 'adjust', lot_id: counted.id, from_warehouse_id: counted.room, counted_kg: String(Number(counted.kg) - 5), reason: '月度盘点', moved_at: at(addDays(T, -1), 16) });
  const hardy = lotsMade.find((l) => l.crop.code === 'RADISH' || l.crop.code === 'NAPA' || l.crop.code === 'CABBAGE');
  if (hardy) {
    const ambient = rooms.find((r) => r.village_id === hardy.village_id && r.kind === 'ambient_store')!;
    await recordMovement(tx, ctx, deps.policies, { kind: 'transfer', lot_id: hardy.id, from_warehouse_id: hardy.room, to_warehouse_id: ambient.id, quantity_kg: '100.00', reason: '腾冷库位', moved_at: at(addDays(T, -1), 10) });
  }
  const failing = lotsMade.filter((l) => l.village_id === refs.villages[0].id).at(-1)!;
  await production.recordResidueTestIn(tx, ctx, {
    lot_id: failing.id, method: 'rapid', result: 'fail', value: '62.5', tested_by: '速测员', tested_on: T, notes: '抑制率超过50%，待复检，暂停出库',
  });

  // Grading in Changjiang's hall: two lots of one crop in, premium and first grade out.
  const cj = refs.villages[0].id;
  const hall = rooms.find((r) => r.kind === 'processing_hall')!;
  const byCrop = new Map<number, typeof lotsMade>();
  for (const l of lotsMade.filter((x) => x.village_id === cj && ![failing.id, expired.id, counted.id, hardy?.id].includes(x.id))) {
    byCrop.set(l.crop.id, [...(byCrop.get(l.crop.id) ?? []), l]);
  }
  // Graded while fresh: two lots of a crop that keeps, not produce already past its date.
  const pair = [...byCrop.values()].find((ls) => ls.length >= 2 && ls[0].crop.shelf_life_days >= 30);
  let run: number | null = null;
  if (pair) {
    const [a, b] = pair;
    const inKg = Math.round(Number(a.kg) * 0.6) + Math.round(Number(b.kg) * 0.6);
    const premium = Math.round(inKg * 0.55);
    const firstGrade = Math.round(inKg * 0.4);
    const out = roomOf(cj, a.crop.storage_zone === 'cool' ? 'cool' : 'chilled').id;
    const res = await processing.runIn(tx, ctx, {
      kind: 'grading', run_on: T, warehouse_id: hall.id, notes: '分级挑选，剔除烂叶',
      inputs: [
        { lot_id: a.id, warehouse_id: a.room, quantity_kg: String(Math.round(Number(a.kg) * 0.6)) },
        { lot_id: b.id, warehouse_id: b.room, quantity_kg: String(Math.round(Number(b.kg) * 0.6)) },
      ],
      outputs: [{ grade: 'premium', quantity_kg: String(premium), warehouse_id: out }, { grade: 'first', quantity_kg: String(firstGrade), warehouse_id: out }],
    });
    run = res.id as number;
  }

  // What went past its date was written off, but for the last two the manager has yet to see to.
  const stale = await tx.execute<{ lot_id: number; warehouse_id: number; quantity_kg: string }>(sql`
    SELECT lot_id, warehouse_id, quantity_kg::text AS quantity_kg FROM stock
    WHERE union_id = ${refs.unionId} AND expires_on < ${addDays(T, -1)}::date ORDER BY expires_on DESC, lot_id`);
  for (const s of stale.rows.slice(2)) {
    await recordMovement(tx, ctx, deps.policies, {
      kind: 'loss', lot_id: s.lot_id, from_warehouse_id: s.warehouse_id, quantity_kg: s.quantity_kg, reason: '过期报损', moved_at: at(addDays(T, -1), 17),
    });
  }

  // Readings every two hours for three days; Changjiang's 0–2 °C room had a door left open yesterday afternoon.
  const cold = rooms.filter((r) => r.kind !== 'processing_hall');
  const batch: { warehouse_id: number; read_at: Date; temperature_c: string }[] = [];
  for (let hoursAgo = 72; hoursAgo >= 2; hoursAgo -= 2) {
    const when = new Date(Date.now() - hoursAgo * 3_600_000);
    when.setUTCMinutes(0, 0, 0);
    for (const r of cold) {
      const base = r.temperature_zone === 'chilled' ? 1 : r.temperature_zone === 'cool' ? 8.5 : 14;
      const excursion = r.code === 'CJ-CR1' && hoursAgo === 26;
      batch.push({ warehouse_id: r.id, read_at: when, temperature_c: (excursion ? 6.4 : base + (rnd.int(-6, 6) / 10)).toFixed(1) });
    }
  }
  await readings.recordManyIn(tx, ctx, batch);

  // Work on the base: a month of day labour in every village.
  const workers = await tx.execute<{ id: number; village_id: number; household_id: number | null }>(sql`
    SELECT DISTINCT ON (village_id, household_id) id, village_id, household_id FROM people
    WHERE union_id = ${refs.unionId} AND 'grower' = ANY(roles) ORDER BY village_id, household_id, id`);
  const work: (typeof workRecords.$inferInsert)[] = [];
  for (const v of refs.villages) {
    const people = workers.rows.filter((w) => w.village_id === v.id).slice(0, 12);
    for (let k = 0; k < 30; k++) {
      const person = rnd.pick(people);
      const days = rnd.pick(['1.0', '1.0', '0.5', '2.0']);
      work.push({
        union_id: refs.unionId, village_id: v.id, person_id: person.id, household_id: person.household_id, worked_on: addDays(T, -rnd.int(0, 30)),
        task: rnd.pick(tasks), days, wage: (Number(days) * rnd.pick([120, 130, 150])).toFixed(2),
      });
    }
  }
  await tx.insert(workRecords).values(work);

  return { crops: cropRows.length, rooms: rooms.length, plantings: plantingRows.length, lots: lotsMade.length, blocked, processing_run: run, readings: batch.length, work_records: work.length };
}
