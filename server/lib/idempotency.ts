import { createHash } from 'node:crypto';
import { and, eq, isNull, lt, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Db, DbOrTx } from '../../db/client';
import { idempotencyKeys } from '../../db/schema/index';
import { AppError, conflict, fieldError, fieldErrors, validationError } from './errors';

/**
 * `Idempotency-Key` on any authenticated write (POST, PUT, PATCH, DELETE): the key is kept
 * per user with a hash of the request. A replay with the same request returns the first
 * response (status and body) without running the write again; the same key with another
 * request answers 422; a replay while the first is still running answers 409. A request
 * that failed releases its key, so that it can be retried. Keys are kept at least 24 hours
 * (jobs/expire-idempotency-keys.ts deletes them after KEEP_HOURS).
 */

export const HEADER = 'idempotency-key';
export const KEEP_HOURS = 24;
const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
const KEY = /^[\x21-\x7e]{1,200}$/;

declare module 'fastify' {
  interface FastifyRequest {
    /** The key this request claimed, to store its response under. */
    idempotencyKey?: string;
  }
}

/** Object keys sorted, so that the same body hashes the same whatever its key order. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

export function requestHash(req: Pick<FastifyRequest, 'method' | 'url' | 'body'>): string {
  return createHash('sha256').update(`${req.method}\n${req.url}\n${canonical(req.body ?? null)}`).digest('hex');
}

/**
 * The two statements every keyed write runs, built and prepared once per database: a keyed
 * write is a hot path (a phone's harvest, a gateway's readings), and building the query each
 * time cost more than running it.
 */
function statementsOf(db: DbOrTx) {
  let s = statementCache.get(db);
  if (!s) {
    const p = (name: string) => sql.placeholder(name);
    s = {
      claim: db.insert(idempotencyKeys).values({
        user_id: p('user_id'), key: p('key'), union_id: p('union_id'), request_hash: p('request_hash'), method: p('method'), path: p('path'),
      } as never).onConflictDoNothing().returning({ key: idempotencyKeys.key }).prepare('idempotency_claim'),
      held: db.select().from(idempotencyKeys).where(and(eq(idempotencyKeys.user_id, p('user_id')), eq(idempotencyKeys.key, p('key'))))
        .prepare('idempotency_held'),
      store: db.update(idempotencyKeys).set({ status_code: p('status_code'), response: p('response'), completed_at: sql`now()` } as never)
        .where(and(eq(idempotencyKeys.user_id, p('user_id')), eq(idempotencyKeys.key, p('key')), isNull(idempotencyKeys.status_code)))
        .prepare('idempotency_store'),
    };
    statementCache.set(db, s);
  }
  return s;
}
type Prepared = { execute(v: Record<string, unknown>): Promise<unknown> };
const statementCache = new WeakMap<object, { claim: Prepared; held: Prepared; store: Prepared }>();

/** Claims the key for this request: true when it is new; otherwise the row that holds it. */
async function claim(db: DbOrTx, row: typeof idempotencyKeys.$inferInsert): Promise<{ claimed: true } | { claimed: false; held: typeof idempotencyKeys.$inferSelect }> {
  const s = statementsOf(db);
  const inserted = (await s.claim.execute(row as Record<string, unknown>)) as unknown[];
  if (inserted.length) return { claimed: true as const };
  const [held] = (await s.held.execute({ user_id: row.user_id, key: row.key })) as (typeof idempotencyKeys.$inferSelect)[];
  // Released between the two statements: claim again.
  if (!held) return claim(db, row);
  return { claimed: false as const, held };
}

export async function expireIdempotencyKeys(db: Db, hours = 2 * KEEP_HOURS): Promise<number> {
  const res = await db.delete(idempotencyKeys).where(lt(idempotencyKeys.created_at, sql`now() - make_interval(hours => ${hours})`));
  return res.rowCount ?? 0;
}

export default fp(async function idempotency(app: FastifyInstance, opts: { db: Db }) {
  const { db } = opts;
  app.decorateRequest('idempotencyKey', undefined);

  // After authentication and validation: the key belongs to a user, and a request that is
  // refused as malformed never claims one.
  app.addHook('preHandler', async (req, reply) => {
    const raw = req.headers[HEADER];
    if (raw === undefined || !WRITES.has(req.method) || !req.user) return;
    // A route whose response is a secret (a fresh token) is not stored for replays.
    if ((req.routeOptions.config as { idempotency?: boolean }).idempotency === false) return;
    const key = Array.isArray(raw) ? raw.join(',') : raw;
    if (!KEY.test(key)) {
      throw validationError(
        fieldErrors({ 'Idempotency-Key': fieldError('invalid_format', 'must be 1-200 visible ASCII characters', { format: 'idempotency_key' }) }),
        'Invalid Idempotency-Key header',
      );
    }
    const hash = requestHash(req);
    const res = await claim(db, {
      user_id: req.user.id, union_id: req.user.union_id, key, request_hash: hash, method: req.method, path: req.url.slice(0, 2048),
    });
    if (res.claimed) {
      req.idempotencyKey = key;
      return;
    }
    if (res.held.request_hash !== hash) {
      throw new AppError(422, 'IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was used for another request', fieldErrors({
        'Idempotency-Key': fieldError('key_reused', 'was used with another method, URL or body'),
      }));
    }
    if (res.held.status_code === null) {
      reply.header('retry-after', 1);
      throw conflict('IDEMPOTENCY_KEY_IN_FLIGHT', 'A request with this Idempotency-Key is still running; retry shortly');
    }
    return reply
      .code(res.held.status_code)
      .header('content-type', 'application/json; charset=utf-8')
      .header('idempotent-replayed', 'true')
      .send(res.held.response);
  });

  // Success stores the response for replays; failure releases the key (nothing was written).
  app.addHook('onSend', async (req, reply, payload) => {
    const key = req.idempotencyKey;
    if (!key) return payload;
    req.idempotencyKey = undefined;
    const where = and(eq(idempotencyKeys.user_id, req.user.id), eq(idempotencyKeys.key, key), isNull(idempotencyKeys.status_code));
    try {
      if (reply.statusCode < 400) {
        const body = typeof payload === 'string' ? payload : Buffer.isBuffer(payload) ? payload.toString('utf8') : JSON.stringify(payload ?? null);
        await statementsOf(db).store.execute({ status_code: reply.statusCode, response: body, user_id: req.user.id, key });
      } else {
        await db.delete(idempotencyKeys).where(where);
      }
    } catch (err) {
      // The write itself is done (or undone); an unrecorded key only answers 409 until it expires.
      req.log.error({ err, key }, 'could not record the idempotency key');
    }
    return payload;
  });
});
