import { useCallback, useState } from 'react';

/**
 * A fresh Idempotency-Key. crypto.randomUUID exists only in secure contexts (https,
 * localhost): a phone on the base's network over plain http falls back to getRandomValues.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * One key per filled form: the same key is sent again when the user retries after a
 * network error (the server answers with the lot it already made), and `renew` is called
 * once the form is done with (success, or the user starts another one).
 */
export function useIdempotencyKey(): { key: string; renew: () => void } {
  const [key, setKey] = useState(newIdempotencyKey);
  const renew = useCallback(() => setKey(newIdempotencyKey()), []);
  return { key, renew };
}
