import { zhApp } from './i18n/zh';
import type { ApiErrorBody } from './types';

// The server's errors are translated by their codes, never by matching the English text:
// `code` (top level) and `error_codes` (per field, with params). The server's English
// `message` is shown only for a code this console does not know yet.

type Translate = (key: string, options?: Record<string, unknown>) => string;

const FIELD_CODES: ReadonlySet<string> = new Set(Object.keys(zhApp.app.field_error));
const TOP_CODES: ReadonlySet<string> = new Set(Object.keys(zhApp.app.error_code));

/** The translation key of a top-level code, or undefined when the console has none. */
export const errorCodeKey = (code: unknown): string | undefined =>
  typeof code === 'string' && TOP_CODES.has(code) ? `app.error_code.${code}` : undefined;

/** The translation key of a field error code, or undefined when the console has none. */
export const fieldErrorKey = (code: unknown): string | undefined =>
  typeof code === 'string' && FIELD_CODES.has(code) ? `app.field_error.${code}` : undefined;

/** One field's error, translated from its code and params; the server's message for an unknown code. */
export function fieldErrorText(body: ApiErrorBody, field: string, translate: Translate): string {
  const fallback = body.errors && Object.hasOwn(body.errors, field) ? body.errors[field] : '';
  const entry = body.error_codes && Object.hasOwn(body.error_codes, field) ? body.error_codes[field] : undefined;
  const key = fieldErrorKey(entry?.code);
  if (!key) return fallback;
  return translate(key, { ...entry?.params, _: fallback });
}

/** Every field error of the body, translated: field -> text (no prototype keys are trusted). */
export function fieldErrorTexts(body: ApiErrorBody, translate: Translate): Record<string, string> {
  const out: Record<string, string> = {};
  for (const field of Object.keys(body.errors ?? {})) {
    Object.defineProperty(out, field, { value: fieldErrorText(body, field, translate), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
