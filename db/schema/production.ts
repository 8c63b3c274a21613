import { sql } from 'drizzle-orm';
import {
  boolean, check, date, foreignKey, index, integer, numeric, pgEnum, pgTable, primaryKey, smallint, timestamp, unique, varchar,
} from 'drizzle-orm/pg-core';
import { timestamps, version } from './columns';
import { households, people, plots, unions, users, villages } from './org';

// Production: what grows where, what went on it, and what came off it. Food-safety records
// (input applications, harvest lots, residue tests) are kept as written: triggers in
// migration 0008 refuse edits and deletes, and a correction is a new record.

export const cropCategoryEnum = pgEnum('crop_category', ['leafy', 'brassica', 'fruiting', 'cucurbit', 'root', 'allium', 'legume', 'aquatic', 'other']);
/** Storage zones: chilled 0–2 °C, cool 7–10 °C, ambient. */
export const temperatureZoneEnum = pgEnum('temperature_zone', ['chilled', 'cool', 'ambient']);
export const plantingStatusEnum = pgEnum('planting_status', ['planned', 'growing', 'harvesting', 'finished']);
export const inputKindEnum = pgEnum('input_kind', ['pesticide', 'fertiliser', 'other']);
export const lotGradeEnum = pgEnum('lot_grade', ['premium', 'first', 'second', 'processing']);
export const lotSourceEnum = pgEnum('lot_source', ['harvest', 'processing']);
export const residueMethodEnum = pgEnum('residue_method', ['rapid', 'lab']);
export const residueResultEnum = pgEnum('residue_result', ['pass', 'fail']);
export const residueStatusEnum = pgEnum('residue_status', ['untested', 'pass', 'fail']);

export const crops = pgTable(
  'crops',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    code: varchar({ length: 32 }).notNull(),
    name_zh: varchar({ length: 60 }).notNull(),
    name_en: varchar({ length: 60 }).notNull(),
    variety: varchar({ length: 60 }),
    category: cropCategoryEnum().notNull(),
    shelf_life_days: integer().notNull(),
    storage_zone: temperatureZoneEnum().notNull(),
    chill_sensitive: boolean().notNull().default(false),
    ...version,
    ...timestamps,
  },
  (t) => [
    unique('crops_union_code_key').on(t.union_id, t.code),
    unique('crops_union_id_id_key').on(t.union_id, t.id),
    check('crops_shelf_life_days_range', sql`${t.shelf_life_days} BETWEEN 1 AND 730`),
    // A chill-sensitive crop is damaged at 0–2 °C: it can never need that zone.
    check('crops_storage_zone_chill', sql`NOT (${t.chill_sensitive} AND ${t.storage_zone} = 'chilled')`),
  ],
);

export const plantings = pgTable(
  'plantings',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    village_id: integer().notNull(),
    plot_id: integer().notNull(),
    /** The plot's household (null on a collective plot): whose harvest it is by default. */
    household_id: integer(),
    crop_id: integer().notNull(),
    area_mu: numeric({ precision: 10, scale: 2 }).notNull(),
    planted_on: date({ mode: 'string' }).notNull(),
    expected_harvest_from: date({ mode: 'string' }),
    expected_harvest_to: date({ mode: 'string' }),
    expected_yield_kg: numeric({ precision: 12, scale: 2 }),
    status: plantingStatusEnum().notNull().default('planned'),
    finished_on: date({ mode: 'string' }),
    /** Derived from the pesticide applications in force (never typed in): null when none restricts it. */
    harvestable_from: date({ mode: 'string' }),
    /** Derived: kilograms harvested from it so far. */
    harvested_kg: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    notes: varchar({ length: 2000 }),
    ...version,
    ...timestamps,
  },
  (t) => [
    foreignKey({ name: 'plantings_village_fk', columns: [t.union_id, t.village_id], foreignColumns: [villages.union_id, villages.id] }),
    foreignKey({ name: 'plantings_plot_fk', columns: [t.village_id, t.plot_id], foreignColumns: [plots.village_id, plots.id] }),
    foreignKey({ name: 'plantings_household_fk', columns: [t.village_id, t.household_id], foreignColumns: [households.village_id, households.id] }),
    foreignKey({ name: 'plantings_crop_fk', columns: [t.union_id, t.crop_id], foreignColumns: [crops.union_id, crops.id] }),
    unique('plantings_village_id_id_key').on(t.village_id, t.id),
    check('plantings_area_positive', sql`${t.area_mu} > 0`),
    check('plantings_expected_yield_nonneg', sql`${t.expected_yield_kg} IS NULL OR ${t.expected_yield_kg} >= 0`),
    check('plantings_harvest_window', sql`${t.expected_harvest_from} IS NULL OR ${t.expected_harvest_to} IS NULL OR ${t.expected_harvest_from} <= ${t.expected_harvest_to}`),
    check('plantings_harvest_after_planting', sql`${t.expected_harvest_from} IS NULL OR ${t.expected_harvest_from} >= ${t.planted_on}`),
    check('plantings_harvest_end_after_planting', sql`${t.expected_harvest_to} IS NULL OR ${t.expected_harvest_to} >= ${t.planted_on}`),
    check('plantings_finished_on', sql`(${t.status} = 'finished') = (${t.finished_on} IS NOT NULL) AND (${t.finished_on} IS NULL OR ${t.finished_on} >= ${t.planted_on})`),
    index('plantings_village_idx').on(t.union_id, t.village_id, t.id),
    index('plantings_plot_idx').on(t.plot_id, t.planted_on),
    index('plantings_household_idx').on(t.household_id),
    index('plantings_union_planted_idx').on(t.union_id, t.planted_on, t.id),
    index('plantings_crop_idx').on(t.union_id, t.crop_id, t.id),
  ],
);

