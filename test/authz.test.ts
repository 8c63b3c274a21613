import { eq } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppModule } from '../server/lib/module';
import type { Grant, Role } from '../server/lib/policy';
import { resources } from './authz-matrix';
import { cases, parseGrid } from './authz/cases';
import { fixtures, locusOf, runCase, runCases } from './authz/run';
import { buildWorld, withApp, type Rec, type World } from './authz/world';
import { appModules } from '../server/modules/index';
import { buildTestApp, createTestApp, listUrl, totalOf, type TestContext } from './helpers/app';

// The authorisation matrix: every case test/authz/cases.ts derives from the grid of
// test/authz-matrix.ts (plus the exceptions kept there by hand), run by test/authz/run.ts
// against one app; then the same cases against an app whose policy grants one thing too
// many, which they must catch.

let t: TestContext;
let w: World;

beforeAll(async () => {
  t = await createTestApp();
  w = await buildWorld(t.app, t.db);
});
afterAll(() => t?.close());

async function snapshot(res: string, id: number): Promise<Rec | undefined> {
  const table = fixtures[res].table as PgTable & { id: AnyPgColumn };
  const [row] = await t.db.db.select().from(table).where(eq(table.id, id));
  return row as Rec | undefined;
}

describe('authorisation matrix', () => {
  it('has a grid row and fixtures for every resource the modules serve, and one case per name', () => {
    const served = appModules.flatMap((m) => [...m.resources.map((r) => r.name), ...(m.extraResources ?? [])]).sort();
    expect(Object.keys(resources).sort()).toEqual(served);
    expect(Object.keys(fixtures).sort()).toEqual(served);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it('refuses a grid cell no account could hold', () => {
    const head = 'resource | admin | sales | manager | cadre | buyer | member';
    const rest = Object.keys(resources).filter((r) => r !== 'villages').map((r) => `${r} | - | - | - | - | - | -`);
    const gridWith = (villages: string) => [head, `villages | ${villages}`, ...rest].join('\n');
    expect(() => parseGrid(gridWith('R:union | - | R:village | - | - | -'))).not.toThrow();
    expect(() => parseGrid(gridWith('R:village | - | - | - | - | -'))).toThrow('the role has no village');
    expect(() => parseGrid(gridWith('- | - | - | - | R:buyer | -'))).toThrow('villages cannot be reached by scope buyer');
    expect(() => parseGrid(gridWith('RX:union | - | - | - | - | -'))).toThrow('cannot read');
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const outcome = await runCase(w, c);
    if (!outcome.ok) throw outcome.error;
  });
});

/** The server's modules with exactly one grant widened. */
function widen(resource: string, role: Role, grant: Grant): readonly AppModule[] {
  return appModules.map((m) =>
    resource in m.policy ? { ...m, policy: { ...m.policy, [resource]: { ...m.policy[resource], [role]: { ...m.policy[resource][role], ...grant } } } } : m,
  );
}

describe('scope holds beyond the matrix', () => {
  it('a scoped writer cannot move a record out of their village', async () => {
    for (const [who, res] of [['manager', 'households'], ['cadre', 'people'], ['manager', 'plots'], ['manager', 'cooperatives']] as const) {
      const id = fixtures[res].existing(w, locusOf(w, res, who, w.actors[who], 'own'));
      const before = await snapshot(res, id);
      const r = await w.call(w.actors[who], 'PUT', `/api/${res}/${id}`, { village_id: w.qy.id, version: before!.version });
      expect(r.statusCode, `${who} ${res}: ${r.body}`).toBe(403);
      expect(await snapshot(res, id)).toEqual(before);
    }
  });

  it('nobody widens their own account', async () => {
    const member = w.actors.member;
    for (const change of [{ role: 'union_admin' }, { household_id: w.hhQY }, { active: false }, { username: 'boss' }]) {
      const before = await snapshot('users', member.id);
      const r = await w.call(member, 'PUT', `/api/users/${member.id}`, { ...change, version: before!.version });
      expect([400, 403], `${JSON.stringify(change)}: ${r.body}`).toContain(r.statusCode);
      expect(await snapshot('users', member.id)).toEqual(before);
    }
  });

  it('filters narrow a scoped list, they never widen it', async () => {
    const r = await w.call(w.actors.member, 'GET', listUrl('people', { filter: { village_id: w.cj.id }, range: [0, 99] }));
    expect(r.statusCode).toBe(200);
    expect(new Set(r.json().map((p: Rec) => p.household_id))).toEqual(new Set([w.memberHH.id]));
    const other = await w.call(w.actors.manager, 'GET', listUrl('households', { filter: { village_id: w.qy.id } }));
    expect(other.json()).toEqual([]);
    expect(totalOf(other)).toBe(0);
    const byId = await w.call(w.actors.manager, 'GET', listUrl('households', { filter: { id: [w.hhCJ, w.hhQY] } }));
    expect(byId.json().map((h: Rec) => h.id)).toEqual([w.hhCJ]);
  });

  it.each(Object.keys(resources).filter((r) => r !== 'audit-log'))('the administrator cannot reach %s of another union', async (res) => {
    const id = w.foreign.ids[res];
    const before = await snapshot(res, id);
    for (const [method, body] of [['GET'], ['PUT', { ...fixtures[res].updateBody(w.next()), version: before!.version }], ['DELETE']] as const) {
      const r = await w.call(w.actors.admin, method, `/api/${res}/${id}`, body);
      // An append-only resource refuses PUT and DELETE of any record alike, revealing nothing.
      expect(r.statusCode, `${method}: ${r.body}`).toBe(method !== 'GET' && resources[res].appendOnly ? 405 : 404);
    }
    expect(await snapshot(res, id)).toEqual(before);
    // A resource without a list (trace) has nothing more to show.
    if (!resources[res].ops.includes('list')) return;
    const list = await w.call(w.actors.admin, 'GET', listUrl(res, { range: [0, 99], filter: { id: [id] } }));
    expect(list.json()).toEqual([]);
  });
});

// Last in the file: the widened app shares the database, and whatever its extra grant lets
// through stays there (the one below lets nothing through: the village is still in use).
describe('the matrix catches a policy that grants too much', () => {
  it('a manager may delete their village: the cases of that grant fail, and only they', async () => {
    const mutant = await buildTestApp(t.db, { modules: widen('villages', 'coop_manager', { delete: 'village' }) });
    try {
      const outcomes = await runCases(withApp(mutant, w), cases);
      const failed = outcomes.filter((o) => !o.ok).map((o) => o.case.name);
      expect(failed).toEqual(['manager DELETE /api/villages/:id [own] → 403', 'manager DELETE /api/villages/:id [other] → 403']);
    } finally {
      await mutant.close();
    }
  });

  it('a member may read their village\'s harvest lots: the cases of that grant fail, and only they', async () => {
    const mutant = await buildTestApp(t.db, { modules: widen('harvest-lots', 'member', { read: 'village' }) });
    try {
      const outcomes = await runCases(withApp(mutant, w), cases.filter((c) => c.res === 'harvest-lots' || c.res === 'plantings'));
      const failed = outcomes.filter((o) => !o.ok).map((o) => o.case.name);
      expect(failed).toEqual(['member GET /api/harvest-lots → 200 (household)', 'member GET /api/harvest-lots/:id [other] → 404']);
    } finally {
      await mutant.close();
    }
  });
});
