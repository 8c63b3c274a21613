import { eq } from 'drizzle-orm';
import type { Db } from '../../db/client';
import type { PgTable } from 'drizzle-orm/pg-core';
import {
  buyers, cooperatives, crops, harvestLots, households, listings, people, plantings, plots, unions, users, villages, warehouses,
} from '../../db/schema/index';
import { hashPassword } from '../../server/modules/auth/auth.passwords';

// Factories: each test builds the rows it needs instead of leaning on the demo seed's
// contents. Every call takes the next number of one counter, so codes, names and
// usernames never collide with each other; the `F` prefixes keep them clear of the seed's.

export type Union = typeof unions.$inferSelect;
export type Village = typeof villages.$inferSelect;
export type Cooperative = typeof cooperatives.$inferSelect;
export type Household = typeof households.$inferSelect;
export type Person = typeof people.$inferSelect;
export type Plot = typeof plots.$inferSelect;
export type Buyer = typeof buyers.$inferSelect;
export type User = typeof users.$inferSelect;

type Overrides<T extends { $inferInsert: object }> = Partial<T['$inferInsert']>;

let counter = 0;
/** The next number of the counter every factory shares. */
export const nextSeq = (): number => ++counter;

export async function makeUnion(db: Db, overrides: Overrides<typeof unions> = {}): Promise<Union> {
  const n = nextSeq();
  const [row] = await db.insert(unions).values({ code: `FU${n}`, name: `测试联合社${n}`, ...overrides }).returning();
  return row;
}

export async function makeVillage(db: Db, unionId: number, overrides: Overrides<typeof villages> = {}): Promise<Village> {
  const n = nextSeq();
  const [row] = await db.insert(villages).values({ code: `FV${n}`, name: `测试村${n}`, ...overrides, union_id: unionId }).returning();
  return row;
}

/** A village has at most one cooperative (cooperatives_village_key). */
export async function makeCooperative(db: Db, village: Village, overrides: Overrides<typeof cooperatives> = {}): Promise<Cooperative> {
  const n = nextSeq();
  const [row] = await db
    .insert(cooperatives)
    .values({ code: `FC${n}`, name: `测试合作社${n}`, ...overrides, union_id: village.union_id, village_id: village.id })
    .returning();
  return row;
}

const householdValues = (village: Village, overrides: Overrides<typeof households>) => {
  const n = nextSeq();
  return { code: `FH${n}`, head_name: `户主${n}`, ...overrides, union_id: village.union_id, village_id: village.id };
};

export async function makeHousehold(db: Db, village: Village, overrides: Overrides<typeof households> = {}): Promise<Household> {
  const [row] = await db.insert(households).values(householdValues(village, overrides)).returning();
  return row;
}

/** Overrides for each of `count` rows: the same for all, or depending on the index. */
type ManyOverrides<T> = T | ((i: number) => T);

/** `count` rows built by `build(i)`, inserted 1,000 at a time. */
async function insertMany<R>(db: Db, table: PgTable, count: number, build: (i: number) => object): Promise<R[]> {
  const values = Array.from({ length: count }, (_, i) => build(i));
  const out: R[] = [];
  for (let i = 0; i < values.length; i += 1000) out.push(...((await db.insert(table).values(values.slice(i, i + 1000) as never).returning()) as R[]));
  return out;
}
const nth = <T extends object>(overrides: ManyOverrides<T>, i: number): T => (typeof overrides === 'function' ? overrides(i) : overrides);

/** `count` households in one village, inserted in batches; `overrides` may depend on the index. */
export const makeHouseholds = (db: Db, village: Village, count: number, overrides: ManyOverrides<Overrides<typeof households>> = {}) =>
  insertMany<Household>(db, households, count, (i) => householdValues(village, nth(overrides, i)));

