import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import type { Row } from '../../lib/resource';

// All SQL of sales. Locks: the order row first, then stock rows; an allocation's stock rows
// are taken by conditional updates in (lot_id, warehouse_id) order, as the ledger takes them,
// and `stock.allocated_kg <= quantity_kg` (a CHECK) holds whatever the code does.

async function rowsOf<T = Row>(db: DbOrTx, query: ReturnType<typeof sql>): Promise<T[]> {
  return (await db.execute(query)).rows as T[];
}

export interface SupplyRow {
  id: number;
  union_id: number;
  crop_id: number;
  grade: string;
  price_per_kg: string;
  min_order_kg: string;
  available_kg: string;
  origin_villages: string[] | null;
}

/**
 * The published listings with what can be offered now: the maintained supply (folded rows plus
 * changes not folded yet) of unexpired days, never the stock or the ledger.
 */
export function supplyListings(db: DbOrTx, unionId: number, today: string, listingId?: number) {
  return rowsOf<SupplyRow>(db, sql`
    SELECT l.id, l.union_id, l.crop_id, l.grade::text AS grade, l.price_per_kg::text AS price_per_kg, l.min_order_kg::text AS min_order_kg,
           coalesce(a.kg, 0)::text AS available_kg, a.villages AS origin_villages
    FROM listings l
    LEFT JOIN LATERAL (
      SELECT sum(per.kg) AS kg, array_agg(v.name ORDER BY v.name) FILTER (WHERE per.kg > 0) AS villages
      FROM (
        SELECT x.village_id, sum(x.kg) AS kg FROM (
          SELECT village_id, free_kg AS kg FROM supply_stock
          WHERE union_id = l.union_id AND crop_id = l.crop_id AND grade = l.grade AND expires_on >= ${today}::date
          UNION ALL
          SELECT village_id, delta_kg FROM supply_stock_changes
          WHERE union_id = l.union_id AND crop_id = l.crop_id AND grade = l.grade AND expires_on >= ${today}::date
        ) x GROUP BY x.village_id
      ) per JOIN villages v ON v.id = per.village_id
    ) a ON true
    WHERE l.union_id = ${unionId} AND l.published ${listingId === undefined ? sql`` : sql`AND l.id = ${listingId}`}
    ORDER BY l.crop_id, l.grade, l.id`);
}

/**
 * Kilograms expected per crop and day over [from, from + 13]: each planting's remaining yield
 * (expected less harvested) spread evenly over what is left of its harvest window.
 */
export function forecastByCrop(db: DbOrTx, unionId: number, cropIds: number[], from: string) {
  return rowsOf<{ crop_id: number; day: string; kg: string }>(db, sql`
    SELECT p.crop_id, d::date::text AS day,
           round(sum(greatest(p.expected_yield_kg - p.harvested_kg, 0)
                     / (p.expected_harvest_to - greatest(${from}::date, p.expected_harvest_from) + 1)), 2)::text AS kg
    FROM plantings p,
         generate_series(greatest(${from}::date, p.expected_harvest_from), least(${from}::date + 13, p.expected_harvest_to), interval '1 day') d
    WHERE p.union_id = ${unionId} AND p.crop_id = ANY(${sql.param(cropIds)}::int[]) AND p.status <> 'finished'
      AND p.expected_yield_kg IS NOT NULL AND p.expected_harvest_from IS NOT NULL AND p.expected_harvest_to IS NOT NULL
      AND p.expected_harvest_to >= ${from}::date AND p.expected_harvest_from <= ${from}::date + 13
    GROUP BY p.crop_id, d`);
}

/**
 * Folds the appended supply changes into supply_stock (the job). A key's changes may add up
 * below zero (stock taken), so existing rows are updated and only new keys inserted: an
 * insert's CHECK is tested before ON CONFLICT would merge it. One fold at a time (an
 * advisory lock), so two never insert the same new key.
 */
