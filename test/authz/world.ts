import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { PgTable } from 'drizzle-orm/pg-core';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { DbHandle } from '../../db/client';
import * as s from '../../db/schema/index';
import { DEMO_PASSWORD } from '../helpers/app';
import {
  makeBuyer, makeCooperative, makeHousehold, makePerson, makePlot, makeUnion, makeUser, makeVillage, nextSeq, type Buyer, type Cooperative,
  type Household, type Village,
} from '../helpers/factories';
import { hashPassword } from '../../server/modules/auth/auth.passwords';
import { roles, usernames, type Role, type Scope } from '../authz-matrix';
import { buildProdWorld, type ProdWorld } from './production.world';
import { buildSalesWorld, type SalesWorld } from './sales.fixtures';

// The people and records the authorisation cases run against, on one app and its database:
// the demo accounts and the records their scopes are tied to, their neighbours, and a
// second union nothing of which may show through.

export type Rec = Record<string, unknown>;

export interface Actor {
  id: number;
  union_id: number;
  role: string;
  cooperative_id: number | null;
  village_id: number | null;
  household_id: number | null;
  buyer_id: number | null;
  username: string;
  password: string;
  /** Absent for the anonymous caller. */
  token?: string;
}

/** Where a record lies: the value of each scope it is tied to (see run.ts). */
export interface Locus {
  union: number;
  village?: number;
  household?: number;
  buyer?: number;
  self?: number;
  /**
   * Whether a row made for the case can stand for the record: not when the locus names the
   * caller's own village, household, buyer or account (the row the scope is tied to).
   */
  remakable: boolean;
}

export interface World {
  app: FastifyInstance;
  db: DbHandle;
  union: number;
  actors: Record<Role, Actor>;
  cj: Village;
  qy: Village;
  coopCJ: Cooperative;
  coopQY: number;
  /** The member's household, another of the member's village, and one of the other village. */
  memberHH: Household;
  hhCJ: number;
  hhQY: number;
  people: { member: number; cj: number; qy: number };
  plots: { member: number; cj: number; qy: number };
  port: Buyer;
  smjx: number;
  /** An audit entry of the union. */
  audit: number;
  /** The production and storage records (issue 7), one of each resource per place. */
  prod?: ProdWorld;
  /** The sales records (issue 8): listings, orders, lines, an allocation and a payment per buyer. */
  sales?: SalesWorld;
  /** A second union, and one record of each resource in it. */
  foreign: { union: number; village: Village; household: Household; ids: Record<string, number> };
  /** A village or household as a row (for the factories), by id. */
  village(id: number): Promise<Village>;
  household(id: number): Promise<Household>;
  /** A distinct suffix for codes and names. */
  next(): string;
  query<T = Rec>(q: SQL): Promise<T[]>;
  call(actor: Actor | undefined, method: string, url: string, payload?: Rec): Promise<LightMyRequestResponse>;
  /** A new account of the role, tied to what the demo account is tied to, and signed in. */
  freshActor(role: Role): Promise<Actor>;
  /** The password of the accounts made for one case, and its hash. */
  fresh: { password: string; hash: string };
}

const actorColumns = sql`id, union_id, role, cooperative_id, village_id, household_id, buyer_id, username`;

