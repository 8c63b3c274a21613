import { z } from 'zod';
import { orderStatusEnum, paymentMethodEnum } from '../../../db/schema/index';
import { decimal, decimalOut, id, isoDate, optionalDate, optionalId, optionalText, readOnlyInput, recordBase, timestampOut } from '../../lib/zod-fields';
import { kg, lotGrades } from '../production/production.schemas';

export const orderStatuses = orderStatusEnum.enumValues;
export const paymentMethods = paymentMethodEnum.enumValues;

const int = z.number().int();
const str = z.string();
const nstr = z.string().nullable();
const money = decimal({ scale: 2, integerDigits: 12, min: 0 });

const listingWritable = {
  crop_id: id,
  grade: z.enum(lotGrades),
  price_per_kg: decimal({ scale: 2, integerDigits: 8, min: 0 }),
  min_order_kg: kg,
  published: z.boolean().optional(),
  notes: optionalText(500),
};
export const listingSchemas = {
  create: z.object(listingWritable).strict(),
  update: z.object({ ...z.object(listingWritable).partial().shape, ...readOnlyInput }).strict(),
  record: z.object({
    ...recordBase, crop_id: int, grade: z.enum(lotGrades), price_per_kg: decimalOut, min_order_kg: decimalOut, published: z.boolean(), notes: nstr,
  }),
};

export const supplyListing = z.object({
  id: int.describe('the listing\'s id'),
  union_id: int,
  crop_id: int,
  grade: z.enum(lotGrades),
  price_per_kg: decimalOut,
  min_order_kg: decimalOut,
  available_kg: decimalOut.describe('in stock, latest residue test passed, not expired, less what is allocated'),
  origin_villages: z.array(str),
  forecast: z.array(z.object({ day: str, kg: decimalOut })).describe('the next 14 days, from the plantings of the crop'),
});

export const orderCreate = z.object({
  buyer_id: optionalId.describe('staff ordering for a buyer; a buyer\'s own order is always theirs'),
  reference: optionalText(60),
  wanted_on: optionalDate,
  notes: optionalText(500),
  lines: z.array(z.object({ crop_id: id, grade: z.enum(lotGrades), quantity_kg: kg }).strict()).min(1).max(50),
}).strict();
export type OrderCreate = z.infer<typeof orderCreate>;

const lineRecord = z.object({
  id: int, union_id: int, order_id: int, buyer_id: int, crop_id: int, grade: z.enum(lotGrades), quantity_kg: decimalOut,
  price_per_kg: decimalOut, amount: decimalOut, allocated_kg: decimalOut,
});
export const orderLineRecord = lineRecord;

export const orderRecord = z.object({
  ...recordBase, buyer_id: int, status: z.enum(orderStatuses), reference: nstr, wanted_on: nstr, notes: nstr, total_amount: decimalOut,
  paid_amount: decimalOut, created_by: int.nullable(), payment_status: z.enum(['unpaid', 'partial', 'paid']),
});
export const orderWithLines = orderRecord.extend({ lines: z.array(lineRecord) });

export const allocationRecord = z.object({
  id: int, union_id: int, order_id: int, order_line_id: int, buyer_id: int, lot_id: int, warehouse_id: int, village_id: int,
  quantity_kg: decimalOut, released: z.boolean(), created_at: timestampOut,
});

export const allocateResult = z.object({
  order: orderRecord,
  lines: z.array(z.object({
    order_line_id: int, quantity_kg: decimalOut, allocated_kg: decimalOut, short_kg: decimalOut,
    allocations: z.array(z.object({ lot_id: int, lot_code: str, warehouse_id: int, quantity_kg: decimalOut, expires_on: str })),
  })),
});

export const paymentSchemas = {
  create: z.object({
    order_id: id,
    amount: decimal({ scale: 2, integerDigits: 12, positive: true }),
    paid_on: isoDate,
    method: z.enum(paymentMethods),
    reference: optionalText(60),
  }).strict(),
  record: z.object({
    id: int, union_id: int, order_id: int, buyer_id: int, amount: decimalOut, paid_on: str, method: z.enum(paymentMethods),
    reference: nstr, recorded_by: int.nullable(), created_at: timestampOut,
  }),
};
export { money };
