import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { unions, users } from '../../../db/schema/index';
import { unauthorized } from '../../lib/errors';
import { permissionsOf, type AuthUser } from '../../lib/policy';
import { loadAccount, type Account } from '../../plugins/auth';
import { verifyPassword } from './auth.passwords';

/** What the console keeps about the signed-in user: identity, scope, union name and rights. */
export async function sessionOf(db: Db, user: AuthUser) {
  const [union] = await db.select({ name: unions.name }).from(unions).where(eq(unions.id, user.union_id));
  return { ...user, union_name: union?.name ?? '', permissions: permissionsOf(user) };
}

/** Checks a username and password; the same answer for an unknown user and a wrong password. */
export async function login(db: Db, username: string, password: string): Promise<Account> {
  const [row] = await db
    .select({ id: users.id, password_hash: users.password_hash, active: users.active })
    .from(users)
    .where(eq(sql`lower(${users.username})`, username.toLowerCase()));
  const ok = await verifyPassword(row?.active ? row.password_hash : undefined, password);
  if (!ok || !row) throw unauthorized('Wrong username or password');
  await db.update(users).set({ last_login_at: sql`now()` }).where(eq(users.id, row.id));
  const account = await loadAccount(db, row.id);
  if (!account) throw unauthorized('Wrong username or password');
  return account;
}
