import { sql } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import { processingRuns, stockMovements } from '../../../db/schema/index';
import type { Row } from '../../lib/resource';

// All SQL of the ledger. Row locks are taken in one order across the platform: plantings,
// lot_sequences, harvest_lots, then warehouses by id, then stock rows by (lot_id,
// warehouse_id); a transaction that follows it cannot deadlock with another that does.
// The CHECK constraints on `stock` and `warehouses` hold the balances even if this code erred.
// Lots and rooms are locked FOR NO KEY UPDATE: a foreign key check of another transaction
// (a movement naming the lot or room) takes a key-share lock, which these do not block.

async function one<T>(db: DbOrTx, query: ReturnType<typeof sql>): Promise<T | undefined> {
  return (await db.execute(query)).rows[0] as T | undefined;
}

export interface LotForMove {
  id: number;
  union_id: number;
  village_id: number;
  code: string;
  crop_id: number;
  grade: string;
  harvested_on: string;
  expires_on: string;
  quantity_kg: string;
  received_kg: string;
  residue_status: string;
  latest_test_id: number | null;
  latest_tested_on: string | null;
  chill_sensitive: boolean;
}

/** The lot, with its crop's chill sensitivity; locked to update (receipts) or to share (its residue status). */
export const lotForMove = (tx: DbOrTx, unionId: number, lotId: number, lock: 'update' | 'share' | null) =>
  one<LotForMove>(tx, sql`
    SELECT l.id, l.union_id, l.village_id, l.code, l.crop_id, l.grade::text AS grade, l.harvested_on::text AS harvested_on,
           l.expires_on::text AS expires_on, l.quantity_kg::text AS quantity_kg, l.received_kg::text AS received_kg,
           l.residue_status::text AS residue_status, l.latest_test_id, t.tested_on::text AS latest_tested_on, c.chill_sensitive
    FROM harvest_lots l JOIN crops c ON c.id = l.crop_id LEFT JOIN residue_tests t ON t.id = l.latest_test_id
    WHERE l.id = ${lotId} AND l.union_id = ${unionId}
    ${lock === 'update' ? sql`FOR NO KEY UPDATE OF l` : lock === 'share' ? sql`FOR SHARE OF l` : sql``}`);

/** Several lots locked to share, in id order (a processing run's inputs). */
export async function shareLots(tx: DbOrTx, unionId: number, ids: number[]): Promise<void> {
  await tx.execute(sql`SELECT id FROM harvest_lots WHERE union_id = ${unionId} AND id = ANY(${sql.param([...ids].sort((a, b) => a - b))}::int[]) ORDER BY id FOR SHARE`);
}

export interface Room {
  id: number;
  village_id: number;
  kind: string;
  temperature_zone: string;
  capacity_kg: string;
  stock_kg: string;
  name: string;
}

/** The rooms, locked in id order. */
export async function lockRooms(tx: DbOrTx, unionId: number, ids: number[]): Promise<Map<number, Room>> {
  const unique = [...new Set(ids)].sort((a, b) => a - b);
  if (!unique.length) return new Map();
  const res = await tx.execute(sql`
    SELECT id, village_id, kind::text AS kind, temperature_zone::text AS temperature_zone, capacity_kg::text AS capacity_kg,
           stock_kg::text AS stock_kg, name
    FROM warehouses WHERE union_id = ${unionId} AND id = ANY(${sql.param(unique)}::int[]) ORDER BY id FOR NO KEY UPDATE`);
  return new Map((res.rows as unknown as Room[]).map((r) => [Number(r.id), r]));
}

/** The lot's kilograms in the room and how many of them are promised to orders, locked (0 when it has none there). */
export async function lockBalance(tx: DbOrTx, lotId: number, warehouseId: number): Promise<{ quantity: string; allocated: string }> {
  const row = await one<{ quantity_kg: string; allocated_kg: string }>(tx, sql`
    SELECT quantity_kg::text AS quantity_kg, allocated_kg::text AS allocated_kg FROM stock
    WHERE lot_id = ${lotId} AND warehouse_id = ${warehouseId} FOR UPDATE`);
  return { quantity: row?.quantity_kg ?? '0', allocated: row?.allocated_kg ?? '0' };
}