export const inputApplications = pgTable(
  'input_applications',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    village_id: integer().notNull(),
    planting_id: integer().notNull(),
    household_id: integer(),
    kind: inputKindEnum().notNull(),
    product: varchar({ length: 120 }).notNull(),
    active_ingredient: varchar({ length: 120 }),
    /** What it was against (a pest, a disease) or for. */
    target: varchar({ length: 120 }),
    dose: numeric({ precision: 12, scale: 3 }).notNull(),
    dose_unit: varchar({ length: 20 }).notNull(),
    applied_on: date({ mode: 'string' }).notNull(),
    applied_by: varchar({ length: 60 }).notNull(),
    /** Days from application before a harvest is allowed (安全间隔期); required for a pesticide. */
    pre_harvest_interval_days: smallint(),
    /** The record this one corrects; that one stays, marked corrected_by_id. */
    corrects_id: integer(),
    correction_reason: varchar({ length: 500 }),
    /** Set once, by the correction (the only change the table allows). */
    corrected_by_id: integer(),
    recorded_by: integer().references(() => users.id),
    created_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'input_applications_village_fk', columns: [t.union_id, t.village_id], foreignColumns: [villages.union_id, villages.id] }),
    foreignKey({ name: 'input_applications_planting_fk', columns: [t.village_id, t.planting_id], foreignColumns: [plantings.village_id, plantings.id] }),
    foreignKey({ name: 'input_applications_corrects_fk', columns: [t.corrects_id], foreignColumns: [t.id] }),
    foreignKey({ name: 'input_applications_corrected_by_fk', columns: [t.corrected_by_id], foreignColumns: [t.id] }),
    // A record is corrected once; a correction of the correction names the correction.
    unique('input_applications_corrects_key').on(t.corrects_id),
    check('input_applications_dose_positive', sql`${t.dose} > 0`),
    check('input_applications_pre_harvest_interval_days', sql`(${t.kind} <> 'pesticide' OR ${t.pre_harvest_interval_days} IS NOT NULL) AND (${t.pre_harvest_interval_days} IS NULL OR ${t.pre_harvest_interval_days} BETWEEN 0 AND 365)`),
    check('input_applications_correction_reason', sql`(${t.corrects_id} IS NULL) = (${t.correction_reason} IS NULL)`),
    index('input_applications_planting_idx').on(t.planting_id, t.applied_on),
    index('input_applications_village_idx').on(t.union_id, t.village_id, t.id),
    index('input_applications_household_idx').on(t.household_id),
  ],
);

