import { z } from 'zod';

const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

export const configSchema = z
  .object({
    PORT: z.coerce.number({ error: 'must be a port number 0-65535' }).int('must be a port number 0-65535').min(0, 'must be a port number 0-65535').max(65535, 'must be a port number 0-65535').default(3000),
    HOST: z.string().min(1).default('0.0.0.0'),
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
    NODE_ENV: z.string().optional(),
  });

export type Env = z.infer<typeof configSchema>;

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
  /** The role that owns the schema and runs migrations; unset: DATABASE_URL does both. */
  migrationDatabaseUrl?: string;
  /** Seals the audit chain; never stored in the database. */
  auditKey: string;
}

/** Parses the environment; throws an Error whose message names every bad variable. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const cleaned = Object.fromEntries(
    Object.entries(source).filter(([, v]) => v !== undefined && v !== ''),
  );
  const result = configSchema.safeParse(cleaned);
  const lines = result.success ? [] : result.error.issues.map((i) => `  ${i.path.join('.') || '(env)'}: ${i.message}`);
  // Checked apart from the schema so that it is reported together with any other mistake.
  if (cleaned.DATABASE_URL && !cleaned.JWT_SECRET) lines.push('  JWT_SECRET: is required when DATABASE_URL is set');
  if (cleaned.DATABASE_URL && !cleaned.AUDIT_KEY) lines.push('  AUDIT_KEY: is required when DATABASE_URL is set');
  if (cleaned.MIGRATION_DATABASE_URL && !cleaned.DATABASE_URL) lines.push('  MIGRATION_DATABASE_URL: needs DATABASE_URL (the embedded database has one role)');
  if (lines.length || !result.success) throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  return result.data;
}
