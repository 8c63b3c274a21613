import { eq, sql } from 'drizzle-orm';
import { integer, pgView } from 'drizzle-orm/pg-core';
import { expect } from 'vitest';
import type { Db } from '../../db/client';
import * as s from '../../db/schema/index';
import { makeCrop, makeListing, makeLot, type Crop } from '../helpers/factories';
import { day, stockUp, today } from './production.world';
import type { Fixture, Locus, Rec, VerbFixture, World } from './world';

// The sales records the authorisation cases run against (issue 8): for each place an order can
// lie (Hubei Port Group's, the other buyer of the union's, the other union's) a published
// listing, orders with a line (a submitted one, a confirmed one to allocate, an allocated one
// with its allocation), and a payment, written straight to the tables.

export type Spot = 'port' | 'smjx' | 'foreign';

export interface SpotRecords {
  union: number;
  buyer: number;
  crop: Crop;
  /** The published listing of the spot's union (the same for both buyers of the union). */
  listing: number;
  /** A submitted order (confirm, cancel: reset to submitted after each), its line and a payment of it. */
  order: number;
  line: number;
  payment: number;
  /** A confirmed order, for allocate (which may run again on the allocated order). */
  confirmed: number;
  /** An allocated order's allocation. */
  allocation: number;
  /** The place of the spot's lots and rooms. */
  place: Place;
  /** An allocated order whose allocation is backed by stock (dispatch: replaced by a fresh one after each landed call). */
  dispatchable: number;
  /** A dispatched delivery of a dispatched order, with one line (receive: reset to dispatched after each). */
  delivery: number;
  deliveryLine: number;
  /** The delivery's certificate, read only; and one not yet superseded (supersede: replaced by a fresh one after each). */
  certificate: number;
  supersedable: number;
}

type Place = 'cj' | 'foreign';

export type SalesWorld = Record<Spot, SpotRecords>;

/** What supply-listings serves: the published listings (a view made for the cases, so that lists count them). */
const publishedListings = pgView('authz_published_listings', { id: integer().notNull(), union_id: integer().notNull() }).existing();

const PRICE = '5.00';

async function makeOrder(d: Db, union: number, buyer: number, crop: Crop, status: 'submitted' | 'confirmed' | 'allocated' | 'dispatched', kg: string) {
  const total = (Number(kg) * Number(PRICE)).toFixed(2);
  const [order] = await d
    .insert(s.orders)
    .values({ union_id: union, buyer_id: buyer, status, total_amount: total, notes: '授权测试' })
    .returning({ id: s.orders.id });
  const [line] = await d
    .insert(s.orderLines)
    .values({ union_id: union, order_id: order.id, buyer_id: buyer, crop_id: crop.id, grade: 'first', quantity_kg: kg, price_per_kg: PRICE })
    .returning({ id: s.orderLines.id });
  return { order: order.id, line: line.id };
}

/** A lot of the crop whose latest residue test passed, 100 kg of it in the place's room: stock an order may be promised. */
async function passedStock(w: World, place: Place) {
  const d = w.db.db;
  const p = w.prod!.places[place];
  const lot = await makeLot(d, p.planting, p.crop, { harvested_on: day(-1), quantity_kg: '200.00', grade: 'first' });
  const [test] = await d
    .insert(s.residueTests)
    .values({ union_id: p.union, village_id: p.village, lot_id: lot.id, result: 'pass', tested_by: '授权测试', tested_on: today() })
    .returning({ id: s.residueTests.id });
  await d.update(s.harvestLots).set({ residue_status: 'pass', latest_test_id: test.id }).where(eq(s.harvestLots.id, lot.id));
  const { stock } = await stockUp(d, lot, p.room, '100.00');
  return { lot, room: p.room, stock };
}

/** An allocated order of 10 kg, promised from the place's stock (allocated_kg covering it), as an allocation would. */
async function allocatedOrder(w: World, union: number, buyer: number, crop: Crop, place: Place) {
  const d = w.db.db;
  const allocated = await makeOrder(d, union, buyer, crop, 'allocated', '10.00');
  const st = await passedStock(w, place);
  await d.update(s.stock).set({ allocated_kg: '10.00' }).where(eq(s.stock.id, st.stock));
  await d.update(s.orderLines).set({ allocated_kg: '10.00' }).where(eq(s.orderLines.id, allocated.line));
  const [allocation] = await d
    .insert(s.allocations)
    .values({
      union_id: union, order_id: allocated.order, order_line_id: allocated.line, buyer_id: buyer, lot_id: st.lot.id, warehouse_id: st.room.id,
      village_id: st.room.village_id, quantity_kg: '10.00',
    })
    .returning({ id: s.allocations.id });
  return { order: allocated.order, allocation: allocation.id };
}

