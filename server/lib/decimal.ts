// Kilograms and yuan carry two decimals: counted in hundredths, comparisons and sums are exact.

/** Hundredths of a decimal (kg or yuan), so that comparisons are exact. */
export const cents = (v: string | number | null | undefined): number => Math.round(Number(v ?? 0) * 100);
/** Hundredths back to the two-decimal string the database and the API use. */
export const kgOf = (c: number): string => (c / 100).toFixed(2);
