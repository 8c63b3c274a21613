import { z } from 'zod';
import { movementKindEnum, processingKindEnum, readingSourceEnum, warehouseKindEnum } from '../../../db/schema/index';
import {
  code, decimal, decimalOut, id, isoDate, optionalId, optionalText, readOnlyInput, recordBase, text, timestampOut, timestampValue,
} from '../../lib/zod-fields';
import { kg, lotGrades, temperatureZones } from '../production/production.schemas';

export const warehouseKinds = warehouseKindEnum.enumValues;
export const readingSources = readingSourceEnum.enumValues;
export const movementKinds = movementKindEnum.enumValues;
export const processingKinds = processingKindEnum.enumValues;

/** The temperatures each zone keeps (°C); a reading outside them is flagged. */
export const ZONE_BOUNDS: Record<(typeof temperatureZones)[number], { min: number; max: number }> = {
  chilled: { min: 0, max: 2 },
  cool: { min: 7, max: 10 },
  ambient: { min: 0, max: 30 },
};

const int = z.number().int();
const str = z.string();
const nstr = z.string().nullable();
const celsius = decimal({ scale: 2, integerDigits: 3 });

const warehouseWritable = {
  cooperative_id: id,
  code,
  name: text(80),
  kind: z.enum(warehouseKinds),
  temperature_zone: z.enum(temperatureZones),
  capacity_kg: kg,
  notes: optionalText(500),
};
const warehouseDerived = {
  village_id: int, stock_kg: decimalOut, last_temperature_c: decimalOut.nullable(), last_reading_at: timestampOut.nullable(),
  last_reading_out_of_range: z.boolean().nullable(), free_kg: decimalOut, zone_min_c: z.number(), zone_max_c: z.number(),
};
export const warehouseSchemas = {
  create: z.object(warehouseWritable).strict(),
  update: z.object({
    ...z.object(warehouseWritable).partial().shape, ...readOnlyInput,
    ...Object.fromEntries(Object.keys(warehouseDerived).map((k) => [k, z.unknown().optional()])),
  }).strict(),
  record: z.object({
    ...recordBase, cooperative_id: int, code: str, name: str, kind: z.enum(warehouseKinds), temperature_zone: z.enum(temperatureZones),
    capacity_kg: decimalOut, notes: nstr, ...warehouseDerived,
  }),
};

const reading = { warehouse_id: id, read_at: timestampValue, temperature_c: celsius.refine((v) => Number(v) >= -50 && Number(v) <= 80, 'must be between -50 and 80') };
export const readingSchemas = {
  create: z.object({ ...reading, source: z.enum(readingSources).optional() }).strict(),
  record: z.object({
    id: int, union_id: int, created_at: timestampOut, village_id: int, warehouse_id: int, read_at: timestampOut, temperature_c: decimalOut,
    source: z.enum(readingSources), out_of_range: z.boolean(), recorded_by: int.nullable(),
  }),
};
export const bulkReadingsBody = z.object({ readings: z.array(z.object(reading).strict()).min(1).max(1000) }).strict();
export const bulkReadingsResponse = z.object({ inserted: int, duplicates: int, out_of_range: int });

/** What a client may post: issue and output come only from processing runs. */
export const movementCreate = z.object({
  kind: z.enum(movementKinds),
  lot_id: optionalId,
  from_warehouse_id: optionalId,
  to_warehouse_id: optionalId,
  warehouse_id: optionalId.describe('adjust: the room counted'),
  quantity_kg: kg.optional(),
  counted_kg: decimal({ scale: 2, integerDigits: 10, min: 0 }).optional().describe('adjust: the count, which becomes the balance'),
  reverses_id: optionalId,
  reason: optionalText(500),
  moved_at: timestampValue.optional().describe('when it happened, for paper records entered late (default now)'),
}).strict();
export type MovementCreate = z.infer<typeof movementCreate>;

export const movementSchemas = {
  create: movementCreate,
  record: z.object({
    id: int, union_id: int, village_id: int, kind: z.enum(movementKinds), lot_id: int, from_warehouse_id: int.nullable(),
    to_warehouse_id: int.nullable(), quantity_kg: decimalOut, counted_kg: decimalOut.nullable(), processing_run_id: int.nullable(),
    delivery_id: int.nullable(),
    reverses_id: int.nullable(), reason: nstr, moved_at: timestampOut, recorded_by: int.nullable(),
  }),
};

export const stockRecord = z.object({
  id: int, union_id: int, village_id: int, warehouse_id: int, lot_id: int, lot_code: str, crop_id: int, grade: z.enum(lotGrades),
  expires_on: str, quantity_kg: decimalOut, updated_at: timestampOut, days_left: int,
  expiry_status: z.enum(['expired', 'critical', 'soon', 'fresh']),
});

export const processingCreate = z.object({
  kind: z.enum(processingKinds),
  run_on: isoDate,
  warehouse_id: optionalId.describe('the processing hall'),
  notes: optionalText(500),
  inputs: z.array(z.object({ lot_id: id, warehouse_id: id, quantity_kg: kg }).strict()).min(1).max(50),
  outputs: z.array(z.object({ grade: z.enum(lotGrades), quantity_kg: kg, warehouse_id: id }).strict()).min(1).max(50),
}).strict();
export type ProcessingCreate = z.infer<typeof processingCreate>;

export const processingRecord = z.object({
  id: int, union_id: int, created_at: timestampOut, village_id: int, warehouse_id: int.nullable(), kind: z.enum(processingKinds), crop_id: int,
  run_on: str, input_kg: decimalOut, output_kg: decimalOut, loss_kg: decimalOut, notes: nstr, recorded_by: int.nullable(),
});
export const processingResponse = processingRecord.extend({
  outputs: z.array(z.object({ lot_id: int, code: str, grade: z.enum(lotGrades), quantity_kg: decimalOut, warehouse_id: int })),
});
