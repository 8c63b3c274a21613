/**
 * Every top-level `code` the API can answer with: one closed, documented list (OpenAPI enum,
 * README). A new code is added here first, then to the console's translations.
 */
export const ERROR_CODES = [
  'VALIDATION_FAILED', // 400: `errors`/`error_codes` name each field
  'INVALID_JSON', // 400: the body is not JSON (or is empty, or poisons a prototype)
  'BAD_REQUEST', // 4xx refused by the HTTP layer for a reason without a code of its own
  'UNAUTHORIZED', // 401
  'FORBIDDEN', // 403
  'NOT_FOUND', // 404: no such record (or outside your scope), or no such route
  'METHOD_NOT_ALLOWED', // 405
  'REQUEST_TIMEOUT', // 408: the request did not arrive in time
  'STALE_VERSION', // 409: the record was changed since it was read
  'DUPLICATE', // 409: a unique value is taken
  'IN_USE', // 409: other records still refer to the one being deleted
  'CONCURRENT_UPDATE', // 409: a serialization failure or deadlock; retry
  'IDEMPOTENCY_KEY_IN_FLIGHT', // 409
  'PRE_HARVEST_INTERVAL', // 409: a pesticide's pre-harvest interval has not passed on the harvest date
  'INSUFFICIENT_STOCK', // 409: more kilograms asked of a room than the lot has there
  'CAPACITY_EXCEEDED', // 409: the room cannot hold that many more kilograms
  'RESIDUE_TEST_FAILED', // 409: the lot's latest residue test failed; it cannot leave storage
  'PLOT_AREA_EXCEEDED', // 409: the plot's plantings at one time would exceed its area
  'ALREADY_CORRECTED', // 409: the record was already corrected (correct the correction)
  'ALREADY_REVERSED', // 409: the movement was already reversed
  'PLANTING_FINISHED', // 409: the planting is finished; nothing more is harvested from it
  'IMPORT_FAILED', // 400: an import's rows were refused (`rows` lists each bad row); nothing was imported
  'INVALID_STATE', // 409: the record's status does not allow this action (an order already cancelled...)
  'PAYLOAD_TOO_LARGE', // 413
  'UNSUPPORTED_MEDIA_TYPE', // 415
  'IDEMPOTENCY_KEY_REUSED', // 422
  'TOO_MANY_REQUESTS', // 429: see Retry-After
  'HEADERS_TOO_LARGE', // 431
  'INTERNAL', // 500
  'DATABASE_UNAVAILABLE', // 503: see Retry-After
  'SHUTTING_DOWN', // 503: this server is stopping; retry (another instance, or after the restart)
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * Every code a field error can carry, with the params it always has (none unless listed).
 * The console translates by code; `message` is the English fallback.
 */
export const FIELD_ERROR_CODES = [
  'required', // a value is needed (missing, blank, or null where not allowed)
  'unknown_field', // not a known or writable field of the body
  'invalid_type', // { expected }: a number where a string belongs, ...
  'not_integer', // a whole number is needed
  'too_short', // { minimum }: characters
  'too_long', // { maximum }: characters
  'too_few_items', // { minimum }: elements of a list
  'too_many_items', // { maximum }: elements of a list
  'too_small', // { minimum }: value >= minimum
  'too_big', // { maximum }: value <= maximum
  'must_be_greater', // { minimum }: value > minimum
  'must_be_less', // { maximum }: value < maximum
  'not_between', // { minimum, maximum }: a year, a coordinate
  'out_of_range', // the database's own numeric, date or time range
  'invalid_format', // { format }: date, datetime, pattern, email, sort, range, ...
  'invalid_decimal', // { integer_digits, scale }
  'invalid_uscc', // not an 18-character unified social credit code with the right check character
  'not_one_of', // { values }: comma-separated allowed values
  'invalid_value', // a value the field does not accept, no further detail
  'control_characters', // control characters (tabs and line breaks are fine)
  'lone_surrogate', // unpaired UTF-16 surrogates (no UTF-8 form)
  'unstorable_characters', // characters the database cannot store
  'too_long_to_store', // longer than the database column (a safety net behind too_long)
  'read_only', // may not be changed
  'already_exists', // a unique value already taken
  'not_found_reference', // the referenced record does not exist or is outside your union
  'violates_rule', // a rule of the record (a check constraint)
  'stale_version', // { sent, current }: the version sent is not the current one
  'outside_scope', // { expected }: must be your own (village, cooperative, ...)
  'required_for_role', // { role }
  'wrong_password', // not the current password
  'same_as_current', // the new password equals the current one
  'use_change_password', // one's own password is changed with change-password
  'key_reused', // an idempotency key used for another request
  'unsupported_charset', // { charset }: only utf-8
  'invalid_json', // a list parameter (sort, range, filter) that is not JSON
  'not_a_filter', // not a filter of this resource
  'not_sortable', // { field }: the list cannot be sorted by this field
  'search_unavailable', // free-text search (q) is not offered by this resource
  'in_future', // a date after today
  'before_planting', // { planted_on }: a date before the planting was planted
  'before_harvest', // { harvested_on }: a date before the lot was harvested
  'server_generated', // made by the server; a client may not supply it
  'pre_harvest_interval', // { product, application_id, allowed_from }: inside a pesticide's interval
  'insufficient_stock', // { available }: kilograms of the lot in that room
  'capacity_exceeded', // { free, capacity }: kilograms the room can still take
  'residue_test_failed', // { test_id, tested_on }: the lot's latest residue test failed
  'chill_sensitive', // a chill-sensitive crop cannot go into a 0-2 °C room
  'not_storage', // a processing hall does not store produce
  'plot_area_exceeded', // { available }: mu of the plot still free at that time
  'already_corrected', // { corrected_by_id }
  'already_reversed', // { reversed_by_id }
  'not_reversible', // processing movements and reversals are not reversed one by one
  'planting_finished', // the planting is finished
  'status_backwards', // { from, to }: a planting's status only moves forward
  'exceeds_harvested', // { remaining }: more than the lot has left to receive
  'mixed_crops', // { crop_id }: one processing run handles one crop
  'outputs_exceed_inputs', // { input_kg }: more came out than went in
  'same_warehouse', // a transfer's rooms must differ
  'correction_mismatch', // { field }: a correction stays on the record's planting
  'not_listed', // the crop and grade have no published listing
  'below_minimum', // { minimum }: less than the listing's minimum order
] as const;
export type FieldErrorCode = (typeof FIELD_ERROR_CODES)[number];

export type FieldErrorParams = Record<string, string | number>;

/** One field's error: a code from FIELD_ERROR_CODES, its params, and an English message. */
export interface FieldError {
  code: FieldErrorCode;
  message: string;
  params?: FieldErrorParams;
}

/** Field name -> its error; react-admin shows each under its input. */
export type FieldErrors = Record<string, FieldError>;

const fieldCodeSet: ReadonlySet<string> = new Set(FIELD_ERROR_CODES);
const errorCodeSet: ReadonlySet<string> = new Set(ERROR_CODES);
export const isFieldErrorCode = (code: unknown): code is FieldErrorCode => typeof code === 'string' && fieldCodeSet.has(code);
export const isErrorCode = (code: unknown): code is ErrorCode => typeof code === 'string' && errorCodeSet.has(code);

/** A field error: `fieldError('too_long', 'must be at most 100 characters', { maximum: 100 })`. */
export function fieldError(code: FieldErrorCode, message: string, params?: FieldErrorParams): FieldError {
  return params && Object.keys(params).length ? { code, message, params } : { code, message };
}

/**
 * A map of field errors with a null prototype: a client's key (`__proto__`, `constructor`)
 * is only ever a field name. `fieldErrors({ [name]: fieldError(...) })` or fill it in a loop.
 */
export function fieldErrors(entries?: Record<string, FieldError>): FieldErrors {
  const out: FieldErrors = Object.create(null) as FieldErrors;
  if (entries) for (const [key, value] of Object.entries(entries)) out[key] = value;
  return out;
}

/** The one error type services throw; the error plugin turns it into the API's error shape. */
export class AppError extends Error {
  constructor(
    public readonly statusCode: number,
    public readonly code: ErrorCode,
    message: string,
    public readonly errors?: FieldErrors,
  ) {
    super(message);
    this.name = 'AppError';
  }
}

export const validationError = (errors: FieldErrors, message = 'Invalid input') =>
  new AppError(400, 'VALIDATION_FAILED', message, errors);
export const unauthorized = (message = 'Authentication required') =>
  new AppError(401, 'UNAUTHORIZED', message);
export const forbidden = (message = 'Not allowed', errors?: FieldErrors) =>
  new AppError(403, 'FORBIDDEN', message, errors);
export const notFound = (what = 'Record') => new AppError(404, 'NOT_FOUND', `${what} not found`);
export const conflict = (code: ErrorCode, message: string, errors?: FieldErrors) =>
  new AppError(409, code, message, errors);

/** A zod 4 issue, as zod reports it (or as fastify-type-provider-zod passes it on: the rest in `params`). */
export interface ZodIssueLike {
  code: string;
  message: string;
  [key: string]: unknown;
}

const num = (v: unknown): number | string => (typeof v === 'bigint' ? v.toString() : typeof v === 'number' ? v : String(v));

/**
 * The field error for one zod 4 issue. `missing` says the value was absent (undefined or
 * null), which zod reports as a wrong type: that is `required`. Custom refinements carry their code in `params.code` (and their
 * params beside it), see zod-fields.ts; a custom issue without one is `invalid_value`.
 */
export function fromZodIssue(issue: ZodIssueLike, missing = false): FieldError {
  const { message } = issue;
  if (missing && issue.code === 'invalid_type') return fieldError('required', message);
  const origin = issue.origin;
  switch (issue.code) {
    case 'invalid_type':
      if (issue.expected === 'int') return fieldError('not_integer', message);
      if (issue.expected === 'date') return fieldError('invalid_format', message, { format: 'date' });
      return fieldError('invalid_type', message, { expected: String(issue.expected) });
    case 'too_small': {
      const minimum = num(issue.minimum);
      if (origin === 'string') return minimum === 1 ? fieldError('required', message) : fieldError('too_short', message, { minimum });
      if (origin === 'array' || origin === 'set') return fieldError('too_few_items', message, { minimum });
      return issue.inclusive === false ? fieldError('must_be_greater', message, { minimum }) : fieldError('too_small', message, { minimum });
    }
    case 'too_big': {
      const maximum = num(issue.maximum);
      if (origin === 'string') return fieldError('too_long', message, { maximum });
      if (origin === 'array' || origin === 'set') return fieldError('too_many_items', message, { maximum });
      return issue.inclusive === false ? fieldError('must_be_less', message, { maximum }) : fieldError('too_big', message, { maximum });
    }
    case 'invalid_format':
      return fieldError('invalid_format', message, { format: issue.format === 'regex' ? 'pattern' : String(issue.format) });
    case 'invalid_value':
      return Array.isArray(issue.values) && issue.values.length
        ? fieldError('not_one_of', message, { values: issue.values.map(String).join(', ') })
        : fieldError('invalid_value', message);
    case 'unrecognized_keys':
      return fieldError('unknown_field', 'is not a known or writable field');
    case 'custom': {
      const p = issue.params as Record<string, unknown> | undefined;
      if (p && isFieldErrorCode(p.code)) {
        const params: FieldErrorParams = {};
        for (const [k, v] of Object.entries(p)) if (k !== 'code' && (typeof v === 'string' || typeof v === 'number')) params[k] = v;
        return fieldError(p.code, message, params);
      }
      return fieldError('invalid_value', message);
    }
    default: // invalid_union, invalid_key, invalid_element, not_multiple_of
      return fieldError('invalid_value', message);
  }
}

/**
 * The field errors of zod issues: the first issue per field wins; unknown keys are each
 * named. `isMissing(path)` tells whether the input had no value there.
 */
export function fromZodIssues(
  issues: readonly (ZodIssueLike & { path: readonly PropertyKey[] })[],
  isMissing: (path: readonly PropertyKey[]) => boolean = () => false,
): FieldErrors {
  const out = fieldErrors();
  const put = (key: string, error: FieldError) => {
    if (!Object.hasOwn(out, key)) out[key] = error;
  };
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys' && Array.isArray(issue.keys)) {
      const prefix = issue.path.map(String).join('.');
      for (const key of issue.keys as string[]) put(prefix ? `${prefix}.${key}` : key, fromZodIssue(issue));
      continue;
    }
    put(issue.path.map(String).join('.') || 'root', fromZodIssue(issue, isMissing(issue.path)));
  }
  return out;
}

