// The unified social credit code (统一社会信用代码, GB 32100-2015) that every registered
// organisation in China carries, a cooperative's registration number among them.

/** The code's 31 characters, in the order of their values 0-30 (no I, O, S, V, Z). */
export const USCC_CHARSET = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28] as const;
const SHAPE = /^[0-9A-HJ-NP-RTUW-Y]{18}$/;

/** The 18th character for the first 17, or undefined when one of them is outside the charset. */
export function usccCheckChar(first17: string): string | undefined {
  if (first17.length !== 17) return undefined;
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = USCC_CHARSET.indexOf(first17[i]);
    if (v < 0) return undefined;
    sum += v * WEIGHTS[i];
  }
  return USCC_CHARSET[(31 - (sum % 31)) % 31];
}

/** True for an 18-character code (upper case) from the charset whose check character is right. */
export function isUnifiedSocialCreditCode(s: string): boolean {
  return typeof s === 'string' && SHAPE.test(s) && usccCheckChar(s.slice(0, 17)) === s[17];
}
