import { sql } from 'drizzle-orm';
import {
  bigint, boolean, check, date, foreignKey, index, integer, numeric, pgEnum, pgTable, primaryKey, timestamp, unique, varchar,
} from 'drizzle-orm/pg-core';
import { timestamps, version } from './columns';
import { cooperatives, unions, users, villages } from './org';
import { crops, harvestLots, lotGradeEnum, temperatureZoneEnum } from './production';

// Storage: rooms, what is in them, and the ledger of every kilogram that moved. The ledger
// is append-only (migration 0008); `stock` holds the balance per lot and room, updated in the
// same transaction as each movement, and CHECK constraints keep it and each room's total
// between zero and the room's capacity whatever the code does.

export const warehouseKindEnum = pgEnum('warehouse_kind', ['cold_room', 'ambient_store', 'processing_hall']);
export const readingSourceEnum = pgEnum('reading_source', ['manual', 'sensor']);
export const movementKindEnum = pgEnum('movement_kind', ['receive', 'transfer', 'issue', 'output', 'loss', 'adjust', 'reversal', 'dispatch']);
export const processingKindEnum = pgEnum('processing_kind', ['grading', 'washing', 'packing', 'other']);

export const warehouses = pgTable(
  'warehouses',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    /** The cooperative's village (derived from the cooperative). */
    village_id: integer().notNull(),
    cooperative_id: integer().notNull(),
    code: varchar({ length: 32 }).notNull(),
    name: varchar({ length: 80 }).notNull(),
    kind: warehouseKindEnum().notNull(),
    temperature_zone: temperatureZoneEnum().notNull(),
    capacity_kg: numeric({ precision: 12, scale: 2 }).notNull(),
    /** Derived: kilograms in the room now, the sum of its stock rows. */
    stock_kg: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    /** Derived: the latest temperature reading. */
    last_temperature_c: numeric({ precision: 5, scale: 2 }),
    last_reading_at: timestamp({ withTimezone: true, mode: 'date' }),
    last_reading_out_of_range: boolean(),
    notes: varchar({ length: 500 }),
    ...version,
    ...timestamps,
  },
  (t) => [
    unique('warehouses_union_code_key').on(t.union_id, t.code),
    unique('warehouses_union_id_id_key').on(t.union_id, t.id),
    foreignKey({ name: 'warehouses_village_fk', columns: [t.union_id, t.village_id], foreignColumns: [villages.union_id, villages.id] }),
    foreignKey({ name: 'warehouses_cooperative_fk', columns: [t.union_id, t.cooperative_id], foreignColumns: [cooperatives.union_id, cooperatives.id] }),
    check('warehouses_capacity_positive', sql`${t.capacity_kg} > 0`),
    // The room's total never goes below zero nor above its capacity.
    check('warehouses_stock_within_capacity', sql`${t.stock_kg} >= 0 AND ${t.stock_kg} <= ${t.capacity_kg}`),
    // A cold room is chilled or cool; an ambient store and a processing hall are ambient.
    check('warehouses_temperature_zone_kind', sql`(${t.kind} = 'cold_room') = (${t.temperature_zone} <> 'ambient')`),
    check('warehouses_processing_hall_empty', sql`${t.kind} <> 'processing_hall' OR ${t.stock_kg} = 0`),
    index('warehouses_village_idx').on(t.union_id, t.village_id, t.id),
  ],
);

export const temperatureReadings = pgTable(
  'temperature_readings',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    village_id: integer().notNull(),
    warehouse_id: integer().notNull(),
    read_at: timestamp({ withTimezone: true, mode: 'date' }).notNull(),
    temperature_c: numeric({ precision: 5, scale: 2 }).notNull(),
    source: readingSourceEnum().notNull().default('manual'),
    /** Outside the room's zone when read (flagged; the room shows its last reading). */
    out_of_range: boolean().notNull(),
    recorded_by: integer().references(() => users.id),
    created_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'temperature_readings_warehouse_fk', columns: [t.union_id, t.warehouse_id], foreignColumns: [warehouses.union_id, warehouses.id] }),
    // A gateway that resends a reading after a dropped connection adds nothing.
    unique('temperature_readings_warehouse_read_at_key').on(t.warehouse_id, t.read_at),
    check('temperature_readings_temperature_c_range', sql`${t.temperature_c} BETWEEN -50 AND 80`),
    index('temperature_readings_village_idx').on(t.union_id, t.village_id, t.read_at, t.id),
  ],
);