/** A certificate of the delivery, as dispatch would issue it (a number of its own, never the server's). */
async function makeCertificate(w: World, sp: Pick<SpotRecords, 'union' | 'buyer' | 'delivery'>): Promise<number> {
  const [c] = await w.db.db
    .insert(s.certificates)
    .values({
      union_id: sp.union, delivery_id: sp.delivery, buyer_id: sp.buyer, number: `AUTHZ-${w.next()}`, issued_on: today(), product: '授权测试',
      quantity_kg: '10.00', producer: '授权测试', origin: '授权测试', contact: '授权测试', commitment: '授权测试',
      test_results: [], lines: [{ crop: '授权测试', grade: 'first', quantity_kg: '10.00', lots: [] }],
    })
    .returning({ id: s.certificates.id });
  return c.id;
}

/** A dispatched order and its delivery with one line of 10 kg (not yet received). */
async function dispatchedDelivery(w: World, union: number, buyer: number, crop: Crop, place: Place) {
  const d = w.db.db;
  const { order, line } = await makeOrder(d, union, buyer, crop, 'dispatched', '10.00');
  const p = w.prod!.places[place];
  const lot = await makeLot(d, p.planting, p.crop, { harvested_on: day(-1), quantity_kg: '50.00', grade: 'first' });
  const [delivery] = await d
    .insert(s.deliveries)
    .values({ union_id: union, order_id: order, buyer_id: buyer, vehicle: '授权测试' })
    .returning({ id: s.deliveries.id });
  const [dl] = await d
    .insert(s.deliveryLines)
    .values({
      union_id: union, delivery_id: delivery.id, buyer_id: buyer, order_line_id: line, lot_id: lot.id, warehouse_id: p.room.id, crop_id: crop.id,
      grade: 'first', dispatched_kg: '10.00',
    })
    .returning({ id: s.deliveryLines.id });
  return { delivery: delivery.id, deliveryLine: dl.id };
}

async function spot(w: World, union: number, buyer: number, crop: Crop, listing: number, place: Place): Promise<SpotRecords> {
  const d = w.db.db;
  const { order, line } = await makeOrder(d, union, buyer, crop, 'submitted', '20.00');
  const [payment] = await d
    .insert(s.payments)
    .values({ union_id: union, order_id: order, buyer_id: buyer, amount: '10.00', paid_on: day(-1), method: 'cash', reference: '授权测试' })
    .returning({ id: s.payments.id });
  await d.update(s.orders).set({ paid_amount: '10.00' }).where(eq(s.orders.id, order));
  const { order: confirmed } = await makeOrder(d, union, buyer, crop, 'confirmed', '10.00');
  const { allocation } = await allocatedOrder(w, union, buyer, crop, place);
  const { order: dispatchable } = await allocatedOrder(w, union, buyer, crop, place);
  const { delivery, deliveryLine } = await dispatchedDelivery(w, union, buyer, crop, place);
  const certificate = await makeCertificate(w, { union, buyer, delivery });
  const supersedable = await makeCertificate(w, { union, buyer, delivery });
  return {
    union, buyer, crop, listing, order, line, payment: payment.id, confirmed, allocation, place, dispatchable, delivery, deliveryLine, certificate,
    supersedable,
  };
}

/** Builds the records, and adds the other union's to `w.foreign.ids`. */
export async function buildSalesWorld(w: World): Promise<SalesWorld> {
  const d = w.db.db;
  await d.execute(sql`CREATE OR REPLACE VIEW authz_published_listings AS SELECT * FROM listings WHERE published`);
  const crop = w.prod!.crop;
  const foreignCrop = w.prod!.places.foreign.crop;
  const listing = (await makeListing(d, crop, { price_per_kg: PRICE, min_order_kg: '10.00' })).id;
  const foreignListing = (await makeListing(d, foreignCrop, { price_per_kg: PRICE, min_order_kg: '10.00' })).id;
  const sw: SalesWorld = {
    port: await spot(w, w.union, w.port.id, crop, listing, 'cj'),
    smjx: await spot(w, w.union, w.smjx, crop, listing, 'cj'),
    foreign: await spot(w, w.foreign.union, w.foreign.ids.buyers, foreignCrop, foreignListing, 'foreign'),
  };
  const f = sw.foreign;
  Object.assign(w.foreign.ids, {
    listings: f.listing, 'supply-listings': f.listing, orders: f.order, 'order-lines': f.line, allocations: f.allocation, payments: f.payment,
    deliveries: f.delivery, 'delivery-lines': f.deliveryLine, certificates: f.certificate,
  });
  return sw;
}

