import { sql } from 'drizzle-orm';
import {
  boolean,
  check,
  date,
  foreignKey,
  index,
  integer,
  numeric,
  pgEnum,
  pgTable,
  text,
  timestamp,
  unique,
  uniqueIndex,
  varchar,
} from 'drizzle-orm/pg-core';
import { timestamps, version } from './columns';

export const roleEnum = pgEnum('role', [
  'union_admin',
  'union_sales',
  'coop_manager',
  'village_cadre',
  'buyer',
  'member',
]);
export const genderEnum = pgEnum('gender', ['male', 'female']);
export const plotKindEnum = pgEnum('plot_kind', ['greenhouse', 'open_field']);
export const plotTenureEnum = pgEnum('plot_tenure', ['household', 'collective']);
export const buyerKindEnum = pgEnum('buyer_kind', [
  'state_enterprise',
  'supermarket',
  'wholesale_market',
  'canteen',
  'other',
]);

export const unions = pgTable('unions', {
  id: integer().primaryKey().generatedAlwaysAsIdentity(),
  code: varchar({ length: 32 }).notNull().unique(),
  name: varchar({ length: 120 }).notNull(),
  short_name: varchar({ length: 60 }),
  /** True for the generated demonstration union: its names and people are invented. */
  is_demo: boolean().notNull().default(false),
  ...version,
  ...timestamps,
});

export const villages = pgTable(
  'villages',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    code: varchar({ length: 32 }).notNull(),
    name: varchar({ length: 60 }).notNull(),
    township: varchar({ length: 60 }),
    notes: varchar({ length: 2000 }),
    ...version,
    ...timestamps,
  },
  (t) => [
    unique('villages_union_code_key').on(t.union_id, t.code),
    unique('villages_union_name_key').on(t.union_id, t.name),
    // Lets children reference (union_id, id) so a row can never point into another union.
    unique('villages_union_id_id_key').on(t.union_id, t.id),
  ],
);

export const cooperatives = pgTable(
  'cooperatives',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    village_id: integer().notNull(),
    code: varchar({ length: 32 }).notNull(),
    name: varchar({ length: 120 }).notNull(),
    registration_no: varchar({ length: 40 }),
    legal_representative: varchar({ length: 60 }),
    phone: varchar({ length: 20 }),
    founded_on: date({ mode: 'string' }),
    ...version,
    ...timestamps,
  },
  (t) => [
    unique('cooperatives_union_code_key').on(t.union_id, t.code),
    // One cooperative per village, as the union was founded.
    unique('cooperatives_village_key').on(t.village_id),
    unique('cooperatives_union_id_id_key').on(t.union_id, t.id),
    foreignKey({
      name: 'cooperatives_village_fk',
      columns: [t.union_id, t.village_id],
      foreignColumns: [villages.union_id, villages.id],
    }),
  ],
);

export const households = pgTable(
  'households',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    village_id: integer().notNull(),
    code: varchar({ length: 32 }).notNull(),
    head_name: varchar({ length: 60 }).notNull(),
    phone: varchar({ length: 20 }),
    address: varchar({ length: 200 }),
    is_member: boolean().notNull().default(true),
    capital_contributed: numeric({ precision: 14, scale: 2 }).notNull().default('0'),
    joined_on: date({ mode: 'string' }),
    ...version,
    ...timestamps,
  },
  (t) => [
    unique('households_union_code_key').on(t.union_id, t.code),
    unique('households_union_id_id_key').on(t.union_id, t.id),
    foreignKey({
      name: 'households_village_fk',
      columns: [t.union_id, t.village_id],
      foreignColumns: [villages.union_id, villages.id],
    }),
    // Composite target so people and plots can prove their household is in their village.
    unique('households_village_id_id_key').on(t.village_id, t.id),
    check('households_capital_nonneg', sql`${t.capital_contributed} >= 0`),
    // Only members contribute capital and have a join date; a non-member household has neither.
    check('households_capital_members_only', sql`${t.is_member} OR ${t.capital_contributed} = 0`),
    check('households_joined_on_members_only', sql`${t.is_member} OR ${t.joined_on} IS NULL`),
    index('households_village_idx').on(t.union_id, t.village_id, t.id),
    // The console lists a village's households by head's name: served from the index, no sort.
    index('households_village_head_idx').on(t.union_id, t.village_id, t.head_name, t.id),
    index('households_head_name_trgm').using('gin', sql`${t.head_name} gin_trgm_ops`),
    index('households_code_trgm').using('gin', sql`${t.code} gin_trgm_ops`),
    // Free-text search (q) ORs its columns: each must be indexed, or the OR scans the table.
    index('households_phone_trgm').using('gin', sql`${t.phone} gin_trgm_ops`),
    // Its characters, for 1- and 2-character terms (a surname, a given name) trigrams cannot serve.
    index('households_head_name_chars').using('gin', sql`regexp_split_to_array(${t.head_name}, '')`),
  ],
);

