import { z } from 'zod';
import { decimalOut, timestampOut } from '../../lib/zod-fields';

// The shapes of traceability's answers. Kilograms are exact decimals as strings; times are
// ISO 8601 in the union's offset (+08:00).

const int = z.number().int();
const str = z.string();
const nstr = z.string().nullable();
const nint = int.nullable();

export const lotCodeParams = z.object({
  lotCode: z.string().min(1).max(40).regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'must be a lot code (or a lot id)')
    .describe('the lot code (CJ-20261128-007), or the lot id'),
});

const crop = z.object({ id: int, code: str, name_zh: str, name_en: str });
const village = z.object({ id: int, code: str, name: str });

export const traceLot = z.object({
  id: int,
  code: str,
  source: z.enum(['harvest', 'processing']),
  crop,
  grade: str,
  quantity_kg: decimalOut,
  harvested_on: str.describe('harvest date; a processed lot keeps its earliest input\'s'),
  expires_on: str,
  residue_status: str,
  village,
  processing_run_id: nint.describe('the run that made it (processed lots)'),
});

const link = z.object({
  child_lot_id: int, child_code: str, parent_lot_id: int, parent_code: str,
  quantity_kg: decimalOut.describe('kilograms of the child that came from the parent'),
  processing_run_id: int,
  depth: int.describe('generations from the traced lot (1 = its parents or children)'),
});

const application = z.object({
  id: int, kind: str, product: str, active_ingredient: nstr, target: nstr, dose: decimalOut, dose_unit: str, applied_on: str, applied_by: str,
  pre_harvest_interval_days: nint,
  allowed_from: nstr.describe('the first day its interval allows a harvest'),
  days_before_harvest: int.describe('days from the application to this lot\'s harvest (negative: applied after it)'),
  corrects_id: nint, corrected_by_id: nint, correction_reason: nstr,
  corrected: z.boolean().describe('a later record corrects it: it no longer counts'),
});

const origin = z.object({
  lot_id: int,
  lot_code: str,
  harvested_on: str,
  quantity_kg: decimalOut,
  plot: z.object({ id: int, code: str, name: str }).nullable(),
  household: z.object({ id: int, code: str }).nullable().describe('id and code only: no names, phones or addresses'),
  planting: z.object({ id: int, planted_on: str, area_mu: decimalOut, status: str }),
  input_applications: z.array(application),
});

const residueTest = z.object({
  id: int, lot_id: int, lot_code: str, method: str, result: str, value: decimalOut.nullable(), tested_by: str, tested_on: str,
});

const room = z.object({ id: int, code: str, name: str }).nullable();
const movement = z.object({
  id: int, lot_id: int, kind: str, quantity_kg: decimalOut, from_warehouse: room, to_warehouse: room,
  processing_run_id: nint, reverses_id: nint, moved_at: timestampOut,
});

const run = z.object({
  id: int, kind: str, run_on: str, input_kg: decimalOut, output_kg: decimalOut, loss_kg: decimalOut, warehouse: room,
  inputs: z.array(z.object({ lot_id: int, lot_code: str, quantity_kg: decimalOut })),
  outputs: z.array(z.object({ lot_id: int, lot_code: str, quantity_kg: decimalOut })),
});

const relative = traceLot.extend({ depth: int });

/** A delivery that carried a lot: to whom, how much, under which certificate. */
const deliveryOut = z.object({
  id: int, lot_id: int, lot_code: str, buyer_id: int, buyer_name: str, quantity_kg: decimalOut, received_kg: decimalOut.nullable(),
  status: str, dispatched_at: str, delivered_at: str.nullable(), certificate_number: str.nullable(),
});

export const traceResponse = traceLot.extend({
  backward: z.object({
    lots: z.array(relative).describe('every lot it came from, through processing, recursively'),
    links: z.array(link).describe('each parent → child link above it, with the kg that flowed'),
    origins: z.array(origin).describe('for each harvest lot among it and its ancestors: plot, household, planting and its input applications'),
    residue_tests: z.array(residueTest).describe('of it and of its ancestors'),
  }),
  forward: z.object({
    movements: z.array(movement).describe('its own movements in the stock ledger: rooms, kinds, kg, times'),
    lots: z.array(relative).describe('every lot made from it, through processing, recursively'),
    links: z.array(link),
    deliveries: z.array(deliveryOut).describe('the deliveries that carried it or any lot made from it'),
  }),
  processing_runs: z.array(run).describe('every run on the chain'),
});
export type TraceResponse = z.infer<typeof traceResponse>;

export const recallQuery = z.object({
  from: z.enum(['lot', 'plot', 'application']).describe('what turned out to be bad: a lot, a plot or an input application'),
  id: z.coerce.number().int().positive().max(2_147_483_647),
});
export type RecallQuery = z.infer<typeof recallQuery>;

export const recallResponse = z.object({
  from: z.enum(['lot', 'plot', 'application']),
  id: int,
  total_kg: decimalOut.describe('kilograms of the affected lots'),
  stock_kg: decimalOut.describe('kilograms of them still in the rooms'),
  lots: z.array(traceLot.extend({
    depth: int.describe('processing generations from the starting lots (0 = one of them)'),
    stock: z.array(z.object({ warehouse_id: int, warehouse_code: str, warehouse_name: str, quantity_kg: decimalOut })),
    deliveries: z.array(deliveryOut),
  })),
  deliveries: z.array(deliveryOut).describe('every delivery that carried an affected lot'),
  buyers: z.array(z.object({ id: int, name: str, quantity_kg: decimalOut })).describe('every buyer those deliveries went to, with the kg'),
});
export type RecallResponse = z.infer<typeof recallResponse>;

export const publicTrace = z.object({
  code: str,
  crop: z.object({ name_zh: str, name_en: str }),
  grade: str,
  quantity_kg: decimalOut,
  harvest_dates: z.array(str),
  origin_villages: z.array(str),
  expires_on: str,
  residue_tests: z.array(z.object({ method: str, result: str, tested_on: str })),
  processing: z.array(z.object({ kind: str, run_on: str })),
});
export type PublicTrace = z.infer<typeof publicTrace>;

/** An EPCIS document is validated by GS1's own schema (test fixtures); here only its outline. */
export const epcisDocument = z.object({
  '@context': z.unknown(),
  type: z.literal('EPCISDocument'),
  schemaVersion: str,
  creationDate: str,
  epcisBody: z.object({ eventList: z.array(z.record(z.string(), z.unknown())) }),
}).describe('GS1 EPCIS 2.0 JSON-LD');