export const harvestLots = pgTable(
  'harvest_lots',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    village_id: integer().notNull(),
    /** Made by the server: village code, date, sequence (CJ-20260512-007). */
    code: varchar({ length: 40 }).notNull(),
    source: lotSourceEnum().notNull().default('harvest'),
    planting_id: integer(),
    plot_id: integer(),
    household_id: integer(),
    crop_id: integer().notNull(),
    harvested_on: date({ mode: 'string' }).notNull(),
    grade: lotGradeEnum().notNull(),
    quantity_kg: numeric({ precision: 12, scale: 2 }).notNull(),
    /** Yuan per kg paid to the household at intake (harvest lots). */
    intake_price: numeric({ precision: 10, scale: 2 }),
    /** The household's credit: kg × intake price, to the fen. */
    intake_amount: numeric({ precision: 14, scale: 2 }).generatedAlwaysAs(sql`round(quantity_kg * coalesce(intake_price, 0), 2)`),
    /** Whether the household was a member at intake: members' and non-members' trade are booked apart. */
    is_member: boolean(),
    processing_run_id: integer(),
    /** Harvest date + the crop's shelf life (a processed lot keeps its earliest input's). */
    expires_on: date({ mode: 'string' }).notNull(),
    /** Derived: kilograms received into storage so far (never more than were harvested). */
    received_kg: numeric({ precision: 12, scale: 2 }).notNull().default('0'),
    /** Derived: the latest residue test's result. */
    residue_status: residueStatusEnum().notNull().default('untested'),
    latest_test_id: integer(),
    notes: varchar({ length: 500 }),
    recorded_by: integer().references(() => users.id),
    created_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    updated_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    unique('harvest_lots_union_code_key').on(t.union_id, t.code),
    unique('harvest_lots_union_id_id_key').on(t.union_id, t.id),
    unique('harvest_lots_village_id_id_key').on(t.village_id, t.id),
    foreignKey({ name: 'harvest_lots_village_fk', columns: [t.union_id, t.village_id], foreignColumns: [villages.union_id, villages.id] }),
    foreignKey({ name: 'harvest_lots_planting_fk', columns: [t.village_id, t.planting_id], foreignColumns: [plantings.village_id, plantings.id] }),
    foreignKey({ name: 'harvest_lots_plot_fk', columns: [t.village_id, t.plot_id], foreignColumns: [plots.village_id, plots.id] }),
    foreignKey({ name: 'harvest_lots_household_fk', columns: [t.village_id, t.household_id], foreignColumns: [households.village_id, households.id] }),
    foreignKey({ name: 'harvest_lots_crop_fk', columns: [t.union_id, t.crop_id], foreignColumns: [crops.union_id, crops.id] }),
    check('harvest_lots_quantity_positive', sql`${t.quantity_kg} > 0`),
    check('harvest_lots_intake_price_nonneg', sql`${t.intake_price} IS NULL OR ${t.intake_price} >= 0`),
    check('harvest_lots_received_kg', sql`${t.received_kg} >= 0 AND ${t.received_kg} <= ${t.quantity_kg}`),
    check('harvest_lots_source', sql`CASE ${t.source}
      WHEN 'harvest' THEN ${t.planting_id} IS NOT NULL AND ${t.intake_price} IS NOT NULL AND ${t.processing_run_id} IS NULL
      ELSE ${t.processing_run_id} IS NOT NULL AND ${t.planting_id} IS NULL AND ${t.household_id} IS NULL END`),
    index('harvest_lots_village_idx').on(t.union_id, t.village_id, t.id),
    index('harvest_lots_household_idx').on(t.union_id, t.household_id, t.id),
    index('harvest_lots_planting_idx').on(t.planting_id),
    index('harvest_lots_harvested_idx').on(t.union_id, t.harvested_on, t.id),
    index('harvest_lots_run_idx').on(t.processing_run_id),
    index('harvest_lots_code_trgm').using('gin', sql`${t.code} gin_trgm_ops`),
  ],
);

/** The last sequence number of each village's lot codes per day. */
export const lotSequences = pgTable(
  'lot_sequences',
  {
    village_id: integer().notNull().references(() => villages.id),
    day: date({ mode: 'string' }).notNull(),
    last_seq: integer().notNull(),
  },
  (t) => [primaryKey({ name: 'lot_sequences_pkey', columns: [t.village_id, t.day] })],
);

export const residueTests = pgTable(
  'residue_tests',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    village_id: integer().notNull(),
    lot_id: integer().notNull(),
    method: residueMethodEnum().notNull().default('rapid'),
    result: residueResultEnum().notNull(),
    /** Where measured: the rapid test's enzyme inhibition rate (%), or a lab value. */
    value: numeric({ precision: 10, scale: 3 }),
    tested_by: varchar({ length: 60 }).notNull(),
    tested_on: date({ mode: 'string' }).notNull(),
    notes: varchar({ length: 500 }),
    recorded_by: integer().references(() => users.id),
    created_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'residue_tests_village_fk', columns: [t.union_id, t.village_id], foreignColumns: [villages.union_id, villages.id] }),
    foreignKey({ name: 'residue_tests_lot_fk', columns: [t.village_id, t.lot_id], foreignColumns: [harvestLots.village_id, harvestLots.id] }),
    index('residue_tests_lot_idx').on(t.lot_id, t.tested_on, t.id),
    index('residue_tests_village_idx').on(t.union_id, t.village_id, t.id),
  ],
);

export const workRecords = pgTable(
  'work_records',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    village_id: integer().notNull(),
    person_id: integer().notNull(),
    /** The person's household (derived), so a member sees their household's wages. */
    household_id: integer(),
    worked_on: date({ mode: 'string' }).notNull(),
    task: varchar({ length: 120 }).notNull(),
    days: numeric({ precision: 4, scale: 1 }).notNull(),
    wage: numeric({ precision: 12, scale: 2 }).notNull(),
    notes: varchar({ length: 500 }),
    ...version,
    ...timestamps,
  },
  (t) => [
    foreignKey({ name: 'work_records_village_fk', columns: [t.union_id, t.village_id], foreignColumns: [villages.union_id, villages.id] }),
    foreignKey({ name: 'work_records_person_fk', columns: [t.village_id, t.person_id], foreignColumns: [people.village_id, people.id] }),
    check('work_records_days_range', sql`${t.days} > 0 AND ${t.days} <= 31`),
    check('work_records_wage_nonneg', sql`${t.wage} >= 0`),
    index('work_records_village_idx').on(t.union_id, t.village_id, t.worked_on, t.id),
    index('work_records_person_idx').on(t.person_id, t.worked_on),
    index('work_records_household_idx').on(t.household_id),
  ],
);
