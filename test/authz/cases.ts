import {
  exceptions, grid, ops, resources, roles, scopes, tiedTo, type Exception, type Op, type Role, type Scope, type Target, type Who,
} from '../authz-matrix';

// Turns the grid of test/authz-matrix.ts into HTTP cases, each with the status the scope
// semantics give it. Pure: no database, no app; test/authz/run.ts runs a case.

export interface Grant {
  read?: Scope;
  create?: Scope;
  update?: Scope;
  delete?: Scope;
  verbs: Record<string, Scope>;
}
export type Grid = Record<string, Record<Role, Grant>>;

export interface Case {
  name: string;
  who: Who;
  res: string;
  /** An operation, or (when `verb`) a verb of the resource. */
  action: Op | string;
  verb: boolean;
  /** A record inside the caller's scope or just outside it; lists have none. */
  target?: Target;
  status: number;
  /** For a 200 list: the scope every row lies in, and that the total counts. */
  sees?: Scope;
  /** Hand-kept cases only: the request body. */
  body?: Record<string, unknown>;
  /** Hand-kept cases only: why the grid cannot say it. */
  why?: string;
}

const rank: Record<Scope, number> = { self: 0, household: 1, village: 2, buyer: 2, union: 3 };
const letters = { R: 'read', C: 'create', U: 'update', D: 'delete' } as const;

/** The scopes a resource's rows can be reached by, innermost first. */
export const levelsOf = (res: string): Scope[] => scopes.filter((s) => s in resources[res].ties);
/** The scopes an account of the role has a value for, innermost first. */
export const reachOf = (role: Role): Scope[] => scopes.filter((s) => s === 'self' || s === 'union' || tiedTo[role].includes(s));

/**
 * The innermost scope the role and the resource share: "own" records lie in the caller's
 * value of it, "other" records in a neighbouring value (inside every scope further out).
 * For the union it is another union.
 */
export function levelOf(res: string, role: Role): Scope {
  const reach = reachOf(role);
  return levelsOf(res).find((s) => reach.includes(s))!;
}

/** Whether a record at the target lies within the scope (the scope is one the role and resource share). */
function within(scope: Scope | undefined, target: Target, level: Scope): boolean {
  if (!scope) return false;
  return target === 'own' ? rank[scope] >= rank[level] : rank[scope] > rank[level];
}

export function parseGrid(text: string): Grid {
  const [head, ...rows] = text
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => l.split('|').map((c) => c.trim()));
  const cols = head.slice(1) as Role[];
  if (head[0] !== 'resource' || [...cols].sort().join() !== [...roles].sort().join()) throw new Error(`grid header: ${head.join(' | ')}`);
  const out: Grid = {};
  const seen = new Set<string>();
  for (const [name, ...cells] of rows) {
    const [res, verb, extra] = name.split('/');
    const where = `grid row ${name}`;
    if (!resources[res] || extra !== undefined) throw new Error(`${where}: no such resource`);
    if (seen.has(name)) throw new Error(`${where}: twice`);
    seen.add(name);
    if (cells.length !== cols.length) throw new Error(`${where}: ${cells.length} cells for ${cols.length} roles`);
    out[res] ??= Object.fromEntries(roles.map((r) => [r, { verbs: {} }])) as Record<Role, Grant>;
    cells.forEach((cell, i) => {
      const role = cols[i];
      const grant = out[res][role];
      const scopeOf = (s: string): Scope => {
        if (!levelsOf(res).includes(s as Scope)) throw new Error(`${where}, ${role}: ${res} cannot be reached by scope ${s}`);
        if (!reachOf(role).includes(s as Scope)) throw new Error(`${where}, ${role}: the role has no ${s}`);
        return s as Scope;
      };
      if (cell === '-') return;
      if (verb) {
        grant.verbs[verb] = scopeOf(cell);
        return;
      }
      for (const term of cell.split(/\s+/)) {
        const m = /^([RCUD]+):(\w+)$/.exec(term);
        if (!m) throw new Error(`${where}, ${role}: cannot read "${term}"`);
        for (const ch of m[1]) {
          const action = letters[ch as keyof typeof letters];
          if (grant[action]) throw new Error(`${where}, ${role}: ${ch} twice`);
          grant[action] = scopeOf(m[2]);
        }
      }
    });
  }
  for (const res of Object.keys(resources)) if (!seen.has(res)) throw new Error(`grid: no row for ${res}`);
  return out;
}

const verbsOf = (g: Grid, res: string) => [...new Set(roles.flatMap((r) => Object.keys(g[res][r].verbs)))].sort();

