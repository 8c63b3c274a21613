import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { DbHandle } from '../../db/client';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { mapDbError, type ConstraintFields } from '../lib/db-errors';
import { AppError, type ErrorBody, type FieldErrors } from '../lib/errors';

/** Turns zod issues (from fastify's validation) into field -> message. */
function zodFieldErrors(issues: { instancePath: string; message: string; keyword: string; params: Record<string, unknown> }[]): FieldErrors {
  // A client's key (`constructor`, `toString`...) must not meet Object.prototype.
  const out: FieldErrors = Object.create(null) as FieldErrors;
  const put = (key: string, message: string) => {
    if (!Object.hasOwn(out, key)) out[key] = message;
  };
  for (const issue of issues) {
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params.keys)) {
      for (const key of issue.params.keys as string[]) put(key, 'is not a known or writable field');
      continue;
    }
    put(issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || 'root', issue.message);
  }
  return { ...out };
}

/** Seconds a client is told to wait while the database cannot be reached. */
export const DB_RETRY_AFTER_SECONDS = 5;

const connectionCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
const connectionMessages = [
  /connection terminated/i, // pg: the server went away, or connectionTimeoutMillis
  /timeout exceeded when trying to connect/i, // pg-pool
  /cannot use a pool after calling end on the pool/i, // pg-pool, shutting down
  /client has encountered a connection error/i,
  /connection (?:refused|reset)/i,
  /pglite is closed/i, // PGlite
];

/**
 * True when the error says the database cannot be reached (not that a query was wrong):
 * socket errors, SQLSTATE 57P01 (admin shutdown), 57P02 (crash shutdown), 57P03 (cannot
 * connect now) and class 08 (connection exception), pg's and pg-pool's connection messages,
 * and a closed PGlite. drizzle wraps the driver's error, so the causes are walked too.
 */
export function isDatabaseUnavailable(err: unknown): boolean {
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const c = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof c.code === 'string' && (connectionCodes.has(c.code) || /^(57P0[123]|08[0-9A-Z]{3})$/.test(c.code))) return true;
    if (typeof c.message === 'string' && connectionMessages.some((re) => re.test(c.message as string))) return true;
    // Node's AggregateError (a host with several addresses, all refusing).
    if (Array.isArray(c.errors) && c.errors.some((x) => isDatabaseUnavailable(x))) return true;
    e = c.cause;
  }
  return false;
}

const dbUnavailableBody: ErrorBody = {
  statusCode: 503, code: 'DATABASE_UNAVAILABLE', message: 'The database cannot be reached; retry shortly',
};

function toBody(err: FastifyError | AppError | Error, constraints: ConstraintFields): ErrorBody {
  if (err instanceof AppError) {
    return { statusCode: err.statusCode, code: err.code, message: err.message, ...(err.errors && { errors: err.errors }) };
  }
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as FastifyError).validationContext ?? 'request';
    return { statusCode: 400, code: 'VALIDATION_FAILED', message: `Invalid ${where}`, errors: zodFieldErrors(err.validation as never) };
  }
  const mapped = mapDbError(err, 'write', constraints);
  if (mapped) return toBody(mapped, constraints);
  const fe = err as FastifyError;
  const status = fe.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code =
      fe.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err instanceof SyntaxError
        ? 'INVALID_JSON'
        : (fe.code?.replace(/^FST_ERR_/, '') ?? 'BAD_REQUEST');
    return { statusCode: status, code, message: err.message };
  }
  return { statusCode: 500, code: 'INTERNAL', message: 'Internal server error' };
}

export interface ErrorsOptions {
  constraints: ConstraintFields;
  /** Probed while the database is down, to log once when it is back. */
  db?: Pick<DbHandle, 'ping'>;
  /** How often to probe a database that is down (ms, default 2000). */
  probeIntervalMs?: number;
}

export default fp(async function errorsPlugin(app: FastifyInstance, opts: ErrorsOptions) {
  // Down/up is logged once per outage (warn, then info), not once per failed request.
  let down = false;
  let probe: NodeJS.Timeout | undefined;
  const markDown = (err: unknown) => {
    if (down) return;
    down = true;
    app.log.warn({ err }, 'database unavailable: answering 503 until it is back');
    if (!opts.db) return;
    const db = opts.db;
    probe = setInterval(async () => {
      if (!down || !(await db.ping())) return;
      down = false;
      clearInterval(probe);
      probe = undefined;
      app.log.info('database reachable again');
    }, opts.probeIntervalMs ?? 2000);
    probe.unref();
  };
  app.addHook('onClose', async () => {
    if (probe) clearInterval(probe);
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isDatabaseUnavailable(err)) {
      markDown(err);
      req.log.debug({ err }, 'database unavailable');
      return reply.status(503).header('retry-after', String(DB_RETRY_AFTER_SECONDS)).send(dbUnavailableBody);
    }
    const body = toBody(err, opts.constraints);
    if (body.statusCode >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: body.code, errors: body.errors }, body.message);
    return reply.status(body.statusCode).send(body);
  });

  app.setNotFoundHandler((req, reply) => {
    const body: ErrorBody = { statusCode: 404, code: 'NOT_FOUND', message: `Route ${req.method} ${req.url.split('?')[0]} not found` };
    return reply.status(404).send(body);
  });
});
