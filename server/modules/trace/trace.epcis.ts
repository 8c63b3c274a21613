import type { LotRow, MovementRow, OriginRow } from './trace.repository';
import type { RunWithFlows } from './trace.service';

// A lot's history as a GS1 EPCIS 2.0 JSON-LD document (validated in the tests against GS1's
// schema, test/fixtures/epcis-2.0-json-schema.json):
// - harvest: ObjectEvent ADD, bizStep commissioning, the lot's class and kg at its plot;
// - receipt into a room, transfer, loss, dispatch: ObjectEvent OBSERVE (receiving, storing, destroying, shipping) at the room;
// - processing: TransformationEvent, the kg of each lot in and out.
// Lots, places and events are named by stable https URIs under the union (GS1 Digital Link
// style), so a buyer's system can join them with its own.

export const EPCIS_CONTEXT = 'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld';
/** The root of the union's identifiers. */
export const ID_ROOT = 'https://id.lvjiang.example';
const OFFSET = '+08:00';
const HOUR = 3_600_000;

/** An instant as ISO 8601 in the union's offset (China keeps +08:00 all year). */
export const isoAt8 = (ms: number): string => new Date(Math.round(ms) + 8 * HOUR).toISOString().replace('Z', OFFSET);

export interface EpcisFacts {
  unionCode: string;
  /** The lot and every lot it came from. */
  lots: LotRow[];
  origins: OriginRow[];
  /** Every ledger movement of those lots. */
  movements: MovementRow[];
  /** The runs that made them, and those the lot went into. */
  runs: RunWithFlows[];
  now: Date;
}

type Event = Record<string, unknown> & { eventTime: string };

export function uris(unionCode: string) {
  const base = `${ID_ROOT}/${encodeURIComponent(unionCode.toLowerCase())}`;
  return {
    lot: (code: string) => `${base}/lot/${encodeURIComponent(code)}`,
    room: (code: string) => `${base}/room/${encodeURIComponent(code)}`,
    plot: (code: string) => `${base}/plot/${encodeURIComponent(code)}`,
    village: (code: string) => `${base}/village/${encodeURIComponent(code)}`,
    event: (kind: string, id: number) => `${base}/event/${kind}/${id}`,
    run: (id: number) => `${base}/processing-run/${id}`,
  };
}

const kg = (v: string) => Number(v);

export function epcisDocumentOf(f: EpcisFacts): Record<string, unknown> {
  const u = uris(f.unionCode);
  const plotOf = new Map(f.origins.map((o) => [Number(o.lot_id), o.plot_code]));
  const codeOf = new Map(f.lots.map((l) => [Number(l.id), l.code]));
  const events: Event[] = [];

  for (const l of f.lots.filter((x) => x.source === 'harvest')) {
    const recorded = isoAt8(Number(l.created_ms));
    // On the harvest day, at the time it was recorded when that was the same day.
    const eventTime = recorded.slice(0, 10) === l.harvested_on ? recorded : `${l.harvested_on}T12:00:00.000${OFFSET}`;
    const plot = plotOf.get(Number(l.id));
    events.push({
      type: 'ObjectEvent',
      eventTime,
      eventTimeZoneOffset: OFFSET,
      eventID: u.event('harvest', Number(l.id)),
      action: 'ADD',
      bizStep: 'commissioning',
      quantityList: [{ epcClass: u.lot(l.code), quantity: kg(l.quantity_kg), uom: 'KGM' }],
      readPoint: { id: plot ? u.plot(plot) : u.village(l.village_code) },
      bizLocation: { id: u.village(l.village_code) },
    });
  }

  const steps: Record<string, string> = { receive: 'receiving', transfer: 'storing', loss: 'destroying', dispatch: 'shipping' };
  for (const m of f.movements) {
    const bizStep = steps[m.kind];
    if (!bizStep) continue; // issue and output are the transformations'; counts and reversals are corrections
    const place = m.to_code ?? m.from_code!;
    const lotCode = codeOf.get(Number(m.lot_id));
    if (!lotCode) continue;
    events.push({
      type: 'ObjectEvent',
      eventTime: isoAt8(Number(m.moved_ms)),
      eventTimeZoneOffset: OFFSET,
      eventID: u.event('movement', Number(m.id)),
      action: 'OBSERVE',
      bizStep,
      quantityList: [{ epcClass: u.lot(lotCode), quantity: kg(m.quantity_kg), uom: 'KGM' }],
      readPoint: { id: u.room(place) },
      bizLocation: { id: u.room(place) },
    });
  }

  for (const r of f.runs) {
    const at = r.movements.length ? Math.min(...r.movements.map((m) => Number(m.moved_ms))) : Number(r.created_ms);
    const place = r.warehouse_code ?? r.movements.find((m) => m.kind === 'output')?.to_code ?? r.movements[0]?.from_code;
    events.push({
      type: 'TransformationEvent',
      eventTime: isoAt8(at),
      eventTimeZoneOffset: OFFSET,
      eventID: u.event('processing-run', Number(r.id)),
      transformationID: u.run(Number(r.id)),
      bizStep: r.kind === 'packing' ? 'packing' : 'commissioning',
      inputQuantityList: r.inputs.map((i) => ({ epcClass: u.lot(i.lot_code), quantity: kg(i.quantity_kg), uom: 'KGM' })),
      outputQuantityList: r.outputs.map((o) => ({ epcClass: u.lot(o.lot_code), quantity: kg(o.quantity_kg), uom: 'KGM' })),
      ...(place ? { readPoint: { id: u.room(place) }, bizLocation: { id: u.room(place) } } : {}),
    });
  }

  events.sort((a, b) => Date.parse(a.eventTime) - Date.parse(b.eventTime));
  return {
    '@context': [EPCIS_CONTEXT],
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: isoAt8(f.now.getTime()),
    epcisBody: { eventList: events },
  };
}
