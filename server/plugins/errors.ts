import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { DbHandle } from '../../db/client';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { mapDbError, pgErrorOf, type ConstraintFields } from '../lib/db-errors';
import { AppError, errorBody, errorBodyProblem, fromZodIssues, type ErrorBody, type ErrorCode, type FieldErrors } from '../lib/errors';

type FastifyZodIssue = { instancePath: string; message: string; keyword: string; params: Record<string, unknown> };

/** Whether the request's input has no value (absent, undefined or null) at a path: a missing field, not a wrong one. */
function isMissingIn(input: unknown, path: readonly PropertyKey[]): boolean {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return true;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v === undefined || v === null;
}

/** Turns zod issues (from fastify's validation) into field errors, each with its code. */
function zodFieldErrors(issues: FastifyZodIssue[], input: unknown): FieldErrors {
  return fromZodIssues(
    issues.map((i) => ({
      ...i.params,
      code: i.keyword,
      message: i.message,
      path: i.instancePath.split('/').slice(1).filter((_, n, all) => !(all.length === 1 && all[0] === '')),
    })),
    (path) => isMissingIn(input, path),
  );
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
  // A database that answered with a SQLSTATE was reached: the code alone decides.
  const answered = pgErrorOf(err);
  if (answered) return /^(57P0[123]|08[0-9A-Z]{3})$/.test(answered.code ?? '');
  let e: unknown = err;
  for (let depth = 0; e && typeof e === 'object' && depth < 5; depth++) {
    const c = e as { code?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
    if (typeof c.code === 'string' && connectionCodes.has(c.code)) return true;
    // drizzle's wrapper ("Failed query: ... params: ...") quotes the request's own values:
    // only the driver's messages are read.
    const wrapper = typeof c.message === 'string' && c.message.startsWith('Failed query:');
    if (!wrapper && typeof c.message === 'string' && connectionMessages.some((re) => re.test(c.message as string))) return true;
    // Node's AggregateError (a host with several addresses, all refusing).
    if (Array.isArray(c.errors) && c.errors.some((x) => isDatabaseUnavailable(x))) return true;
    e = c.cause;
  }
  return false;
}

const dbUnavailableBody: ErrorBody = errorBody(503, 'DATABASE_UNAVAILABLE', 'The database cannot be reached; retry shortly');

/** Fastify's own 4xx errors (FST_ERR_...), each with its documented code. */
const fastifyCodes: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_EMPTY_JSON_BODY: 'INVALID_JSON',
  FST_ERR_CTP_BODY_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  FST_ERR_CTP_INVALID_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'BAD_REQUEST',
  FST_ERR_BAD_URL: 'BAD_REQUEST',
};
/** Otherwise the status says it. */
const statusCodes: Record<number, ErrorCode> = {
  401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 405: 'METHOD_NOT_ALLOWED', 408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE', 415: 'UNSUPPORTED_MEDIA_TYPE', 429: 'TOO_MANY_REQUESTS', 431: 'HEADERS_TOO_LARGE',
};

function toBody(err: FastifyError | AppError | Error, constraints: ConstraintFields, input: unknown): ErrorBody {
  if (err instanceof AppError) return errorBody(err.statusCode, err.code, err.message, err.errors);
  if (hasZodFastifySchemaValidationErrors(err)) {
    const where = (err as FastifyError).validationContext ?? 'request';
    return errorBody(400, 'VALIDATION_FAILED', `Invalid ${where}`, zodFieldErrors(err.validation as never, input));
  }
  const mapped = mapDbError(err, 'write', constraints);
  if (mapped) return toBody(mapped, constraints, input);
  const fe = err as FastifyError;
  const status = fe.statusCode ?? 500;
  if (status >= 400 && status < 500) {
    const code: ErrorCode =
      (fe.code && Object.hasOwn(fastifyCodes, fe.code) ? fastifyCodes[fe.code] : undefined) ??
      (err instanceof SyntaxError ? 'INVALID_JSON' : undefined) ??
      statusCodes[status] ??
      'BAD_REQUEST';
    return errorBody(status, code, err.message);
  }
  return errorBody(500, 'INTERNAL', 'Internal server error');
}

/** The request's input a validation error is about, to tell a missing value from a wrong one. */
function inputOf(err: FastifyError, req: { body?: unknown; query?: unknown; params?: unknown; headers?: unknown }): unknown {
  switch (err.validationContext) {
    case 'body': return req.body;
    case 'querystring': return req.query;
    case 'params': return req.params;
    case 'headers': return req.headers;
    default: return undefined;
  }
}

/** Under test, a body outside the documented codes fails loudly (a 500) instead of reaching a client. */
const checkBodies = process.env.NODE_ENV === 'test';

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
    // The next ping is scheduled when this one has ended: an unreachable database that makes
    // a ping wait (up to the pool's 5 s) never has several pending.
    const schedule = () => {
      probe = setTimeout(async () => {
        if (!down) return;
        if (!(await db.ping())) return schedule();
        down = false;
        probe = undefined;
        app.log.info('database reachable again');
      }, opts.probeIntervalMs ?? 2000);
      probe.unref();
    };
    schedule();
  };
  app.addHook('onClose', async () => {
    down = false; // a ping still running schedules no other
    if (probe) clearTimeout(probe);
  });

  app.setErrorHandler((err: FastifyError, req, reply) => {
    if (isDatabaseUnavailable(err)) {
      markDown(err);
      req.log.debug({ err }, 'database unavailable');
      return reply.status(503).header('retry-after', String(DB_RETRY_AFTER_SECONDS)).send(dbUnavailableBody);
    }
    let body = toBody(err, opts.constraints, inputOf(err, req));
    const problem = checkBodies ? errorBodyProblem(body) : undefined;
    if (problem) {
      req.log.error({ err, body }, `undocumented error body: ${problem}`);
      body = errorBody(500, 'INTERNAL', `Undocumented error body: ${problem}`);
    }
    if (body.statusCode >= 500) req.log.error({ err }, 'request failed');
    else req.log.info({ code: body.code, errors: body.errors }, body.message);
    return reply.status(body.statusCode).send(body);
  });

  app.setNotFoundHandler((req, reply) => {
    const body = errorBody(404, 'NOT_FOUND', `Route ${req.method} ${req.url.split('?')[0]} not found`);
    return reply.status(404).send(body);
  });
});
