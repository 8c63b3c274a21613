import { sql, type SQL } from 'drizzle-orm';
import type { DbOrTx } from '../../../db/client';
import type { AuthUser } from '../../lib/policy';
import type { Row } from '../../lib/resource';
import { harvestLots } from '../../../db/schema/index';
import { executeNamed, mapRow } from '../../lib/crud.repository';

// All SQL of production's rules; the service passes its transaction. Row locks are taken in
// one order across the platform: plots, plantings, then lot_sequences, then harvest_lots, then
// (storage) warehouses by id and stock rows by (lot_id, warehouse_id). They are NO KEY UPDATE
// locks: they exclude each other, but not the key-share locks that a foreign key check takes
// on the row it points at (a lot inserted for a locked planting, a movement naming a lot),
// which would otherwise invert the order and deadlock.

async function one<T = Row>(db: DbOrTx, query: ReturnType<typeof sql>): Promise<T | undefined> {
  const res = await db.execute(query);
  return res.rows[0] as T | undefined;
}

/** A scoped user's village (managers, cadres, members), or null for the union's staff. */
const villageOf = (user: AuthUser) => (user.role === 'union_admin' || user.role === 'union_sales' ? null : user.village_id);

export const personInScope = (db: DbOrTx, user: AuthUser, personId: number) =>
  one<{ village_id: number; household_id: number | null }>(db, sql`
    SELECT village_id, household_id FROM people
    WHERE id = ${personId} AND union_id = ${user.union_id} AND (${villageOf(user)}::int IS NULL OR village_id = ${villageOf(user)})`);

/** The plot, locked: plantings of one plot are checked against its area one at a time. */
export const lockPlot = (tx: DbOrTx, user: AuthUser, plotId: number) =>
  one<{ id: number; village_id: number; household_id: number | null; area_mu: string }>(tx, sql`
    SELECT id, village_id, household_id, area_mu FROM plots
    WHERE id = ${plotId} AND union_id = ${user.union_id} AND (${villageOf(user)}::int IS NULL OR village_id = ${villageOf(user)})
    FOR NO KEY UPDATE`);

/**
 * Mu of the plot taken, during [from, to] (to null: open-ended), by its other plantings. A
 * planting occupies its plot from planting to finishing, or to its expected harvest's end
 * while it runs (open-ended when that is not known).
 */
export async function areaTaken(tx: DbOrTx, plotId: number, from: string, to: string | null, exceptId: number | null): Promise<number> {
  const row = await one<{ taken: string }>(tx, sql`
    SELECT coalesce(sum(area_mu), 0)::text AS taken FROM plantings
    WHERE plot_id = ${plotId} AND (${exceptId}::int IS NULL OR id <> ${exceptId})
      AND daterange(planted_on, coalesce(finished_on, expected_harvest_to), '[]') && daterange(${from}::date, greatest(${to}::date, ${from}::date), '[]')`);
  return Number(row?.taken ?? 0);
}

export const cropInUnion = (db: DbOrTx, unionId: number, cropId: number) =>
  one<{ id: number; shelf_life_days: number; chill_sensitive: boolean }>(db, sql`
    SELECT id, shelf_life_days, chill_sensitive FROM crops WHERE id = ${cropId} AND union_id = ${unionId}`);

export interface PlantingForHarvest {
  id: number;
  village_id: number;
  village_code: string;
  plot_id: number;
  household_id: number | null;
  crop_id: number;
  planted_on: string;
  status: string;
  shelf_life_days: number;
}

/** The planting a lot or an application is recorded on, within the user's reach, locked. */
export const lockPlanting = (tx: DbOrTx, user: AuthUser, plantingId: number) => lockPlantingFor(tx, user, plantingId, null);

/**
 * The same, for a harvest: with the household the lot is credited to (the one named, or the
 * plot's), looked up in the planting's village in the same statement.
 */
