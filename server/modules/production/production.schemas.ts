import { z } from 'zod';
import {
  cropCategoryEnum, inputKindEnum, lotGradeEnum, lotSourceEnum, plantingStatusEnum, residueMethodEnum, residueResultEnum, residueStatusEnum,
  temperatureZoneEnum,
} from '../../../db/schema/index';
import {
  code, codeParams, decimal, decimalOut, id, isoDate, optionalDate, optionalId, optionalText, readOnlyInput, recordBase, text, timestampOut,
} from '../../lib/zod-fields';

// One zod set per resource (create, update, record): validation, OpenAPI and types.

export const cropCategories = cropCategoryEnum.enumValues;
export const temperatureZones = temperatureZoneEnum.enumValues;
export const plantingStatuses = plantingStatusEnum.enumValues;
export const inputKinds = inputKindEnum.enumValues;
export const lotGrades = lotGradeEnum.enumValues;
export const lotSources = lotSourceEnum.enumValues;
export const residueMethods = residueMethodEnum.enumValues;
export const residueResults = residueResultEnum.enumValues;
export const residueStatuses = residueStatusEnum.enumValues;

/** Kilograms: exact, two decimals, more than zero. */
export const kg = decimal({ scale: 2, integerDigits: 10, positive: true });
const kgOrZero = decimal({ scale: 2, integerDigits: 10, min: 0 });
const price = decimal({ scale: 2, integerDigits: 8, min: 0 });
const mu = decimal({ scale: 2, integerDigits: 8, positive: true });
const int = z.number().int();
const str = z.string();
const nstr = z.string().nullable();

function crudSchemas<T extends z.ZodRawShape>(writable: T, record: z.ZodRawShape, readOnlyRecord: z.ZodRawShape = {}) {
  const update = z.object({
    ...z.object(writable).partial().shape,
    ...readOnlyInput,
    ...Object.fromEntries(Object.keys(readOnlyRecord).map((k) => [k, z.unknown().optional()])),
  }).strict();
  return { create: z.object(writable).strict(), update, record: z.object({ ...recordBase, ...record, ...readOnlyRecord }) };
}

export const cropSchemas = crudSchemas(
  {
    code,
    name_zh: text(60),
    name_en: text(60),
    variety: optionalText(60),
    category: z.enum(cropCategories),
    shelf_life_days: z.number().int().min(1).max(730),
    storage_zone: z.enum(temperatureZones),
    chill_sensitive: z.boolean().optional(),
  },
  {
    code: str, name_zh: str, name_en: str, variety: nstr, category: z.enum(cropCategories), shelf_life_days: int,
    storage_zone: z.enum(temperatureZones), chill_sensitive: z.boolean(),
  },
);

const plantingWritable = {
  area_mu: mu,
  planted_on: isoDate,
  expected_harvest_from: optionalDate,
  expected_harvest_to: optionalDate,
  expected_yield_kg: z.preprocess((v) => (v === '' ? null : v), kgOrZero.nullable()).optional(),
  status: z.enum(plantingStatuses).optional(),
  finished_on: optionalDate,
  notes: optionalText(2000),
};
export const plantingSchemas = (() => {
  const derived = {
    village_id: int, household_id: int.nullable(), harvestable_from: nstr, harvested_kg: decimalOut,
    harvestable_now: z.boolean().describe('true when no pesticide interval is in force today'),
  };
  const s = crudSchemas(
    { plot_id: id, crop_id: id, ...plantingWritable },
    {
      plot_id: int, crop_id: int, area_mu: decimalOut, planted_on: str, expected_harvest_from: nstr, expected_harvest_to: nstr,
      expected_yield_kg: decimalOut.nullable(), status: z.enum(plantingStatuses), finished_on: nstr, notes: nstr,
    },
    derived,
  );
  return s;
})();

const appendOnlyBase = { id: int, union_id: int, created_at: timestampOut };

