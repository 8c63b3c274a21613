import { eq, sql } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { LightMyRequestResponse } from 'fastify';
import { expect } from 'vitest';
import { EXACT_COUNT_CAP } from '../../server/lib/list-query';
import { resources, type Role, type Target } from '../authz-matrix';
import { listUrl, totalOf } from '../helpers/app';
import { auditFixtures } from './audit.fixtures';
import { levelOf, levelsOf, routeOf, type Case } from './cases';
import { orgFixtures } from './org.fixtures';
import { productionFixtures, storageFixtures } from './production.fixtures';
import { salesFixtures } from './sales.fixtures';
import { traceFixtures } from './trace.fixtures';
import { neighbourOf, valueOf, type Actor, type Fixture, type Locus, type Rec, type World } from './world';

// Runs one case against an app: a plain async function, so that the matrix test runs each
// case as a test and the mutation test runs them all against an app with a widened policy.

/** The records of every module's resources. */
export const fixtures: Record<string, Fixture> = { ...orgFixtures, ...auditFixtures, ...productionFixtures, ...storageFixtures, ...traceFixtures, ...salesFixtures };

export interface Outcome {
  case: Case;
  ok: boolean;
  error?: unknown;
}

export async function runCase(w: World, c: Case): Promise<Outcome> {
  try {
    await exec(w, c);
    return { case: c, ok: true };
  } catch (error) {
    return { case: c, ok: false, error };
  }
}

/** One after another: lists count their rows, which a concurrent write would disturb. */
export async function runCases(w: World, cs: readonly Case[]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const c of cs) out.push(await runCase(w, c));
  return out;
}

/**
 * Where the target lies for this caller: in their own value of the innermost scope they
 * share with the resource (own) or a neighbouring one (other), and in their own value of
 * every scope further out.
 */
export function locusOf(w: World, res: string, role: Role, actor: Actor, target: Target): Locus {
  const level = levelOf(res, role);
  const levels = levelsOf(res);
  const l: Locus = { union: actor.union_id, remakable: !(target === 'own' && resources[res].ties[level] === 'id') };
  for (const s of levels.slice(levels.indexOf(level))) l[s] = valueOf(actor, s);
  if (target === 'other') l[level] = neighbourOf(w, actor, level);
  return l;
}

type Table = PgTable & { id: AnyPgColumn };

interface State {
  /** The target row as JSON, or null when there is none. */
  row: Rec | null;
  /** The resource's rows and the audit trail's: a refused request adds or removes none. */
  n: number;
  audit: number;
}

/** What a request could change, in one round trip. */
async function stateOf(w: World, table: PgTable, id: number | null): Promise<State> {
  const [st] = await w.query<State>(sql`SELECT (SELECT to_jsonb(t) FROM ${table} t WHERE t.id = ${id}) AS row,
    (SELECT count(*)::int FROM ${table}) AS n, (SELECT count(*)::int FROM audit_log) AS audit`);
  return st;
}

function refused(r: LightMyRequestResponse, status: number) {
  const body = r.json();
  expect(body).toMatchObject({ statusCode: status });
  expect(body).not.toHaveProperty('id');
}

const visible = (body: Rec) => Object.fromEntries(Object.entries(body).filter(([key]) => key !== 'password'));

