import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { cooperatives, processingRuns, stock, stockMovements, temperatureReadings, warehouses } from '../../../db/schema/index';
import { addDays, expiryOf, today } from '../../lib/dates';
import { fieldError, fieldErrors, validationError } from '../../lib/errors';
import { eqFilter as eq, filterBool as bool, rangeFilter as range } from '../../lib/list-query';
import type { ResourceDef, Row } from '../../lib/resource';
import { readOnlyBase, timestampValue } from '../../lib/zod-fields';
import { lotGrades, temperatureZones } from '../production/production.schemas';
import {
  movementKinds, movementSchemas, processingCreate, processingKinds, processingRecord, readingSchemas, readingSources, stockRecord,
  warehouseKinds, warehouseSchemas, ZONE_BOUNDS,
} from './storage.schemas';

// Storage's resources; lib/crud.* serve their reads and the warehouses' plain writes. The
// ledger, the readings and processing are written by storage.service.ts.

export const storageConstraintFields = {
  warehouses_stock_within_capacity: 'capacity_kg',
  warehouses_temperature_zone_kind: 'temperature_zone',
  warehouses_processing_hall_empty: 'kind',
  warehouses_capacity_positive: 'capacity_kg',
  temperature_readings_warehouse_read_at_key: 'read_at',
  stock_movements_reverses_key: 'reverses_id',
};

const asWritten = (what: string, how: string) => `${what} are kept as written and never edited or deleted: ${how}`;

export const warehouseResource: ResourceDef = {
  name: 'warehouses',
  tag: 'storage',
  table: warehouses,
  columns: warehouses,
  list: {
    sortable: { code: warehouses.code, name: warehouses.name, kind: warehouses.kind, village_id: warehouses.village_id, capacity_kg: warehouses.capacity_kg, stock_kg: warehouses.stock_kg },
    filters: {
      village_id: eq(warehouses.village_id),
      cooperative_id: eq(warehouses.cooperative_id),
      kind: eq(warehouses.kind, z.enum(warehouseKinds)),
      temperature_zone: eq(warehouses.temperature_zone, z.enum(temperatureZones)),
      last_reading_out_of_range: eq(warehouses.last_reading_out_of_range, bool),
    },
    search: [warehouses.name, warehouses.code],
  },
  scopeColumns: { village: warehouses.village_id },
  ...warehouseSchemas,
  // A room stays with its cooperative (its stock is that village's).
  readOnly: [...readOnlyBase, 'cooperative_id'],
  derived: ['village_id', 'stock_kg', 'last_temperature_c', 'last_reading_at', 'last_reading_out_of_range', 'free_kg', 'zone_min_c', 'zone_max_c'],
  /** The room belongs to its cooperative's village. */
  prepare: async (db, ctx, input, before) => {
    // What a room keeps (its kind, its zone) changes only while it is empty: a chilled room
    // made of a cool one would hold chill-sensitive produce at 0–2 °C.
    const reshaped = ['kind', 'temperature_zone'].filter((k) => input[k] !== undefined && before && input[k] !== before[k]);
    if (reshaped.length && Number(before?.stock_kg ?? 0) > 0) {
      throw validationError(fieldErrors(Object.fromEntries(reshaped.map((k) => [k, fieldError('violates_rule', 'cannot change while the room holds stock; empty it first')]))));
    }
    if (input.cooperative_id === undefined) return input;
    const res = await db.execute<{ village_id: number }>(sql`
      SELECT village_id FROM ${cooperatives} WHERE id = ${input.cooperative_id as number} AND union_id = ${ctx.user.union_id}`);
    const village = res.rows[0]?.village_id;
    if (village === undefined) throw validationError(fieldErrors({ cooperative_id: fieldError('not_found_reference', 'does not exist or is outside your union') }));
    return { ...input, village_id: village };
  },
  present: (row: Row) => {
    const zone = ZONE_BOUNDS[row.temperature_zone as keyof typeof ZONE_BOUNDS];
    const free = (Math.round(Number(row.capacity_kg) * 100) - Math.round(Number(row.stock_kg) * 100)) / 100;
    return { ...row, free_kg: free.toFixed(2), zone_min_c: zone.min, zone_max_c: zone.max };
  },
};

