import { forbidden } from './errors';

export const roles = ['union_admin', 'union_sales', 'coop_manager', 'village_cadre', 'buyer', 'member'] as const;
export type Role = (typeof roles)[number];

/** The signed-in user as every service sees it: identity plus the scope its role carries. */
export interface AuthUser {
  id: number;
  union_id: number;
  username: string;
  display_name: string;
  role: Role;
  cooperative_id: number | null;
  village_id: number | null;
  household_id: number | null;
  buyer_id: number | null;
}

/**
 * How far a role reaches into a resource:
 * union (every row of the union), village (rows of the user's village), household (the
 * user's household), buyer (the user's buyer organisation), self (the user's own row).
 */
export type Scope = 'union' | 'village' | 'household' | 'buyer' | 'self';
export type WriteAction = 'create' | 'update' | 'delete';
export interface Grant {
  read?: Scope;
  write?: Scope;
  /** Which writes `write` allows; all three when absent (a cadre may edit, not delete, a village). */
  actions?: readonly WriteAction[];
}
export type ResourcePolicy = Partial<Record<Role, Grant>>;

const policies = new Map<string, ResourcePolicy>();

/** Each module declares who may read and write its resources, in one place. */
export function definePolicy(resource: string, policy: ResourcePolicy) {
  policies.set(resource, policy);
}

export function grantOf(user: AuthUser, resource: string): Grant {
  return policies.get(resource)?.[user.role] ?? {};
}

function allows(g: Grant, action: 'read' | WriteAction): Scope | undefined {
  if (action === 'read') return g.read;
  // One's own row can be edited, never created or deleted, whatever a grant says.
  if (g.write === 'self' && action !== 'update') return undefined;
  return g.write && (g.actions ?? ['create', 'update', 'delete']).includes(action) ? g.write : undefined;
}

/** The scope for an action, or a 403 when the role has no such right at all. */
export function requireScope(user: AuthUser, resource: string, action: 'read' | WriteAction): Scope {
  const scope = allows(grantOf(user, resource), action);
  if (!scope) throw forbidden(`Your role may not ${action} ${resource}`);
  return scope;
}

/** What the console needs to draw a menu that fits the role. */
export interface Rights {
  read: boolean;
  /** May edit at least its own rows (the console shows Edit). */
  write: boolean;
  create: boolean;
  delete: boolean;
}
export function permissionsOf(user: AuthUser): Record<string, Rights> {
  const out: Record<string, Rights> = {};
  for (const [resource, policy] of policies) {
    const g = policy[user.role] ?? {};
    const can = (a: 'read' | WriteAction) => Boolean(allows(g, a));
    out[resource] = { read: can('read'), write: can('update'), create: can('create'), delete: can('delete') };
  }
  return out;
}