/** A person of a household, or (given a village) a villager outside any household. */
const personValues = (owner: Village | Household, overrides: Overrides<typeof people>) => {
  const n = nextSeq();
  const home = 'village_id' in owner ? { village_id: owner.village_id, household_id: owner.id } : { village_id: owner.id, household_id: null };
  return { name: `村民${n}`, gender: n % 2 ? ('male' as const) : ('female' as const), ...overrides, union_id: owner.union_id, ...home };
};

export async function makePerson(db: Db, owner: Village | Household, overrides: Overrides<typeof people> = {}): Promise<Person> {
  const [row] = await db.insert(people).values(personValues(owner, overrides)).returning();
  return row;
}

export const makePeople = (db: Db, owner: Village | Household, count: number, overrides: ManyOverrides<Overrides<typeof people>> = {}) =>
  insertMany<Person>(db, people, count, (i) => personValues(owner, nth(overrides, i)));

/**
 * A household's plot, or (given a village) a collective one: the tenure follows the owner,
 * as plots_tenure_household requires.
 */
export async function makePlot(db: Db, owner: Village | Household, overrides: Overrides<typeof plots> = {}): Promise<Plot> {
  const n = nextSeq();
  const home =
    'village_id' in owner
      ? { village_id: owner.village_id, household_id: owner.id, tenure: 'household' as const }
      : { village_id: owner.id, household_id: null, tenure: 'collective' as const };
  const [row] = await db
    .insert(plots)
    .values({ code: `FP${n}`, name: `测试地块${n}`, area_mu: '1.00', kind: 'open_field', ...overrides, union_id: owner.union_id, ...home })
    .returning();
  return row;
}

export async function makeBuyer(db: Db, unionId: number, overrides: Overrides<typeof buyers> = {}): Promise<Buyer> {
  const n = nextSeq();
  const [row] = await db.insert(buyers).values({ code: `FB${n}`, name: `测试买家${n}`, kind: 'other', ...overrides, union_id: unionId }).returning();
  return row;
}

/** Each role with exactly the scope users_role_scope demands; the union follows from the scope row. */
export type UserSpec = {
  username?: string;
  password?: string;
  display_name?: string;
  phone?: string | null;
  active?: boolean;
} & (
  | { role: 'union_admin' | 'union_sales'; union_id: number }
  | { role: 'coop_manager'; cooperative: Cooperative }
  | { role: 'village_cadre'; village: Village }
  | { role: 'buyer'; buyer: Buyer }
  | { role: 'member'; household: Household }
);

function scopeOf(spec: UserSpec) {
  const none = { cooperative_id: null, village_id: null, household_id: null, buyer_id: null };
  switch (spec.role) {
    case 'union_admin':
    case 'union_sales':
      return { ...none, union_id: spec.union_id };
    case 'coop_manager':
      return { ...none, union_id: spec.cooperative.union_id, cooperative_id: spec.cooperative.id, village_id: spec.cooperative.village_id };
    case 'village_cadre':
      return { ...none, union_id: spec.village.union_id, village_id: spec.village.id };
    case 'buyer':
      return { ...none, union_id: spec.buyer.union_id, buyer_id: spec.buyer.id };
    case 'member':
      return { ...none, union_id: spec.household.union_id, household_id: spec.household.id, village_id: spec.household.village_id };
  }
}

/** An account with an Argon2id-hashed password; returns the row and the plain password to sign in with. */
export async function makeUser(db: Db, spec: UserSpec): Promise<{ user: User; password: string }> {
  const n = nextSeq();
  const password = spec.password ?? `factory-password-${n}`;
  const [user] = await db
    .insert(users)
    .values({
      username: spec.username ?? `f.user${n}`,
      display_name: spec.display_name ?? `测试用户${n}`,
      phone: spec.phone ?? null,
      active: spec.active ?? true,
      role: spec.role,
      ...scopeOf(spec),
      password_hash: await hashPassword(password),
    })
    .returning();
  return { user, password };
}

/** A user row as it is now (after a test changed it, e.g. its password). */
export async function reloadUser(db: Db, id: number): Promise<User> {
  const [row] = await db.select().from(users).where(eq(users.id, id));
  return row;
}

