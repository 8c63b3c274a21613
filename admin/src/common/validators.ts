import type { Validator } from 'react-admin';

// Native <input min/step> is left off on purpose: the browser would block the submit
// with its own English tooltip before react-admin could show a translated message.

const decimalsOf = (value: unknown): number => {
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  const dot = text.indexOf('.');
  return dot < 0 || /e/i.test(text) ? 0 : text.length - dot - 1;
};

/** The column's scale: numeric(…, 2) would round a third decimal silently. */
export const maxDecimals =
  (digits: number): Validator =>
  (value: unknown) =>
    value == null || value === '' || decimalsOf(value) <= digits
      ? undefined
      : { message: 'app.validation.decimals', args: { digits } };

export const integer: Validator = (value: unknown) =>
  value == null || value === '' || Number.isInteger(Number(value)) ? undefined : 'app.validation.integer';
