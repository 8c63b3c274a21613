export type Role =
  | 'union_admin'
  | 'union_sales'
  | 'coop_manager'
  | 'village_cadre'
  | 'buyer'
  | 'member';

export interface Access {
  read: boolean;
  /** May edit (at least its own rows). */
  write: boolean;
  create: boolean;
  delete: boolean;
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
  union_name: string;
}

export interface Session {
  token: string;
  expires_at: string;
  user: User;
}

/** The API's one error shape. */
export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  errors?: Record<string, string>;
}

/** react-admin's action names mapped to the server's rights; list, show and export read. */
export const canDo = (p: Permissions | undefined, resource: string, action: string): boolean => {
  const a = p?.[resource];
  if (!a) return false;
  if (action === 'create' || action === 'clone') return a.create;
  if (action === 'delete') return a.delete;
  if (action === 'edit') return a.write;
  return a.read;
};

export const canRead = (p: Permissions | undefined, resource: string): boolean => canDo(p, resource, 'read');
