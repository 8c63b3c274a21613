import { createHash } from 'node:crypto';
import jwt from '@fastify/jwt';
import { eq, sql } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Db, DbHandle, Listener } from '../../db/client';
import { bumpWriteGeneration, onAccountChange, setChangesLive } from '../lib/changes';
import { users } from '../../db/schema/index';
import { unauthorized } from '../lib/errors';
import type { AuthUser } from '../lib/policy';

/**
 * sub: user id; uid: union id; pv: fingerprint of the password the token was issued under;
 * auth_time: when the session began (sign-in, seconds), kept by every refresh.
 */
interface TokenPayload {
  sub: string;
  uid: number;
  pv: string;
  auth_time?: number;
  iat?: number;
}

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: TokenPayload;
    user: AuthUser;
  }
}
declare module 'fastify' {
  interface FastifyInstance {
    authenticate: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    /** A token for the account; `authTime` (seconds) continues a session, absent starts one now. */
    issueToken: (account: Account, authTime?: number) => { token: string; expires_at: string };
  }
  interface FastifyInstance {
    /** Accounts cached by authentication (see AccountCache). */
    accounts: AccountCache;
  }
  interface FastifyRequest {
    /** The signed-in account's credential fingerprint, for renewing its token. */
    credential: string;
    /** When the request's session began (seconds since the epoch), for renewing its token. */
    authTime: number;
  }
}

/** A user as authentication sees it: who and what scope, plus the credential fingerprint. */
export interface Account {
  user: AuthUser;
  credential: string;
}

export interface AuthOptions {
  db: DbHandle;
  /** How long an account stays cached between changes (default 60 s); 0 reads it on every request. */
  accountCacheMs?: number;
  secret: string;
  tokenTtlSeconds: number;
  /** Absolute lifetime of a session, whatever the refreshes (default 12 hours). */
  sessionMaxSeconds?: number;
}

const ALGORITHM = 'HS256';

/**
 * Tokens carry a fingerprint of the password hash: changing a password (a new salt, so a
 * new hash) ends every session opened with the old one.
 */
export function fingerprint(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('base64url').slice(0, 16);
}

/**
 * The account query runs on every request: built once per database and prepared (a named
 * statement on PostgreSQL), so neither drizzle nor the server plans it again each time.
 */
function accountQuery(db: Db) {
  return db
    .select(accountColumns)
    .from(users)
    .where(eq(users.id, sql.placeholder('id')))
    .prepare('load_account');
}
const prepared = new WeakMap<Db, ReturnType<typeof accountQuery>>();

/**
 * Accounts as authentication last read them. Every change to a user row (any instance, any
 * path: the API, create-admin, SQL) sends `account:<id>` on the coop_changes channel at
 * commit (migration 0005), which drops the entry on every instance. While the listening
 * connection is down, nothing is cached: the notifications it would miss are the only way
 * to learn of a change.
 */
export class AccountCache {
  private readonly entries = new Map<number, { account: Account; until: number }>();
  /** Bumped by every invalidation: a read that began before it must not be cached. */
  private epoch = 0;
  live = false;
  constructor(private readonly ttlMs: number) {}

  get(id: number): Account | undefined {
    const e = this.entries.get(id);
    if (!e) return undefined;
    if (e.until > Date.now() && this.live) return e.account;
    this.entries.delete(id);
    return undefined;
  }
  /** The epoch to pass to `set` for a read starting now. */
  begin(): number {
    return this.epoch;
  }
  set(id: number, account: Account, epoch: number) {
    if (!this.live || this.ttlMs <= 0 || epoch !== this.epoch) return;
    if (this.entries.size >= 10_000) this.entries.clear();
    this.entries.set(id, { account, until: Date.now() + this.ttlMs });
  }
  invalidate(id?: number) {
    this.epoch++;
    if (id === undefined) this.entries.clear();
    else this.entries.delete(id);
  }
  setLive(live: boolean) {
    this.live = live;
    this.invalidate();
    // Counts are cached on the same condition: they are told of other instances' writes the same way.
    setChangesLive(live);
  }
}

