import { sql } from 'drizzle-orm';
import { daysBetween } from '../../lib/dates';
import { cents, kgOf } from '../../lib/decimal';
import { notFound } from '../../lib/errors';
import type { ModuleDeps } from '../../lib/module';
import type { AuthUser } from '../../lib/policy';
import { epcisDocumentOf, isoAt8, type EpcisFacts } from './trace.epcis';
import {
  applicationsOf, deliveriesOfLots, findLot, findLotsByCode, linksFrom, lotsByIds, movementsOf, originsOf, recallSeed, residueTestsOf, runMovementsOf,
  runsByIds, stockOf, type DeliveryRow, type LinkRow, type LotRow, type MovementRow, type RunRow,
} from './trace.repository';
import type { PublicTrace, RecallQuery, RecallResponse, TraceResponse } from './trace.schemas';

// Traceability's rules: who may trace which lot, which lots a recall reaches, and what the
// public page may show (never a household, a person or a price).

const RESOURCE = 'trace';

const uniq = <T>(xs: T[]) => [...new Set(xs)];

export const presentLot = (l: LotRow) => ({
  id: Number(l.id),
  code: l.code,
  source: l.source,
  crop: { id: Number(l.crop_id), code: l.crop_code, name_zh: l.crop_name_zh, name_en: l.crop_name_en },
  grade: l.grade,
  quantity_kg: l.quantity_kg,
  harvested_on: l.harvested_on,
  expires_on: l.expires_on,
  residue_status: l.residue_status,
  village: { id: Number(l.village_id), code: l.village_code, name: l.village_name },
  processing_run_id: l.processing_run_id == null ? null : Number(l.processing_run_id),
});

const room = (id: number | null, code: string | null, name: string | null) => (id == null ? null : { id: Number(id), code: code!, name: name! });

const presentMovement = (m: MovementRow) => ({
  id: Number(m.id),
  lot_id: Number(m.lot_id),
  kind: m.kind,
  quantity_kg: m.quantity_kg,
  from_warehouse: room(m.from_warehouse_id, m.from_code, m.from_name),
  to_warehouse: room(m.to_warehouse_id, m.to_code, m.to_name),
  processing_run_id: m.processing_run_id == null ? null : Number(m.processing_run_id),
  reverses_id: m.reverses_id == null ? null : Number(m.reverses_id),
  moved_at: isoAt8(Number(m.moved_ms)),
});

/** The fewest generations at which each lot is reached over the links (the parent going up, the child going down). */
function depths(links: LinkRow[], direction: 'up' | 'down', exclude: Set<number>): Map<number, number> {
  const out = new Map<number, number>();
  for (const l of links) {
    const lotId = Number(direction === 'up' ? l.parent_lot_id : l.child_lot_id);
    if (exclude.has(lotId)) continue;
    const d = Number(l.depth);
    if (!out.has(lotId) || out.get(lotId)! > d) out.set(lotId, d);
  }
  return out;
}

export type RunWithFlows = RunRow & { inputs: { lot_id: number; lot_code: string; quantity_kg: string }[]; outputs: { lot_id: number; lot_code: string; quantity_kg: string }[]; movements: (MovementRow & { lot_code: string })[] };

const presentDelivery = (d: DeliveryRow) => ({
  ...d, id: Number(d.id), lot_id: Number(d.lot_id), buyer_id: Number(d.buyer_id),
});

