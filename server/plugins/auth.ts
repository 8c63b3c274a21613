import jwt from '@fastify/jwt';
import { eq } from 'drizzle-orm';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Db } from '../../db/client';
import { users } from '../../db/schema/index';
import { unauthorized } from '../lib/errors';
import type { AuthUser } from '../lib/policy';

declare module '@fastify/jwt' {
  interface FastifyJWT {
    payload: { sub: string; uid: number };
    user: AuthUser;
  }
}
declare module 'fastify' {
  interface FastifyInstance {
    authenticate: (req: FastifyRequest, reply: FastifyReply) => Promise<void>;
    issueToken: (user: AuthUser) => { token: string; expires_at: string };
  }
}

export interface AuthOptions {
  db: Db;
  secret: string;
  tokenTtlSeconds: number;
}

const ALGORITHM = 'HS256';

export async function loadAuthUser(db: Db, id: number): Promise<AuthUser | undefined> {
  const [u] = await db
    .select({
      id: users.id, union_id: users.union_id, username: users.username, display_name: users.display_name, role: users.role,
      cooperative_id: users.cooperative_id, village_id: users.village_id, household_id: users.household_id, buyer_id: users.buyer_id,
      active: users.active,
    })
    .from(users)
    .where(eq(users.id, id));
  if (!u || !u.active) return undefined;
  const { active: _active, ...user } = u;
  return user;
}

export default fp(async function authPlugin(app: FastifyInstance, opts: AuthOptions) {
  await app.register(jwt, {
    secret: opts.secret,
    // The algorithm is pinned both ways: `alg: none` and RS/HS confusion are refused.
    sign: { algorithm: ALGORITHM, expiresIn: opts.tokenTtlSeconds },
    verify: { algorithms: [ALGORITHM] },
  });

  app.decorate('issueToken', (user: AuthUser) => {
    const token = app.jwt.sign({ sub: String(user.id), uid: user.union_id });
    return { token, expires_at: new Date(Date.now() + opts.tokenTtlSeconds * 1000).toISOString() };
  });

  // Every request re-reads the account, so a disabled user or a changed scope takes effect at once.
  app.decorate('authenticate', async (req: FastifyRequest) => {
    let payload: { sub: string; uid: number };
    try {
      payload = await req.jwtVerify<{ sub: string; uid: number }>();
    } catch {
      throw unauthorized('Missing, invalid or expired token');
    }
    const id = Number(payload.sub);
    const user = Number.isInteger(id) ? await loadAuthUser(opts.db, id) : undefined;
    if (!user || user.union_id !== payload.uid) throw unauthorized('The account no longer exists or is disabled');
    req.user = user;
  });
});