export const lockPlantingFor = (tx: DbOrTx, user: AuthUser, plantingId: number, householdId: number | null) =>
  one<PlantingForHarvest & { credited_id: number | null; credited_is_member: boolean | null }>(tx, sql`
    SELECT p.id, p.village_id, v.code AS village_code, p.plot_id, p.household_id, p.crop_id, p.planted_on::text AS planted_on,
           p.status::text AS status, c.shelf_life_days, h.id AS credited_id, h.is_member AS credited_is_member
    FROM plantings p JOIN villages v ON v.id = p.village_id JOIN crops c ON c.id = p.crop_id
    LEFT JOIN households h ON h.id = coalesce(${householdId}::int, p.household_id) AND h.village_id = p.village_id
    WHERE p.id = ${plantingId} AND p.union_id = ${user.union_id} AND (${villageOf(user)}::int IS NULL OR p.village_id = ${villageOf(user)})
    FOR NO KEY UPDATE OF p`);

export interface Blocker {
  id: number;
  product: string;
  applied_on: string;
  interval_days: number;
  allowed_from: string;
}

/** The pesticides in force on the planting whose interval has not passed on `day` (latest-ending first). */
export async function intervalBlockers(tx: DbOrTx, plantingId: number, day: string): Promise<Blocker[]> {
  const res = await tx.execute(sql`
    SELECT id, product, applied_on::text AS applied_on, pre_harvest_interval_days AS interval_days,
           (applied_on + pre_harvest_interval_days)::text AS allowed_from
    FROM input_applications
    WHERE planting_id = ${plantingId} AND kind = 'pesticide' AND corrected_by_id IS NULL
      AND applied_on <= ${day}::date AND applied_on + pre_harvest_interval_days > ${day}::date
    ORDER BY applied_on + pre_harvest_interval_days DESC, id`);
  return res.rows as unknown as Blocker[];
}

/** Re-derives the first day every pesticide in force allows a harvest (null: none restricts it). */
export async function refreshHarvestableFrom(tx: DbOrTx, plantingId: number): Promise<void> {
  await tx.execute(sql`
    UPDATE plantings SET harvestable_from = (
      SELECT max(applied_on + pre_harvest_interval_days) FROM input_applications
      WHERE planting_id = ${plantingId} AND kind = 'pesticide' AND corrected_by_id IS NULL)
    WHERE id = ${plantingId}`);
}

/** The application a correction names, locked, within the user's reach. */
export const lockApplication = (tx: DbOrTx, user: AuthUser, id: number) =>
  one<{ id: number; planting_id: number; corrected_by_id: number | null }>(tx, sql`
    SELECT id, planting_id, corrected_by_id FROM input_applications
    WHERE id = ${id} AND union_id = ${user.union_id} AND (${villageOf(user)}::int IS NULL OR village_id = ${villageOf(user)})
    FOR NO KEY UPDATE`);

export async function markCorrected(tx: DbOrTx, id: number, correctedBy: number): Promise<void> {
  await tx.execute(sql`UPDATE input_applications SET corrected_by_id = ${correctedBy} WHERE id = ${id}`);
}

/**
 * The next lot code of a village and day: `CJ-20260512-007`. The counter row stays locked
 * until commit, so codes are unique and, within a village and day, consecutive.
 */
export async function nextLotCodes(tx: DbOrTx, villageId: number, villageCode: string, day: string, count = 1): Promise<string[]> {
  const row = await one<{ last_seq: number }>(tx, sql`
    INSERT INTO lot_sequences (village_id, day, last_seq) VALUES (${villageId}, ${day}::date, ${count})
    ON CONFLICT (village_id, day) DO UPDATE SET last_seq = lot_sequences.last_seq + ${count}
    RETURNING last_seq`);
  const last = Number(row!.last_seq);
  const stamp = day.replaceAll('-', '');
  return Array.from({ length: count }, (_, i) => `${villageCode}-${stamp}-${String(last - count + 1 + i).padStart(3, '0')}`);
}

