import { z } from 'zod';
import { ERROR_CODES, FIELD_ERROR_CODES } from './errors';

/** The one error shape of the API. */
export const errorSchema = z.object({
  statusCode: z.number().int(),
  code: z.enum(ERROR_CODES).describe('What went wrong, from a closed list'),
  message: z.string().describe('English, for people; clients translate `code` and `error_codes`'),
  errors: z.record(z.string(), z.string()).optional().describe('field -> message'),
  error_codes: z
    .record(
      z.string(),
      z.object({
        code: z.enum(FIELD_ERROR_CODES),
        params: z.record(z.string(), z.union([z.string(), z.number()])).optional()
          .describe('Values the message refers to: minimum, maximum, format, values, role, expected, sent, current, ...'),
      }),
    )
    .optional()
    .describe('field -> { code, params }: the same keys as `errors`, present whenever `errors` is'),
});
