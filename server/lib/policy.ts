import { forbidden } from './errors';

export const roles = ['union_admin', 'union_sales', 'coop_manager', 'village_cadre', 'buyer', 'member'] as const;
export type Role = (typeof roles)[number];

export const scopeFields = ['cooperative_id', 'village_id', 'household_id', 'buyer_id'] as const;
export type ScopeField = (typeof scopeFields)[number];

/**
 * The scope fields each role's account carries; the others stay empty (the database checks
 * it too). Defined once here: the users service enforces it and the session hands it to
 * the console, which draws the account form from it.
 */
export const roleScopeFields: Readonly<Record<Role, readonly ScopeField[]>> = {
  union_admin: [],
  union_sales: [],
  coop_manager: ['cooperative_id', 'village_id'],
  village_cadre: ['village_id'],
  buyer: ['buyer_id'],
  member: ['household_id', 'village_id'],
};

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
export type Action = 'read' | WriteAction;

/** What one role may do with one resource: each action and each verb at a scope, or not at all. */
export interface Grant {
  read?: Scope;
  create?: Scope;
  update?: Scope;
  delete?: Scope;
  /** Non-CRUD actions, `POST /api/<resource>/:id/<verb>`, each at its own scope. */
  verbs?: Readonly<Record<string, Scope>>;
}
export type ResourcePolicy = Partial<Record<Role, Grant>>;
/** A module's policy: resource name -> role -> grant. */
export type PolicyMap = Readonly<Record<string, ResourcePolicy>>;

/** What the console needs to draw a menu and buttons that fit the role. */
export interface Rights {
  read: boolean;
  create: boolean;
  update: boolean;
  delete: boolean;
  /** The verbs the role may run on at least some records. */
  verbs: string[];
}

/**
 * The policies of the modules an app was built with. Built once per app from the modules
 * passed to buildApp: nothing is registered as a side effect of an import.
 */
export class Policies {
  private readonly byResource: ReadonlyMap<string, ResourcePolicy>;

  constructor(map: PolicyMap) {
    this.byResource = new Map(Object.entries(map));
  }

  resources(): string[] {
    return [...this.byResource.keys()];
  }

  grantOf(user: Pick<AuthUser, 'role'>, resource: string): Grant {
    return this.byResource.get(resource)?.[user.role] ?? {};
  }

  /** The scope at which the role may take the action, or undefined. */
  scopeOf(user: Pick<AuthUser, 'role'>, resource: string, action: Action): Scope | undefined {
    const scope = this.grantOf(user, resource)[action];
    // One's own row can be read and edited, never created or deleted, whatever a grant says.
    if (scope === 'self' && (action === 'create' || action === 'delete')) return undefined;
    return scope;
  }

  verbScopeOf(user: Pick<AuthUser, 'role'>, resource: string, verb: string): Scope | undefined {
    const verbs = this.grantOf(user, resource).verbs;
    return verbs && Object.hasOwn(verbs, verb) ? verbs[verb] : undefined;
  }

  /** The scope for an action, or a 403 when the role has no such right at all. */
  require(user: AuthUser, resource: string, action: Action): Scope {
    const scope = this.scopeOf(user, resource, action);
    if (!scope) throw forbidden(`Your role may not ${action} ${resource}`);
    return scope;
  }

  requireVerb(user: AuthUser, resource: string, verb: string): Scope {
    const scope = this.verbScopeOf(user, resource, verb);
    if (!scope) throw forbidden(`Your role may not ${verb} ${resource}`);
    return scope;
  }

  permissionsOf(user: Pick<AuthUser, 'role'>): Record<string, Rights> {
    const out: Record<string, Rights> = {};
    for (const resource of this.byResource.keys()) {
      const can = (a: Action) => Boolean(this.scopeOf(user, resource, a));
      const verbs = Object.keys(this.grantOf(user, resource).verbs ?? {}).sort();
      out[resource] = { read: can('read'), create: can('create'), update: can('update'), delete: can('delete'), verbs };
    }
    return out;
  }
}
