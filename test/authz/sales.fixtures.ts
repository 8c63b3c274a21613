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
}

export type SalesWorld = Record<Spot, SpotRecords>;

/** What supply-listings serves: the published listings (a view made for the cases, so that lists count them). */
const publishedListings = pgView('authz_published_listings', { id: integer().notNull(), union_id: integer().notNull() }).existing();

const PRICE = '5.00';

async function makeOrder(d: Db, union: number, buyer: number, crop: Crop, status: 'submitted' | 'confirmed' | 'allocated', kg: string) {
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
async function passedStock(w: World, place: 'cj' | 'foreign') {
  const d = w.db.db;
  const p = w.prod!.places[place];
  const lot = await makeLot(d, p.planting, p.crop, { harvested_on: day(-1), quantity_kg: '200.00', grade: 'first' });
  await d.insert(s.residueTests).values({ union_id: p.union, village_id: p.village, lot_id: lot.id, result: 'pass', tested_by: '授权测试', tested_on: today() });
  await d.update(s.harvestLots).set({ residue_status: 'pass' }).where(eq(s.harvestLots.id, lot.id));
  const { stock } = await stockUp(d, lot, p.room, '100.00');
  return { lot, room: p.room, stock };
}

async function spot(w: World, union: number, buyer: number, crop: Crop, listing: number, place: 'cj' | 'foreign'): Promise<SpotRecords> {
  const d = w.db.db;
  const { order, line } = await makeOrder(d, union, buyer, crop, 'submitted', '20.00');
  const [payment] = await d
    .insert(s.payments)
    .values({ union_id: union, order_id: order, buyer_id: buyer, amount: '10.00', paid_on: day(-1), method: 'cash', reference: '授权测试' })
    .returning({ id: s.payments.id });
  await d.update(s.orders).set({ paid_amount: '10.00' }).where(eq(s.orders.id, order));
  const { order: confirmed } = await makeOrder(d, union, buyer, crop, 'confirmed', '10.00');
  // The allocated order's 10 kg are promised from the stock, as an allocation would.
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
  return { union, buyer, crop, listing, order, line, payment: payment.id, confirmed, allocation: allocation.id };
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

export const salesFixtures: Record<string, Fixture> = {
  listings, 'supply-listings': supplyListings, orders, 'order-lines': orderLines, allocations, payments,
};