export async function takeStock(tx: DbOrTx, lotId: number, warehouseId: number, kg: string, promised = false): Promise<void> {
  // A dispatch takes promised kilograms: both counts go down in one update (allocated <= quantity holds).
  await tx.execute(sql`
    UPDATE stock SET quantity_kg = quantity_kg - ${kg}::numeric,
      allocated_kg = allocated_kg - ${promised ? sql`${kg}::numeric` : sql`0`}, updated_at = now()
    WHERE lot_id = ${lotId} AND warehouse_id = ${warehouseId}`);
  // A balance that reaches zero leaves the table: `stock` lists what is there.
  await tx.execute(sql`DELETE FROM stock WHERE lot_id = ${lotId} AND warehouse_id = ${warehouseId} AND quantity_kg = 0`);
  await tx.execute(sql`UPDATE warehouses SET stock_kg = stock_kg - ${kg}::numeric WHERE id = ${warehouseId}`);
}

export async function putStock(tx: DbOrTx, lot: LotForMove, room: Room, kg: string): Promise<void> {
  await tx.execute(sql`
    INSERT INTO stock (union_id, village_id, warehouse_id, lot_id, lot_code, crop_id, grade, expires_on, quantity_kg)
    VALUES (${lot.union_id}, ${room.village_id}, ${room.id}, ${lot.id}, ${lot.code}, ${lot.crop_id}, ${lot.grade}::lot_grade,
            ${lot.expires_on}::date, ${kg}::numeric)
    ON CONFLICT (lot_id, warehouse_id) DO UPDATE SET quantity_kg = stock.quantity_kg + EXCLUDED.quantity_kg, updated_at = now()`);
  await tx.execute(sql`UPDATE warehouses SET stock_kg = stock_kg + ${kg}::numeric WHERE id = ${room.id}`);
}

export async function addReceived(tx: DbOrTx, lotId: number, kg: string): Promise<void> {
  await tx.execute(sql`UPDATE harvest_lots SET received_kg = received_kg + ${kg}::numeric, updated_at = now() WHERE id = ${lotId}`);
}

export async function insertMovement(tx: DbOrTx, values: typeof stockMovements.$inferInsert): Promise<Row> {
  const [row] = await tx.insert(stockMovements).values(values).returning();
  return row as Row;
}

export interface MovementRow {
  id: number;
  village_id: number;
  kind: string;
  lot_id: number;
  from_warehouse_id: number | null;
  to_warehouse_id: number | null;
  quantity_kg: string;
  reversed_by: number | null;
}

/** A movement to reverse, with the reversal that already undid it, if any. */
export const movementToReverse = (tx: DbOrTx, unionId: number, id: number) =>
  one<MovementRow>(tx, sql`
    SELECT m.id::int AS id, m.village_id, m.kind::text AS kind, m.lot_id, m.from_warehouse_id, m.to_warehouse_id, m.quantity_kg::text AS quantity_kg,
           (SELECT r.id::int FROM stock_movements r WHERE r.reverses_id = m.id) AS reversed_by
    FROM stock_movements m WHERE m.id = ${id} AND m.union_id = ${unionId}`);

export async function insertRun(tx: DbOrTx, values: typeof processingRuns.$inferInsert): Promise<Row> {
  const [row] = await tx.insert(processingRuns).values(values).returning();
  return row as Row;
}

export async function insertParents(tx: DbOrTx, rows: { union_id: number; child_lot_id: number; parent_lot_id: number; processing_run_id: number; quantity_kg: string }[]) {
  if (!rows.length) return;
  await tx.execute(sql`
    INSERT INTO lot_parents (union_id, child_lot_id, parent_lot_id, processing_run_id, quantity_kg)
    SELECT * FROM unnest(${sql.param(rows.map((r) => r.union_id))}::int[], ${sql.param(rows.map((r) => r.child_lot_id))}::int[], ${sql.param(rows.map((r) => r.parent_lot_id))}::int[],
                         ${sql.param(rows.map((r) => r.processing_run_id))}::int[], ${sql.param(rows.map((r) => r.quantity_kg))}::numeric[])`);
}
