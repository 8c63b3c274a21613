import { createHash } from 'node:crypto';
import jwt from '@fastify/jwt';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../../db/client';
import { users } from '../../db/schema/index';
import { unauthorized } from '../lib/errors';
import type { AuthUser } from '../lib/policy';

/** sub: user id; uid: union id; pv: fingerprint of the password the token was issued under. */
interface TokenPayload {
  sub: string;
  uid: number;
  pv: string;
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
    issueToken: (account: Account) => { token: string; expires_at: string };
  }
  interface FastifyRequest {
    /** The signed-in account's credential fingerprint, for renewing its token. */
    credential: string;
  }
}

/** A user as authentication sees it: who and what scope, plus the credential fingerprint. */
export interface Account {
  user: AuthUser;
  credential: string;
}

export interface AuthOptions {
  db: Db;
  secret: string;
  tokenTtlSeconds: number;
}

const ALGORITHM = 'HS256';

/**
 * Tokens carry a fingerprint of the password hash: changing a password (a new salt, so a
 * new hash) ends every session opened with the old one.
 */
export function fingerprint(passwordHash: string): string {
  return createHash('sha256').update(passwordHash).digest('base64url').slice(0, 16);
}

export async function loadAccount(db: Db, id: number): Promise<Account | undefined> {
  const [u] = await db
    .select({
      id: users.id, union_id: users.union_id, username: users.username, display_name: users.display_name, role: users.role,
      cooperative_id: users.cooperative_id, village_id: users.village_id, household_id: users.household_id, buyer_id: users.buyer_id,
      active: users.active, password_hash: users.password_hash,
    })
    .from(users)
    .where(eq(users.id, id));
  if (!u || !u.active) return undefined;
  const { active: _active, password_hash, ...user } = u;
  return { user, credential: fingerprint(password_hash) };
}

export default fp(async function authPlugin(app: FastifyInstance, opts: AuthOptions) {
  await app.register(jwt, {
    secret: opts.secret,
    // The algorithm is pinned both ways: `alg: none` and RS/HS confusion are refused.
    sign: { algorithm: ALGORITHM, expiresIn: opts.tokenTtlSeconds },
    verify: { algorithms: [ALGORITHM] },
  });

  app.decorateRequest('credential', '');
  app.decorate('issueToken', ({ user, credential }: Account) => {
    const token = app.jwt.sign({ sub: String(user.id), uid: user.union_id, pv: credential });
    return { token, expires_at: new Date(Date.now() + opts.tokenTtlSeconds * 1000).toISOString() };
  });

  // Every request re-reads the account, so a disabled user, a changed scope or a changed
  // password takes effect at once.
  app.decorate('authenticate', async (req: FastifyRequest) => {
    let payload: TokenPayload;
    try {
      payload = await req.jwtVerify<TokenPayload>();
    } catch {
      throw unauthorized('Missing, invalid or expired token');
    }
    const id = Number(payload.sub);
    const account = Number.isInteger(id) ? await loadAccount(opts.db, id) : undefined;
    if (!account || account.user.union_id !== payload.uid) throw unauthorized('The account no longer exists or is disabled');
    if (account.credential !== payload.pv) throw unauthorized('The password has changed: sign in again');
    req.user = account.user;
    req.credential = account.credential;
  });
});
