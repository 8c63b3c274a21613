import { z } from 'zod';
import { roles, scopeFields } from '../../lib/policy';
import { plainString } from '../../lib/zod-fields';

export const loginBody = z
  .object({
    username: plainString().trim().min(1, 'is required').max(60, 'must be at most 60 characters'),
    password: z.string().min(1, 'is required').max(200, 'must be at most 200 characters'),
  })
  .strict();

export const sessionUser = z.object({
  id: z.number().int(),
  union_id: z.number().int(),
  username: z.string(),
  display_name: z.string(),
  role: z.enum(roles),
  cooperative_id: z.number().int().nullable(),
  village_id: z.number().int().nullable(),
  household_id: z.number().int().nullable(),
  buyer_id: z.number().int().nullable(),
  union_name: z.string(),
  permissions: z
    .record(z.string(), z.object({ read: z.boolean(), create: z.boolean(), update: z.boolean(), delete: z.boolean(), verbs: z.array(z.string()) }))
    .describe('resource -> rights (verbs: the non-CRUD actions the role may run), for the console menu and buttons'),
  role_scope_fields: z.record(z.enum(roles), z.array(z.enum(scopeFields))).describe('role -> the scope fields its accounts carry'),
});

export const tokenResponse = z.object({ token: z.string(), expires_at: z.string(), user: sessionUser });
export const meResponse = z.object({ user: sessionUser });
