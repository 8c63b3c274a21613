import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';

// The reads of traceability: one query per kind of fact, each over a set of lot ids, so a
// trace costs the same handful of round trips however long the chain. The genealogy is
// walked by recursive CTEs over lot_parents, bounded in depth (a cycle, which the writes
// never make, would stop there too).

/** How many processing generations a trace or a recall follows, either way. */
export const MAX_DEPTH = 50;

type R = Record<string, unknown>;
const rowsOf = async <T>(db: DbOrTx, q: SQL): Promise<T[]> => (await db.execute(q)).rows as unknown as T[];
const ids = (list: number[]) => sql.param(list.length ? list : [0]);

export interface LotRow {
  id: number;
  union_id: number;
  village_id: number;
  village_code: string;
  village_name: string;
  code: string;
  source: 'harvest' | 'processing';
  crop_id: number;
  crop_code: string;
  crop_name_zh: string;
  crop_name_en: string;
  grade: string;
  quantity_kg: string;
  harvested_on: string;
  expires_on: string;
  residue_status: string;
  planting_id: number | null;
  plot_id: number | null;
  household_id: number | null;
  processing_run_id: number | null;
  created_ms: number;
}

const lotColumns = sql`l.id, l.union_id, l.village_id, v.code AS village_code, v.name AS village_name, l.code, l.source::text AS source,
  l.crop_id, c.code AS crop_code, c.name_zh AS crop_name_zh, c.name_en AS crop_name_en, l.grade::text AS grade, l.quantity_kg::text AS quantity_kg,
  l.harvested_on::text AS harvested_on, l.expires_on::text AS expires_on, l.residue_status::text AS residue_status,
  l.planting_id, l.plot_id, l.household_id, l.processing_run_id, (extract(epoch FROM l.created_at) * 1000)::float8 AS created_ms`;
const lotFrom = sql`harvest_lots l JOIN villages v ON v.id = l.village_id JOIN crops c ON c.id = l.crop_id`;

/** A lot of the union by its code (or, all digits, its id). */
export async function findLot(db: DbOrTx, unionId: number, codeOrId: string): Promise<LotRow | undefined> {
  const where = /^\d{1,9}$/.test(codeOrId) ? sql`l.id = ${Number(codeOrId)}` : sql`l.code = ${codeOrId}`;
  const [row] = await rowsOf<LotRow>(db, sql`SELECT ${lotColumns} FROM ${lotFrom} WHERE l.union_id = ${unionId} AND ${where}`);
  return row;
}

/** The lots with that code in every union (the public page has no union to start from). */
export const findLotsByCode = (db: DbOrTx, code: string) =>
  rowsOf<LotRow>(db, sql`SELECT ${lotColumns} FROM ${lotFrom} WHERE l.code = ${code} LIMIT 2`);

export const lotsByIds = (db: DbOrTx, lotIds: number[]) =>
  rowsOf<LotRow>(db, sql`SELECT ${lotColumns} FROM ${lotFrom} WHERE l.id = ANY(${ids(lotIds)}::int[]) ORDER BY l.id`);

export interface LinkRow {
  child_lot_id: number;
  parent_lot_id: number;
  quantity_kg: string;
  processing_run_id: number;
  depth: number;
}

/**
 * Every genealogy link above (`up`) or below (`down`) the lots, with the fewest generations
 * at which it is reached. Each link is walked at most once per depth, so the walk is bounded
 * by MAX_DEPTH × links whatever the shape (merges, splits, a cycle).
 */
export function linksFrom(db: DbOrTx, unionId: number, lotIds: number[], direction: 'up' | 'down'): Promise<LinkRow[]> {
  const [from, to] = direction === 'up' ? [sql`child_lot_id`, sql`parent_lot_id`] : [sql`parent_lot_id`, sql`child_lot_id`];
  return rowsOf<LinkRow>(db, sql`
    WITH RECURSIVE walk(child_lot_id, parent_lot_id, quantity_kg, processing_run_id, depth) AS (
      SELECT child_lot_id, parent_lot_id, quantity_kg, processing_run_id, 1
      FROM lot_parents WHERE union_id = ${unionId} AND ${from} = ANY(${ids(lotIds)}::int[])
      UNION
      SELECT p.child_lot_id, p.parent_lot_id, p.quantity_kg, p.processing_run_id, w.depth + 1
      FROM walk w JOIN lot_parents p ON p.${from} = w.${to}
      WHERE w.depth < ${MAX_DEPTH}
    )
    SELECT child_lot_id, parent_lot_id, quantity_kg::text AS quantity_kg, processing_run_id, min(depth)::int AS depth
    FROM walk GROUP BY child_lot_id, parent_lot_id, quantity_kg, processing_run_id
    ORDER BY min(depth), child_lot_id, parent_lot_id`);
}

export interface OriginRow {
  lot_id: number;
  plot_id: number | null;
  plot_code: string | null;
  plot_name: string | null;
  household_id: number | null;
  household_code: string | null;
  planting_id: number;
  planted_on: string;
  area_mu: string;
  planting_status: string;
}

