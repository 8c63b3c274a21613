import { rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { embeddedHolder, pgliteDirOf } from '../db/client';
import { parseEnv } from '../server/config';
import { die, openConfiguredDb } from './cli';
import { demoBanner, seedDemo } from './demo-seed';

// `npm run seed`: re-creates the embedded demo database from scratch. The demo's
// well-known password must never reach a real PostgreSQL, so that mode is refused.

const env = parseEnv(process.env);
if (env.DATABASE_URL) {
  die('npm run seed re-creates the embedded demo database only. On PostgreSQL use `npm run create-admin`.');
}
const dir = pgliteDirOf(resolve(env.DATA_DIR));
const holder = embeddedHolder(dir);
if (holder) die(`The embedded database ${dir} is in use by process ${holder} (a running server?): stop it before re-seeding.`);
rmSync(dir, { recursive: true, force: true });
const { handle } = await openConfiguredDb();
const seeded = await seedDemo(handle.db);
await handle.close();
console.log(`Demo union re-created in ${dir}: ${seeded.counts.households} households, ${seeded.counts.people} people, ${seeded.counts.plots} plots.`);
console.log(demoBanner(`http://localhost:${env.PORT}`));