/** The spot of a locus: the other union's, the other buyer's, or else Hubei Port Group's. */
const at = (w: World, l: Locus): SpotRecords => w.sales![l.union === w.foreign.union ? 'foreign' : l.buyer === w.smjx ? 'smjx' : 'port'];
const notes = (k: string) => ({ notes: `授权${k}` });
const nothing = { createBody: async () => ({ body: {} }), updateBody: () => ({}) };

const listings: Fixture = {
  table: s.listings,
  existing: (w, l) => at(w, l).listing,
  deletable: async (w, l) => (await makeListing(w.db.db, await makeCrop(w.db.db, l.union))).id,
  async createBody(w, l, k) {
    const crop = await makeCrop(w.db.db, l.union);
    return { body: { crop_id: crop.id, grade: 'first', price_per_kg: '6.00', min_order_kg: '5.00', published: true, ...notes(k) }, marker: 'notes' };
  },
  updateBody: notes,
};

const supplyListings: Fixture = {
  table: publishedListings as never,
  existing: (w, l) => at(w, l).listing,
  deletable: async (w, l) => at(w, l).listing,
  ...nothing,
};

/** Puts the order back as the world made it, so that the next case (and the next run) finds it so. */
const resetTo = (status: string) => async (w: World, id: number) => {
  await w.db.db.update(s.orders).set({ status: status as never }).where(eq(s.orders.id, id));
};

const statusVerb = (status: string, then: string): VerbFixture => ({
  existing: (w, l) => at(w, l).order,
  body: () => ({}),
  async landed(w, _actor, { response, after }) {
    expect(response).toMatchObject({ id: after.id, status });
    expect(after.status).toBe(status);
    await resetTo(then)(w, Number(after.id));
  },
});

const orders: Fixture = {
  table: s.orders,
  existing: (w, l) => at(w, l).order,
  deletable: async (w, l) => at(w, l).order,
  async createBody(w, l, k) {
    const sp = at(w, l);
    // Staff name the buyer; at a buyer's locus (only the buyer's cases have one) the body names
    // that buyer, and the order is always the caller's own (see the exception in authz-matrix.ts).
    const body = { buyer_id: l.buyer ?? w.port.id, ...notes(k), lines: [{ crop_id: sp.crop.id, grade: 'first', quantity_kg: '10.00' }] };
    const buyer = l.buyer === undefined ? w.port.id : w.actors.buyer.buyer_id;
    return { body, marker: 'notes', match: { buyer_id: buyer, status: 'submitted', ...notes(k), total_amount: '50.00' } };
  },
  updateBody: notes,
  verbs: {
    confirm: statusVerb('confirmed', 'submitted'),
    cancel: statusVerb('cancelled', 'submitted'),
    allocate: {
      existing: (w, l) => at(w, l).confirmed,
      body: () => ({}),
      async landed(_w, _actor, { response, after }) {
        const r = response as { order: Rec; lines: Rec[] };
        expect(r.order).toMatchObject({ id: after.id, status: 'allocated' });
        expect(after.status).toBe('allocated');
        // The whole line is promised (by this call, or by an earlier case's on the same order).
        expect(r.lines).toEqual([expect.objectContaining({ quantity_kg: '10.00', allocated_kg: '10.00', short_kg: '0.00' })]);
      },
    },
    dispatch: {
      existing: (w, l) => at(w, l).dispatchable,
      body: (_actor, k) => ({ vehicle: `授权${k}` }),
      async landed(w, _actor, { response, body, after }) {
        const r = response as { order: Rec; delivery: Rec; lines: Rec[]; certificate: Rec };
        expect(r.order).toMatchObject({ id: after.id, status: 'dispatched' });
        expect(after.status).toBe('dispatched');
        expect(r.delivery).toMatchObject({ id: expect.any(Number), order_id: after.id, buyer_id: after.buyer_id, status: 'dispatched', vehicle: body.vehicle });
        expect(r.lines).toEqual([expect.objectContaining({ delivery_id: r.delivery.id, dispatched_kg: '10.00' })]);
        expect(r.certificate).toMatchObject({ delivery_id: r.delivery.id, buyer_id: after.buyer_id, quantity_kg: '10.00', superseded_by_id: null });
        const [{ n }] = await w.query<{ n: number }>(
          sql`SELECT count(*)::int AS n FROM allocations WHERE order_id = ${after.id as number} AND dispatched AND NOT released`,
        );
        expect(n).toBe(1);
        // The order has left: the next case dispatches a fresh one of the same spot.
        const sp = Object.values(w.sales!).find((x) => x.dispatchable === after.id)!;
        sp.dispatchable = (await allocatedOrder(w, sp.union, sp.buyer, sp.crop, sp.place)).order;
      },
    },
  },
};

