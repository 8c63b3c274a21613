import type { FastifyInstance } from 'fastify';
import type { Db } from '../../db/client';
import type { ConstraintFields } from './db-errors';
import type { Policies, PolicyMap } from './policy';
import type { ResourceDef } from './resource';

/** What a module's routes and services are given: nothing global, everything passed in. */
export interface ModuleDeps {
  db: Db;
  policies: Policies;
  constraints: ConstraintFields;
}

/**
 * One domain, passed to buildApp explicitly: its plain resources (served by lib/crud.*),
 * its policy (every resource it serves, generic or hand-written), the routes of its rules
 * and verbs, and the names of its database constraints that map to API fields.
 */
export interface AppModule {
  name: string;
  resources: ResourceDef[];
  policy: PolicyMap;
  /** Constraint name -> API field, for constraints whose name does not say it. */
  constraintFields?: Record<string, string>;
  /** Resources served only by the module's own routes (no generic reads either). */
  extraResources?: string[];
  routes?: (app: FastifyInstance, deps: ModuleDeps) => void;
}

/**
 * Refuses a set of modules whose resources and policies disagree: a resource nobody may
 * reach by policy is a mistake, and so is a policy for a resource nothing serves.
 */
export function checkModules(modules: readonly AppModule[]): void {
  const served = new Map<string, string>();
  const problems: string[] = [];
  for (const m of modules) {
    for (const name of [...m.resources.map((r) => r.name), ...(m.extraResources ?? [])]) {
      const other = served.get(name);
      if (other) problems.push(`resource ${name} is served by both ${other} and ${m.name}`);
      served.set(name, m.name);
    }
  }
  const policed = new Set<string>();
  for (const m of modules) {
    for (const name of Object.keys(m.policy)) {
      if (policed.has(name)) problems.push(`resource ${name} has a policy in more than one module`);
      policed.add(name);
      if (!served.has(name)) problems.push(`module ${m.name} has a policy for ${name}, which no module serves`);
    }
  }
  for (const [name, owner] of served) if (!policed.has(name)) problems.push(`resource ${name} (module ${owner}) has no policy`);
  if (problems.length) throw new Error(`Inconsistent modules:\n  ${problems.join('\n  ')}`);
}