export const people = pgTable(
  'people',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    village_id: integer().notNull(),
    household_id: integer(),
    name: varchar({ length: 60 }).notNull(),
    gender: genderEnum().notNull(),
    birth_year: integer(),
    phone: varchar({ length: 20 }),
    /** Free roles a villager holds: grower, small_expert, class_rep, group_leader, party_member... */
    roles: text().array().notNull().default(sql`'{}'::text[]`),
    ...version,
    ...timestamps,
  },
  (t) => [
    foreignKey({
      name: 'people_village_fk',
      columns: [t.union_id, t.village_id],
      foreignColumns: [villages.union_id, villages.id],
    }),
    foreignKey({
      name: 'people_household_fk',
      columns: [t.village_id, t.household_id],
      foreignColumns: [households.village_id, households.id],
    }),
    check('people_birth_year_range', sql`${t.birth_year} IS NULL OR ${t.birth_year} BETWEEN 1900 AND 2100`),
    index('people_village_idx').on(t.union_id, t.village_id, t.id),
    // Work records point at (village_id, person_id): a record is always in its person's village.
    unique('people_village_id_id_key').on(t.village_id, t.id),
    index('people_household_idx').on(t.household_id),
    index('people_name_trgm').using('gin', sql`${t.name} gin_trgm_ops`),
    index('people_phone_trgm').using('gin', sql`${t.phone} gin_trgm_ops`),
    index('people_name_chars').using('gin', sql`regexp_split_to_array(${t.name}, '')`),
    // Deep pages of a whole union in id order: an index-only scan of (union_id, id).
    index('people_union_idx').on(t.union_id, t.id),
    // The console lists people by name: a search in that order stops at the page's end.
    index('people_union_name_idx').on(t.union_id, t.name, t.id),
  ],
);

export const plots = pgTable(
  'plots',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    village_id: integer().notNull(),
    /** Null for a collective plot. */
    household_id: integer(),
    tenure: plotTenureEnum().notNull(),
    code: varchar({ length: 32 }).notNull(),
    name: varchar({ length: 80 }).notNull(),
    area_mu: numeric({ precision: 10, scale: 2 }).notNull(),
    kind: plotKindEnum().notNull(),
    location: varchar({ length: 200 }),
    latitude: numeric({ precision: 9, scale: 6 }),
    longitude: numeric({ precision: 9, scale: 6 }),
    ...version,
    ...timestamps,
  },
  (t) => [
    unique('plots_union_code_key').on(t.union_id, t.code),
    foreignKey({
      name: 'plots_village_fk',
      columns: [t.union_id, t.village_id],
      foreignColumns: [villages.union_id, villages.id],
    }),
    foreignKey({
      name: 'plots_household_fk',
      columns: [t.village_id, t.household_id],
      foreignColumns: [households.village_id, households.id],
    }),
    check('plots_area_positive', sql`${t.area_mu} > 0`),
    check(
      'plots_tenure_household',
      sql`(${t.tenure} = 'household') = (${t.household_id} IS NOT NULL)`,
    ),
    index('plots_village_idx').on(t.union_id, t.village_id, t.id),
    // Plantings point at (village_id, plot_id): a planting is always in its plot's village.
    unique('plots_village_id_id_key').on(t.village_id, t.id),
    index('plots_household_idx').on(t.household_id),
    index('plots_name_trgm').using('gin', sql`${t.name} gin_trgm_ops`),
    index('plots_code_trgm').using('gin', sql`${t.code} gin_trgm_ops`),
    index('plots_location_trgm').using('gin', sql`${t.location} gin_trgm_ops`),
    index('plots_name_chars').using('gin', sql`regexp_split_to_array(${t.name}, '')`),
    index('plots_location_chars').using('gin', sql`regexp_split_to_array(${t.location}, '')`),
    // Deep pages of a whole union in id order (households have households_union_id_id_key).
    index('plots_union_idx').on(t.union_id, t.id),
  ],
);

