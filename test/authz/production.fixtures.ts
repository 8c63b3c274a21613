import { eq } from 'drizzle-orm';
import * as s from '../../db/schema/index';
import { makeCrop, makeLot, makePlanting, makePlot, makeWarehouse } from '../helpers/factories';
import { day, stockUp, today, type Place, type PlaceRecords } from './production.world';
import type { Fixture, Locus, World } from './world';

// The production and storage modules' records for the authorisation cases (issue 7), own or
// other at a locus, from the records test/authz/production.world.ts builds.

/** The place of a household-level record at the locus (the member's household, another of Changjiang, Qingyuan, the other union). */
function householdPlace(w: World, l: Locus): Place {
  if (l.union === w.foreign.union) return 'foreign';
  if (l.household === w.memberHH.id) return 'member';
  if (l.household === w.hhCJ) return 'cj';
  if (l.household === w.hhQY || l.village === w.qy.id) return 'qy';
  return 'cj';
}

/** The place of a village-level record at the locus. */
function villagePlace(w: World, l: Locus): Place {
  if (l.union === w.foreign.union) return 'foreign';
  return l.village === w.qy.id ? 'qy' : 'cj';
}

const at = (w: World, p: Place): PlaceRecords => w.prod!.places[p];
const notes = (k: string) => ({ notes: `authz ${k}` });

/** A fresh plot of the locus's household, so that a planting's area always fits. */
async function plotAt(w: World, p: PlaceRecords) {
  const hh = p.union === w.foreign.union ? w.foreign.household : await w.household(p.household);
  return makePlot(w.db.db, hh, { area_mu: '1.00' });
}

const crops: Fixture = {
  table: s.crops,
  existing: (w, l) => (l.union === w.foreign.union ? w.foreign.ids.crops : w.prod!.crop.id),
  deletable: async (w, l) => (await makeCrop(w.db.db, l.union)).id,
  createBody: async (_w, _l, k) => ({
    body: { code: `CR${k}`, name_zh: `作物${k}`, name_en: `Crop ${k}`, category: 'leafy', shelf_life_days: 5, storage_zone: 'chilled', chill_sensitive: false },
    marker: 'code',
  }),
  updateBody: (k) => ({ variety: `品种${k}` }),
};

const plantings: Fixture = {
  table: s.plantings,
  existing: (w, l) => at(w, householdPlace(w, l)).ids.plantings,
  async deletable(w, l) {
    const p = at(w, householdPlace(w, l));
    return (await makePlanting(w.db.db, await plotAt(w, p), p.crop, { planted_on: day(-20) })).id;
  },
  async createBody(w, l, k) {
    const p = at(w, householdPlace(w, l));
    const plot = await plotAt(w, p);
    return { body: { plot_id: plot.id, crop_id: w.prod!.crop.id, area_mu: '0.50', planted_on: day(-20), ...notes(k) }, marker: 'notes' };
  },
  updateBody: notes,
};

const inputApplications: Fixture = {
  table: s.inputApplications,
  existing: (w, l) => at(w, householdPlace(w, l)).ids['input-applications'],
  deletable: async (w, l) => at(w, householdPlace(w, l)).ids['input-applications'],
  createBody: async (w, l, k) => ({
    body: {
      planting_id: at(w, householdPlace(w, l)).planting.id, kind: 'fertiliser', product: `肥料${k}`, dose: '1.000', dose_unit: 'kg/亩',
      applied_on: day(-1), applied_by: '授权测试',
    },
    marker: 'product',
  }),
  updateBody: (k) => ({ product: `改${k}` }),
};

const harvestLots: Fixture = {
  table: s.harvestLots,
  existing: (w, l) => at(w, householdPlace(w, l)).ids['harvest-lots'],
  deletable: async (w, l) => at(w, householdPlace(w, l)).ids['harvest-lots'],
  createBody: async (w, l, k) => ({
    body: { planting_id: at(w, householdPlace(w, l)).planting.id, harvested_on: day(-1), grade: 'first', quantity_kg: '1.00', intake_price: '1.00', ...notes(k) },
    marker: 'notes',
  }),
  updateBody: (k) => ({ quantity_kg: '2.00', ...notes(k) }),
};

const residueTests: Fixture = {
  table: s.residueTests,
  existing: (w, l) => at(w, villagePlace(w, l)).ids['residue-tests'],
  deletable: async (w, l) => at(w, villagePlace(w, l)).ids['residue-tests'],
  createBody: async (w, l, k) => ({
    body: { lot_id: at(w, villagePlace(w, l)).lot.id, result: 'pass', tested_by: `检测${k}`, tested_on: today() },
    marker: 'tested_by',
  }),
  updateBody: (k) => ({ result: 'fail', ...notes(k) }),
};

