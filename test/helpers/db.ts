import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inject } from 'vitest';
import { createDb, type DbHandle } from '../../db/client';
import { adminUrl, withDatabase } from './pg';

/**
 * A database of its own for one test file, copied from the migrated and seeded template:
 * PGlite in memory by default, a new PostgreSQL database when DATABASE_URL is set.
 */
export async function createTestDb(): Promise<DbHandle> {
  const url = process.env.DATABASE_URL;
  if (!url) {
    const tar = readFileSync(inject('pgliteTemplate'));
    return createDb({ loadDataDir: tar });
  }
  const name = `coop_test_${randomBytes(6).toString('hex')}`;
  const admin = await createDb({ databaseUrl: adminUrl(url), poolMax: 1 });
  try {
    await admin.db.execute(`CREATE DATABASE ${name} TEMPLATE ${inject('pgTemplate')}` as never);
  } finally {
    await admin.close();
  }
  const handle = await createDb({ databaseUrl: withDatabase(url, name), poolMax: 5 });
  return {
    ...handle,
    async close() {
      await handle.close();
      const a = await createDb({ databaseUrl: adminUrl(url), poolMax: 1 });
      await a.db.execute(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)` as never).catch(() => {});
      await a.close();
    },
  };
}