/** Where each harvest lot grew: plot, household (id and code), planting. */
export const originsOf = (db: DbOrTx, lotIds: number[]) =>
  rowsOf<OriginRow>(db, sql`
    SELECT l.id AS lot_id, pl.id AS plot_id, pl.code AS plot_code, pl.name AS plot_name, h.id AS household_id, h.code AS household_code,
      p.id AS planting_id, p.planted_on::text AS planted_on, p.area_mu::text AS area_mu, p.status::text AS planting_status
    FROM harvest_lots l JOIN plantings p ON p.id = l.planting_id
    LEFT JOIN plots pl ON pl.id = coalesce(l.plot_id, p.plot_id)
    LEFT JOIN households h ON h.id = l.household_id
    WHERE l.id = ANY(${ids(lotIds)}::int[]) ORDER BY l.id`);

export interface ApplicationRow {
  id: number;
  planting_id: number;
  kind: string;
  product: string;
  active_ingredient: string | null;
  target: string | null;
  dose: string;
  dose_unit: string;
  applied_on: string;
  applied_by: string;
  pre_harvest_interval_days: number | null;
  allowed_from: string | null;
  corrects_id: number | null;
  corrected_by_id: number | null;
  correction_reason: string | null;
}

export const applicationsOf = (db: DbOrTx, plantingIds: number[]) =>
  rowsOf<ApplicationRow>(db, sql`
    SELECT id, planting_id, kind::text AS kind, product, active_ingredient, target, dose::text AS dose, dose_unit, applied_on::text AS applied_on,
      applied_by, pre_harvest_interval_days, (applied_on + pre_harvest_interval_days)::text AS allowed_from, corrects_id, corrected_by_id, correction_reason
    FROM input_applications WHERE planting_id = ANY(${ids(plantingIds)}::int[]) ORDER BY applied_on, id`);

export interface ResidueRow {
  id: number;
  lot_id: number;
  method: string;
  result: string;
  value: string | null;
  tested_by: string;
  tested_on: string;
}

export const residueTestsOf = (db: DbOrTx, lotIds: number[]) =>
  rowsOf<ResidueRow>(db, sql`
    SELECT id, lot_id, method::text AS method, result::text AS result, value::text AS value, tested_by, tested_on::text AS tested_on
    FROM residue_tests WHERE lot_id = ANY(${ids(lotIds)}::int[]) ORDER BY tested_on, id`);

export interface MovementRow {
  id: number;
  lot_id: number;
  kind: string;
  quantity_kg: string;
  from_warehouse_id: number | null;
  from_code: string | null;
  from_name: string | null;
  to_warehouse_id: number | null;
  to_code: string | null;
  to_name: string | null;
  processing_run_id: number | null;
  reverses_id: number | null;
  moved_ms: number;
}

/**
 * The lots' ledger movements, in time order. Given kinds (the events of an export), only
 * those, and none that a reversal undid: a receipt entered by mistake did not happen.
 */
export const movementsOf = (db: DbOrTx, lotIds: number[], kinds?: string[]) =>
  rowsOf<MovementRow>(db, sql`
    SELECT m.id::float8 AS id, m.lot_id, m.kind::text AS kind, m.quantity_kg::text AS quantity_kg,
      m.from_warehouse_id, f.code AS from_code, f.name AS from_name, m.to_warehouse_id, t.code AS to_code, t.name AS to_name,
      m.processing_run_id, m.reverses_id::float8 AS reverses_id, (extract(epoch FROM m.moved_at) * 1000)::float8 AS moved_ms
    FROM stock_movements m LEFT JOIN warehouses f ON f.id = m.from_warehouse_id LEFT JOIN warehouses t ON t.id = m.to_warehouse_id
    WHERE m.lot_id = ANY(${ids(lotIds)}::int[])
      ${kinds ? sql`AND m.kind::text = ANY(${sql.param(kinds)}::text[]) AND NOT EXISTS (SELECT 1 FROM stock_movements r WHERE r.reverses_id = m.id)` : sql``}
    ORDER BY m.moved_at, m.id`);

export interface RunRow {
  id: number;
  village_id: number;
  kind: string;
  run_on: string;
  input_kg: string;
  output_kg: string;
  loss_kg: string;
  warehouse_id: number | null;
  warehouse_code: string | null;
  warehouse_name: string | null;
  created_ms: number;
}

export const runsByIds = (db: DbOrTx, runIds: number[]) =>
  rowsOf<RunRow>(db, sql`
    SELECT r.id, r.village_id, r.kind::text AS kind, r.run_on::text AS run_on, r.input_kg::text AS input_kg, r.output_kg::text AS output_kg,
      r.loss_kg::text AS loss_kg, r.warehouse_id, w.code AS warehouse_code, w.name AS warehouse_name, (extract(epoch FROM r.created_at) * 1000)::float8 AS created_ms
    FROM processing_runs r LEFT JOIN warehouses w ON w.id = r.warehouse_id
    WHERE r.id = ANY(${ids(runIds)}::int[]) ORDER BY r.run_on, r.id`);