export async function buildWorld(app: FastifyInstance, db: DbHandle): Promise<World> {
  const d = db.db;
  const query = async <T = Rec>(q: SQL) => (await d.execute(q)).rows as T[];
  const one = async <T>(table: PgTable, where: SQL | undefined): Promise<T> => {
    const [row] = await d.select().from(table).where(where);
    if (!row) throw new Error(`authz world: no ${String(where)}`);
    return row as T;
  };
  const idOf = async (q: SQL) => Number((await query<{ id: number }>(q))[0].id);

  const actors = {} as Record<Role, Actor>;
  for (const role of roles) {
    const [row] = await query<Actor>(sql`SELECT ${actorColumns} FROM users WHERE username = ${usernames[role]}`);
    actors[role] = { ...row, password: DEMO_PASSWORD, token: await login(app, usernames[role], DEMO_PASSWORD) };
  }
  const union = actors.admin.union_id;
  const cj = await one<Village>(s.villages, and(eq(s.villages.union_id, union), eq(s.villages.code, 'CJ')));
  const qy = await one<Village>(s.villages, and(eq(s.villages.union_id, union), eq(s.villages.code, 'QY')));
  const coopCJ = await one<Cooperative>(s.cooperatives, eq(s.cooperatives.village_id, cj.id));
  const coopQY = (await one<Cooperative>(s.cooperatives, eq(s.cooperatives.village_id, qy.id))).id;
  const memberHH = await one<Household>(s.households, eq(s.households.id, actors.member.household_id!));
  const hhCJ = await idOf(sql`SELECT id FROM households WHERE village_id = ${cj.id} AND id <> ${memberHH.id} ORDER BY id LIMIT 1`);
  const hhQY = await idOf(sql`SELECT id FROM households WHERE village_id = ${qy.id} ORDER BY id LIMIT 1`);
  const firstOf = async (table: string) => {
    const first = (hh: number) => idOf(sql`SELECT id FROM ${sql.identifier(table)} WHERE household_id = ${hh} ORDER BY id LIMIT 1`);
    return { member: await first(memberHH.id), cj: await first(hhCJ), qy: await first(hhQY) };
  };
  const port = await one<Buyer>(s.buyers, and(eq(s.buyers.union_id, union), eq(s.buyers.code, 'PORT')));
  const smjx = await idOf(sql`SELECT id FROM buyers WHERE union_id = ${union} AND code = 'SM-JX'`);

  const call = callOn(app);

  // The demo seed writes no audit trail; one update gives the administrator an entry to read.
  // (A changed value: an update that changes nothing writes no entry.)
  const { version } = await one<{ version: number }>(s.unions, eq(s.unions.id, union));
  const touched = await call(actors.admin, 'PUT', `/api/unions/${union}`, { short_name: 'authz world', version });
  if (touched.statusCode !== 200) throw new Error(`authz world: PUT unions ${touched.statusCode} ${touched.body}`);
  const audit = await idOf(sql`SELECT id FROM audit_log WHERE union_id = ${union} ORDER BY id DESC LIMIT 1`);

  // Accounts made for one case share a password, hashed once.
  const fresh = { password: 'authz-fresh-password', hash: await hashPassword('authz-fresh-password') };

  const world = withApp(app, {
    db,
    union,
    actors,
    cj,
    qy,
    coopCJ,
    coopQY,
    memberHH,
    hhCJ,
    hhQY,
    people: await firstOf('people'),
    plots: await firstOf('plots'),
    port,
    smjx,
    audit,
    foreign: await foreignUnion(db),
    village: cached((id) => one<Village>(s.villages, eq(s.villages.id, id))),
    household: cached((id) => one<Household>(s.households, eq(s.households.id, id))),
    next: () => `A${String(nextSeq()).padStart(5, '0')}`,
    query,
    fresh,
  });
  world.prod = await buildProdWorld(world);
  world.sales = await buildSalesWorld(world);
  return world;
}

/**
 * The same records and sessions, served by another app on the same database (and JWT
 * secret): the mutation test runs the cases against a server whose policy differs.
 */
export function withApp(app: FastifyInstance, w: Omit<World, 'app' | 'call' | 'freshActor'>): World {
  return {
    ...w,
    app,
    call: callOn(app),
    async freshActor(role) {
      const demo = w.actors[role];
      const [user] = await w.db.db
        .insert(s.users)
        .values({
          ...pick(demo, ['union_id', 'role', 'cooperative_id', 'village_id', 'household_id', 'buyer_id']),
          username: `authz.${role}.${nextSeq()}`, display_name: `授权测试${role}`, password_hash: w.fresh.hash,
        } as typeof s.users.$inferInsert)
        .returning();
      const password = w.fresh.password;
      return { ...(user as unknown as Actor), password, token: await login(app, user.username, password) };
    },
  };
}

/** The cases only ever ask for the few villages and households the world is built on. */
function cached<T>(load: (id: number) => Promise<T>): (id: number) => Promise<T> {
  const rows = new Map<number, Promise<T>>();
  return (id) => {
    if (!rows.has(id)) rows.set(id, load(id));
    return rows.get(id)!;
  };
}

