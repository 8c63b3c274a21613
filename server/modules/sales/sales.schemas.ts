import { z } from 'zod';
import { deliveryStatusEnum, orderStatusEnum, paymentMethodEnum } from '../../../db/schema/index';
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

export const deliveryStatuses = deliveryStatusEnum.enumValues;

export const deliveryRecord = z.object({
  id: int, union_id: int, order_id: int, buyer_id: int, status: z.enum(deliveryStatuses), vehicle: nstr, driver: nstr,
  dispatched_at: timestampOut, delivered_at: timestampOut.nullable(), received_by: nstr, dispatched_by: int.nullable(),
});
export const deliveryLineRecord = z.object({
  id: int, union_id: int, delivery_id: int, buyer_id: int, order_line_id: int, lot_id: int, warehouse_id: int, crop_id: int,
  grade: z.enum(lotGrades), dispatched_kg: decimalOut, received_kg: decimalOut.nullable(),
  shortfall_kg: decimalOut.nullable().describe('dispatched less received, once received'),
});
export const certificateRecord = z.object({
  id: int, union_id: int, delivery_id: int, buyer_id: int, number: str, issued_on: str, product: str, quantity_kg: decimalOut,
  producer: str, origin: str, contact: str, commitment: str,
  test_results: z.array(z.object({ lot_code: str, method: str, result: str, tested_on: str })),
  lines: z.array(z.object({ crop: str, grade: str, quantity_kg: str, lots: z.array(str) })),
  supersedes_id: int.nullable(), superseded_by_id: int.nullable(), reason: nstr, issued_by: int.nullable(), created_at: timestampOut,
});
export const dispatchBody = z.object({ vehicle: optionalText(40), driver: optionalText(60) }).strict();
export const dispatchResult = z.object({
  order: orderRecord, delivery: deliveryRecord,
  lines: z.array(deliveryLineRecord.omit({ shortfall_kg: true })), certificate: certificateRecord,
});
export const receiveBody = z.object({
  received_by: z.string().trim().min(1).max(60),
  lines: z.array(z.object({ delivery_line_id: id, received_kg: decimal({ scale: 2, integerDigits: 10, min: 0 }) }).strict()).min(1).max(200),
}).strict();
export const supersedeBody = z.object({ reason: z.string().trim().min(1).max(500), contact: optionalText(200), commitment: optionalText(500) }).strict();
