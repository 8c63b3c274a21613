import { z } from 'zod';
import { allocations, certificates, deliveries, deliveryLines, listings, orderLines, orders, payments } from '../../../db/schema/index';
import { eqFilter as eq, filterBool as bool, rangeFilter as range } from '../../lib/list-query';
import type { ResourceDef, Row } from '../../lib/resource';
import { readOnlyBase } from '../../lib/zod-fields';
import { lotGrades } from '../production/production.schemas';
import {
  allocationRecord, certificateRecord, deliveryLineRecord, deliveryRecord, deliveryStatuses, listingSchemas, orderLineRecord, orderRecord, orderStatuses,
  paymentMethods, paymentSchemas,
} from './sales.schemas';

// Sales' resources: listings are plain; orders, their lines, allocations and payments keep
// the generic reads and are written by sales.service.ts.

export const salesConstraintFields = {
  listings_union_crop_grade_key: 'grade',
  listings_crop_fk: 'crop_id',
  orders_buyer_fk: 'buyer_id',
  orders_paid_within_total: 'amount',
  stock_allocated_within: 'quantity_kg',
};


export const listingResource: ResourceDef = {
  name: 'listings',
  tag: 'sales',
  table: listings,
  columns: listings,
  list: {
    sortable: { crop_id: listings.crop_id, grade: listings.grade, price_per_kg: listings.price_per_kg, published: listings.published },
    filters: { crop_id: eq(listings.crop_id), grade: eq(listings.grade, z.enum(lotGrades)), published: eq(listings.published, bool) },
    search: [],
  },
  scopeColumns: {},
  ...listingSchemas,
  readOnly: readOnlyBase,
};

/** Unpaid, partly paid or paid, from the amounts. */
const paymentStatus = (row: Row) => {
  const paid = Math.round(Number(row.paid_amount) * 100);
  const total = Math.round(Number(row.total_amount) * 100);
  return paid <= 0 ? 'unpaid' : paid >= total ? 'paid' : 'partial';
};

export const orderResource: ResourceDef = {
  name: 'orders',
  tag: 'sales',
  table: orders,
  columns: orders,
  list: {
    sortable: { created_at: orders.created_at, status: orders.status, buyer_id: orders.buyer_id, wanted_on: orders.wanted_on, total_amount: orders.total_amount },
    filters: {
      buyer_id: eq(orders.buyer_id),
      status: eq(orders.status, z.enum(orderStatuses)),
      wanted_on: range(orders.wanted_on),
    },
    search: [orders.reference],
    defaultSort: ['id', 'DESC'],
  },
  scopeColumns: { buyer: orders.buyer_id },
  create: z.object({}),
  update: z.object({}),
  record: orderRecord,
  readOnly: readOnlyBase,
  operations: ['list', 'get'],
  present: (row: Row) => ({ ...row, payment_status: paymentStatus(row) }),
};

export const orderLineResource: ResourceDef = {
  name: 'order-lines',
  tag: 'sales',
  table: orderLines,
  columns: { id: orderLines.id, union_id: orderLines.union_id },
  list: {
    sortable: { order_id: orderLines.order_id, crop_id: orderLines.crop_id },
    filters: { order_id: eq(orderLines.order_id), crop_id: eq(orderLines.crop_id), grade: eq(orderLines.grade, z.enum(lotGrades)) },
    search: [],
  },
  scopeColumns: { buyer: orderLines.buyer_id },
  create: z.object({}),
  update: z.object({}),
  record: orderLineRecord,
  readOnly: readOnlyBase,
  operations: ['list', 'get'],
};

export const allocationResource: ResourceDef = {
  name: 'allocations',
  tag: 'sales',
  table: allocations,
  columns: { id: allocations.id, union_id: allocations.union_id },
  list: {
    sortable: { created_at: allocations.created_at, lot_id: allocations.lot_id },
    filters: {
      order_id: eq(allocations.order_id), order_line_id: eq(allocations.order_line_id), lot_id: eq(allocations.lot_id),
      released: eq(allocations.released, bool),
    },
    search: [],
  },
  scopeColumns: { buyer: allocations.buyer_id },
  create: z.object({}),
  update: z.object({}),
  record: allocationRecord,
  readOnly: readOnlyBase,
  operations: ['list', 'get'],
};