export function traceService(deps: ModuleDeps) {
  const { db, policies } = deps;

  /** The lot, when the caller may trace it; otherwise 404 (a code outside one's village says nothing). */
  async function readableLot(user: AuthUser, codeOrId: string): Promise<LotRow> {
    const scope = policies.require(user, RESOURCE, 'read');
    const lot = await findLot(db, user.union_id, codeOrId);
    if (!lot || !inScope(user, scope, lot.village_id)) throw notFound('Lot');
    return lot;
  }

  /** Union staff reach every village; a manager or cadre only their own. */
  const inScope = (user: AuthUser, scope: string, villageId: number) => scope === 'union' || (scope === 'village' && Number(villageId) === user.village_id);

  async function runsWithFlows(runIds: number[]): Promise<RunWithFlows[]> {
    if (!runIds.length) return [];
    const [runs, moves] = await Promise.all([runsByIds(db, runIds), runMovementsOf(db, runIds)]);
    return runs.map((r) => {
      const mine = moves.filter((m) => Number(m.processing_run_id) === Number(r.id));
      const flow = (kind: string) => mine.filter((m) => m.kind === kind).map((m) => ({ lot_id: Number(m.lot_id), lot_code: m.lot_code, quantity_kg: m.quantity_kg }));
      return { ...r, inputs: flow('issue'), outputs: flow('output'), movements: mine };
    });
  }

  /** What a trace and its EPCIS export are made of. */
  async function chainOf(lot: LotRow) {
    const self = Number(lot.id);
    const [up, down] = await Promise.all([linksFrom(db, lot.union_id, [self], 'up'), linksFrom(db, lot.union_id, [self], 'down')]);
    const selfSet = new Set([self]);
    const upDepth = depths(up, 'up', selfSet);
    const downDepth = depths(down, 'down', selfSet);
    const backwardIds = [self, ...upDepth.keys()];
    const lots = await lotsByIds(db, uniq([...backwardIds, ...downDepth.keys()]));
    const byId = new Map(lots.map((l) => [Number(l.id), l]));
    const harvestIds = backwardIds.filter((id) => byId.get(id)?.source === 'harvest');
    const [origins, tests, ownMoves, backMoves] = await Promise.all([
      originsOf(db, harvestIds),
      residueTestsOf(db, backwardIds),
      movementsOf(db, [self]),
      movementsOf(db, backwardIds, ['receive', 'transfer', 'loss', 'dispatch']),
    ]);
    const applications = await applicationsOf(db, uniq(origins.map((o) => Number(o.planting_id))));
    const runIds = uniq([
      ...[...up, ...down].map((l) => Number(l.processing_run_id)),
      ...backwardIds.map((id) => byId.get(id)?.processing_run_id).filter((x): x is number => x != null).map(Number),
      ...ownMoves.filter((m) => m.processing_run_id != null).map((m) => Number(m.processing_run_id)),
    ]).sort((a, b) => a - b);
    const runs = await runsWithFlows(runIds);
    return { self, up, down, upDepth, downDepth, backwardIds, byId, origins, tests, ownMoves, backMoves, applications, runs };
  }

  async function trace(user: AuthUser, codeOrId: string): Promise<TraceResponse> {
    const lot = await readableLot(user, codeOrId);
    const scope = policies.require(user, RESOURCE, 'read');
    const c = await chainOf(lot);
    const codeOf = (id: number) => c.byId.get(Number(id))?.code ?? '';
    const link = (l: LinkRow) => ({
      child_lot_id: Number(l.child_lot_id), child_code: codeOf(l.child_lot_id), parent_lot_id: Number(l.parent_lot_id), parent_code: codeOf(l.parent_lot_id),
      quantity_kg: l.quantity_kg, processing_run_id: Number(l.processing_run_id), depth: Number(l.depth),
    });
    const relatives = (m: Map<number, number>) =>
      [...m.entries()].filter(([id]) => c.byId.has(id)).map(([id, depth]) => ({ ...presentLot(c.byId.get(id)!), depth }))
        .sort((a, b) => a.depth - b.depth || a.id - b.id);
    const origins = c.origins.map((o) => {
      const l = c.byId.get(Number(o.lot_id))!;
      return {
        lot_id: Number(o.lot_id),
        lot_code: l.code,
        harvested_on: l.harvested_on,
        quantity_kg: l.quantity_kg,
        plot: o.plot_id == null ? null : { id: Number(o.plot_id), code: o.plot_code!, name: o.plot_name! },
        // A household of another village (a merge across villages) stays out of a village-scoped trace.
        household: o.household_id == null || !inScope(user, scope, l.village_id) ? null : { id: Number(o.household_id), code: o.household_code! },
        planting: { id: Number(o.planting_id), planted_on: o.planted_on, area_mu: o.area_mu, status: o.planting_status },
        input_applications: c.applications.filter((a) => Number(a.planting_id) === Number(o.planting_id)).map((a) => ({
          id: Number(a.id), kind: a.kind, product: a.product, active_ingredient: a.active_ingredient, target: a.target, dose: a.dose, dose_unit: a.dose_unit,
          applied_on: a.applied_on, applied_by: a.applied_by,
          pre_harvest_interval_days: a.pre_harvest_interval_days == null ? null : Number(a.pre_harvest_interval_days),
          allowed_from: a.allowed_from,
          days_before_harvest: daysBetween(a.applied_on, l.harvested_on),
          corrects_id: a.corrects_id == null ? null : Number(a.corrects_id),
          corrected_by_id: a.corrected_by_id == null ? null : Number(a.corrected_by_id),
          correction_reason: a.correction_reason,
          corrected: a.corrected_by_id != null,
        })),
      };
    });
    const carried = (await deliveriesOfLots(db, uniq([c.self, ...c.downDepth.keys()]))).map(presentDelivery);
    return {
      ...presentLot(lot),
      backward: {
        lots: relatives(c.upDepth),
        links: c.up.map(link),
        origins,
        residue_tests: c.tests.map((t) => ({
          id: Number(t.id), lot_id: Number(t.lot_id), lot_code: codeOf(t.lot_id), method: t.method, result: t.result, value: t.value, tested_by: t.tested_by, tested_on: t.tested_on,
        })),
      },
      forward: {
        movements: c.ownMoves.map(presentMovement),
        lots: relatives(c.downDepth),
        links: c.down.map(link),
        deliveries: carried,
      },
      processing_runs: c.runs.map((r) => ({
        id: Number(r.id), kind: r.kind, run_on: r.run_on, input_kg: r.input_kg, output_kg: r.output_kg, loss_kg: r.loss_kg,
        warehouse: room(r.warehouse_id, r.warehouse_code, r.warehouse_name), inputs: r.inputs, outputs: r.outputs,
      })),
    };
  }

  async function epcis(user: AuthUser, codeOrId: string, now = new Date()) {
    const lot = await readableLot(user, codeOrId);
    const c = await chainOf(lot);
    const [{ code: unionCode }] = (await db.execute(sql`SELECT code FROM unions WHERE id = ${lot.union_id}`)).rows as { code: string }[];
    const facts: EpcisFacts = {
      unionCode,
      lots: c.backwardIds.map((id) => c.byId.get(id)!).filter(Boolean),
      origins: c.origins,
      movements: c.backMoves,
      // The runs that made it and its ancestors, and those it went into.
      runs: c.runs.filter((r) => r.outputs.some((o) => c.backwardIds.includes(o.lot_id)) || r.inputs.some((i) => i.lot_id === c.self)),
      now,
    };
    return epcisDocumentOf(facts);
  }

  /** The starting lots and every lot made from them; a manager's recall keeps to their village. */
  async function affected(user: AuthUser, q: RecallQuery) {
    const scope = policies.require(user, RESOURCE, 'read');
    const seed = await recallSeed(db, user.union_id, q.from, q.id);
    if (!seed || !inScope(user, scope, seed.village_id)) throw notFound(q.from === 'lot' ? 'Lot' : q.from === 'plot' ? 'Plot' : 'Input application');
    const seeds = new Set(seed.lot_ids);
    const down = seed.lot_ids.length ? await linksFrom(db, user.union_id, seed.lot_ids, 'down') : [];
    const depth = new Map<number, number>(seed.lot_ids.map((id) => [id, 0]));
    for (const [id, d] of depths(down, 'down', seeds)) depth.set(id, d);
    const lots = (await lotsByIds(db, [...depth.keys()])).filter((l) => inScope(user, scope, l.village_id));
    return { lots, depth };
  }

  async function recall(user: AuthUser, q: RecallQuery): Promise<RecallResponse> {
    const { lots, depth } = await affected(user, q);
    const stock = await stockOf(db, lots.map((l) => Number(l.id)));
    const carried = (await deliveriesOfLots(db, lots.map((l) => Number(l.id)))).map(presentDelivery);
    const buyers = new Map<number, { id: number; name: string; cents: number }>();
    for (const d of carried) {
      const b = buyers.get(d.buyer_id) ?? { id: d.buyer_id, name: d.buyer_name, cents: 0 };
      b.cents += cents(d.quantity_kg);
      buyers.set(d.buyer_id, b);
    }
    const rows = lots.map((l) => ({
      ...presentLot(l),
      depth: depth.get(Number(l.id)) ?? 0,
      stock: stock.filter((s) => Number(s.lot_id) === Number(l.id)).map((s) => ({
        warehouse_id: Number(s.warehouse_id), warehouse_code: s.warehouse_code, warehouse_name: s.warehouse_name, quantity_kg: s.quantity_kg,
      })),
      deliveries: carried.filter((d) => d.lot_id === Number(l.id)),
    })).sort((a, b) => a.depth - b.depth || a.id - b.id);
    return {
      from: q.from,
      id: q.id,
      total_kg: kgOf(lots.reduce((a, l) => a + cents(l.quantity_kg), 0)),
      stock_kg: kgOf(stock.reduce((a, s) => a + cents(s.quantity_kg), 0)),
      lots: rows,
      deliveries: carried,
      buyers: [...buyers.values()].map((b) => ({ id: b.id, name: b.name, quantity_kg: kgOf(b.cents) })),
    };
  }

  /** The recall as critical tracking events: one row per harvest, receipt, transfer, processing movement or loss. */
  async function recallEvents(user: AuthUser, q: RecallQuery): Promise<RecallEvent[]> {
    const { lots } = await affected(user, q);
    const ids = lots.map((l) => Number(l.id));
    const byId = new Map(lots.map((l) => [Number(l.id), l]));
    const harvestIds = ids.filter((id) => byId.get(id)!.source === 'harvest');
    const [origins, moves] = await Promise.all([originsOf(db, harvestIds), movementsOf(db, ids, ['receive', 'transfer', 'issue', 'output', 'loss', 'dispatch'])]);
    const plotOf = new Map(origins.map((o) => [Number(o.lot_id), o.plot_code]));
    const roomName = (code: string | null, name: string | null) => (code ? `${code} ${name}` : '');
    const out: RecallEvent[] = [];
    for (const id of harvestIds) {
      const l = byId.get(id)!;
      // The harvest's day; its time when it was recorded that same day.
      const recorded = isoAt8(Number(l.created_ms));
      out.push({
        event: 'harvest', lot: l, quantity_kg: l.quantity_kg,
        place: [l.village_name, plotOf.get(id)].filter(Boolean).join(' '),
        date: l.harvested_on, time: recorded.slice(0, 10) === l.harvested_on ? recorded.slice(11, 19) : '',
        reference: `harvest-lot:${id}`,
      });
    }
    const kindOf: Record<string, RecallEvent['event']> = {
      receive: 'receiving', transfer: 'transfer', issue: 'transformation_input', output: 'transformation_output', loss: 'loss', dispatch: 'shipping',
    };
    for (const m of moves) {
      const at = isoAt8(Number(m.moved_ms));
      const place = m.kind === 'transfer'
        ? `${roomName(m.from_code, m.from_name)} → ${roomName(m.to_code, m.to_name)}`
        : roomName(m.to_code ?? m.from_code, m.to_code ? m.to_name : m.from_name);
      out.push({
        event: kindOf[m.kind], lot: byId.get(Number(m.lot_id))!, quantity_kg: m.quantity_kg, place, date: at.slice(0, 10), time: at.slice(11, 19),
        reference: m.processing_run_id != null ? `processing-run:${Number(m.processing_run_id)}` : `movement:${Number(m.id)}`,
      });
    }
    return out.sort((a, b) => (a.date + a.time).localeCompare(b.date + b.time) || a.lot.code.localeCompare(b.lot.code) || a.event.localeCompare(b.event));
  }

  async function recallCsv(user: AuthUser, q: RecallQuery): Promise<string> {
    const events = await recallEvents(user, q);
    const header = ['event', 'lot_code', 'product', 'grade', 'quantity', 'unit', 'place', 'date', 'time', 'reference'];
    const lines = [header, ...events.map((e) => [e.event, e.lot.code, e.lot.crop_name_zh, e.lot.grade, e.quantity_kg, 'KGM', e.place, e.date, e.time, e.reference])];
    return `\uFEFF${lines.map((cells) => cells.map(csvCell).join(',')).join('\r\n')}\r\n`;
  }

  /** What anyone may see of a lot: no household, person, plot or price. */
  async function publicTrace(code: string): Promise<PublicTrace> {
    const found = await findLotsByCode(db, code);
    // A code is unique within its union; were two unions to share one, the page names neither.
    if (found.length !== 1) throw notFound('Lot');
    const [lot] = found;
    const up = await linksFrom(db, lot.union_id, [Number(lot.id)], 'up');
    const backwardIds = uniq([Number(lot.id), ...up.map((l) => Number(l.parent_lot_id))]);
    const lots = await lotsByIds(db, backwardIds);
    const harvested = lots.filter((l) => l.source === 'harvest');
    const runIds = uniq(lots.map((l) => l.processing_run_id).filter((x): x is number => x != null).map(Number));
    const [tests, runs] = await Promise.all([residueTestsOf(db, backwardIds), runIds.length ? runsByIds(db, runIds) : Promise.resolve([])]);
    return {
      code: lot.code,
      crop: { name_zh: lot.crop_name_zh, name_en: lot.crop_name_en },
      grade: lot.grade,
      quantity_kg: lot.quantity_kg,
      harvest_dates: uniq(harvested.map((l) => l.harvested_on)).sort(),
      origin_villages: uniq(harvested.map((l) => l.village_name)).sort(),
      expires_on: lot.expires_on,
      residue_tests: tests.map((t) => ({ method: t.method, result: t.result, tested_on: t.tested_on })),
      processing: runs.map((r) => ({ kind: r.kind, run_on: r.run_on })),
    };
  }

  return { trace, epcis, recall, recallCsv, publicTrace };
}

export interface RecallEvent {
  event: 'harvest' | 'receiving' | 'transfer' | 'transformation_input' | 'transformation_output' | 'loss' | 'shipping';
  lot: LotRow;
  quantity_kg: string;
  place: string;
  date: string;
  time: string;
  reference: string;
}

/** One CSV cell: quoted when it must be, and never read as a formula by a spreadsheet. */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}
