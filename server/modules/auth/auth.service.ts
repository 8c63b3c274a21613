import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { unions, users } from '../../../db/schema/index';
import { unauthorized } from '../../lib/errors';
import { roles, roleScopeFields, type AuthUser, type Policies, type Role, type ScopeField } from '../../lib/policy';
import { loadAccount, type Account } from '../../plugins/auth';
import { verifyPassword } from './auth.passwords';

/**
 * What the console keeps about the signed-in user: identity, scope, union name, rights
 * (verbs included), and the scope fields of every role, so the console copies none of it.
 */
export async function sessionOf(db: Db, policies: Policies, user: AuthUser) {
  const [union] = await db.select({ name: unions.name }).from(unions).where(eq(unions.id, user.union_id));
  return { ...user, union_name: union?.name ?? '', permissions: policies.permissionsOf(user),
    role_scope_fields: Object.fromEntries(roles.map((r) => [r, [...roleScopeFields[r]]])) as Record<Role, ScopeField[]>,
  };
}

/** Checks a username and password; the same answer for an unknown user and a wrong password. */
export async function login(db: Db, username: string, password: string, stamp: (user: { id: number; union_id: number; username: string }) => Promise<void>): Promise<Account> {
  const [row] = await db
    .select({ id: users.id, union_id: users.union_id, username: users.username, password_hash: users.password_hash, active: users.active })
    .from(users)
    .where(eq(sql`lower(${users.username})`, username.toLowerCase()));
  const ok = await verifyPassword(row?.active ? row.password_hash : undefined, password);
  if (!ok || !row) throw unauthorized('Wrong username or password');
  await stamp(row);
  const account = await loadAccount(db, row.id);
  if (!account) throw unauthorized('Wrong username or password');
  return account;
}

/**
 * The usernames among `usernames` whose password is still `password` (the demo banner prints
 * only what is true). Argon2 verification, about 50 ms each: meant for the handful of demo accounts.
 */
export async function demoAccountsStillOnPassword(db: Db, usernames: readonly string[], password: string): Promise<Set<string>> {
  if (!usernames.length) return new Set();
  const rows = await db
    .select({ username: users.username, password_hash: users.password_hash, active: users.active })
    .from(users)
    .where(inArray(users.username, [...usernames]));
  const unchanged = new Set<string>();
  for (const r of rows) if (r.active && (await verifyPassword(r.password_hash, password))) unchanged.add(r.username);
  return unchanged;
}
