import { withDatabase } from '../../db/client';

export const TEMPLATE_DB = 'coop_test_template';

/** The maintenance database on the same server, for CREATE/DROP DATABASE. */
export const adminUrl = (url: string): string => withDatabase(url, 'postgres');

export { withDatabase };
