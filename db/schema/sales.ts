import { sql } from 'drizzle-orm';
import {
  bigint, boolean, check, date, foreignKey, index, integer, jsonb, numeric, pgEnum, pgTable, primaryKey, timestamp, unique, varchar,
} from 'drizzle-orm/pg-core';
import { timestamps, version } from './columns';
import { buyers, unions, users, villages } from './org';
import { crops, harvestLots, lotGradeEnum } from './production';
import { warehouses } from './storage';

// Sales: what the union offers, what buyers order, and the kilograms promised to them. A
// promise is an allocation of a stock row's kilograms: `stock.allocated_kg` (migration 0010)
// never exceeds the row's kilograms, so the union never promises a kilogram twice.

export const orderStatusEnum = pgEnum('order_status', ['submitted', 'confirmed', 'allocated', 'dispatched', 'delivered', 'paid', 'cancelled']);
export const paymentMethodEnum = pgEnum('payment_method', ['bank_transfer', 'cash', 'other']);
export const deliveryStatusEnum = pgEnum('delivery_status', ['dispatched', 'delivered']);

/** What the union sells: a crop and grade at a price, with a minimum order; published or not. */
export const listings = pgTable(
  'listings',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    crop_id: integer().notNull(),
    grade: lotGradeEnum().notNull(),
    price_per_kg: numeric({ precision: 10, scale: 2 }).notNull(),
    min_order_kg: numeric({ precision: 12, scale: 2 }).notNull(),
    published: boolean().notNull().default(false),
    notes: varchar({ length: 500 }),
    ...version,
    ...timestamps,
  },
  (t) => [
    unique('listings_union_crop_grade_key').on(t.union_id, t.crop_id, t.grade),
    foreignKey({ name: 'listings_crop_fk', columns: [t.union_id, t.crop_id], foreignColumns: [crops.union_id, crops.id] }),
    check('listings_price_per_kg_nonneg', sql`${t.price_per_kg} >= 0`),
    check('listings_min_order_kg_positive', sql`${t.min_order_kg} > 0`),
  ],
);

/**
 * The kilograms buyers may be offered now, per crop, grade, expiry day and village: stock
 * whose lot's latest residue test passed, less what is allocated. Kept by triggers on `stock`
 * and on lots' residue status (migration 0010), so a supply listing sums a few rows per day
 * of expiry instead of the stock.
 */
export const supplyStock = pgTable(
  'supply_stock',
  {
    union_id: integer().notNull(),
    crop_id: integer().notNull(),
    grade: lotGradeEnum().notNull(),
    expires_on: date({ mode: 'string' }).notNull(),
    village_id: integer().notNull(),
    free_kg: numeric({ precision: 14, scale: 2 }).notNull(),
  },
  (t) => [
    primaryKey({ name: 'supply_stock_pkey', columns: [t.union_id, t.crop_id, t.grade, t.expires_on, t.village_id] }),
    check('supply_stock_free_kg_nonneg', sql`${t.free_kg} >= 0`),
  ],
);

/** Changes to supply_stock, appended by the triggers (no shared row is locked); folded in by a job. */
export const supplyStockChanges = pgTable(
  'supply_stock_changes',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull(),
    crop_id: integer().notNull(),
    grade: lotGradeEnum().notNull(),
    expires_on: date({ mode: 'string' }).notNull(),
    village_id: integer().notNull(),
    delta_kg: numeric({ precision: 14, scale: 2 }).notNull(),
  },
  (t) => [index('supply_stock_changes_key_idx').on(t.union_id, t.crop_id, t.grade)],
);

export const orders = pgTable(
  'orders',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    buyer_id: integer().notNull(),
    status: orderStatusEnum().notNull().default('submitted'),
    /** The buyer's own reference (a purchase order number). */
    reference: varchar({ length: 60 }),
    wanted_on: date({ mode: 'string' }),
    notes: varchar({ length: 500 }),
    /** Derived: the lines' amounts, and what was paid. */
    total_amount: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    paid_amount: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    created_by: integer().references(() => users.id),
    ...version,
    ...timestamps,
  },
  (t) => [
    foreignKey({ name: 'orders_buyer_fk', columns: [t.union_id, t.buyer_id], foreignColumns: [buyers.union_id, buyers.id] }),
    unique('orders_union_id_id_key').on(t.union_id, t.id),
    check('orders_paid_within_total', sql`${t.paid_amount} >= 0 AND ${t.paid_amount} <= ${t.total_amount}`),
    index('orders_buyer_idx').on(t.union_id, t.buyer_id, t.id),
    index('orders_status_idx').on(t.union_id, t.status, t.id),
  ],
);