/** The issue and output movements of the runs: what went in and what came out of each. */
export const runMovementsOf = (db: DbOrTx, runIds: number[]) =>
  rowsOf<MovementRow & { lot_code: string }>(db, sql`
    SELECT m.id::float8 AS id, m.lot_id, l.code AS lot_code, m.kind::text AS kind, m.quantity_kg::text AS quantity_kg,
      m.from_warehouse_id, f.code AS from_code, f.name AS from_name, m.to_warehouse_id, t.code AS to_code, t.name AS to_name,
      m.processing_run_id, NULL::float8 AS reverses_id, (extract(epoch FROM m.moved_at) * 1000)::float8 AS moved_ms
    FROM stock_movements m JOIN harvest_lots l ON l.id = m.lot_id
    LEFT JOIN warehouses f ON f.id = m.from_warehouse_id LEFT JOIN warehouses t ON t.id = m.to_warehouse_id
    WHERE m.processing_run_id = ANY(${ids(runIds)}::int[]) AND m.kind IN ('issue', 'output') ORDER BY m.id`);

export interface StockRow {
  lot_id: number;
  warehouse_id: number;
  warehouse_code: string;
  warehouse_name: string;
  village_id: number;
  quantity_kg: string;
}

/** Where the lots are now: their balance rows with kilograms left. */
export const stockOf = (db: DbOrTx, lotIds: number[]) =>
  rowsOf<StockRow>(db, sql`
    SELECT s.lot_id, s.warehouse_id, w.code AS warehouse_code, w.name AS warehouse_name, w.village_id, s.quantity_kg::text AS quantity_kg
    FROM stock s JOIN warehouses w ON w.id = s.warehouse_id
    WHERE s.lot_id = ANY(${ids(lotIds)}::int[]) AND s.quantity_kg > 0 ORDER BY s.lot_id, w.code`);

/** A recall's starting record: its village, and the lots harvested from it (for a lot: itself). */
export async function recallSeed(
  db: DbOrTx, unionId: number, from: 'lot' | 'plot' | 'application', id: number,
): Promise<{ village_id: number; lot_ids: number[] } | undefined> {
  const q =
    from === 'lot'
      ? sql`SELECT village_id, ARRAY[id] AS lot_ids FROM harvest_lots WHERE union_id = ${unionId} AND id = ${id}`
      : from === 'plot'
        ? sql`SELECT pl.village_id, ARRAY(SELECT l.id FROM harvest_lots l JOIN plantings p ON p.id = l.planting_id
              WHERE p.plot_id = pl.id ORDER BY l.id) AS lot_ids
            FROM plots pl WHERE pl.union_id = ${unionId} AND pl.id = ${id}`
        : // An application taints what its planting gave from the day it was applied on.
          sql`SELECT a.village_id, ARRAY(SELECT l.id FROM harvest_lots l WHERE l.planting_id = a.planting_id
              AND l.harvested_on >= a.applied_on ORDER BY l.id) AS lot_ids
            FROM input_applications a WHERE a.union_id = ${unionId} AND a.id = ${id}`;
  const [row] = await rowsOf<R>(db, q);
  if (!row) return undefined;
  return { village_id: Number(row.village_id), lot_ids: (row.lot_ids as unknown[]).map(Number) };
}

export interface DeliveryRow {
  id: number;
  lot_id: number;
  lot_code: string;
  buyer_id: number;
  buyer_name: string;
  quantity_kg: string;
  received_kg: string | null;
  status: string;
  dispatched_at: string;
  delivered_at: string | null;
  certificate_number: string | null;
}

/** The deliveries that carried these lots: buyer, kg, and the certificate in force. */
export async function deliveriesOfLots(db: DbOrTx, lotIds: number[]): Promise<DeliveryRow[]> {
  if (!lotIds.length) return [];
  const res = await db.execute(sql`
    SELECT d.id, dl.lot_id, l.code AS lot_code, d.buyer_id, b.name AS buyer_name, sum(dl.dispatched_kg)::text AS quantity_kg,
           sum(dl.received_kg)::text AS received_kg, d.status::text AS status,
           to_char(d.dispatched_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS dispatched_at,
           to_char(d.delivered_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS delivered_at,
           (SELECT c.number FROM certificates c WHERE c.delivery_id = d.id AND c.superseded_by_id IS NULL ORDER BY c.id DESC LIMIT 1) AS certificate_number
    FROM delivery_lines dl JOIN deliveries d ON d.id = dl.delivery_id JOIN buyers b ON b.id = d.buyer_id JOIN harvest_lots l ON l.id = dl.lot_id
    WHERE dl.lot_id = ANY(${sql.param(lotIds)}::int[])
    GROUP BY d.id, dl.lot_id, l.code, d.buyer_id, b.name
    ORDER BY d.dispatched_at, d.id, dl.lot_id`);
  return res.rows as unknown as DeliveryRow[];
}