const orderLines: Fixture = {
  table: s.orderLines,
  existing: (w, l) => at(w, l).line,
  deletable: async (w, l) => at(w, l).line,
  ...nothing,
};

const allocations: Fixture = {
  table: s.allocations,
  existing: (w, l) => at(w, l).allocation,
  deletable: async (w, l) => at(w, l).allocation,
  ...nothing,
};

const payments: Fixture = {
  table: s.payments,
  existing: (w, l) => at(w, l).payment,
  deletable: async (w, l) => at(w, l).payment,
  async createBody(w, l, k) {
    // A new order with a balance (50.00), so that each payment case stands alone.
    const sp = at(w, l);
    const { order } = await makeOrder(w.db.db, sp.union, l.buyer ?? sp.buyer, sp.crop, 'confirmed', '10.00');
    return { body: { order_id: order, amount: '1.00', paid_on: today(), method: 'bank_transfer', reference: `P${k}` }, marker: 'reference' };
  },
  updateBody: () => ({ amount: '2.00' }),
};

/** The spot whose delivery the last receive case aims at: its body names that delivery's lines. */
let receiving: SpotRecords | undefined;

const deliveries: Fixture = {
  table: s.deliveries,
  existing: (w, l) => at(w, l).delivery,
  deletable: async (w, l) => at(w, l).delivery,
  ...nothing,
  verbs: {
    receive: {
      existing(w, l) {
        receiving = at(w, l);
        return receiving.delivery;
      },
      body: (_actor, k) => ({ received_by: `授权${k}`, lines: [{ delivery_line_id: receiving!.deliveryLine, received_kg: '9.50' }] }),
      async landed(w, _actor, { response, body, after }) {
        expect(response).toMatchObject({ id: after.id, status: 'delivered', received_by: body.received_by, delivered_at: expect.any(String) });
        expect(after).toMatchObject({ status: 'delivered', received_by: body.received_by });
        const [line] = await w.db.db.select().from(s.deliveryLines).where(eq(s.deliveryLines.delivery_id, Number(after.id)));
        expect(line.received_kg).toBe('9.50');
        const [order] = await w.db.db.select().from(s.orders).where(eq(s.orders.id, Number(after.order_id)));
        expect(order.status).toBe('delivered');
        // Back on the road, as the world made it, for the next case (and the next run).
        await w.db.db.update(s.deliveryLines).set({ received_kg: null }).where(eq(s.deliveryLines.delivery_id, Number(after.id)));
        await w.db.db.update(s.deliveries).set({ status: 'dispatched', delivered_at: null, received_by: null }).where(eq(s.deliveries.id, Number(after.id)));
        await resetTo('dispatched')(w, Number(after.order_id));
      },
    },
  },
};

const deliveryLines: Fixture = {
  table: s.deliveryLines,
  existing: (w, l) => at(w, l).deliveryLine,
  deletable: async (w, l) => at(w, l).deliveryLine,
  ...nothing,
};

const certificates: Fixture = {
  table: s.certificates,
  existing: (w, l) => at(w, l).certificate,
  deletable: async (w, l) => at(w, l).certificate,
  ...nothing,
  verbs: {
    supersede: {
      existing: (w, l) => at(w, l).supersedable,
      body: (_actor, k) => ({ reason: `授权${k}` }),
      async landed(w, _actor, { response, body, after }) {
        expect(response).toMatchObject({
          id: expect.any(Number), supersedes_id: after.id, delivery_id: after.delivery_id, buyer_id: after.buyer_id, reason: body.reason,
          number: `${String(after.number)}-R1`, superseded_by_id: null,
        });
        expect(after.superseded_by_id).toBe((response as Rec).id);
        // Certificates are kept as issued: the next case supersedes a fresh one of the same spot.
        const sp = Object.values(w.sales!).find((x) => x.supersedable === after.id)!;
        sp.supersedable = await makeCertificate(w, sp);
      },
    },
  },
};

export const salesFixtures: Record<string, Fixture> = {
  listings, 'supply-listings': supplyListings, orders, 'order-lines': orderLines, allocations, payments, deliveries, 'delivery-lines': deliveryLines,
  certificates,
};