export const processingRuns = pgTable(
  'processing_runs',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    village_id: integer().notNull(),
    /** The processing hall it ran in, if recorded. */
    warehouse_id: integer(),
    kind: processingKindEnum().notNull(),
    crop_id: integer().notNull(),
    run_on: date({ mode: 'string' }).notNull(),
    input_kg: numeric({ precision: 14, scale: 2 }).notNull(),
    output_kg: numeric({ precision: 14, scale: 2 }).notNull(),
    loss_kg: numeric({ precision: 14, scale: 2 }).notNull(),
    notes: varchar({ length: 500 }),
    recorded_by: integer().references(() => users.id),
    created_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'processing_runs_village_fk', columns: [t.union_id, t.village_id], foreignColumns: [villages.union_id, villages.id] }),
    foreignKey({ name: 'processing_runs_warehouse_fk', columns: [t.union_id, t.warehouse_id], foreignColumns: [warehouses.union_id, warehouses.id] }),
    foreignKey({ name: 'processing_runs_crop_fk', columns: [t.union_id, t.crop_id], foreignColumns: [crops.union_id, crops.id] }),
    unique('processing_runs_union_id_id_key').on(t.union_id, t.id),
    // Mass is conserved: what went in came out or was lost.
    check('processing_runs_mass_balance', sql`${t.input_kg} > 0 AND ${t.output_kg} > 0 AND ${t.loss_kg} >= 0 AND ${t.input_kg} = ${t.output_kg} + ${t.loss_kg}`),
    index('processing_runs_village_idx').on(t.union_id, t.village_id, t.id),
  ],
);

export const stockMovements = pgTable(
  'stock_movements',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    /** The village of the room it leaves (or enters, when it only enters one). */
    village_id: integer().notNull(),
    kind: movementKindEnum().notNull(),
    lot_id: integer().notNull(),
    from_warehouse_id: integer(),
    to_warehouse_id: integer(),
    quantity_kg: numeric({ precision: 12, scale: 2 }).notNull(),
    /** A count adjustment's count (the balance it set). */
    counted_kg: numeric({ precision: 12, scale: 2 }),
    processing_run_id: integer(),
    /** The delivery a dispatch leaves storage with (sales). */
    delivery_id: integer(),
    /** The movement a reversal undoes (each is reversed at most once). */
    reverses_id: bigint({ mode: 'number' }),
    reason: varchar({ length: 500 }),
    moved_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    recorded_by: integer().references(() => users.id),
  },
  (t) => [
    foreignKey({ name: 'stock_movements_lot_fk', columns: [t.union_id, t.lot_id], foreignColumns: [harvestLots.union_id, harvestLots.id] }),
    foreignKey({ name: 'stock_movements_from_warehouse_fk', columns: [t.union_id, t.from_warehouse_id], foreignColumns: [warehouses.union_id, warehouses.id] }),
    foreignKey({ name: 'stock_movements_to_warehouse_fk', columns: [t.union_id, t.to_warehouse_id], foreignColumns: [warehouses.union_id, warehouses.id] }),
    foreignKey({ name: 'stock_movements_processing_run_fk', columns: [t.union_id, t.processing_run_id], foreignColumns: [processingRuns.union_id, processingRuns.id] }),
    foreignKey({ name: 'stock_movements_reverses_fk', columns: [t.reverses_id], foreignColumns: [t.id] }),
    unique('stock_movements_reverses_key').on(t.reverses_id),
    check('stock_movements_quantity_positive', sql`${t.quantity_kg} > 0`),
    // Which rooms each kind names: in, out, both, or (a count, a reversal) exactly one side.
    // Compared as text: a kind added later (dispatch) is never cast in the transaction that adds it.
    check('stock_movements_kind_rooms', sql`CASE ${t.kind}::text
      WHEN 'receive' THEN ${t.to_warehouse_id} IS NOT NULL AND ${t.from_warehouse_id} IS NULL
      WHEN 'output' THEN ${t.to_warehouse_id} IS NOT NULL AND ${t.from_warehouse_id} IS NULL AND ${t.processing_run_id} IS NOT NULL
      WHEN 'issue' THEN ${t.from_warehouse_id} IS NOT NULL AND ${t.to_warehouse_id} IS NULL AND ${t.processing_run_id} IS NOT NULL
      WHEN 'loss' THEN ${t.from_warehouse_id} IS NOT NULL AND ${t.to_warehouse_id} IS NULL
      WHEN 'dispatch' THEN ${t.from_warehouse_id} IS NOT NULL AND ${t.to_warehouse_id} IS NULL AND ${t.delivery_id} IS NOT NULL
      WHEN 'transfer' THEN ${t.from_warehouse_id} IS NOT NULL AND ${t.to_warehouse_id} IS NOT NULL AND ${t.from_warehouse_id} <> ${t.to_warehouse_id}
      ELSE (${t.from_warehouse_id} IS NOT NULL OR ${t.to_warehouse_id} IS NOT NULL) END`),
    check('stock_movements_reversal', sql`(${t.kind} = 'reversal') = (${t.reverses_id} IS NOT NULL)`),
    check('stock_movements_counted', sql`(${t.kind} = 'adjust') = (${t.counted_kg} IS NOT NULL) AND (${t.counted_kg} IS NULL OR ${t.counted_kg} >= 0)`),
    index('stock_movements_lot_idx').on(t.lot_id, t.id),
    index('stock_movements_village_idx').on(t.union_id, t.village_id, t.id),
    index('stock_movements_from_idx').on(t.from_warehouse_id, t.id),
    index('stock_movements_to_idx').on(t.to_warehouse_id, t.id),
    index('stock_movements_run_idx').on(t.processing_run_id),
    index('stock_movements_delivery_idx').on(t.delivery_id),
  ],
);

