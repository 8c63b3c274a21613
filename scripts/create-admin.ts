import { createInterface } from 'node:readline/promises';
import { eq, sql } from 'drizzle-orm';
import { unions, users } from '../db/schema/index';
import { writeAudit } from '../server/lib/audit';
import { hashPassword } from '../server/modules/auth/auth.passwords';
import { password as passwordRule, username as usernameRule } from '../server/modules/org/org.schemas';
import { die, flag, openConfiguredDb } from './cli';

// `npm run create-admin -- --username alice [--display-name 张三] [--union-code LJZH --union-name 名称]`
// The password comes from ADMIN_PASSWORD or is asked for; there is no default.

const usernameChecked = usernameRule.safeParse(flag('username') ?? die('--username is required'));
if (!usernameChecked.success) die(`--username ${usernameChecked.error.issues[0].message}`);
const username = usernameChecked.data;

async function askPassword(): Promise<string> {
  if (process.env.ADMIN_PASSWORD) return process.env.ADMIN_PASSWORD;
  if (!process.stdin.isTTY) die('Set ADMIN_PASSWORD or run in a terminal to be asked for the password.');
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  const pw = await rl.question('Password for the new administrator (min. 8 characters): ');
  rl.close();
  return pw;
}

const pw = await askPassword();
const checked = passwordRule.safeParse(pw);
if (!checked.success) die(`Password ${checked.error.issues[0].message}`);

const { handle } = await openConfiguredDb();
const db = handle.db;
const unionCode = flag('union-code', 'LJZH')!;
const [existing] = await db.select({ id: users.id }).from(users).where(eq(sql`lower(${users.username})`, username));
if (existing) die(`User ${username} already exists.`);
const passwordHash = await hashPassword(pw);
// The union (when new) and the account land together with their audit entries, or not at all.
const createdUnion = await db.transaction(async (tx) => {
  let [union] = await tx.select().from(unions).where(eq(unions.code, unionCode));
  const isNew = !union;
  const actor = () => ({ union_id: union.id, user: null, system: 'create-admin' });
  if (!union) {
    [union] = await tx.insert(unions).values({ code: unionCode, name: flag('union-name', '武汉绿江之航农业专业合作社联合社')! }).returning();
    await writeAudit(tx, actor(), { action: 'create', resource: 'unions', record_id: union.id, after: union });
  }
  const [user] = await tx.insert(users).values({
    union_id: union.id, username, password_hash: passwordHash, display_name: flag('display-name', username)!, role: 'union_admin',
  }).returning();
  await writeAudit(tx, actor(), { action: 'create', resource: 'users', record_id: user.id, after: user });
  return isNew ? union : undefined;
});
if (createdUnion) console.log(`Created union ${unionCode} (${createdUnion.name}).`);
await handle.close();
console.log(`Administrator ${username} created in union ${unionCode}.`);