/** The error shape the API sends. `errors` and `error_codes` have the same keys, or are both absent. */
export interface ErrorBody {
  statusCode: number;
  code: ErrorCode;
  message: string;
  /** field -> message (react-admin shows it under the input). */
  errors?: Record<string, string>;
  /** field -> code and params, for clients that translate. */
  error_codes?: Record<string, { code: FieldErrorCode; params?: FieldErrorParams }>;
}

/** The body for an error: `errors` and `error_codes` from the same field errors. */
export function errorBody(statusCode: number, code: ErrorCode, message: string, errors?: FieldErrors): ErrorBody {
  const body: ErrorBody = { statusCode, code, message };
  if (errors && Object.keys(errors).length) {
    // Plain objects for JSON; keys are copied as data (a key `__proto__` stays a key).
    const messages: Record<string, string> = {};
    const codes: NonNullable<ErrorBody['error_codes']> = {};
    for (const [field, e] of Object.entries(errors)) {
      Object.defineProperty(messages, field, { value: e.message, enumerable: true, writable: true, configurable: true });
      Object.defineProperty(codes, field, {
        value: e.params ? { code: e.code, params: e.params } : { code: e.code }, enumerable: true, writable: true, configurable: true,
      });
    }
    body.errors = messages;
    body.error_codes = codes;
  }
  return body;
}

/** What is wrong with an error body (an undocumented code, keys that differ), or undefined. */
export function errorBodyProblem(body: ErrorBody): string | undefined {
  if (!isErrorCode(body.code)) return `undocumented code ${String(body.code)}`;
  if (!body.errors !== !body.error_codes) return 'errors and error_codes must come together';
  if (!body.errors || !body.error_codes) return undefined;
  const a = Object.keys(body.errors).sort();
  const b = Object.keys(body.error_codes).sort();
  if (a.join('\u0000') !== b.join('\u0000')) return 'errors and error_codes have different keys';
  for (const [field, e] of Object.entries(body.error_codes)) {
    if (!isFieldErrorCode(e?.code)) return `field ${field}: undocumented code ${String(e?.code)}`;
    if (typeof body.errors[field] !== 'string') return `field ${field}: no message`;
  }
  return undefined;
}