const pick = <T extends object, K extends keyof T>(o: T, keys: K[]) => Object.fromEntries(keys.map((k) => [k, o[k]])) as Pick<T, K>;

const callOn =
  (app: FastifyInstance): World['call'] =>
  (actor, method, url, payload) =>
    app.inject({ method: method as never, url, payload, headers: actor?.token ? { authorization: `Bearer ${actor.token}` } : {} });

async function login(app: FastifyInstance, username: string, password: string): Promise<string> {
  const r = await app.inject({ method: 'POST', url: '/api/auth/login', payload: { username, password } });
  if (r.statusCode !== 200) throw new Error(`login ${username}: ${r.statusCode} ${r.body}`);
  return r.json().token as string;
}

/** A second union on the same database, with one record of each resource (codes as in the first). */
async function foreignUnion(db: DbHandle): Promise<World['foreign']> {
  const d = db.db;
  const union = (await makeUnion(d, { code: 'OTHER', name: '另一联合社' })).id;
  const village = await makeVillage(d, union, { code: 'CJ', name: '外社村' });
  const household = await makeHousehold(d, village, { code: 'CJ-001', head_name: '外户' });
  const [audit] = await d
    .insert(s.auditLog)
    .values({ union_id: union, action: 'update', resource: 'villages', record_id: String(village.id) })
    .returning({ id: s.auditLog.id });
  return {
    union,
    village,
    household,
    ids: {
      unions: union,
      villages: village.id,
      cooperatives: (await makeCooperative(d, village, { code: 'COOP-CJ' })).id,
      households: household.id,
      people: (await makePerson(d, household, { name: '外人' })).id,
      plots: (await makePlot(d, household, { code: 'CJ-001-P1' })).id,
      buyers: (await makeBuyer(d, union, { code: 'PORT' })).id,
      users: (await makeUser(d, { role: 'union_admin', union_id: union, username: 'foreign.admin' })).user.id,
      'audit-log': audit.id,
    },
  };
}

/** The value of each scope for an account. */
export function valueOf(actor: Actor, scope: Scope): number {
  const v = { union: actor.union_id, village: actor.village_id, household: actor.household_id, buyer: actor.buyer_id, self: actor.id }[scope];
  if (v == null) throw new Error(`${actor.username} has no ${scope}`);
  return v;
}

/** A neighbouring value: another village, household of the same village, buyer, account, union. */
export function neighbourOf(w: World, actor: Actor, scope: Scope): number {
  const v = valueOf(actor, scope);
  switch (scope) {
    case 'village':
      return v === w.cj.id ? w.qy.id : w.cj.id;
    case 'household':
      return v === w.memberHH.id ? w.hhCJ : w.memberHH.id;
    case 'buyer':
      return v === w.port.id ? w.smjx : w.port.id;
    case 'self':
      return v === w.actors.admin.id ? w.actors.sales.id : w.actors.admin.id;
    case 'union':
      return w.foreign.union;
  }
}

/** How the cases reach one resource's records: made or found at a locus. */
export interface Fixture {
  table: PgTable;
  /** An existing record at the locus. */
  existing(w: World, l: Locus): number;
  /** A record at the locus for one DELETE: made for it when the locus allows, else the existing one. */
  deletable(w: World, l: Locus): Promise<number>;
  /**
   * A valid create body landing at the locus, the field that finds the row it makes, and
   * (when the row stores the body differently, a timestamp say) what the row must show.
   */
  createBody(w: World, l: Locus, k: string): Promise<{ body: Rec; marker?: string; match?: Rec }>;
  /** A harmless change, distinct per call, so that a 200 proves this very request landed. */
  updateBody(k: string): Rec;
  verbs?: Record<string, VerbFixture>;
}

export interface VerbFixture {
  /** The record the verb aims at, when it needs one in a state it accepts (else the resource's existing one). */
  existing?(w: World, l: Locus): number;
  body(actor: Actor, k: string): Rec;
  /** Proves that an allowed call did what the verb does. */
  landed(w: World, actor: Actor, res: { response: Rec; body: Rec; before: Rec; after: Rec }): Promise<void>;
}