export function routeOf(c: Pick<Case, 'res' | 'action' | 'verb'>): [method: string, path: string] {
  const base = `/api/${c.res}`;
  if (c.verb) return ['POST', `${base}/:id/${c.action}`];
  return ({ list: ['GET', base], get: ['GET', `${base}/:id`], create: ['POST', base], update: ['PUT', `${base}/:id`], delete: ['DELETE', `${base}/:id`] } as const)[
    c.action as Op
  ] as [string, string];
}

export function nameOf(c: Omit<Case, 'name'>): string {
  const [method, path] = routeOf(c);
  const target = c.target ? ` [${c.target}]` : '';
  const sees = c.sees ? ` (${c.sees})` : '';
  const body = c.body ? ` ${JSON.stringify(c.body)}` : '';
  return `${c.who} ${method} ${path}${target}${body} → ${c.status}${sees}`;
}

/**
 * The targets a create can aim at: a new row can sit in one's own village or household
 * (and a neighbouring one), but a new village, household, buyer or account is never one's own.
 */
function createTargets(res: string, role: Role): Target[] {
  const level = levelOf(res, role);
  if (resources[res].ties[level] === 'id') return ['other'];
  // A new row always lands in one's own union.
  return level === 'union' ? ['own'] : ['own', 'other'];
}

/** The status the scope semantics give one request. */
function expected(g: Grid, who: Who, res: string, action: string, verb: boolean, target: Target | undefined): { status: number; sees?: Scope } {
  const served = verb || resources[res].ops.includes(action as Op);
  const refusedAsWritten = !served && resources[res].appendOnly && (action === 'update' || action === 'delete');
  if (refusedAsWritten) return { status: who === 'anon' ? 401 : 405 };
  if (!served) return { status: 404 };
  if (who === 'anon') return { status: 401 };
  const grant = g[res][who];
  const level = levelOf(res, who);
  const read = grant.read;
  if (action === 'list') return read ? { status: 200, sees: read } : { status: 403 };
  const t = target!;
  if (action === 'get') return { status: !read ? 403 : !within(read, t, level) ? 404 : 200 };
  if (action === 'create') {
    const create = grant.create === 'self' ? undefined : grant.create;
    if (create && !within(create, t, level) && resources[res].placedByReference) return { status: 400 };
    return { status: create && within(create, t, level) ? 201 : 403 };
  }
  const write = verb ? grant.verbs[action] : action === 'delete' && grant.delete === 'self' ? undefined : grant[action as 'update' | 'delete'];
  // No right at all is 403; a record one cannot read is 404 (ids reveal nothing); one that
  // one reads but may not write is 403.
  if (!write || !read) return { status: 403 };
  if (!within(read, t, level)) return { status: 404 };
  return { status: within(write, t, level) ? 200 : 403 };
}

export function generate(g: Grid): Case[] {
  const out: Case[] = [];
  for (const res of Object.keys(resources)) {
    const actions = [...ops.map((a) => [a, false] as const), ...verbsOf(g, res).map((v) => [v, true] as const)];
    for (const who of [...roles, 'anon'] as const) {
      for (const [action, verb] of actions) {
        const served = verb || resources[res].ops.includes(action as Op);
        const targets: (Target | undefined)[] =
          action === 'list' ? [undefined]
          : who === 'anon' || !served ? ['own']
          : action === 'create' ? createTargets(res, who)
          : ['own', 'other'];
        for (const target of targets) {
          const c = { who, res, action, verb, target, ...expected(g, who, res, action, verb, target) };
          out.push({ ...c, name: nameOf(c) });
        }
      }
    }
  }
  return out;
}

/** The generated cases with the hand-kept exceptions applied: each replaces its generated case, or is added. */
export function applyExceptions(generated: Case[], kept: readonly Exception[]): Case[] {
  const out = [...generated];
  for (const e of kept) {
    const verb = !(ops as readonly string[]).includes(e.action);
    const c = { who: e.who, res: e.res, action: e.action, verb, target: e.target, status: e.status, body: e.body, why: e.why };
    if (e.body) {
      out.push({ ...c, name: nameOf(c) });
      continue;
    }
    const i = out.findIndex((x) => x.who === e.who && x.res === e.res && x.action === e.action && x.target === e.target && !x.body);
    if (i < 0) throw new Error(`exception ${e.who} ${e.res} ${e.action} ${e.target} matches no generated case`);
    if (out[i].status === e.status) throw new Error(`exception ${out[i].name} says what the grid already says`);
    out[i] = { ...c, name: nameOf(c) };
  }
  return out;
}

export const parsedGrid = parseGrid(grid);
export const generatedCases = generate(parsedGrid);
export const cases = applyExceptions(generatedCases, exceptions);