export async function foldSupplyChanges(db: DbOrTx): Promise<number> {
  await db.execute(sql`SELECT pg_advisory_xact_lock(hashtext('fold-supply-stock'))`);
  const res = await db.execute<{ n: number }>(sql`
    WITH moved AS (DELETE FROM supply_stock_changes RETURNING union_id, crop_id, grade, expires_on, village_id, delta_kg),
    sums AS (SELECT union_id, crop_id, grade, expires_on, village_id, sum(delta_kg) AS d FROM moved GROUP BY 1, 2, 3, 4, 5),
    updated AS (
      UPDATE supply_stock s SET free_kg = s.free_kg + sums.d FROM sums
      WHERE s.union_id = sums.union_id AND s.crop_id = sums.crop_id AND s.grade = sums.grade AND s.expires_on = sums.expires_on
        AND s.village_id = sums.village_id
      RETURNING s.union_id, s.crop_id, s.grade, s.expires_on, s.village_id),
    inserted AS (
      INSERT INTO supply_stock (union_id, crop_id, grade, expires_on, village_id, free_kg)
      SELECT sums.union_id, sums.crop_id, sums.grade, sums.expires_on, sums.village_id, sums.d FROM sums
      WHERE NOT EXISTS (SELECT 1 FROM supply_stock s WHERE s.union_id = sums.union_id AND s.crop_id = sums.crop_id AND s.grade = sums.grade
                          AND s.expires_on = sums.expires_on AND s.village_id = sums.village_id)
      RETURNING 1)
    SELECT count(*)::int AS n FROM moved`);
  // Nothing left, or long past its date: no listing reads it again.
  await db.execute(sql`DELETE FROM supply_stock WHERE free_kg = 0 OR expires_on < current_date - 30`);
  return Number(res.rows[0]?.n ?? 0);
}

/** The order, locked, within the caller's reach (a buyer's own). */
export const lockOrder = async (tx: DbOrTx, unionId: number, id: number, buyerId: number | null) =>
  (await rowsOf(tx, sql`
    SELECT * FROM orders WHERE id = ${id} AND union_id = ${unionId} AND (${buyerId}::int IS NULL OR buyer_id = ${buyerId})
    FOR NO KEY UPDATE`))[0];

export const linesOf = (db: DbOrTx, orderId: number) =>
  rowsOf<{ id: number; crop_id: number; grade: string; quantity_kg: string; allocated_kg: string }>(db, sql`
    SELECT id, crop_id, grade::text AS grade, quantity_kg::text AS quantity_kg, allocated_kg::text AS allocated_kg
    FROM order_lines WHERE order_id = ${orderId} ORDER BY id`);

export interface Candidate {
  id: number;
  lot_id: number;
  lot_code: string;
  warehouse_id: number;
  village_id: number;
  expires_on: string;
  free_kg: string;
}

/** Stock a line may take, first expiry first: passed residue test, not expired, something free. */
export const candidatesFor = (db: DbOrTx, unionId: number, cropId: number, grade: string, today: string, limit: number) =>
  rowsOf<Candidate>(db, sql`
    SELECT s.id::int AS id, s.lot_id, s.lot_code, s.warehouse_id, s.village_id, s.expires_on::text AS expires_on,
           (s.quantity_kg - s.allocated_kg)::text AS free_kg
    FROM stock s JOIN harvest_lots l ON l.id = s.lot_id
    WHERE s.union_id = ${unionId} AND s.crop_id = ${cropId} AND s.grade = ${grade}::lot_grade AND s.expires_on >= ${today}::date
      AND l.residue_status = 'pass' AND s.quantity_kg > s.allocated_kg
    ORDER BY s.expires_on, s.id
    LIMIT ${limit}`);

/**
 * Promises up to `kg` of one stock row: takes what is free at that moment, never more (a
 * conditional update; a concurrent allocation that got there first leaves less or nothing).
 */
export async function takeFree(tx: DbOrTx, stockId: number, kg: string): Promise<string> {
  const rows = await rowsOf<{ taken: string }>(tx, sql`
    WITH before AS (SELECT id, quantity_kg - allocated_kg AS free FROM stock WHERE id = ${stockId} FOR NO KEY UPDATE)
    UPDATE stock s SET allocated_kg = s.allocated_kg + least(before.free, ${kg}::numeric), updated_at = now()
    FROM before WHERE s.id = before.id AND before.free > 0
    RETURNING least(before.free, ${kg}::numeric)::text AS taken`);
  return rows[0]?.taken ?? '0';
}

export async function releaseAllocations(tx: DbOrTx, orderId: number): Promise<number> {
  const res = await tx.execute<{ n: number }>(sql`
    WITH gone AS (UPDATE allocations SET released = true WHERE order_id = ${orderId} AND NOT released RETURNING lot_id, warehouse_id, quantity_kg),
    per AS (SELECT lot_id, warehouse_id, sum(quantity_kg) AS kg FROM gone GROUP BY 1, 2),
    freed AS (
      UPDATE stock s SET allocated_kg = s.allocated_kg - per.kg, updated_at = now()
      FROM per WHERE s.lot_id = per.lot_id AND s.warehouse_id = per.warehouse_id RETURNING 1)
    SELECT (SELECT count(*) FROM gone)::int AS n`);
  await tx.execute(sql`UPDATE order_lines SET allocated_kg = 0 WHERE order_id = ${orderId}`);
  return Number(res.rows[0]?.n ?? 0);
}
