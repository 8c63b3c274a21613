import type { Choice } from './choices';

// The sales enums (db/schema/sales.ts). Choice names are i18n keys (choices.<set>.<id>).
const choices = (set: string, ids: readonly string[]): Choice[] => ids.map((id) => ({ id, name: `choices.${set}.${id}` }));

export const ORDER_STATUSES = ['submitted', 'confirmed', 'allocated', 'dispatched', 'delivered', 'paid', 'cancelled'] as const;
export const PAYMENT_STATUSES = ['unpaid', 'partial', 'paid'] as const;
export const PAYMENT_METHODS = ['bank_transfer', 'cash', 'other'] as const;
export const RECALL_FROM = ['lot', 'plot', 'application'] as const;

export const orderStatusChoices = choices('order_status', ORDER_STATUSES);
export const paymentStatusChoices = choices('payment_status', PAYMENT_STATUSES);
export const paymentMethodChoices = choices('payment_method', PAYMENT_METHODS);
export const recallFromChoices = choices('recall_from', RECALL_FROM);