/** The balance of each lot in each room: rows are updated with every movement, never summed at read time. */
export const stock = pgTable(
  'stock',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    village_id: integer().notNull(),
    warehouse_id: integer().notNull(),
    lot_id: integer().notNull(),
    /** Copied from the lot (with its crop, grade and expiry) so that a room's list needs one index and no join. */
    lot_code: varchar({ length: 40 }).notNull(),
    crop_id: integer().notNull(),
    grade: lotGradeEnum().notNull(),
    expires_on: date({ mode: 'string' }).notNull(),
    quantity_kg: numeric({ precision: 12, scale: 2 }).notNull(),
    /** Kilograms of this row promised to orders (sales allocations); never more than the row holds. */
    allocated_kg: numeric({ precision: 12, scale: 2 }).notNull().default('0'),
    updated_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    unique('stock_lot_warehouse_key').on(t.lot_id, t.warehouse_id),
    check('stock_allocated_within', sql`${t.allocated_kg} >= 0 AND ${t.allocated_kg} <= ${t.quantity_kg}`),
    foreignKey({ name: 'stock_warehouse_fk', columns: [t.union_id, t.warehouse_id], foreignColumns: [warehouses.union_id, warehouses.id] }),
    foreignKey({ name: 'stock_lot_fk', columns: [t.union_id, t.lot_id], foreignColumns: [harvestLots.union_id, harvestLots.id] }),
    // Never below zero; a row that reaches zero is removed in the same transaction.
    check('stock_quantity_nonneg', sql`${t.quantity_kg} >= 0`),
    // First-expiry-first-out per room, per village and across the union, straight from an index.
    index('stock_warehouse_fefo_idx').on(t.union_id, t.warehouse_id, t.expires_on, t.id),
    index('stock_village_fefo_idx').on(t.union_id, t.village_id, t.expires_on, t.id),
    index('stock_union_fefo_idx').on(t.union_id, t.expires_on, t.id),
    index('stock_crop_fefo_idx').on(t.union_id, t.crop_id, t.expires_on, t.id),
  ],
);

/** Genealogy: each processed lot's parents and how many of its kilograms came from each. */
export const lotParents = pgTable(
  'lot_parents',
  {
    union_id: integer().notNull().references(() => unions.id),
    child_lot_id: integer().notNull().references(() => harvestLots.id),
    parent_lot_id: integer().notNull().references(() => harvestLots.id),
    processing_run_id: integer().notNull(),
    quantity_kg: numeric({ precision: 12, scale: 2 }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'lot_parents_pkey', columns: [t.child_lot_id, t.parent_lot_id] }),
    foreignKey({ name: 'lot_parents_processing_run_fk', columns: [t.union_id, t.processing_run_id], foreignColumns: [processingRuns.union_id, processingRuns.id] }),
    check('lot_parents_quantity_positive', sql`${t.quantity_kg} > 0`),
    check('lot_parents_not_self', sql`${t.child_lot_id} <> ${t.parent_lot_id}`),
    index('lot_parents_parent_idx').on(t.parent_lot_id),
  ],
);
