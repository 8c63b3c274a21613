import simpleRestProvider from 'ra-data-simple-rest';
import { fetchUtils, HttpError, type DataProvider } from 'react-admin';
import { freshSession } from './auth/session';
import type { ApiErrorBody } from './types';

const httpClient = async (url: string, options: fetchUtils.Options = {}) => {
  const headers = new Headers(options.headers ?? { Accept: 'application/json' });
  // Renewing here too keeps a user who stays on one page signed in past 30 minutes.
  const session = await freshSession();
  if (session) headers.set('Authorization', `Bearer ${session.token}`);
  return fetchUtils.fetchJson(url, { ...options, headers });
};

/** Server error codes that get a translated message instead of the server's English one. */
const CODE_MESSAGES: Record<string, string> = {
  STALE_VERSION: 'app.error.stale_version',
  CONCURRENT_UPDATE: 'app.error.concurrent_update',
  DUPLICATE: 'app.error.duplicate',
  IN_USE: 'app.error.in_use',
  VALIDATION_FAILED: 'ra.message.invalid_form',
  FORBIDDEN: 'app.error.forbidden',
  NOT_FOUND: 'app.error.not_found',
};

/** The server's stable per-field messages; others are shown as the server wrote them. */
const FIELD_MESSAGES: Record<string, string> = {
  'already exists': 'app.server.already_exists',
  'is required': 'ra.validation.required',
  'is too long': 'app.server.too_long',
  'is out of range': 'app.server.out_of_range',
  'has an invalid format': 'app.server.invalid_format',
  'must be greater than 0': 'app.server.positive',
  'must be a phone number': 'app.server.phone',
  'must be at least 8 characters': 'app.server.password_length',
  'is read-only': 'app.server.read_only',
  'does not exist or is outside your union': 'app.server.bad_reference',
  'violates a rule of the record': 'app.server.rule',
  'is not your current password': 'app.server.wrong_password',
  'must differ from the current password': 'app.server.same_password',
  'change your own password with change-password, giving the current one': 'app.server.own_password',
};

const translateFields = (errors: Record<string, string>): Record<string, string> =>
  Object.fromEntries(Object.entries(errors).map(([field, msg]) => [field, FIELD_MESSAGES[msg] ?? msg]));

const STATUS_MESSAGES: Record<number, string> = {
  403: 'app.error.forbidden',
  429: 'app.error.rate_limited',
};

const isApiErrorBody = (body: unknown): body is ApiErrorBody =>
  typeof body === 'object' && body !== null && 'message' in body;

/**
 * react-admin shows `body.errors[field]` under each input, and `errors.root.serverError`
 * as the form's notification: the server's `errors` are already at the top level, we only
 * add the root message so that an error on a field without an input is not lost.
 */
export function adaptError(error: unknown): unknown {
  if (!(error instanceof HttpError)) return error;
  const body: unknown = error.body;
  const api = isApiErrorBody(body) ? body : undefined;
  const message =
    (api?.code && CODE_MESSAGES[api.code]) || STATUS_MESSAGES[error.status] || api?.message || error.message;
  // A stale version is not the user's typing: a notification is enough, and a field error
  // on `version` (which has no input) would block every later submit of that form.
  if (!api?.errors || Object.keys(api.errors).length === 0 || api.code === 'STALE_VERSION') {
    return new HttpError(message, error.status, api ? { ...api, errors: undefined } : body);
  }
  return new HttpError(message, error.status, {
    ...api,
    errors: { ...translateFields(api.errors), root: { serverError: message } },
  });
}

/** The console's data provider: react-admin's methods plus the API's verbs. */
export interface AppDataProvider extends DataProvider {
  /**
   * `POST /api/<resource>/:id/<verb>` with the current session's token: a non-CRUD action
   * on one record (change-password...). Resolves to the verb's JSON answer.
   */
  runVerb: <T = unknown>(resource: string, id: number | string, verb: string, body: unknown) => Promise<T>;
}

const base: AppDataProvider = {
  ...simpleRestProvider('/api', httpClient),
  async runVerb<T>(resource: string, id: number | string, verb: string, body: unknown): Promise<T> {
    const url = `/api/${encodeURIComponent(resource)}/${encodeURIComponent(String(id))}/${encodeURIComponent(verb)}`;
    const { json } = await httpClient(url, { method: 'POST', body: JSON.stringify(body) });
    return json as T;
  },
};

// Every method goes through adaptError; the Proxy keeps the stock provider untouched.
export const dataProvider: AppDataProvider = new Proxy(base, {
  get(target, prop, receiver) {
    const value: unknown = Reflect.get(target, prop, receiver);
    if (typeof value !== 'function') return value;
    return (...args: unknown[]) =>
      Promise.resolve((value as (...a: unknown[]) => unknown).apply(target, args)).catch((e: unknown) => {
        throw adaptError(e);
      });
  },
});
