import { z } from 'zod';
import { roles } from '../../lib/policy';
import { isUnifiedSocialCreditCode } from '../../lib/uscc';
import {
  code, codeParams, decimal, decimalOut, id, optionalDate, optionalId, optionalText, phone, readOnlyInput, recordBase, text, timestampOut, unicodeString,
} from '../../lib/zod-fields';

/** 统一社会信用代码: 18 characters with a valid check character (GB 32100-2015); blank means none. */
const registrationNo = z.preprocess(
  (v) => (typeof v === 'string' ? (v.trim() === '' ? null : v.trim().toUpperCase()) : v),
  z.string()
    .refine(isUnifiedSocialCreditCode, {
      message: 'must be an 18-character unified social credit code with a valid check character', params: codeParams('invalid_uscc'),
    })
    .describe('统一社会信用代码, 18 characters, check character per GB 32100-2015')
    .nullable(),
).optional();

// One zod set per resource: create body, update body (partial, read-only fields tolerated
// when unchanged), and the record as returned. They also feed OpenAPI.

function crudSchemas<T extends z.ZodRawShape>(writable: T, record: z.ZodRawShape) {
  const create = z.object(writable).strict();
  return {
    create,
    update: z.object({ ...z.object(writable).partial().shape, ...readOnlyInput }).strict(),
    record: z.object({ ...recordBase, ...record }),
  };
}

export const unionSchemas = (() => {
  const s = crudSchemas(
    { code, name: text(120), short_name: optionalText(60) },
    { code: z.string(), name: z.string(), short_name: z.string().nullable(), is_demo: z.boolean() },
  );
  return { ...s, update: s.update.extend({ is_demo: z.unknown().optional() }).strict() };
})();

export const villageSchemas = crudSchemas(
  { code, name: text(60), township: optionalText(60), notes: optionalText(2000) },
  { code: z.string(), name: z.string(), township: z.string().nullable(), notes: z.string().nullable() },
);

export const cooperativeSchemas = crudSchemas(
  {
    village_id: id,
    code,
    name: text(120),
    registration_no: registrationNo,
    legal_representative: optionalText(60),
    phone,
    founded_on: optionalDate,
  },
  {
    village_id: z.number().int(), code: z.string(), name: z.string(), registration_no: z.string().nullable(),
    legal_representative: z.string().nullable(), phone: z.string().nullable(), founded_on: z.string().nullable(),
  },
);

const money = decimal({ scale: 2, integerDigits: 12, min: 0 });

export const householdSchemas = crudSchemas(
  {
    village_id: id,
    code,
    head_name: text(60),
    phone,
    address: optionalText(200),
    is_member: z.boolean().optional(),
    capital_contributed: money.optional(),
    joined_on: optionalDate,
  },
  {
    village_id: z.number().int(), code: z.string(), head_name: z.string(), phone: z.string().nullable(),
    address: z.string().nullable(), is_member: z.boolean(), capital_contributed: decimalOut, joined_on: z.string().nullable(),
  },
);

export const personRoles = ['grower', 'small_expert', 'class_rep', 'group_leader', 'party_member', 'cadre', 'volunteer'] as const;

export const personSchemas = crudSchemas(
  {
    village_id: id,
    household_id: optionalId,
    name: text(60),
    gender: z.enum(['male', 'female']),
    birth_year: z.preprocess((v) => (v === '' ? null : v), z.number().int().min(1900).max(2100).nullable()).optional(),
    phone,
    roles: z.array(z.enum(personRoles)).max(personRoles.length).optional(),
  },
  {
    village_id: z.number().int(), household_id: z.number().int().nullable(), name: z.string(), gender: z.enum(['male', 'female']),
    birth_year: z.number().int().nullable(), phone: z.string().nullable(), roles: z.array(z.string()),
  },
);

const coordinate = (limit: number) =>
  z.preprocess((v) => (v === '' ? null : v), decimal({ scale: 6, integerDigits: 3 }).refine((s) => Math.abs(Number(s)) <= limit, {
    message: `must be within ±${limit}`, params: codeParams('not_between', { minimum: -limit, maximum: limit }),
  }).nullable()).optional();

export const plotSchemas = crudSchemas(
  {
    village_id: id,
    tenure: z.enum(['household', 'collective']),
    household_id: optionalId,
    code,
    name: text(80),
    area_mu: decimal({ scale: 2, integerDigits: 8, positive: true }),
    kind: z.enum(['greenhouse', 'open_field']),
    location: optionalText(200),
    latitude: coordinate(90),
    longitude: coordinate(180),
  },
  {
    village_id: z.number().int(), tenure: z.enum(['household', 'collective']), household_id: z.number().int().nullable(),
    code: z.string(), name: z.string(), area_mu: decimalOut, kind: z.enum(['greenhouse', 'open_field']),
    location: z.string().nullable(), latitude: decimalOut.nullable(), longitude: decimalOut.nullable(),
  },
);

export const buyerKinds = ['state_enterprise', 'supermarket', 'wholesale_market', 'canteen', 'other'] as const;
export const buyerSchemas = crudSchemas(
  { code, name: text(120), kind: z.enum(buyerKinds), contact_name: optionalText(60), phone, address: optionalText(200) },
  {
    code: z.string(), name: z.string(), kind: z.enum(buyerKinds), contact_name: z.string().nullable(),
    phone: z.string().nullable(), address: z.string().nullable(),
  },
);

export const username = z.string().trim().toLowerCase().regex(/^[a-z0-9][a-z0-9._-]{2,59}$/, 'must be 3-60 lowercase letters, digits, dot, dash or underscore');
export const password = unicodeString().min(8, 'must be at least 8 characters').max(200, 'must be at most 200 characters');

export const userSchemas = (() => {
  const writable = {
    username,
    password,
    display_name: text(60),
    role: z.enum(roles),
    cooperative_id: optionalId,
    village_id: optionalId,
    household_id: optionalId,
    buyer_id: optionalId,
    phone,
    active: z.boolean().optional(),
  };
  const s = crudSchemas(writable, {
    username: z.string(), display_name: z.string(), role: z.enum(roles), cooperative_id: z.number().int().nullable(),
    village_id: z.number().int().nullable(), household_id: z.number().int().nullable(), buyer_id: z.number().int().nullable(),
    phone: z.string().nullable(), active: z.boolean(), last_login_at: timestampOut.nullable(),
  });
  // An empty password on edit means "keep the current one".
  const update = s.update
    .extend({
      password: z.preprocess((v) => (v === '' || v === null ? undefined : v), password.optional()),
      last_login_at: z.unknown().optional(),
    })
    .strict();
  return { ...s, update };
})();

/** `POST /api/users/:id/change-password`: the user's own password, against the current one. */
export const changePasswordBody = z
  .object({
    current_password: unicodeString().min(1, 'is required').max(200, 'must be at most 200 characters'),
    new_password: password,
  })
  .strict();
export type ChangePasswordBody = z.infer<typeof changePasswordBody>;