export const applicationSchemas = {
  create: z.object({
    planting_id: id,
    kind: z.enum(inputKinds),
    product: text(120),
    active_ingredient: optionalText(120),
    target: optionalText(120),
    dose: decimal({ scale: 3, integerDigits: 9, positive: true }),
    dose_unit: text(20),
    applied_on: isoDate,
    applied_by: text(60),
    pre_harvest_interval_days: z.preprocess((v) => (v === '' ? null : v), z.number().int().min(0).max(365).nullable()).optional(),
    corrects_id: optionalId,
    correction_reason: optionalText(500),
  }).strict(),
  record: z.object({
    ...appendOnlyBase,
    village_id: int, planting_id: int, household_id: int.nullable(), kind: z.enum(inputKinds), product: str, active_ingredient: nstr,
    target: nstr, dose: decimalOut, dose_unit: str, applied_on: str, applied_by: str, pre_harvest_interval_days: int.nullable(),
    corrects_id: int.nullable(), correction_reason: nstr, corrected_by_id: int.nullable(), recorded_by: int.nullable(),
    safe_from: nstr.describe('applied_on + pre-harvest interval (pesticides)'),
    in_force: z.boolean().describe('false once corrected'),
  }),
};

const lotInput = {
  planting_id: id,
  household_id: optionalId,
  harvested_on: isoDate,
  grade: z.enum(lotGrades),
  quantity_kg: kg,
  intake_price: price,
  warehouse_id: optionalId.describe('receive the whole lot straight into this room'),
  notes: optionalText(500),
};
/** `code` is accepted by the parser only to be refused with a clear error: the server makes it. */
export const lotCreate = z.object({ ...lotInput, code: z.unknown().optional() }).strict();
export type LotCreate = z.infer<typeof lotCreate>;

export const lotSchemas = {
  create: lotCreate,
  record: z.object({
    ...appendOnlyBase,
    updated_at: timestampOut,
    village_id: int, code: str, source: z.enum(lotSources), planting_id: int.nullable(), plot_id: int.nullable(), household_id: int.nullable(),
    crop_id: int, harvested_on: str, grade: z.enum(lotGrades), quantity_kg: decimalOut, intake_price: decimalOut.nullable(),
    intake_amount: decimalOut, is_member: z.boolean().nullable(), processing_run_id: int.nullable(), expires_on: str,
    received_kg: decimalOut, residue_status: z.enum(residueStatuses), latest_test_id: int.nullable(), notes: nstr,
    recorded_by: int.nullable(), days_left: int, expiry_status: z.enum(['expired', 'critical', 'soon', 'fresh']),
  }),
};

export const importBody = z.object({
  rows: z.array(z.record(z.string(), z.unknown())).min(1).max(5000),
}).strict();
export const importResponse = z.object({
  imported: int,
  lots: z.array(z.object({ line: int, id: int, code: str })),
});

const totalsPart = z.object({ lots: int, quantity_kg: decimalOut, intake_amount: decimalOut });
export const lotTotals = totalsPart.extend({ members: totalsPart, non_members: totalsPart });

const genealogyEntry = z.object({
  lot_id: int, code: str, crop_id: int, grade: z.enum(lotGrades), quantity_kg: decimalOut.describe('kg of the child from this parent'),
  processing_run_id: int,
});
export const genealogy = z.object({ parents: z.array(genealogyEntry), children: z.array(genealogyEntry) });

export const residueSchemas = {
  create: z.object({
    lot_id: id,
    method: z.enum(residueMethods).optional(),
    result: z.enum(residueResults),
    value: z.preprocess((v) => (v === '' ? null : v), decimal({ scale: 3, integerDigits: 7 }).nullable()).optional(),
    tested_by: text(60),
    tested_on: isoDate,
    notes: optionalText(500),
  }).strict(),
  record: z.object({
    ...appendOnlyBase,
    village_id: int, lot_id: int, method: z.enum(residueMethods), result: z.enum(residueResults), value: decimalOut.nullable(),
    tested_by: str, tested_on: str, notes: nstr, recorded_by: int.nullable(),
  }),
};

export const workRecordSchemas = crudSchemas(
  {
    person_id: id,
    worked_on: isoDate,
    task: text(120),
    days: decimal({ scale: 1, integerDigits: 2, positive: true }).refine((v) => Number(v) <= 31, { message: 'must be at most 31', params: codeParams('too_big', { maximum: 31 }) }),
    wage: price,
    notes: optionalText(500),
  },
  { person_id: int, worked_on: str, task: str, days: decimalOut, wage: decimalOut, notes: nstr },
  { village_id: int, household_id: int.nullable() },
);

export const workTotals = z.object({ records: int, person_days: decimalOut, wages: decimalOut, people: int });
