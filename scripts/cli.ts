import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { createDb, pgliteDirOf, type DbHandle } from '../db/client';
import { parseEnv } from '../server/config';

// Shared by the command-line scripts: the same configuration rules as the server.

export function flag(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith('--')) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : fallback;
}

export async function openConfiguredDb(): Promise<{ handle: DbHandle; embedded: boolean; dataDir: string; fresh: boolean }> {
  const env = parseEnv(process.env);
  const dataDir = resolve(env.DATA_DIR);
  const embedded = !env.DATABASE_URL;
  const fresh = embedded && !existsSync(resolve(pgliteDirOf(dataDir), 'PG_VERSION'));
  const handle = await createDb({ databaseUrl: env.DATABASE_URL, pgliteDir: embedded ? pgliteDirOf(dataDir) : undefined });
  await handle.migrate();
  return { handle, embedded, dataDir, fresh };
}

export function die(message: string): never {
  console.error(message);
  process.exit(1);
}