export interface LotFacts {
  union_id: number;
  harvested_on: string;
  grade: string;
  quantity_kg: string;
  intake_price: string;
  notes: string | null;
  recorded_by: number;
}

/**
 * The tail of a harvest's statement, after a CTE `ok` that yields the planting to harvest (id,
 * village_id, village_code, plot_id, crop_id, shelf_life_days, credited_id, credited_is_member)
 * or nothing: the planting's tally (and its move to harvesting), the next code of the village's
 * day (`CJ-20261128-007`; the counter row stays locked until commit, so codes are consecutive),
 * the lot with that code and its expiry, and its audit row. The lot is the CTE `lot`.
 */
function lotTail(lot: LotFacts, audit: (from: string) => SQL): SQL {
  const stamp = lot.harvested_on.replaceAll('-', '');
  return sql`
    planting AS (
      UPDATE plantings p SET harvested_kg = p.harvested_kg + ${lot.quantity_kg}::numeric,
        version = p.version + CASE WHEN p.status IN ('planned', 'growing') THEN 1 ELSE 0 END,
        status = CASE WHEN p.status IN ('planned', 'growing') THEN 'harvesting'::planting_status ELSE p.status END
      FROM ok WHERE p.id = ok.id RETURNING p.id),
    seq AS (
      INSERT INTO lot_sequences (village_id, day, last_seq) SELECT ok.village_id, ${lot.harvested_on}::date, 1 FROM ok JOIN planting ON true
      ON CONFLICT (village_id, day) DO UPDATE SET last_seq = lot_sequences.last_seq + 1
      RETURNING last_seq),
    lot AS (
      INSERT INTO harvest_lots (union_id, village_id, code, source, planting_id, plot_id, household_id, crop_id, harvested_on, grade,
                                quantity_kg, intake_price, is_member, expires_on, notes, recorded_by)
      SELECT ${lot.union_id}, ok.village_id,
             ok.village_code || '-' || ${stamp} || '-' || CASE WHEN last_seq < 1000 THEN lpad(last_seq::text, 3, '0') ELSE last_seq::text END,
             'harvest', ok.id, ok.plot_id, ok.credited_id, ok.crop_id, ${lot.harvested_on}::date, ${lot.grade}::lot_grade,
             ${lot.quantity_kg}::numeric, ${lot.intake_price}::numeric, ok.credited_is_member, ${lot.harvested_on}::date + ok.shelf_life_days,
             ${lot.notes}, ${lot.recorded_by}
      FROM ok, seq
      RETURNING *),
    audit AS (${audit('lot')})`;
}

/** Records the lot of a planting already locked and checked (the full path, in its transaction). */
export async function insertHarvestLot(tx: DbOrTx, planting: PlantingForHarvest & { credited_id: number | null; credited_is_member: boolean | null }, lot: LotFacts, audit: (from: string) => SQL): Promise<Row> {
  const res = await tx.execute(sql`
    WITH ok AS (
      SELECT ${planting.id}::int AS id, ${planting.village_id}::int AS village_id, ${planting.village_code}::text AS village_code,
             ${planting.plot_id}::int AS plot_id, ${planting.crop_id}::int AS crop_id, ${planting.shelf_life_days}::int AS shelf_life_days,
             ${planting.credited_id}::int AS credited_id, ${planting.credited_is_member}::boolean AS credited_is_member),
    ${lotTail(lot, audit)}
    SELECT * FROM lot`);
  return mapRow(harvestLots, res.rows[0] as Row);
}

/**
 * A harvest in one statement, without a transaction around it, when nothing can refuse it:
 * the planting is locked, and the lot is recorded only if it is not finished, the date is not
 * before planting, the household credited is of its village, and no pesticide interval runs on
 * that day. The last is read from the locked row's `harvestable_from` (kept by every
 * application in the application's own transaction): PostgreSQL re-reads a row it waited to
 * lock, so an application committed meanwhile is seen. `harvestable_from` after the day may
 * still come from a later application that does not block this day: the caller then takes the
 * full path, which reads the applications themselves. Returns the lot, or why there is none.
 */
