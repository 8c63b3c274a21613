import { z } from 'zod';
import type { FieldErrorCode, FieldErrorParams } from './errors';

// Field builders shared by every module's schemas, so one rule reads the same everywhere.

const blankToNull = (v: unknown) => (typeof v === 'string' && v.trim() === '' ? null : v);

// PostgreSQL text cannot hold NUL, and no field of ours wants other control characters.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;
/**
 * The params of a custom issue (a refinement, `ctx.addIssue`): its field error code and that
 * code's params. The error plugin reads them back (errors.ts, fromZodIssue).
 */
export const codeParams = (code: FieldErrorCode, params?: FieldErrorParams) => ({ ...params, code });
const loneSurrogateError = { message: 'must not contain unpaired surrogates', params: codeParams('lone_surrogate') };

/** A lone UTF-16 surrogate has no UTF-8 form: the driver would store U+FFFD instead. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;
/** True when the string has a lone surrogate (not well-formed Unicode). */
export const hasLoneSurrogate = (s: string) => LONE_SURROGATE.test(s);
/** Any string, but only well-formed Unicode: for passwords and other text matched as typed. */
export const unicodeString = () => z.string().refine((s) => !hasLoneSurrogate(s), loneSurrogateError);
/** A string without control characters (tabs and line breaks are fine) or unpaired surrogates. */
export const plainString = () =>
  z
    .string()
    .refine((s) => !CONTROL.test(s), { message: 'must not contain control characters', params: codeParams('control_characters') })
    .refine((s) => !hasLoneSurrogate(s), loneSurrogateError);

/** Required text, trimmed, bounded. */
export const text = (max: number) =>
  plainString().trim().min(1, 'is required').max(max, `must be at most ${max} characters`);

/** Optional text: blank becomes null. */
export const optionalText = (max: number) =>
  z.preprocess(blankToNull, plainString().trim().max(max, `must be at most ${max} characters`).nullable()).optional();

export const code = z.string().trim().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$/, 'must be 1-32 letters, digits, dot, dash or underscore');

export const phone = z.preprocess(
  blankToNull,
  z.string().trim().regex(/^\+?[0-9][0-9 -]{4,18}$/, 'must be a phone number').nullable(),
).optional();

/** Dates and timestamps the API accepts: anything else is a typo, and PostgreSQL's range is wider than JavaScript's. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2200;
const yearInRange = (year: number) => year >= MIN_YEAR && year <= MAX_YEAR;
const outOfRange = {
  message: `must be between the years ${MIN_YEAR} and ${MAX_YEAR}`,
  params: codeParams('not_between', { minimum: MIN_YEAR, maximum: MAX_YEAR }),
};

export const isoDate = z.iso
  .date('must be a date YYYY-MM-DD')
  .refine((s) => yearInRange(Number(s.slice(0, 4))), outOfRange);
/** A point in time (a list filter on a timestamp column): any string Date parses, within the years above. */
export const timestampValue = z.coerce
  .date({ error: 'must be a date or an ISO 8601 timestamp' })
  .refine((d) => yearInRange(d.getUTCFullYear()), outOfRange);
export const optionalDate = z.preprocess(blankToNull, isoDate.nullable()).optional();

export const id = z.number({ error: 'must be an id' }).int('must be an id').positive('must be an id').max(2_147_483_647);
export const optionalId = z.preprocess(blankToNull, id.nullable()).optional();

/**
 * Exact decimal: accepts a number or a numeric string, returns the canonical string that
 * PostgreSQL `numeric` stores, so no float rounding reaches the database.
 */
export function decimal(opts: { scale: number; integerDigits: number; min?: number; positive?: boolean }) {
  const pattern = new RegExp(`^-?\\d{1,${opts.integerDigits}}(\\.\\d{1,${opts.scale}})?$`);
  // The rule, stated in the OpenAPI document as the server enforces it.
  const rule = [
    `exact decimal (number or string), at most ${opts.integerDigits} digits before the point and ${opts.scale} after`,
    ...(opts.positive ? ['greater than 0'] : []),
    ...(opts.min !== undefined ? [`at least ${opts.min}`] : []),
  ].join('; ');
  return z
    .union([z.number(), z.string().trim()])
    .describe(rule)
    .transform((v, ctx) => {
      const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : v;
      if (!pattern.test(s)) {
        ctx.addIssue({
          code: 'custom',
          message: `must be a number with at most ${opts.integerDigits} digits and ${opts.scale} decimals`,
          params: codeParams('invalid_decimal', { integer_digits: opts.integerDigits, scale: opts.scale }),
        });
        return z.NEVER;
      }
      const n = Number(s);
      if (opts.positive && !(n > 0)) {
        ctx.addIssue({ code: 'custom', message: 'must be greater than 0', params: codeParams('must_be_greater', { minimum: 0 }) });
        return z.NEVER;
      }
      if (opts.min !== undefined && n < opts.min) {
        ctx.addIssue({ code: 'custom', message: `must be at least ${opts.min}`, params: codeParams('too_small', { minimum: opts.min }) });
        return z.NEVER;
      }
      return s;
    });
}

/** Output-side decimal, as the API returns it. */
export const decimalOut = z.string().describe('exact decimal as a string');
export const timestampOut = z.string().describe('ISO 8601 timestamp');

/** Fields every record has; react-admin sends them back on update, unchanged. */
export const recordBase = {
  id: z.number().int(),
  union_id: z.number().int(),
  version: z.number().int(),
  created_at: timestampOut,
  updated_at: timestampOut,
};
export const readOnlyBase = ['id', 'union_id'];
/** The read-only fields as the update body accepts them (values are compared, not parsed). */
export const readOnlyInput = {
  id: z.unknown().optional(),
  union_id: z.unknown().optional(),
  created_at: z.unknown().optional(),
  updated_at: z.unknown().optional(),
  // Required: an update without the version it read would silently overwrite someone else's.
  version: z.number({ error: (iss) => (iss.input === undefined ? 'is required' : 'must be an integer') }).int('must be an integer'),
};
