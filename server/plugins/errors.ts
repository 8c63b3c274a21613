import type { FastifyError, FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { mapDbError, type ConstraintFields } from '../lib/db-errors';
import { AppError, type ErrorBody, type FieldErrors } from '../lib/errors';

/** Turns zod issues (from fastify's validation) into field -> message. */
function zodFieldErrors(issues: { instancePath: string; message: string; keyword: string; params: Record<string, unknown> }[]): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of issues) {
    if (issue.keyword === 'unrecognized_keys' && Array.isArray(issue.params.keys)) {
      for (const key of issue.params.keys as string[]) out[key] ??= 'is not a known or writable field';
      continue;
    }
    const field = issue.instancePath.replace(/^\//, '').replaceAll('/', '.') || 'root';
    out[field] ??= issue.message;
  }
  return out;
}

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

export default fp(async function errorsPlugin(app: FastifyInstance, opts: { constraints: ConstraintFields }) {
  app.setErrorHandler((err: FastifyError, req, reply) => {
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