export const paymentResource: ResourceDef = {
  name: 'payments',
  tag: 'sales',
  table: payments,
  columns: { id: payments.id, union_id: payments.union_id },
  list: {
    sortable: { paid_on: payments.paid_on, amount: payments.amount },
    filters: { order_id: eq(payments.order_id), buyer_id: eq(payments.buyer_id), method: eq(payments.method, z.enum(paymentMethods)), paid_on: range(payments.paid_on) },
    search: [payments.reference],
    defaultSort: ['paid_on', 'DESC'],
  },
  scopeColumns: { buyer: payments.buyer_id },
  create: paymentSchemas.create,
  update: z.object({}),
  record: paymentSchemas.record,
  readOnly: readOnlyBase,
  operations: ['list', 'get'],
  appendOnly: 'Payments are kept as recorded and never edited or deleted',
};

export const deliveryResource: ResourceDef = {
  name: 'deliveries',
  tag: 'sales',
  table: deliveries,
  columns: { id: deliveries.id, union_id: deliveries.union_id },
  list: {
    sortable: { dispatched_at: deliveries.dispatched_at, status: deliveries.status, order_id: deliveries.order_id },
    filters: { order_id: eq(deliveries.order_id), buyer_id: eq(deliveries.buyer_id), status: eq(deliveries.status, z.enum(deliveryStatuses)) },
    search: [deliveries.vehicle],
    defaultSort: ['id', 'DESC'],
  },
  scopeColumns: { buyer: deliveries.buyer_id },
  create: z.object({}),
  update: z.object({}),
  record: deliveryRecord,
  readOnly: readOnlyBase,
  operations: ['list', 'get'],
};

export const deliveryLineResource: ResourceDef = {
  name: 'delivery-lines',
  tag: 'sales',
  table: deliveryLines,
  columns: { id: deliveryLines.id, union_id: deliveryLines.union_id },
  list: {
    sortable: { delivery_id: deliveryLines.delivery_id, lot_id: deliveryLines.lot_id },
    filters: { delivery_id: eq(deliveryLines.delivery_id), lot_id: eq(deliveryLines.lot_id), order_line_id: eq(deliveryLines.order_line_id) },
    search: [],
  },
  scopeColumns: { buyer: deliveryLines.buyer_id },
  create: z.object({}),
  update: z.object({}),
  record: deliveryLineRecord,
  readOnly: readOnlyBase,
  operations: ['list', 'get'],
  present: (row: Row) => ({
    ...row,
    shortfall_kg: row.received_kg == null ? null : ((Math.round(Number(row.dispatched_kg) * 100) - Math.round(Number(row.received_kg) * 100)) / 100).toFixed(2),
  }),
};

export const certificateResource: ResourceDef = {
  name: 'certificates',
  tag: 'sales',
  table: certificates,
  columns: { id: certificates.id, union_id: certificates.union_id },
  list: {
    sortable: { issued_on: certificates.issued_on, number: certificates.number },
    filters: { delivery_id: eq(certificates.delivery_id), buyer_id: eq(certificates.buyer_id), issued_on: range(certificates.issued_on) },
    search: [{ column: certificates.number, ascii: true }],
    defaultSort: ['id', 'DESC'],
  },
  scopeColumns: { buyer: certificates.buyer_id },
  create: z.object({}),
  update: z.object({}),
  record: certificateRecord,
  readOnly: readOnlyBase,
  operations: ['list', 'get'],
  appendOnly: 'Certificates are kept as issued and never edited or deleted: supersede one (POST /api/certificates/:id/supersede)',
};

export const salesResources = [
  listingResource, orderResource, orderLineResource, allocationResource, paymentResource, deliveryResource, deliveryLineResource, certificateResource,
];
