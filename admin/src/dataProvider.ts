import simpleRestProvider from 'ra-data-simple-rest';
import { fetchUtils, HttpError, type DataProvider, type RaRecord } from 'react-admin';
import { freshSession } from './auth/session';
import { errorCodeKey, fieldErrorTexts } from './apiErrors';
import { i18nProvider } from './i18n';
import type { ApiErrorBody } from './types';

const httpClient = async (url: string, options: fetchUtils.Options = {}) => {
  const headers = new Headers(options.headers ?? { Accept: 'application/json' });
  // Renewing here too keeps a user who stays on one page signed in past 30 minutes.
  const session = await freshSession();
  if (session) headers.set('Authorization', `Bearer ${session.token}`);
  return fetchUtils.fetchJson(url, { ...options, headers });
};

/** Statuses whose answer may lack a JSON body of ours (a proxy's 429, a 403 from elsewhere). */
const STATUS_MESSAGES: Record<number, string> = {
  403: 'app.error_code.FORBIDDEN',
  429: 'app.error_code.TOO_MANY_REQUESTS',
};

const isApiErrorBody = (body: unknown): body is ApiErrorBody =>
  typeof body === 'object' && body !== null && 'message' in body;

/**
 * react-admin shows `body.errors[field]` under each input, and `errors.root.serverError`
 * as the form's notification. Each field's text is translated from `error_codes` (code and
 * params), the notification from the top-level `code`; the server's English message is
 * only the fallback for a code the console does not know. The root message is added so
 * that an error on a field without an input is not lost.
 */
export function adaptError(error: unknown): unknown {
  if (!(error instanceof HttpError)) return error;
  const body: unknown = error.body;
  const api = isApiErrorBody(body) ? body : undefined;
  const message = errorCodeKey(api?.code) ?? STATUS_MESSAGES[error.status] ?? (api?.message || error.message);
  // A stale version is not the user's typing: a notification is enough, and a field error
  // on `version` (which has no input) would block every later submit of that form.
  if (!api?.errors || Object.keys(api.errors).length === 0 || api.code === 'STALE_VERSION') {
    return new HttpError(message, error.status, api ? { ...api, errors: undefined } : body);
  }
  return new HttpError(message, error.status, {
    ...api,
    errors: { ...fieldErrorTexts(api, i18nProvider.translate), root: { serverError: message } },
  });
}

/** The console's data provider: react-admin's methods plus the API's verbs. */
export interface AppDataProvider extends DataProvider {
  /**
   * `POST /api/<resource>/:id/<verb>` with the current session's token: a non-CRUD action
   * on one record (change-password...). Resolves to the verb's JSON answer.
   */
  /**
   * GET a file (`recall.csv?…`, `trace/<code>/epcis`) with the session's token and save it
   * under `filename` (a plain link would not carry the token).
   */
  download: (path: string, filename: string) => Promise<void>;
  runVerb: <T = unknown>(resource: string, id: number | string, verb: string, body: unknown) => Promise<T>;
  /**
   * Any other API call (`GET /api/harvest-lots/totals`, `POST /api/harvest-lots/import`...):
   * `path` is below /api; `idempotencyKey` becomes the Idempotency-Key header. Resolves to the JSON answer.
   */
  request: <T = unknown>(path: string, options?: { method?: string; body?: unknown; idempotencyKey?: string }) => Promise<T>;
}

const base0 = simpleRestProvider('/api', httpClient);

const base: AppDataProvider = {
  ...base0,
  // An export (meta.exportAll, see common/export.ts) reads every page of 100 up to perPage rows.
  async getList<R extends RaRecord = RaRecord>(resource: string, params: Parameters<DataProvider['getList']>[1]) {
    if (!params.meta?.exportAll) return base0.getList<R>(resource, params);
    const wanted = params.pagination?.perPage ?? 1000;
    const data: R[] = [];
    let total = 0;
    for (let page = 1; data.length < wanted; page += 1) {
      const res = await base0.getList<R>(resource, { ...params, pagination: { page, perPage: 100 }, meta: undefined });
      data.push(...res.data);
      total = res.total ?? data.length;
      if (res.data.length < 100 || data.length >= total) break;
    }
    return { data: data.slice(0, wanted), total };
  },
  // `meta.idempotencyKey` (see useIdempotencyKey) makes a retried create the same request.
  async create(resource, params) {
    const key: unknown = params.meta?.idempotencyKey;
    if (typeof key !== 'string') return base0.create(resource, params);
    const { json } = await httpClient(`/api/${encodeURIComponent(resource)}`, {
      method: 'POST',
      body: JSON.stringify(params.data),
      headers: new Headers({ Accept: 'application/json', 'Idempotency-Key': key }),
    });
    return { data: json };
  },
  async request<T>(path: string, options: { method?: string; body?: unknown; idempotencyKey?: string } = {}): Promise<T> {
    const headers = new Headers({ Accept: 'application/json' });
    if (options.idempotencyKey) headers.set('Idempotency-Key', options.idempotencyKey);
    const { json } = await httpClient(`/api/${path.replace(/^\//, '')}`, {
      method: options.method ?? 'GET',
      headers,
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
    });
    return json as T;
  },
  async download(path: string, filename: string): Promise<void> {
    const headers = new Headers();
    const session = await freshSession();
    if (session) headers.set('Authorization', `Bearer ${session.token}`);
    const res = await fetch(`/api/${path.replace(/^\//, '')}`, { headers });
    if (!res.ok) {
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        /* not JSON: the status speaks */
      }
      throw new HttpError(isApiErrorBody(body) ? body.message : res.statusText, res.status, body);
    }
    const url = URL.createObjectURL(await res.blob());
    const a = document.createElement('a');
    a.href = url;
    a.download = filename;
    document.body.appendChild(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  },
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