export const orderLines = pgTable(
  'order_lines',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    order_id: integer().notNull(),
    /** The order's buyer, so that a buyer's scope filters lines by one column. */
    buyer_id: integer().notNull(),
    crop_id: integer().notNull(),
    grade: lotGradeEnum().notNull(),
    quantity_kg: numeric({ precision: 12, scale: 2 }).notNull(),
    /** From the listing when the order is placed. */
    price_per_kg: numeric({ precision: 10, scale: 2 }).notNull(),
    amount: numeric({ precision: 14, scale: 2 }).generatedAlwaysAs(sql`round(quantity_kg * price_per_kg, 2)`),
    /** Derived: kilograms promised from stock (never more than ordered). */
    allocated_kg: numeric({ precision: 12, scale: 2 }).notNull().default('0'),
  },
  (t) => [
    foreignKey({ name: 'order_lines_order_fk', columns: [t.union_id, t.order_id], foreignColumns: [orders.union_id, orders.id] }),
    foreignKey({ name: 'order_lines_crop_fk', columns: [t.union_id, t.crop_id], foreignColumns: [crops.union_id, crops.id] }),
    check('order_lines_quantity_positive', sql`${t.quantity_kg} > 0`),
    check('order_lines_price_nonneg', sql`${t.price_per_kg} >= 0`),
    check('order_lines_allocated_within', sql`${t.allocated_kg} >= 0 AND ${t.allocated_kg} <= ${t.quantity_kg}`),
    index('order_lines_order_idx').on(t.order_id, t.id),
    index('order_lines_buyer_idx').on(t.union_id, t.buyer_id, t.id),
  ],
);

/** Kilograms of one stock row (a lot in a room) promised to one order line. */
export const allocations = pgTable(
  'allocations',
  {
    id: bigint({ mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    order_id: integer().notNull(),
    order_line_id: integer().notNull().references(() => orderLines.id),
    buyer_id: integer().notNull(),
    lot_id: integer().notNull(),
    warehouse_id: integer().notNull(),
    village_id: integer().notNull().references(() => villages.id),
    quantity_kg: numeric({ precision: 12, scale: 2 }).notNull(),
    /** Released when the order is cancelled (the kilograms are free again). */
    released: boolean().notNull().default(false),
    /** Dispatched: the kilograms left storage with a delivery. */
    dispatched: boolean().notNull().default(false),
    created_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'allocations_order_fk', columns: [t.union_id, t.order_id], foreignColumns: [orders.union_id, orders.id] }),
    foreignKey({ name: 'allocations_lot_fk', columns: [t.union_id, t.lot_id], foreignColumns: [harvestLots.union_id, harvestLots.id] }),
    foreignKey({ name: 'allocations_warehouse_fk', columns: [t.union_id, t.warehouse_id], foreignColumns: [warehouses.union_id, warehouses.id] }),
    check('allocations_quantity_positive', sql`${t.quantity_kg} > 0`),
    index('allocations_order_idx').on(t.order_id),
    index('allocations_line_idx').on(t.order_line_id),
    index('allocations_lot_idx').on(t.lot_id, t.warehouse_id),
    index('allocations_buyer_idx').on(t.union_id, t.buyer_id, t.id),
  ],
);

export const payments = pgTable(
  'payments',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    order_id: integer().notNull(),
    buyer_id: integer().notNull(),
    amount: numeric({ precision: 14, scale: 2 }).notNull(),
    paid_on: date({ mode: 'string' }).notNull(),
    method: paymentMethodEnum().notNull(),
    reference: varchar({ length: 60 }),
    recorded_by: integer().references(() => users.id),
    created_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    foreignKey({ name: 'payments_order_fk', columns: [t.union_id, t.order_id], foreignColumns: [orders.union_id, orders.id] }),
    check('payments_amount_positive', sql`${t.amount} > 0`),
    index('payments_order_idx').on(t.order_id),
    index('payments_buyer_idx').on(t.union_id, t.buyer_id, t.id),
  ],
);


