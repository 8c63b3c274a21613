import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../db/client';
import * as s from '../../db/schema/index';
import {
  makeCrop, makeLot, makePlanting, makeWarehouse, plusDays, type Cooperative, type Crop, type HarvestLot, type Planting, type Warehouse,
} from '../helpers/factories';
import { today as unionToday } from '../../server/lib/dates';
import type { World } from './world';

// The production and storage records the authorisation cases run against (issue 7): for each
// place a case can aim at (the member's household, another Changjiang household, a Qingyuan
// household, the other union) one record of every resource, written straight to the tables so
// that the cases depend on nothing but the routes they test.

export type Place = 'member' | 'cj' | 'qy' | 'foreign';

export interface PlaceRecords {
  union: number;
  village: number;
  household: number;
  person: number;
  plot: number;
  coop: number;
  crop: Crop;
  planting: Planting;
  lot: HarvestLot;
  room: Warehouse;
  ids: Record<string, number>;
}

export interface ProdWorld {
  crop: Crop;
  places: Record<Place, PlaceRecords>;
}

export const today = (): string => unionToday();
export const day = (n: number): string => plusDays(today(), n);

/** Puts `kg` of the lot into the room as a receive would (ledger row, balance, room total, lot received). */
export async function stockUp(db: Db, lot: HarvestLot, room: Warehouse, kg: string): Promise<{ movement: number; stock: number }> {
  const [m] = await db
    .insert(s.stockMovements)
    .values({ union_id: lot.union_id, village_id: room.village_id, kind: 'receive', lot_id: lot.id, to_warehouse_id: room.id, quantity_kg: kg })
    .returning({ id: s.stockMovements.id });
  const [st] = await db
    .insert(s.stock)
    .values({
      union_id: lot.union_id, village_id: room.village_id, warehouse_id: room.id, lot_id: lot.id, lot_code: lot.code, crop_id: lot.crop_id,
      grade: lot.grade, expires_on: lot.expires_on, quantity_kg: kg,
    })
    .returning({ id: s.stock.id });
  await db.update(s.warehouses).set({ stock_kg: sql`${s.warehouses.stock_kg} + ${kg}` }).where(eq(s.warehouses.id, room.id));
  await db.update(s.harvestLots).set({ received_kg: sql`${s.harvestLots.received_kg} + ${kg}` }).where(eq(s.harvestLots.id, lot.id));
  return { movement: m.id, stock: st.id };
}

async function coopOf(db: Db, village: number): Promise<Cooperative> {
  const [c] = await db.select().from(s.cooperatives).where(eq(s.cooperatives.village_id, village));
  return c;
}

async function place(w: World, union: number, householdId: number, personId: number, plotId: number, crop: Crop): Promise<PlaceRecords> {
  const d = w.db.db;
  const [plot] = await d.select().from(s.plots).where(eq(s.plots.id, plotId));
  const coop = await coopOf(d, plot.village_id);
  const planting = await makePlanting(d, plot, crop, { planted_on: day(-60), area_mu: '0.01', notes: 'authz world' });
  const lot = await makeLot(d, planting, crop, { harvested_on: day(-2), quantity_kg: '500.00', household_id: householdId });
  const room = await makeWarehouse(d, coop, { capacity_kg: '100000.00' });
  const [app] = await d
    .insert(s.inputApplications)
    .values({
      union_id: union, village_id: plot.village_id, planting_id: planting.id, household_id: planting.household_id, kind: 'fertiliser', product: '复合肥',
      dose: '10.000', dose_unit: 'kg/亩', applied_on: day(-30), applied_by: '授权测试',
    })
    .returning({ id: s.inputApplications.id });
  const [test] = await d
    .insert(s.residueTests)
    .values({ union_id: union, village_id: plot.village_id, lot_id: lot.id, result: 'pass', tested_by: '授权测试', tested_on: day(-1) })
    .returning({ id: s.residueTests.id });
  const [work] = await d
    .insert(s.workRecords)
    .values({
      union_id: union, village_id: plot.village_id, person_id: personId, household_id: householdId, worked_on: day(-3), task: '授权测试', days: '1.0',
      wage: '100.00',
    })
    .returning({ id: s.workRecords.id });
  const [reading] = await d
    .insert(s.temperatureReadings)
    .values({ union_id: union, village_id: plot.village_id, warehouse_id: room.id, read_at: new Date(Date.now() - 3_600_000), temperature_c: '8.00', out_of_range: false })
    .returning({ id: s.temperatureReadings.id });
  const { movement, stock } = await stockUp(d, lot, room, '300.00');
  const [run] = await d
    .insert(s.processingRuns)
    .values({ union_id: union, village_id: plot.village_id, kind: 'grading', crop_id: crop.id, run_on: day(-1), input_kg: '10.00', output_kg: '9.00', loss_kg: '1.00' })
    .returning({ id: s.processingRuns.id });
  return {
    union, village: plot.village_id, household: householdId, person: personId, plot: plotId, coop: coop.id, crop, planting, lot, room,
    ids: {
      plantings: planting.id, 'input-applications': app.id, 'harvest-lots': lot.id, 'residue-tests': test.id, 'work-records': work.id,
      warehouses: room.id, 'temperature-readings': reading.id, 'stock-movements': movement, stock, 'processing-runs': run.id,
    },
  };
}

/** Builds the records, and adds the other union's to `w.foreign.ids`. */
export async function buildProdWorld(w: World): Promise<ProdWorld> {
  const d = w.db.db;
  const crop = await makeCrop(d, w.union, { code: 'AUTHZ-CROP' });
  const foreignCrop = await makeCrop(d, w.foreign.union, { code: 'AUTHZ-CROP' });
  const places: Record<Place, PlaceRecords> = {
    member: await place(w, w.union, w.memberHH.id, w.people.member, w.plots.member, crop),
    cj: await place(w, w.union, w.hhCJ, w.people.cj, w.plots.cj, crop),
    qy: await place(w, w.union, w.hhQY, w.people.qy, w.plots.qy, crop),
    foreign: await place(w, w.foreign.union, w.foreign.household.id, w.foreign.ids.people, w.foreign.ids.plots, foreignCrop),
  };
  // trace (issue 8) reaches a lot by its id: the other union's harvest lot.
  Object.assign(w.foreign.ids, places.foreign.ids, { crops: foreignCrop.id, trace: places.foreign.lot.id });
  return { crop, places };
}