// ---- Production and storage (issue 7) ----------------------------------------------------

export type Crop = typeof crops.$inferSelect;
export type Planting = typeof plantings.$inferSelect;
export type Warehouse = typeof warehouses.$inferSelect;
export type HarvestLot = typeof harvestLots.$inferSelect;

/** An ISO date `days` from `date` (UTC arithmetic on dates). */
export const plusDays = (date: string, days: number): string => new Date(Date.parse(date) + days * 86_400_000).toISOString().slice(0, 10);

/** A crop of the union: a cool-zone fruiting vegetable kept 10 days unless told otherwise. */
export async function makeCrop(db: Db, unionId: number, overrides: Overrides<typeof crops> = {}): Promise<Crop> {
  const n = nextSeq();
  const [row] = await db
    .insert(crops)
    .values({
      code: `FCR${n}`, name_zh: `测试作物${n}`, name_en: `Test crop ${n}`, category: 'fruiting', shelf_life_days: 10, storage_zone: 'cool',
      chill_sensitive: false, ...overrides, union_id: unionId,
    })
    .returning();
  return row;
}

/** A planting on the plot (its village and household follow the plot), written straight to the table. */
export async function makePlanting(db: Db, plot: Plot, crop: Crop, overrides: Overrides<typeof plantings> = {}): Promise<Planting> {
  const [row] = await db
    .insert(plantings)
    .values({
      area_mu: '0.50', planted_on: '2026-01-05', status: 'growing', ...overrides,
      union_id: plot.union_id, village_id: plot.village_id, plot_id: plot.id, household_id: plot.household_id, crop_id: crop.id,
    })
    .returning();
  return row;
}

/** A room of the cooperative (a cool cold room of 10 tonnes unless told otherwise). */
export async function makeWarehouse(db: Db, coop: Cooperative, overrides: Overrides<typeof warehouses> = {}): Promise<Warehouse> {
  const n = nextSeq();
  const [row] = await db
    .insert(warehouses)
    .values({
      code: `FW${n}`, name: `测试冷库${n}`, kind: 'cold_room', temperature_zone: 'cool', capacity_kg: '10000.00', ...overrides,
      union_id: coop.union_id, village_id: coop.village_id, cooperative_id: coop.id,
    })
    .returning();
  return row;
}

/**
 * A harvest lot written straight to the table (no rule applied): for tests of what comes after
 * the harvest. Its code is made from the counter, its expiry from the crop's shelf life.
 */
export async function makeLot(
  db: Db, planting: Planting, crop: Crop, overrides: Overrides<typeof harvestLots> = {},
): Promise<HarvestLot> {
  const n = nextSeq();
  const harvested_on = overrides.harvested_on ?? plusDays(planting.planted_on, 60);
  const [row] = await db
    .insert(harvestLots)
    .values({
      code: `FL-${n}`, grade: 'first', quantity_kg: '1000.00', intake_price: '2.00', is_member: true,
      expires_on: plusDays(harvested_on, crop.shelf_life_days), ...overrides, harvested_on,
      union_id: planting.union_id, village_id: planting.village_id, planting_id: planting.id, plot_id: planting.plot_id,
      household_id: overrides.household_id ?? planting.household_id, crop_id: crop.id, source: 'harvest',
    })
    .returning();
  return row;
}

// ---- Sales (issue 8) -----------------------------------------------------------------------

export type Listing = typeof listings.$inferSelect;

/** A listing of the crop written straight to the table: first grade, 5.00 a kg, 10 kg minimum, published unless told otherwise. */
export async function makeListing(db: Db, crop: Crop, overrides: Overrides<typeof listings> = {}): Promise<Listing> {
  const [row] = await db
    .insert(listings)
    .values({ grade: 'first', price_per_kg: '5.00', min_order_kg: '10.00', published: true, ...overrides, union_id: crop.union_id, crop_id: crop.id })
    .returning();
  return row;
}
