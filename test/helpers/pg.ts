import { withDatabase } from '../../db/client';

/** The maintenance database on the same server, for CREATE/DROP DATABASE. */
export const adminUrl = (url: string): string => withDatabase(url, 'postgres');

export { withDatabase };
