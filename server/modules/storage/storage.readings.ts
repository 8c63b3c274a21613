import { sql } from 'drizzle-orm';
import type { Tx } from '../../../db/client';
import { temperatureReadings } from '../../../db/schema/index';
import { writeAudit } from '../../lib/audit';
import { auditChange, presented, translated, type CrudDeps } from '../../lib/crud.service';
import { fieldError, fieldErrors, validationError } from '../../lib/errors';
import type { Row, WriteContext } from '../../lib/resource';
import { readingResource } from './storage.resources';
import { ZONE_BOUNDS } from './storage.schemas';

// Temperature readings: typed in by hand or posted in bulk by a sensor gateway. A reading
// outside its room's zone is flagged, and the room keeps its latest reading.

interface ReadingIn {
  warehouse_id: number;
  read_at: Date;
  temperature_c: string;
}

/** A gateway's clock may run a little ahead; a reading from further in the future is a mistake. */
const FUTURE_SLACK_MS = 5 * 60_000;

export function readingsService(deps: CrudDeps) {
  const { db, policies } = deps;

  /** The rooms the readings name, within the writer's reach; an error per reading otherwise. */
  async function roomsFor(tx: Tx, ctx: WriteContext, readings: ReadingIn[], fieldOf: (i: number, f: string) => string) {
    const scope = policies.require(ctx.user, readingResource.name, 'create');
    const ids = [...new Set(readings.map((r) => r.warehouse_id))];
    const res = await tx.execute(sql`
      SELECT id, village_id, temperature_zone::text AS temperature_zone FROM warehouses
      WHERE union_id = ${ctx.user.union_id} AND id = ANY(${sql.param(ids)}::int[])`);
    const rooms = new Map((res.rows as { id: number; village_id: number; temperature_zone: keyof typeof ZONE_BOUNDS }[])
      .filter((r) => scope === 'union' || r.village_id === ctx.user.village_id).map((r) => [Number(r.id), r]));
    const errors = fieldErrors();
    readings.forEach((r, i) => {
      if (!rooms.has(r.warehouse_id)) errors[fieldOf(i, 'warehouse_id')] = fieldError('not_found_reference', 'does not exist or is outside your village');
      if (r.read_at.getTime() > Date.now() + FUTURE_SLACK_MS) errors[fieldOf(i, 'read_at')] = fieldError('in_future', 'must not be in the future');
    });
    if (Object.keys(errors).length) throw validationError(errors);
    return rooms;
  }

  const outOfRange = (zone: keyof typeof ZONE_BOUNDS, t: string) => Number(t) < ZONE_BOUNDS[zone].min || Number(t) > ZONE_BOUNDS[zone].max;

  /** Each room keeps its latest reading (an older one arriving late leaves it as it is). */
  async function touchRooms(tx: Tx, rows: { warehouse_id: number; read_at: Date; temperature_c: string; out_of_range: boolean }[]) {
    const latest = new Map<number, (typeof rows)[number]>();
    for (const r of rows) {
      const seen = latest.get(r.warehouse_id);
      if (!seen || seen.read_at < r.read_at) latest.set(r.warehouse_id, r);
    }
    for (const r of [...latest.values()].sort((a, b) => a.warehouse_id - b.warehouse_id)) {
      await tx.execute(sql`
        UPDATE warehouses SET last_temperature_c = ${r.temperature_c}::numeric, last_reading_at = ${r.read_at.toISOString()}::timestamptz,
               last_reading_out_of_range = ${r.out_of_range}
        WHERE id = ${r.warehouse_id} AND (last_reading_at IS NULL OR last_reading_at <= ${r.read_at.toISOString()}::timestamptz)`);
    }
  }

  async function recordIn(tx: Tx, ctx: WriteContext, body: ReadingIn & { source?: 'manual' | 'sensor' }) {
    const rooms = await roomsFor(tx, ctx, [body], (_i, f) => f);
    const room = rooms.get(body.warehouse_id)!;
    const [row] = await tx.insert(temperatureReadings).values({
      union_id: ctx.user.union_id, village_id: room.village_id, warehouse_id: body.warehouse_id, read_at: body.read_at,
      temperature_c: body.temperature_c, source: body.source ?? 'manual', out_of_range: outOfRange(room.temperature_zone, body.temperature_c),
      recorded_by: ctx.user.id,
    }).returning();
    await touchRooms(tx, [row]);
    await auditChange(tx, ctx, readingResource, 'create', row.id, undefined, row);
    return presented(readingResource, row as Row);
  }

  /** A gateway's batch: readings already stored (same room and time) are counted, not refused. */
  async function recordManyIn(tx: Tx, ctx: WriteContext, readings: ReadingIn[]) {
    const rooms = await roomsFor(tx, ctx, readings, (i, f) => `readings.${i}.${f}`);
    const values = readings.map((r) => {
      const room = rooms.get(r.warehouse_id)!;
      return {
        union_id: ctx.user.union_id, village_id: room.village_id, warehouse_id: r.warehouse_id, read_at: r.read_at, temperature_c: r.temperature_c,
        source: 'sensor' as const, out_of_range: outOfRange(room.temperature_zone, r.temperature_c), recorded_by: ctx.user.id,
      };
    });
    const inserted = await tx.insert(temperatureReadings).values(values).onConflictDoNothing().returning({
      warehouse_id: temperatureReadings.warehouse_id, read_at: temperatureReadings.read_at, temperature_c: temperatureReadings.temperature_c,
      out_of_range: temperatureReadings.out_of_range,
    });
    await touchRooms(tx, inserted);
    const summary = { inserted: inserted.length, duplicates: readings.length - inserted.length, out_of_range: inserted.filter((r) => r.out_of_range).length };
    // One entry for the batch: a gateway posting every minute would otherwise fill the trail.
    await writeAudit(tx, { union_id: ctx.user.union_id, user: ctx.user, requestId: ctx.requestId }, {
      action: 'bulk-create', resource: readingResource.name, record_id: 'bulk',
      after: { ...summary, warehouses: [...rooms.keys()] },
    });
    return summary;
  }

  const run = <T>(fn: (tx: Tx) => Promise<T>) => translated(deps, 'write', () => db.transaction(fn));
  return {
    recordIn,
    record: (ctx: WriteContext, body: ReadingIn & { source?: 'manual' | 'sensor' }) => run((tx) => recordIn(tx, ctx, body)),
    recordManyIn,
    recordMany: (ctx: WriteContext, readings: ReadingIn[]) => run((tx) => recordManyIn(tx, ctx, readings)),
  };
}
