import type { Session } from '../types';

const KEY = 'lvjiang.session';
/** Renew when less than this remains, so an active user never meets an expired token. */
export const RENEW_BEFORE_MS = 10 * 60 * 1000;

export function readSession(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Partial<Session>;
    // A session stored by an older console (no role_scope_fields, rights without verbs)
    // counts as none: signing in again fetches one of the current shape.
    const current = typeof s.user?.role_scope_fields === 'object' && s.user.role_scope_fields !== null;
    return s.token && s.expires_at && s.user && current ? (s as Session) : null;
  } catch {
    return null;
  }
}

export function writeSession(s: Session): void {
  localStorage.setItem(KEY, JSON.stringify(s));
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
}

export function msLeft(s: Session): number {
  const t = Date.parse(s.expires_at);
  return Number.isNaN(t) ? 0 : t - Date.now();
}

async function postRefresh(token: string): Promise<Session> {
  const res = await fetch('/api/auth/refresh', {
    method: 'POST',
    headers: {
      Accept: 'application/json',
      'Content-Type': 'application/json',
      Authorization: `Bearer ${token}`,
    },
    body: '{}',
  });
  if (!res.ok) throw new Error(`refresh failed: ${res.status}`);
  return (await res.json()) as Session;
}

// Several queries start at once after a navigation; they must share one refresh call,
// or the later ones would renew a token the first one already replaced.
let inFlight: Promise<Session | null> | null = null;

/**
 * Returns a session that has at least RENEW_BEFORE_MS left, renewing it if needed.
 * Resolves null (and clears storage) when there is no usable session.
 */
export function freshSession(): Promise<Session | null> {
  const s = readSession();
  if (!s) return Promise.resolve(null);
  const left = msLeft(s);
  if (left <= 0) {
    clearSession();
    return Promise.resolve(null);
  }
  if (left > RENEW_BEFORE_MS) return Promise.resolve(s);
  inFlight ??= postRefresh(s.token)
    .then((next) => {
      writeSession(next);
      return next;
    })
    .catch(() => {
      clearSession();
      return null;
    })
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
}
