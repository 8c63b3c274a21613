import { AppError, conflict, fieldError, validationError, type FieldError } from './errors';

interface PgErrorLike {
  code?: string;
  constraint?: string;
  column?: string;
  detail?: string;
  message?: string;
}

/** Constraint name -> the API field it guards, for constraints whose name does not say it. */
export type ConstraintFields = ReadonlyMap<string, string>;
const none: ConstraintFields = new Map();

/** drizzle wraps driver errors; both pg and PGlite expose the SQLSTATE on the cause. */
export function pgErrorOf(err: unknown): PgErrorLike | undefined {
  let e: unknown = err;
  for (let depth = 0; e && depth < 4; depth++) {
    const candidate = e as PgErrorLike & { cause?: unknown };
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code)) return candidate;
    e = candidate.cause;
  }
  return undefined;
}

function fieldOf(pgErr: PgErrorLike, fields: ConstraintFields): string {
  const name = pgErr.constraint ?? '';
  const known = fields.get(name);
  if (known) return known;
  if (pgErr.column) return pgErr.column;
  // Conventions of db/schema: <table>_<field>_fk, <table>_union_<field>_key, <table>_<field>_<rule>.
  const fk = /^[a-z]+_([a-z_]+)_fk$/.exec(name);
  if (fk) return `${fk[1]}_id`;
  const key = /^[a-z]+_union_([a-z_]+)_key$/.exec(name);
  if (key) return key[1];
  const detailCol = /\(([a-z_]+)\)=/.exec(pgErr.detail ?? '');
  if (detailCol) return detailCol[1].replace(/^lower\(|\)$/g, '');
  return 'root';
}

/**
 * Maps a database error to the caller's mistake it reveals, or undefined when it is ours.
 * `op` tells whether a foreign-key failure means "points at nothing" or "still in use".
 */
export function mapDbError(err: unknown, op: 'write' | 'delete' = 'write', fields: ConstraintFields = none): AppError | undefined {
  const pgErr = pgErrorOf(err);
  if (!pgErr?.code) return undefined;
  const field = fieldOf(pgErr, fields);
  // Null prototype: the field comes from the database's message, not from a client, but stays a plain key.
  const on = (e: FieldError) => Object.assign(Object.create(null) as Record<string, FieldError>, { [field]: e });
  switch (pgErr.code) {
    case '23505':
      return conflict('DUPLICATE', 'A record with this value already exists', on(fieldError('already_exists', 'already exists')));
    case '23503':
      return op === 'delete'
        ? conflict('IN_USE', 'The record is still referenced by other records')
        : validationError(on(fieldError('not_found_reference', 'does not exist or is outside your union')), 'Invalid reference');
    case '23514':
      return validationError(on(fieldError('violates_rule', 'violates a rule of the record')), `Check failed: ${pgErr.constraint ?? 'constraint'}`);
    case '23502':
      return validationError(on(fieldError('required', 'is required')));
    case '22001':
      return validationError(on(fieldError('too_long_to_store', 'is too long')));
    case '22003':
      return validationError(on(fieldError('out_of_range', 'is out of range')));
    case '22021':
      return validationError(on(fieldError('unstorable_characters', 'contains characters the database cannot store')));
    case '22P02':
    case '22007':
      return validationError(on(fieldError('invalid_format', 'has an invalid format', { format: 'database' })));
    // datetime_field_overflow, invalid_time_zone_displacement_value: a date the caller got wrong.
    case '22008':
    case '22009':
      return validationError(on(fieldError('out_of_range', 'is out of range')), 'Date or time out of range');
    case '40001':
    case '40P01':
      return conflict('CONCURRENT_UPDATE', 'The record changed at the same time; retry');
    default:
      return undefined;
  }
}