/** A vehicle's load for one order: dispatched from stock through the ledger, then received. */
export const deliveries = pgTable(
  'deliveries',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    order_id: integer().notNull(),
    buyer_id: integer().notNull(),
    status: deliveryStatusEnum().notNull().default('dispatched'),
    vehicle: varchar({ length: 40 }),
    driver: varchar({ length: 60 }),
    dispatched_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
    delivered_at: timestamp({ withTimezone: true, mode: 'date' }),
    received_by: varchar({ length: 60 }),
    dispatched_by: integer().references(() => users.id),
  },
  (t) => [
    foreignKey({ name: 'deliveries_order_fk', columns: [t.union_id, t.order_id], foreignColumns: [orders.union_id, orders.id] }),
    unique('deliveries_union_id_id_key').on(t.union_id, t.id),
    check('deliveries_delivered', sql`(${t.status} = 'delivered') = (${t.delivered_at} IS NOT NULL)`),
    index('deliveries_order_idx').on(t.order_id),
    index('deliveries_buyer_idx').on(t.union_id, t.buyer_id, t.id),
  ],
);

export const deliveryLines = pgTable(
  'delivery_lines',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    delivery_id: integer().notNull(),
    buyer_id: integer().notNull(),
    order_line_id: integer().notNull().references(() => orderLines.id),
    lot_id: integer().notNull(),
    warehouse_id: integer().notNull(),
    crop_id: integer().notNull(),
    grade: lotGradeEnum().notNull(),
    dispatched_kg: numeric({ precision: 12, scale: 2 }).notNull(),
    /** What the buyer counted on arrival (a shortfall is recorded, not hidden). */
    received_kg: numeric({ precision: 12, scale: 2 }),
  },
  (t) => [
    foreignKey({ name: 'delivery_lines_delivery_fk', columns: [t.union_id, t.delivery_id], foreignColumns: [deliveries.union_id, deliveries.id] }),
    foreignKey({ name: 'delivery_lines_lot_fk', columns: [t.union_id, t.lot_id], foreignColumns: [harvestLots.union_id, harvestLots.id] }),
    check('delivery_lines_dispatched_positive', sql`${t.dispatched_kg} > 0`),
    check('delivery_lines_received_within', sql`${t.received_kg} IS NULL OR (${t.received_kg} >= 0 AND ${t.received_kg} <= ${t.dispatched_kg})`),
    index('delivery_lines_delivery_idx').on(t.delivery_id),
    index('delivery_lines_lot_idx').on(t.lot_id),
    index('delivery_lines_buyer_idx').on(t.union_id, t.buyer_id, t.id),
  ],
);

/**
 * The compliance certificate (承诺达标合格证) of a delivery: kept and reprintable, never
 * changed; a correction is a new certificate that supersedes it (migration 0013's trigger).
 */
export const certificates = pgTable(
  'certificates',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    delivery_id: integer().notNull(),
    buyer_id: integer().notNull(),
    number: varchar({ length: 40 }).notNull(),
    issued_on: date({ mode: 'string' }).notNull(),
    product: varchar({ length: 200 }).notNull(),
    quantity_kg: numeric({ precision: 14, scale: 2 }).notNull(),
    producer: varchar({ length: 500 }).notNull(),
    origin: varchar({ length: 300 }).notNull(),
    contact: varchar({ length: 200 }).notNull(),
    commitment: varchar({ length: 500 }).notNull(),
    /** Each lot's latest residue test: lot code, method, result, date. */
    test_results: jsonb().notNull(),
    /** Each line: crop, grade, kg, lot codes. */
    lines: jsonb().notNull(),
    supersedes_id: integer(),
    superseded_by_id: integer(),
    reason: varchar({ length: 500 }),
    issued_by: integer().references(() => users.id),
    created_at: timestamp({ withTimezone: true, mode: 'date' }).notNull().defaultNow(),
  },
  (t) => [
    unique('certificates_union_number_key').on(t.union_id, t.number),
    foreignKey({ name: 'certificates_delivery_fk', columns: [t.union_id, t.delivery_id], foreignColumns: [deliveries.union_id, deliveries.id] }),
    foreignKey({ name: 'certificates_supersedes_fk', columns: [t.supersedes_id], foreignColumns: [t.id] }),
    unique('certificates_supersedes_key').on(t.supersedes_id),
    index('certificates_delivery_idx').on(t.delivery_id),
    index('certificates_buyer_idx').on(t.union_id, t.buyer_id, t.id),
  ],
);
