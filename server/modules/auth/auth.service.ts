import { eq, sql } from 'drizzle-orm';
import type { Db } from '../../../db/client';
import { users } from '../../../db/schema/index';
import { unauthorized } from '../../lib/errors';
import { permissionsOf, type AuthUser } from '../../lib/policy';
import { loadAuthUser } from '../../plugins/auth';
import { verifyPassword } from './auth.passwords';

export function sessionOf(user: AuthUser) {
  return { ...user, permissions: permissionsOf(user) };
}

/** Checks a username and password; the same answer for an unknown user and a wrong password. */
export async function login(db: Db, username: string, password: string): Promise<AuthUser> {
  const [row] = await db
    .select({ id: users.id, password_hash: users.password_hash, active: users.active })
    .from(users)
    .where(eq(sql`lower(${users.username})`, username.toLowerCase()));
  const ok = await verifyPassword(row?.active ? row.password_hash : undefined, password);
  if (!ok || !row) throw unauthorized('Wrong username or password');
  await db.update(users).set({ last_login_at: sql`now()` }).where(eq(users.id, row.id));
  const user = await loadAuthUser(db, row.id);
  if (!user) throw unauthorized('Wrong username or password');
  return user;
}