/** Institutional buyers (state group, supermarkets, markets, canteens); buyer accounts belong to one. */
export const buyers = pgTable(
  'buyers',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    code: varchar({ length: 32 }).notNull(),
    name: varchar({ length: 120 }).notNull(),
    kind: buyerKindEnum().notNull(),
    contact_name: varchar({ length: 60 }),
    phone: varchar({ length: 20 }),
    address: varchar({ length: 200 }),
    ...version,
    ...timestamps,
  },
  (t) => [
    unique('buyers_union_code_key').on(t.union_id, t.code),
    unique('buyers_union_id_id_key').on(t.union_id, t.id),
  ],
);

export const users = pgTable(
  'users',
  {
    id: integer().primaryKey().generatedAlwaysAsIdentity(),
    union_id: integer().notNull().references(() => unions.id),
    username: varchar({ length: 60 }).notNull(),
    password_hash: text().notNull(),
    display_name: varchar({ length: 60 }).notNull(),
    role: roleEnum().notNull(),
    /** Scope: a coop manager's cooperative; a cadre's or member's village follows from it. */
    cooperative_id: integer(),
    village_id: integer(),
    household_id: integer(),
    buyer_id: integer(),
    phone: varchar({ length: 20 }),
    active: boolean().notNull().default(true),
    last_login_at: timestamp({ withTimezone: true, mode: 'date' }),
    ...version,
    ...timestamps,
  },
  (t) => [
    uniqueIndex('users_username_key').on(sql`lower(${t.username})`),
    foreignKey({
      name: 'users_cooperative_fk',
      columns: [t.union_id, t.cooperative_id],
      foreignColumns: [cooperatives.union_id, cooperatives.id],
    }),
    foreignKey({
      name: 'users_village_fk',
      columns: [t.union_id, t.village_id],
      foreignColumns: [villages.union_id, villages.id],
    }),
    foreignKey({
      name: 'users_household_fk',
      columns: [t.union_id, t.household_id],
      foreignColumns: [households.union_id, households.id],
    }),
    foreignKey({
      name: 'users_buyer_fk',
      columns: [t.union_id, t.buyer_id],
      foreignColumns: [buyers.union_id, buyers.id],
    }),
    // Each role carries exactly the scope it needs; the database refuses a half-scoped account.
    check(
      'users_role_scope',
      sql`CASE ${t.role}
        WHEN 'union_admin' THEN ${t.cooperative_id} IS NULL AND ${t.village_id} IS NULL AND ${t.household_id} IS NULL AND ${t.buyer_id} IS NULL
        WHEN 'union_sales' THEN ${t.cooperative_id} IS NULL AND ${t.village_id} IS NULL AND ${t.household_id} IS NULL AND ${t.buyer_id} IS NULL
        WHEN 'coop_manager' THEN ${t.cooperative_id} IS NOT NULL AND ${t.village_id} IS NOT NULL AND ${t.household_id} IS NULL AND ${t.buyer_id} IS NULL
        WHEN 'village_cadre' THEN ${t.village_id} IS NOT NULL AND ${t.cooperative_id} IS NULL AND ${t.household_id} IS NULL AND ${t.buyer_id} IS NULL
        WHEN 'buyer' THEN ${t.buyer_id} IS NOT NULL AND ${t.cooperative_id} IS NULL AND ${t.village_id} IS NULL AND ${t.household_id} IS NULL
        WHEN 'member' THEN ${t.household_id} IS NOT NULL AND ${t.village_id} IS NOT NULL AND ${t.cooperative_id} IS NULL AND ${t.buyer_id} IS NULL
      END`,
    ),
    index('users_union_idx').on(t.union_id, t.id),
  ],
);