const workRecords: Fixture = {
  table: s.workRecords,
  existing: (w, l) => at(w, householdPlace(w, l)).ids['work-records'],
  async deletable(w, l) {
    const p = at(w, householdPlace(w, l));
    const [row] = await w.db.db
      .insert(s.workRecords)
      .values({ union_id: p.union, village_id: p.village, person_id: p.person, household_id: p.household, worked_on: day(-2), task: '待删', days: '1.0', wage: '1.00' })
      .returning({ id: s.workRecords.id });
    return row.id;
  },
  createBody: async (w, l, k) => ({
    body: { person_id: at(w, householdPlace(w, l)).person, worked_on: day(-1), task: `任务${k}`, days: '1.5', wage: '120.00' },
    marker: 'task',
  }),
  updateBody: notes,
};

const warehouses: Fixture = {
  table: s.warehouses,
  existing: (w, l) => at(w, villagePlace(w, l)).ids.warehouses,
  deletable: async (w, l) => (await roomAt(w, at(w, villagePlace(w, l)))).id,
  createBody: async (w, l, k) => ({
    body: { cooperative_id: at(w, villagePlace(w, l)).coop, code: `W${k}`, name: `冷库${k}`, kind: 'cold_room', temperature_zone: 'cool', capacity_kg: '1000.00' },
    marker: 'code',
  }),
  updateBody: notes,
};

/** A new room at the locus, so that the rows a case makes in it are the case's alone. */
async function roomAt(w: World, p: PlaceRecords) {
  const [coop] = await w.db.db.select().from(s.cooperatives).where(eq(s.cooperatives.id, p.coop));
  return makeWarehouse(w.db.db, coop);
}

const temperatureReadings: Fixture = {
  table: s.temperatureReadings,
  existing: (w, l) => at(w, villagePlace(w, l)).ids['temperature-readings'],
  deletable: async (w, l) => at(w, villagePlace(w, l)).ids['temperature-readings'],
  async createBody(w, l) {
    const room = await roomAt(w, at(w, villagePlace(w, l)));
    const body = { warehouse_id: room.id, read_at: new Date(Date.now() - 120_000).toISOString(), temperature_c: '8.00' };
    return { body, marker: 'warehouse_id', match: { warehouse_id: room.id, temperature_c: '8.00' } };
  },
  updateBody: () => ({ temperature_c: '9.00' }),
};

const stockMovements: Fixture = {
  table: s.stockMovements,
  existing: (w, l) => at(w, villagePlace(w, l)).ids['stock-movements'],
  deletable: async (w, l) => at(w, villagePlace(w, l)).ids['stock-movements'],
  async createBody(w, l) {
    const p = at(w, villagePlace(w, l));
    const lot = await makeLot(w.db.db, p.planting, p.crop, { harvested_on: day(-2), quantity_kg: '50.00' });
    return { body: { kind: 'receive', lot_id: lot.id, to_warehouse_id: p.room.id, quantity_kg: '10.00' }, marker: 'lot_id' };
  },
  updateBody: () => ({ quantity_kg: '1.00' }),
};

const stock: Fixture = {
  table: s.stock,
  existing: (w, l) => at(w, villagePlace(w, l)).ids.stock,
  deletable: async (w, l) => at(w, villagePlace(w, l)).ids.stock,
  createBody: async (w, l) => {
    const p = at(w, villagePlace(w, l));
    return { body: { lot_id: p.lot.id, warehouse_id: p.room.id, quantity_kg: '1.00' } };
  },
  updateBody: () => ({ quantity_kg: '1.00' }),
};

const processingRuns: Fixture = {
  table: s.processingRuns,
  existing: (w, l) => at(w, villagePlace(w, l)).ids['processing-runs'],
  deletable: async (w, l) => at(w, villagePlace(w, l)).ids['processing-runs'],
  async createBody(w, l, k) {
    const p = at(w, villagePlace(w, l));
    const lot = await makeLot(w.db.db, p.planting, p.crop, { harvested_on: day(-2), quantity_kg: '50.00' });
    await stockUp(w.db.db, lot, p.room, '20.00');
    return {
      body: {
        kind: 'grading', run_on: today(), ...notes(k),
        inputs: [{ lot_id: lot.id, warehouse_id: p.room.id, quantity_kg: '10.00' }],
        outputs: [{ grade: 'first', quantity_kg: '9.00', warehouse_id: p.room.id }],
      },
      marker: 'notes',
      match: { kind: 'grading', ...notes(k), input_kg: '10.00', output_kg: '9.00', loss_kg: '1.00' },
    };
  },
  updateBody: notes,
};

export const productionFixtures: Record<string, Fixture> = {
  crops, plantings, 'input-applications': inputApplications, 'harvest-lots': harvestLots, 'residue-tests': residueTests, 'work-records': workRecords,
};
export const storageFixtures: Record<string, Fixture> = {
  warehouses, 'temperature-readings': temperatureReadings, 'stock-movements': stockMovements, stock, 'processing-runs': processingRuns,
};