async function exec(w: World, c: Case): Promise<void> {
  const f = fixtures[c.res];
  const table = f.table as Table;
  const role: Role = c.who === 'anon' ? 'admin' : c.who;
  // Changing one's own password or deleting one's own account ends the session the other
  // cases use: where the grid lets it through, the case runs as an account made for it.
  const ownSession = c.target === 'own' && levelOf(c.res, role) === 'self' && (c.verb || c.action === 'delete') && c.status < 300;
  const actor = c.who === 'anon' ? undefined : ownSession ? await w.freshActor(c.who) : w.actors[c.who];
  const [method, path] = routeOf(c);
  const k = w.next();

  if (c.action === 'list') {
    const r = await w.call(actor, 'GET', listUrl(c.res, { range: [0, 99] }));
    expect(r.statusCode, r.body).toBe(c.status);
    if (c.status !== 200) return refused(r, c.status);
    const ties = resources[c.res].ties;
    const column = ties[c.sees!]!;
    const value = valueOf(actor!, c.sees!);
    const rows = r.json() as Rec[];
    expect(rows.length).toBeGreaterThan(0);
    for (const x of rows) {
      expect(x[column], `${c.res} #${String(x.id)}.${column}`).toBe(value);
      expect(x[ties.union!], `${c.res} #${String(x.id)}.${ties.union}`).toBe(actor!.union_id);
    }
    const [{ n }] = await w.query<{ n: number }>(
      sql`SELECT count(*)::int AS n FROM ${table} WHERE ${sql.identifier(ties.union!)} = ${actor!.union_id} AND ${sql.identifier(column)} = ${value}`,
    );
    // Past the cap the server may answer the planner's estimate instead of counting.
    if (n <= EXACT_COUNT_CAP) expect(totalOf(r)).toBe(n);
    else expect(totalOf(r)).toBeGreaterThan(EXACT_COUNT_CAP);
    return;
  }

  const l = locusOf(w, c.res, role, actor ?? w.actors.admin, c.target!);

  if (c.action === 'create') {
    const { body, marker, match } = await f.createBody(w, l, k);
    const before = await stateOf(w, table, null);
    const r = await w.call(actor, 'POST', path, c.body ?? body);
    expect(r.statusCode, r.body).toBe(c.status);
    const column = marker && (table as unknown as Record<string, AnyPgColumn>)[marker];
    const found = column ? ((await w.db.db.select().from(table).where(eq(column, body[marker!]))) as Rec[]) : [];
    if (c.status === 201) {
      expect(r.json()).toMatchObject({ id: expect.any(Number), [marker!]: body[marker!] });
      expect(found.map((x) => x.id)).toEqual([r.json().id]);
      expect(found[0]).toMatchObject(match ?? visible(body));
    } else {
      refused(r, c.status);
      expect(found).toEqual([]);
      expect(await stateOf(w, table, null)).toEqual(before);
    }
    return;
  }

  const verb = c.verb ? f.verbs![c.action] : undefined;
  const id = c.action === 'delete' ? await f.deletable(w, l) : (verb?.existing ?? f.existing)(w, l);
  // A read that is let through changes nothing and shows the row; every other case looks
  // at what the request could have changed.
  const watch = c.action !== 'get' || c.status !== 200;
  const before = watch ? await stateOf(w, table, id) : undefined;
  if (watch) expect(before!.row, `${c.res} #${id}`).not.toBeNull();
  const body = c.body ?? (verb ? verb.body(actor ?? w.actors.admin, k) : c.action === 'update' ? f.updateBody(k) : undefined);
  // An update carries the version it read, as react-admin sends it: without one it is refused.
  const sent = c.action === 'update' && !verb && before?.row ? { ...body, version: before.row.version } : body;
  const r = await w.call(actor, method, path.replace(':id', String(id)), sent);
  expect(r.statusCode, r.body).toBe(c.status);
  if (!watch) {
    expect(r.json().id).toBe(id);
    return;
  }
  const after = await stateOf(w, table, id);
  if (c.status >= 300) {
    refused(r, c.status);
    expect(after).toEqual(before);
  } else if (verb) {
    await verb.landed(w, actor!, { response: r.json(), body: body!, before: before!.row!, after: after.row! });
  } else if (c.action === 'update') {
    expect(r.json()).toMatchObject({ id, ...visible(body!), version: Number(before!.row!.version) + 1 });
    expect(after.row).toMatchObject(visible(body!));
  } else {
    expect(after.row).toBeNull();
  }
}
