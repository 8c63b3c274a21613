import { eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { unions, users } from '../../../db/schema/index';
import { unauthorized } from '../../lib/errors';
import { roles, roleScopeFields, type AuthUser, type Policies, type Role, type ScopeField } from '../../lib/policy';
import { accountColumns, accountOf, type Account } from '../../plugins/auth';
import { verifyPassword } from './auth.passwords';

/**
 * What the console keeps about the signed-in user: identity, scope, union name, rights
 * (verbs included), and the scope fields of every role, so the console copies none of it.
 */
export async function sessionOf(db: Db, policies: Policies, user: AuthUser, unionName?: string) {
  const [union] = unionName === undefined ? await db.select({ name: unions.name }).from(unions).where(eq(unions.id, user.union_id)) : [{ name: unionName }];
  return { ...user, union_name: union?.name ?? '', permissions: policies.permissionsOf(user),
    role_scope_fields: Object.fromEntries(roles.map((r) => [r, [...roleScopeFields[r]]])) as Record<Role, ScopeField[]>,
  };
}

/** Checks a username and password; the same answer for an unknown user and a wrong password. */
export async function login(
  db: Db, username: string, password: string, stamp: (user: { id: number; union_id: number; username: string }) => Promise<void>,
): Promise<Account & { unionName: string }> {
  // The account and its union's name in one read; then the stamp's transaction (begin,
  // update, audit, commit): five round trips in all, was seven. It matters while the
  // embedded database is busy.
  const [row] = await db
    .select({ ...accountColumns, union_name: unions.name })
    .from(users)
    .innerJoin(unions, eq(unions.id, users.union_id))
    .where(eq(sql`lower(${users.username})`, username.toLowerCase()));
  const ok = await verifyPassword(row?.active ? row.password_hash : undefined, password);
  const { union_name: unionName, ...columns } = row ?? {};
  const account = ok && row ? accountOf(columns as typeof row) : undefined;
  if (!account) throw unauthorized('Wrong username or password');
  await stamp(account.user);
  return { ...account, unionName };
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
  // Argon2 runs on libuv's thread pool: the checks run side by side.
  const still = await Promise.all(rows.map(async (r) => r.active && (await verifyPassword(r.password_hash, password))));
  return new Set(rows.filter((_, i) => still[i]).map((r) => r.username));
}
