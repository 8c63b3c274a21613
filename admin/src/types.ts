/**
 * A role name. The roles themselves (and the scope each carries) are defined once, on the
 * server, and reach the console in the session as `user.role_scope_fields`.
 */
export type Role = string;

/** The scope columns an account may carry, as the server names them. */
export type ScopeField = 'cooperative_id' | 'village_id' | 'household_id' | 'buyer_id';

export interface Access {
  read: boolean;
  create: boolean;
  /** May edit (at least its own rows). */
  update: boolean;
  delete: boolean;
  /** The non-CRUD actions (`POST /api/<resource>/:id/<verb>`) the role may run, e.g. 'change-password'. */
  verbs: string[];
}

/** Resource name -> what the signed-in user may do with it, as computed by the server. */
export type Permissions = Record<string, Access>;

export interface User {
  id: number;
  username: string;
  display_name: string;
  role: Role;
  union_id: number;
  cooperative_id: number | null;
  village_id: number | null;
  household_id: number | null;
  buyer_id: number | null;
  permissions: Permissions;
  /** Role -> the scope fields its accounts carry (the keys are every role there is). */
  role_scope_fields: Record<Role, ScopeField[]>;
  union_name: string;
}

export interface Session {
  token: string;
  expires_at: string;
  user: User;
}

/** One field's error code and the values its message refers to (server/lib/errors.ts, FIELD_ERROR_CODES). */
export interface ApiFieldErrorCode {
  code: string;
  params?: Record<string, string | number>;
}

/** The API's one error shape: `errors` (field -> English message) and `error_codes` have the same keys. */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  errors?: Record<string, string>;
  error_codes?: Record<string, ApiFieldErrorCode>;
}

/** react-admin's action names mapped to the server's rights; list, show and export read. */
export const canDo = (p: Permissions | undefined, resource: string, action: string): boolean => {
  const a = p?.[resource];
  if (!a) return false;
  if (action === 'create' || action === 'clone') return a.create === true;
  if (action === 'delete') return a.delete === true;
  if (action === 'edit') return a.update === true;
  return a.read === true;
};

export const canRead = (p: Permissions | undefined, resource: string): boolean => canDo(p, resource, 'read');

/** Whether the role may run a verb of the resource (on at least some records), for verb buttons. */
export const canRun = (p: Permissions | undefined, resource: string, verb: string): boolean =>
  Array.isArray(p?.[resource]?.verbs) && p[resource].verbs.includes(verb);
