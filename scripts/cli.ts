import { realpathSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createDb, pgliteDirOf, type DbHandle } from '../db/client';
import { parseEnv } from '../server/config';

// Shared by the command-line scripts: the same configuration rules as the server.

export function flag(name: string, fallback?: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  if (i >= 0 && process.argv[i + 1] && !process.argv[i + 1].startsWith('--')) return process.argv[i + 1];
  const eq = process.argv.find((a) => a.startsWith(`--${name}=`));
  return eq ? eq.slice(name.length + 3) : fallback;
}

/** The configured database (DATABASE_URL or the embedded one under DATA_DIR), migrated. */
export async function openConfiguredDb(): Promise<{ handle: DbHandle }> {
  const env = parseEnv(process.env, { secrets: false });
  const handle = await createDb({
    databaseUrl: env.DATABASE_URL,
    pgliteDir: env.DATABASE_URL ? undefined : pgliteDirOf(resolve(env.DATA_DIR)),
  });
  await handle.migrate();
  return { handle };
}

export function die(message: string): never {
  console.error(message);
  process.exit(1);
}

/** True when the module at `moduleUrl` is the script being run (not imported by a test or another script). */
export function isMain(moduleUrl: string): boolean {
  const entry = process.argv[1];
  if (!entry) return false;
  try {
    return realpathSync(entry) === realpathSync(fileURLToPath(moduleUrl));
  } catch {
    return false;
  }
}
