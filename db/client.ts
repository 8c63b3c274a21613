import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import pg from 'pg';
import * as relations from './relations';
import * as tables from './schema/index';

const schema = { ...tables, ...relations };

/** One drizzle type for both drivers: business code never branches on the dialect. */
export type Db = NodePgDatabase<typeof schema>;
/** A transaction handle; repositories accept either a Db or a Tx. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

export interface DbHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Applies pending migrations; safe when several instances start at once. */
  migrate(): Promise<void>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /** The PGlite instance in embedded mode (tests dump and load it as a template). */
  pglite?: PGlite;
}

export interface CreateDbOptions {
  /** postgres:// URL; when absent the embedded PGlite is used. */
  databaseUrl?: string;
  /**
   * The schema owner's URL, used only to migrate; afterwards it grants the server's role
   * (DATABASE_URL's) just the rights it needs. Unset: DATABASE_URL does both.
   */
  migrationUrl?: string;
  /** Folder of the embedded database; absent means in memory. */
  pgliteDir?: string;
  /** A PGlite data-dir dump to start from (tests reuse a migrated template). */
  loadDataDir?: Blob;
  poolMax?: number;
}

// Serialises concurrent migrators across instances sharing one PostgreSQL.
const MIGRATION_LOCK_KEY = 727_001;

export async function createDb(opts: CreateDbOptions): Promise<DbHandle> {
  if (opts.databaseUrl) {
    // A database that hangs instead of refusing answers 503 after 5 s, not at the request timeout.
    const pool = new pg.Pool({ connectionString: opts.databaseUrl, max: opts.poolMax ?? 10, connectionTimeoutMillis: 5000 });
    // An idle client that errors (server restart) must not crash the process.
    pool.on('error', () => {});
    const db = drizzlePg(pool, { schema });
    return {
      db,
      kind: 'postgres',
      async migrate() {
        const separate = opts.migrationUrl && opts.migrationUrl !== opts.databaseUrl;
        // Two connections: one holds the advisory lock while the migrator uses the other.
        const ownerPool = separate ? new pg.Pool({ connectionString: opts.migrationUrl, max: 2 }) : pool;
        const client = await ownerPool.connect();
        try {
          await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
          await migratePg(separate ? drizzlePg(ownerPool, { schema }) : db, { migrationsFolder });
          if (separate) {
            const { rows } = await pool.query<{ role: string }>('SELECT current_user AS role');
            await grantRuntimeRole(client, rows[0].role);
          }
        } finally {
          await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
          client.release();
          if (separate) await ownerPool.end();
        }
      },
      ping: () => ping(db),
      async close() {
        // Requests whose client hung up still finish their queries: wait (bounded) for them.
        for (let i = 0; i < 100 && (pool.waitingCount > 0 || pool.idleCount < pool.totalCount); i++) {
          await new Promise((r) => setTimeout(r, 50));
        }
        await pool.end();
      },
    };
  }

  if (opts.pgliteDir) mkdirSync(opts.pgliteDir, { recursive: true });
  const client = await PGlite.create({
    dataDir: opts.pgliteDir,
    loadDataDir: opts.loadDataDir,
    extensions: { pg_trgm },
  });
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    pglite: client,
    async migrate() {
      await migratePglite(db as never, { migrationsFolder });
    },
    ping: () => ping(db),
    close: () => client.close(),
  };
}

/**
 * The server's role owns nothing: it reads and writes rows, uses sequences, and on the
 * audit trail may only insert and seal (it cannot alter, delete, truncate, or touch the
 * triggers and functions that guard it, which only an owner can).
 */
export async function grantRuntimeRole(client: pg.PoolClient | pg.Client, role: string): Promise<void> {
  const r = pg.escapeIdentifier(role);
  await client.query(`
    GRANT USAGE ON SCHEMA public TO ${r};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r};
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM ${r};
    GRANT UPDATE (seal, seal_prev_id) ON audit_log TO ${r};`);
}

async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`SELECT 1`);
    return true;
  } catch {
    return false;
  }
}

export function pgliteDirOf(dataDir: string): string {
  return join(dataDir, 'pglite');
}

/** The same server's URL for another database (`postgres` for CREATE/DROP DATABASE). */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