export const readingResource: ResourceDef = {
  name: 'temperature-readings',
  tag: 'storage',
  table: temperatureReadings,
  columns: { id: temperatureReadings.id, union_id: temperatureReadings.union_id },
  list: {
    sortable: { read_at: temperatureReadings.read_at, warehouse_id: temperatureReadings.warehouse_id, temperature_c: temperatureReadings.temperature_c },
    filters: {
      warehouse_id: eq(temperatureReadings.warehouse_id),
      village_id: eq(temperatureReadings.village_id),
      out_of_range: eq(temperatureReadings.out_of_range, bool),
      source: eq(temperatureReadings.source, z.enum(readingSources)),
      read_at: range(temperatureReadings.read_at, timestampValue),
    },
    search: [],
    defaultSort: ['read_at', 'DESC'],
  },
  scopeColumns: { village: temperatureReadings.village_id },
  create: readingSchemas.create,
  update: z.object({}),
  record: readingSchemas.record,
  readOnly: readOnlyBase,
  operations: ['list', 'get'],
  appendOnly: asWritten('Temperature readings', 'record a new reading'),
};

export const movementResource: ResourceDef = {
  name: 'stock-movements',
  tag: 'storage',
  table: stockMovements,
  columns: { id: stockMovements.id, union_id: stockMovements.union_id },
  list: {
    sortable: { moved_at: stockMovements.moved_at, lot_id: stockMovements.lot_id, kind: stockMovements.kind },
    filters: {
      lot_id: eq(stockMovements.lot_id),
      kind: eq(stockMovements.kind, z.enum(movementKinds)),
      village_id: eq(stockMovements.village_id),
      from_warehouse_id: eq(stockMovements.from_warehouse_id),
      to_warehouse_id: eq(stockMovements.to_warehouse_id),
      processing_run_id: eq(stockMovements.processing_run_id),
      delivery_id: eq(stockMovements.delivery_id),
      reverses_id: eq(stockMovements.reverses_id),
      moved_at: range(stockMovements.moved_at, timestampValue),
    },
    search: [],
    defaultSort: ['id', 'DESC'],
  },
  scopeColumns: { village: stockMovements.village_id },
  create: movementSchemas.create,
  update: z.object({}),
  record: movementSchemas.record,
  readOnly: readOnlyBase,
  operations: ['list', 'get'],
  appendOnly: asWritten('Stock movements', 'post a reversal (kind reversal, reverses_id) or a count adjustment'),
};

export const stockResource: ResourceDef = {
  name: 'stock',
  tag: 'storage',
  table: stock,
  columns: { id: stock.id, union_id: stock.union_id },
  list: {
    sortable: { expires_on: stock.expires_on, quantity_kg: stock.quantity_kg, warehouse_id: stock.warehouse_id, crop_id: stock.crop_id, updated_at: stock.updated_at, lot_code: stock.lot_code },
    filters: {
      warehouse_id: eq(stock.warehouse_id),
      village_id: eq(stock.village_id),
      crop_id: eq(stock.crop_id),
      grade: eq(stock.grade, z.enum(lotGrades)),
      lot_id: eq(stock.lot_id),
      expires_on: range(stock.expires_on),
      // "Expiring within n days": a bound on the expiry date, counted from the union's today.
      expiring_within_days: { column: stock.expires_on, value: z.coerce.number().int().min(0).max(3650).transform((n) => addDays(today(), n)), kind: 'lte' },
    },
    search: [{ column: stock.lot_code, ascii: true }],
    defaultSort: ['expires_on', 'ASC'],
  },
  scopeColumns: { village: stock.village_id },
  create: z.object({}),
  update: z.object({}),
  record: stockRecord,
  readOnly: readOnlyBase,
  operations: ['list', 'get'],
  present: (row: Row) => ({ ...row, ...expiryOf(String(row.expires_on)) }),
};

export const processingResource: ResourceDef = {
  name: 'processing-runs',
  tag: 'storage',
  table: processingRuns,
  columns: { id: processingRuns.id, union_id: processingRuns.union_id },
  list: {
    sortable: { run_on: processingRuns.run_on, kind: processingRuns.kind, crop_id: processingRuns.crop_id, input_kg: processingRuns.input_kg },
    filters: {
      village_id: eq(processingRuns.village_id),
      kind: eq(processingRuns.kind, z.enum(processingKinds)),
      crop_id: eq(processingRuns.crop_id),
      warehouse_id: eq(processingRuns.warehouse_id),
      run_on: range(processingRuns.run_on),
    },
    search: [],
    defaultSort: ['run_on', 'DESC'],
  },
  scopeColumns: { village: processingRuns.village_id },
  create: processingCreate,
  update: z.object({}),
  record: processingRecord,
  readOnly: readOnlyBase,
  operations: ['list', 'get'],
  appendOnly: asWritten('Processing runs', 'reverse the stock with count adjustments if a run was recorded wrongly'),
};

export const storageResources = [warehouseResource, readingResource, movementResource, stockResource, processingResource];