/** Applies one coop_changes notification: `account:<id>` or `write`. */
export function applyChange(cache: AccountCache, payload: string) {
  const account = /^account:(\d+)$/.exec(payload);
  if (account) cache.invalidate(Number(account[1]));
  const write = /^write:(.+)$/.exec(payload);
  if (write) bumpWriteGeneration(write[1]);
}

/** The columns authentication reads of an account (with the credential and `active`). */
export const accountColumns = {
  id: users.id, union_id: users.union_id, username: users.username, display_name: users.display_name, role: users.role,
  cooperative_id: users.cooperative_id, village_id: users.village_id, household_id: users.household_id, buyer_id: users.buyer_id,
  active: users.active, password_hash: users.password_hash,
};

/** An account row as read with accountColumns: undefined when disabled. */
export function accountOf(u: { active: boolean; password_hash: string } & AuthUser): Account | undefined {
  if (!u.active) return undefined;
  const { active: _active, password_hash, ...user } = u;
  return { user, credential: fingerprint(password_hash) };
}

export async function loadAccount(db: Db, id: number): Promise<Account | undefined> {
  let query = prepared.get(db);
  if (!query) prepared.set(db, (query = accountQuery(db)));
  const [u] = await query.execute({ id });
  return u ? accountOf(u) : undefined;
}

export default fp(async function authPlugin(app: FastifyInstance, opts: AuthOptions) {
  await app.register(jwt, {
    secret: opts.secret,
    // The algorithm is pinned both ways: `alg: none` and RS/HS confusion are refused.
    sign: { algorithm: ALGORITHM, expiresIn: opts.tokenTtlSeconds },
    verify: { algorithms: [ALGORITHM] },
  });

  const sessionMax = opts.sessionMaxSeconds ?? 12 * 3600;
  const db = opts.db.db;
  const cache = new AccountCache(opts.accountCacheMs ?? 60_000);
  app.decorate('accounts', cache);
  const unsubscribe = onAccountChange((id) => cache.invalidate(id));
  let listener: Listener | undefined;
  app.addHook('onReady', async () => {
    listener = await opts.db.listen('coop_changes', (payload) => applyChange(cache, payload), (live) => cache.setLive(live));
    cache.setLive(listener.live);
  });
  app.addHook('onClose', async () => {
    unsubscribe();
    cache.setLive(false);
    await listener?.close();
  });
  app.decorateRequest('credential', '');
  app.decorateRequest('authTime', 0);
  app.decorate('issueToken', ({ user, credential }: Account, authTime?: number) => {
    const now = Math.floor(Date.now() / 1000);
    const start = authTime ?? now;
    // A token never outlives its session.
    const ttl = Math.max(1, Math.min(opts.tokenTtlSeconds, start + sessionMax - now));
    const token = app.jwt.sign({ sub: String(user.id), uid: user.union_id, pv: credential, auth_time: start }, { expiresIn: ttl });
    return { token, expires_at: new Date((now + ttl) * 1000).toISOString() };
  });

  // Every request checks the account as last read (cached until it changes), so a disabled
  // user, a changed scope or a changed password takes effect on the next request.
  app.decorate('authenticate', async (req: FastifyRequest) => {
    let payload: TokenPayload;
    try {
      payload = await req.jwtVerify<TokenPayload>();
    } catch {
      throw unauthorized('Missing, invalid or expired token');
    }
    // Tokens from before auth_time existed count their session from their own issue.
    const authTime = Number(payload.auth_time ?? payload.iat);
    if (!Number.isFinite(authTime) || Date.now() / 1000 - authTime > sessionMax) {
      throw unauthorized('The session has expired: sign in again');
    }
    const id = Number(payload.sub);
    let account = Number.isInteger(id) ? cache.get(id) : undefined;
    if (!account && Number.isInteger(id)) {
      const epoch = cache.begin();
      account = await loadAccount(db, id);
      if (account) cache.set(id, account, epoch);
    }
    if (!account || account.user.union_id !== payload.uid) throw unauthorized('The account no longer exists or is disabled');
    if (account.credential !== payload.pv) throw unauthorized('The password has changed: sign in again');
    req.user = account.user;
    req.credential = account.credential;
    req.authTime = authTime;
  });
});
