import { sql } from 'drizzle-orm';
import type { DbHandle } from '../../db/client';

const tables = ['unions', 'villages', 'cooperatives', 'households', 'people', 'plots', 'buyers', 'users', 'audit_log'];

/**
 * A cheap fingerprint of every business table (row count and a hash of the rows), to show
 * that a refused request left the database exactly as it was.
 */
export async function fingerprint(db: DbHandle): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const table of tables) {
    const res = await db.db.execute<{ n: number; h: string | null }>(
      sql`SELECT count(*)::int AS n, md5(string_agg(t::text, '|' ORDER BY t.id)) AS h FROM ${sql.identifier(table)} t`,
    );
    out[table] = `${res.rows[0].n}:${res.rows[0].h}`;
  }
  return out;
}
