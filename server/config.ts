import { isIP } from 'node:net';
import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const configSchema = z
  .object({
    PORT: z.coerce.number({ error: 'must be a port number 0-65535' }).int('must be a port number 0-65535').min(0, 'must be a port number 0-65535').max(65535, 'must be a port number 0-65535').default(3000),
    /** Unset: 127.0.0.1 in embedded (demo) mode, 0.0.0.0 with DATABASE_URL (see listenHost). */
    HOST: z.string().min(1).optional(),
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    MIGRATION_DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, 'must be a postgres:// or postgresql:// URL')
      .optional(),
    DATA_DIR: z.string().min(1).default('./data'),
    JWT_SECRET: z.string().min(32, 'must be at least 32 characters').optional(),
    AUDIT_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
    LOG_LEVEL: z.enum(logLevels).default('info'),
    SESSION_MAX_HOURS: z.coerce
      .number({ error: 'must be a number of hours greater than 0' })
      .positive('must be a number of hours greater than 0')
      .max(24 * 365, 'must be at most 8760 hours')
      .default(12),
    TRUST_PROXY: z
      .string()
      .transform((v, ctx): TrustProxy => {
        const parsed = parseTrustProxy(v);
        if (parsed === undefined) {
          ctx.addIssue({ code: 'custom', message: 'must be true, false, a hop count, or a comma-separated list of addresses or CIDRs' });
          return z.NEVER;
        }
        return parsed;
      })
      .default(false),
    NODE_ENV: z.string().optional(),
  });

export type Env = z.infer<typeof configSchema>;

/** Fastify's trustProxy: off, on (trust every hop), a hop count, or the proxies' addresses/CIDRs. */
export type TrustProxy = boolean | number | string[];

function isAddressOrCidr(s: string): boolean {
  const [addr, bits, ...rest] = s.split('/');
  const v = isIP(addr);
  if (!v || rest.length) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (v === 4 ? 32 : 128);
}

/** TRUST_PROXY's text to Fastify's option, or undefined when it is none of the accepted forms. */
export function parseTrustProxy(text: string): TrustProxy | undefined {
  const v = text.trim().toLowerCase();
  if (v === 'true') return true;
  if (v === 'false') return false;
  if (/^\d+$/.test(v)) return Number(v);
  const list = text.split(',').map((s) => s.trim()).filter(Boolean);
  return list.length && list.every(isAddressOrCidr) ? list : undefined;
}

/**
 * The interface to listen on: HOST when set; otherwise loopback for the embedded demo (its
 * passwords are well known) and every interface with PostgreSQL.
 */
export function listenHost(env: Pick<Env, 'HOST' | 'DATABASE_URL'>): string {
  return env.HOST ?? (env.DATABASE_URL ? '0.0.0.0' : '127.0.0.1');
}

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  dataDir: string;
  jwtSecret: string;
  logLevel: (typeof logLevels)[number];
  /** Embedded (PGlite) mode: demo seed and demo passwords are allowed only here. */
  embedded: boolean;
  /** Lifetime of an access token in seconds. */
  tokenTtlSeconds: number;
  /** Absolute lifetime of a session (from sign-in, across refreshes) in seconds. */
  sessionMaxSeconds: number;
  /** Fastify's trustProxy: whose X-Forwarded-For to believe for the client's address. */
  trustProxy: TrustProxy;
  /** The role that owns the schema and runs migrations; unset: DATABASE_URL does both. */
  migrationDatabaseUrl?: string;
  /** Seals the audit chain; never stored in the database. */
  auditKey: string;
}

/**
 * Parses the environment; throws an Error whose message names every bad variable. Tools that
 * neither sign tokens nor seal the audit trail (the data generator, create-admin) pass
 * `{ secrets: false }`: they need the database, not the server's keys.
 */
export function parseEnv(source: Record<string, string | undefined>, opts: { secrets?: boolean } = {}): Env {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  );
  const result = configSchema.safeParse(cleaned);
  const lines = result.success ? [] : result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  // Checked apart from the schema so that it is reported together with any other mistake.
  const secrets = opts.secrets ?? true;
  if (secrets && cleaned.DATABASE_URL && !cleaned.JWT_SECRET) lines.push('  JWT_SECRET: is required when DATABASE_URL is set');
  if (secrets && cleaned.DATABASE_URL && !cleaned.AUDIT_KEY) lines.push('  AUDIT_KEY: is required when DATABASE_URL is set');
  if (cleaned.MIGRATION_DATABASE_URL && !cleaned.DATABASE_URL) lines.push('  MIGRATION_DATABASE_URL: needs DATABASE_URL (the embedded database has one role)');
  if (lines.length || !result.success) throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  return result.data;
}
