import { z } from 'zod';

/** The one error shape of the API. */
export const errorSchema = z.object({
  statusCode: z.number().int(),
  code: z.string(),
  message: z.string(),
  errors: z.record(z.string(), z.string()).optional().describe('field -> message'),
});
