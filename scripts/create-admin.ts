import { createInterface } from 'node:readline/promises';
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { unions, users } from '../db/schema/index';
import { writeAudit } from '../server/lib/audit';
import { hashPassword } from '../server/modules/auth/auth.passwords';
import { password as passwordRule, username as usernameRule } from '../server/modules/org/org.schemas';
import { die, flag, isMain, openConfiguredDb } from './cli';

// `npm run create-admin -- --username alice [--display-name 张三] [--union-code LJZH --union-name 名称]`
// The password comes from ADMIN_PASSWORD or is asked for; there is no default.

/** A reason to refuse, printed as is (the command exits 1). */
export class Refused extends Error {}

export interface NewAdmin {
  username: string;
  password: string;
  displayName?: string;
  unionCode?: string;
  unionName?: string;
}

/** The checks made before the database is opened; returns the username as stored. */
export function checkUsername(raw: string): string {
  const checked = usernameRule.safeParse(raw);
  if (!checked.success) throw new Refused(`--username ${checked.error.issues[0].message}`);
  return checked.data;
}

export function checkPassword(pw: string): void {
  const checked = passwordRule.safeParse(pw);
  if (!checked.success) throw new Refused(`Password ${checked.error.issues[0].message}`);
}

/**
 * The command's work on an open, migrated database: the union (when new) and the account,
 * with their audit entries, in one transaction. Returns the lines to print; throws Refused.
 */
export async function createAdmin(db: Db, input: NewAdmin): Promise<string[]> {
  const { username, password: pw } = input;
  const unionCode = input.unionCode ?? 'LJZH';
  const [existing] = await db.select({ id: users.id }).from(users).where(eq(sql`lower(${users.username})`, username));
  if (existing) throw new Refused(`User ${username} already exists.`);
  const passwordHash = await hashPassword(pw);
  const createdUnion = await db.transaction(async (tx) => {
    let [union] = await tx.select().from(unions).where(eq(unions.code, unionCode));
    const isNew = !union;
    const actor = () => ({ union_id: union.id, user: null, system: 'create-admin' });
    if (!union) {
      [union] = await tx.insert(unions).values({ code: unionCode, name: input.unionName ?? '武汉绿江之航农业专业合作社联合社' }).returning();
      await writeAudit(tx, actor(), { action: 'create', resource: 'unions', record_id: union.id, after: union });
    }
    const [user] = await tx.insert(users).values({
      union_id: union.id, username, password_hash: passwordHash, display_name: input.displayName ?? username, role: 'union_admin',
    }).returning();
    await writeAudit(tx, actor(), { action: 'create', resource: 'users', record_id: user.id, after: user });
    return isNew ? union : undefined;
  });
  const lines = createdUnion ? [`Created union ${unionCode} (${createdUnion.name}).`] : [];
  return [...lines, `Administrator ${username} created in union ${unionCode}.`];
}

async function askPassword(): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  if (!process.stdin.isTTY) die('Set ADMIN_PASSWORD or run in a terminal to be asked for the password.');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const pw = await rl.question('Password for the new administrator (min. 8 characters): ');
  rl.close();
  return pw;
}

async function main() {
  const refuse = (err: unknown): never => {
    if (err instanceof Refused) die(err.message);
    throw err;
  };
  let username = '';
  try {
    username = checkUsername(flag('username') ?? die('--username is required'));
  } catch (err) {
    refuse(err);
  }
  const pw = await askPassword();
  try {
    checkPassword(pw);
  } catch (err) {
    refuse(err);
  }
  const { handle } = await openConfiguredDb();
  const input = { username, password: pw, displayName: flag('display-name'), unionCode: flag('union-code'), unionName: flag('union-name') };
  const lines = await createAdmin(handle.db, input).catch(refuse);
  // The union line is printed before the database closes, the administrator's after, as before.
  if (lines.length > 1) console.log(lines[0]);
  await handle.close();
  console.log(lines[lines.length - 1]);
}

// Run as a command (tsx scripts/create-admin.ts); imported by the tests, it only exports.
if (isMain(import.meta.url)) await main();
