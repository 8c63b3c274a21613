import { expect } from 'vitest';
import * as s from '../../db/schema/index';
import { makeBuyer, makeCooperative, makeHousehold, makePerson, makePlot, makeVillage } from '../helpers/factories';
import type { Fixture, Locus, World } from './world';

// The organisation module's records for the authorisation cases, own or other at a locus.
// A locus names only the scopes the caller is tied to; the rest defaults to Changjiang (CJ).

const phone = (k: string) => ({ phone: `1380${k.replace(/\D/g, '').padStart(7, '0').slice(-7)}` });

/** The village a record at the locus lies in. */
const villageAt = (w: World, l: Locus): number => (l.union === w.foreign.union ? w.foreign.village.id : (l.village ?? w.cj.id));

/** A household or village of the locus as a factory owner (a household only when the locus names one). */
async function ownerAt(w: World, l: Locus) {
  if (l.union === w.foreign.union) return w.foreign.household;
  return l.household ? w.household(l.household) : w.village(villageAt(w, l));
}

const unions: Fixture = {
  table: s.unions,
  existing: (_w, l) => l.union,
  deletable: async (_w, l) => l.union,
  createBody: async (_w, _l, k) => ({ body: { code: `U${k}`, name: `新联合社${k}` }, marker: 'code' }),
  updateBody: (k) => ({ short_name: `联合社${k}` }),
};

const villages: Fixture = {
  table: s.villages,
  existing: (w, l) => villageAt(w, l),
  deletable: async (w, l) => (l.remakable ? (await makeVillage(w.db.db, l.union)).id : villageAt(w, l)),
  createBody: async (_w, _l, k) => ({ body: { code: `V${k}`, name: `新村${k}` }, marker: 'code' }),
  updateBody: (k) => ({ notes: `authz ${k}` }),
};

// One cooperative per village: the caller's own village's is the only one there can be.
const cooperatives: Fixture = {
  table: s.cooperatives,
  existing: (w, l) => (l.union === w.foreign.union ? w.foreign.ids.cooperatives : l.village === w.qy.id ? w.coopQY : w.coopCJ.id),
  async deletable(w, l) {
    if (l.union === w.foreign.union) return (await makeCooperative(w.db.db, await makeVillage(w.db.db, l.union))).id;
    if (l.village === w.cj.id) return w.coopCJ.id;
    return (await makeCooperative(w.db.db, await makeVillage(w.db.db, l.union))).id;
  },
  async createBody(w, l, k) {
    const village_id = l.village === w.cj.id ? w.cj.id : (await makeVillage(w.db.db, l.union)).id;
    return { body: { village_id, code: `C${k}`, name: `新合作社${k}` }, marker: 'code' };
  },
  updateBody: phone,
};

const households: Fixture = {
  table: s.households,
  existing: (w, l) =>
    l.union === w.foreign.union ? w.foreign.household.id : (l.household ?? (villageAt(w, l) === w.qy.id ? w.hhQY : w.hhCJ)),
  deletable: async (w, l) =>
    l.remakable ? (await makeHousehold(w.db.db, await w.village(villageAt(w, l)))).id : households.existing(w, l),
  createBody: async (w, l, k) => ({ body: { village_id: villageAt(w, l), code: `H${k}`, head_name: `新户主${k}` }, marker: 'code' }),
  updateBody: phone,
};

/** People and plots: tied to a village, and to a household when they belong to one. */
const inHousehold = (table: 'people' | 'plots'): Pick<Fixture, 'existing'> => ({
  existing(w, l) {
    if (l.union === w.foreign.union) return w.foreign.ids[table];
    if (l.household === w.memberHH.id) return w[table].member;
    if (l.household === w.hhCJ || villageAt(w, l) === w.cj.id) return w[table].cj;
    return w[table].qy;
  },
});

const people: Fixture = {
  table: s.people,
  ...inHousehold('people'),
  deletable: async (w, l) => (await makePerson(w.db.db, await ownerAt(w, l))).id,
  createBody: async (w, l, k) => ({
    body: { village_id: villageAt(w, l), ...(l.household && { household_id: l.household }), name: `新人${k}`, gender: 'male' },
    marker: 'name',
  }),
  updateBody: phone,
};

const plots: Fixture = {
  table: s.plots,
  ...inHousehold('plots'),
  deletable: async (w, l) => (await makePlot(w.db.db, await ownerAt(w, l))).id,
  createBody: async (w, l, k) => ({
    body: {
      village_id: villageAt(w, l), ...(l.household ? { tenure: 'household', household_id: l.household } : { tenure: 'collective' }),
      code: `P${k}`, name: `新地${k}`, area_mu: '2.50', kind: 'greenhouse',
    },
    marker: 'code',
  }),
  updateBody: (k) => ({ location: `authz ${k}` }),
};

const buyers: Fixture = {
  table: s.buyers,
  existing: (w, l) => (l.union === w.foreign.union ? w.foreign.ids.buyers : (l.buyer ?? w.port.id)),
  deletable: async (w, l) => (l.remakable ? (await makeBuyer(w.db.db, l.union)).id : buyers.existing(w, l)),
  createBody: async (_w, _l, k) => ({ body: { code: `B${k}`, name: `新买家${k}`, kind: 'canteen' }, marker: 'code' }),
  updateBody: phone,
};

const users: Fixture = {
  table: s.users,
  existing: (w, l) => (l.union === w.foreign.union ? w.foreign.ids.users : l.self!),
  async deletable(w, l) {
    if (!l.remakable) return l.self!;
    // Never signed in, so not on the audit trail.
    const [row] = await w.db.db
      .insert(s.users)
      .values({ union_id: l.union, username: `delete.me${w.next()}`, password_hash: 'x', display_name: '待删', role: 'union_sales' })
      .returning({ id: s.users.id });
    return row.id;
  },
  createBody: async (_w, _l, k) => ({
    body: { username: `new.user${k.toLowerCase()}`, password: 'password-123', display_name: `新用户${k}`, role: 'union_sales' },
    marker: 'username',
  }),
  updateBody: phone,
  verbs: {
    'change-password': {
      body: (actor, k) => ({ current_password: actor.password, new_password: `authz-new-${k}` }),
      async landed(w, actor, { response, body, before, after }) {
        expect(response).toMatchObject({ token: expect.any(String), user: { id: actor.id } });
        expect(after.password_hash).not.toBe(before.password_hash);
        const login = await w.call(undefined, 'POST', '/api/auth/login', { username: actor.username, password: body.new_password as string });
        expect(login.statusCode, login.body).toBe(200);
        // The fresh token works; the one the change was made with no longer does.
        expect((await w.call({ ...actor, token: response.token as string }, 'GET', '/api/auth/me')).statusCode).toBe(200);
        expect((await w.call(actor, 'GET', '/api/auth/me')).statusCode).toBe(401);
      },
    },
  },
};

export const orgFixtures: Record<string, Fixture> = { unions, villages, cooperatives, households, people, plots, buyers, users };