export async function harvestAtOnce(db: DbOrTx, user: AuthUser, householdId: number | null, plantingId: number, lot: LotFacts, audit: (from: string) => SQL) {
  const rows = await executeNamed(db, 'harvest_at_once', sql`
    WITH p AS (
      SELECT p.id, p.village_id, v.code AS village_code, p.plot_id, p.crop_id, p.planted_on, p.status, p.harvestable_from, c.shelf_life_days,
             coalesce(${householdId}::int, p.household_id) AS wanted_id, h.id AS credited_id, h.is_member AS credited_is_member
      FROM plantings p JOIN villages v ON v.id = p.village_id JOIN crops c ON c.id = p.crop_id
      LEFT JOIN households h ON h.id = coalesce(${householdId}::int, p.household_id) AND h.village_id = p.village_id
      WHERE p.id = ${plantingId} AND p.union_id = ${user.union_id} AND (${villageOf(user)}::int IS NULL OR p.village_id = ${villageOf(user)})
      FOR NO KEY UPDATE OF p),
    ok AS (
      SELECT * FROM p
      WHERE p.status <> 'finished' AND p.planted_on <= ${lot.harvested_on}::date AND (p.wanted_id IS NULL OR p.credited_id IS NOT NULL)
        AND (p.harvestable_from IS NULL OR p.harvestable_from <= ${lot.harvested_on}::date)),
    ${lotTail(lot, audit)}
    SELECT lot.*, true AS planting_found FROM p LEFT JOIN lot ON true`);
  const row = rows[0];
  if (!row) return { found: false as const };
  return { found: true as const, lot: row.id == null ? null : mapRow(harvestLots, row) };
}

/** A lot within the user's reach, locked (a residue test changes its derived status). */
export const lockLot = (tx: DbOrTx, user: AuthUser, lotId: number) =>
  one<{ id: number; village_id: number; harvested_on: string }>(tx, sql`
    SELECT id, village_id, harvested_on::text AS harvested_on FROM harvest_lots
    WHERE id = ${lotId} AND union_id = ${user.union_id} AND (${villageOf(user)}::int IS NULL OR village_id = ${villageOf(user)})
    FOR NO KEY UPDATE`);

/** The lot's residue status follows its latest test (by test date, then record). */
export async function refreshResidueStatus(tx: DbOrTx, lotId: number): Promise<void> {
  await tx.execute(sql`
    UPDATE harvest_lots l SET residue_status = t.result::text::residue_status, latest_test_id = t.id, updated_at = now()
    FROM (SELECT id, result FROM residue_tests WHERE lot_id = ${lotId} ORDER BY tested_on DESC, id DESC LIMIT 1) t
    WHERE l.id = ${lotId}`);
}

export interface GenealogyRow {
  lot_id: number;
  code: string;
  crop_id: number;
  grade: string;
  quantity_kg: string;
  processing_run_id: number;
}

export async function genealogyOf(db: DbOrTx, lotId: number): Promise<{ parents: GenealogyRow[]; children: GenealogyRow[] }> {
  const side = (join: 'parent' | 'child') => db.execute(sql`
    SELECT l.id AS lot_id, l.code, l.crop_id, l.grade::text AS grade, g.quantity_kg::text AS quantity_kg, g.processing_run_id
    FROM lot_parents g JOIN harvest_lots l ON l.id = ${join === 'parent' ? sql`g.parent_lot_id` : sql`g.child_lot_id`}
    WHERE ${join === 'parent' ? sql`g.child_lot_id` : sql`g.parent_lot_id`} = ${lotId}
    ORDER BY l.id`);
  const [parents, children] = await Promise.all([side('parent'), side('child')]);
  return { parents: parents.rows as unknown as GenealogyRow[], children: children.rows as unknown as GenealogyRow[] };
}
