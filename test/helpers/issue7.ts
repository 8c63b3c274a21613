import { sql, type SQL } from 'drizzle-orm';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { DbHandle } from '../../db/client';
import { today as unionToday } from '../../server/lib/dates';
import { plusDays } from './factories';

// Shared by the production and storage tests (issue 7): calls, dates, decimals, and direct reads.

export type Rec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export type Api = (
  token: string, method: string, url: string, payload?: unknown, headers?: Record<string, string>,
) => Promise<LightMyRequestResponse>;

export const apiOf =
  (app: FastifyInstance): Api =>
  (token, method, url, payload, headers = {}) =>
    app.inject({ method: method as never, url, payload: payload as never, headers: { authorization: `Bearer ${token}`, ...headers } });

/** Today in the union's time zone, and a day relative to it. */
export const today = (): string => unionToday();
export const day = (offset: number): string => plusDays(today(), offset);
export const compact = (date: string): string => date.replaceAll('-', '');

/** A decimal as a canonical string ("12.50" and 12.5 both "12.5"; 0.30000000000000004 stays itself). */
export const dec = (v: unknown): string => {
  const s = String(v);
  return s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s;
};

export async function rows<T = Rec>(db: DbHandle, q: SQL): Promise<T[]> {
  return (await db.db.execute(q)).rows as T[];
}

export async function countOf(db: DbHandle, table: string, where: SQL = sql`true`): Promise<number> {
  const [r] = await rows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)} WHERE ${where}`);
  return Number(r.n);
}

/** Every row of the tables a request could write, for "nothing was written" checks. */
export async function snapshotOf(db: DbHandle, tables: string[]): Promise<Record<string, Rec[]>> {
  const out: Record<string, Rec[]> = {};
  for (const t of tables) out[t] = await rows(db, sql`SELECT to_jsonb(x) AS j FROM ${sql.identifier(t)} x ORDER BY 1`);
  return out;
}

/** The error shape's field entry: `error_codes[field]`. */
export const fieldCode = (res: LightMyRequestResponse, field: string): Rec | undefined => res.json().error_codes?.[field];
