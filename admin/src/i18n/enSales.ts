import type { zhSalesApp, zhSalesChoices, zhSalesResources } from './zhSales';

// Sales, traceability and recall messages in English: the same shape as zhSales.ts.

const common = { id: 'ID', union_id: 'Union', version: 'Version', created_at: 'Created at', updated_at: 'Updated at' };

export const enSalesApp: typeof zhSalesApp = {
  sales: {
    order: 'Order',
    forecast: 'Expected supply, next 14 days (kg)',
    forecast_short: '14-day forecast',
    available: 'In stock',
    no_listings: 'Nothing on offer',
    per_kg: '%{amount} yuan/kg',
    min_order: 'min. %{kg} kg',
    line_listing: 'Product (crop · grade)',
    line_price: '%{price} yuan/kg, minimum %{min} kg',
    line_amount: 'about %{amount} yuan',
    listing_label: '%{crop} · %{grade}',
    confirm: 'Confirm',
    allocate: 'Allocate stock',
    cancel: 'Cancel order',
    cancel_title: 'Cancel the order',
    cancel_content: 'Cancel this order? Its allocated stock will be freed.',
    confirmed: 'Order confirmed',
    cancelled: 'Order cancelled',
    allocated: 'Stock allocated',
    allocate_result: 'Allocation result',
    line: 'Line',
    quantity: 'Ordered',
    allocated_kg: 'Allocated',
    short_kg: 'Short',
    lots: 'Lots',
    all_allocated: 'Everything allocated',
    some_short: 'Some kg are short: the order stays confirmed',
    close: 'Close',
    lines: 'Lines',
    allocations: 'Allocations',
    payments: 'Payments',
    add_payment: 'Record a payment',
    balance: 'Balance',
  },
  delivery: {
    dispatch: 'Dispatch', dispatched: 'Dispatched', deliveries: 'Deliveries', lines: 'Delivery lines', certificates: 'Certificates',
    receive: 'Receive', received: 'Received', received_kg_of: 'Line %{line} received (kg)',
  },
  certificate: {
    print: 'Print', supersede: 'Correct (void and reissue)', reason: 'Reason for correction', reason_needed: 'Give a reason', superseded: 'Void',
    superseded_done: 'Voided and reissued', lot_code: 'Lot', method: 'Method', result: 'Result', tested_on: 'Tested on', crop: 'Product',
    grade: 'Grade', quantity_kg: 'Quantity (kg)', lots: 'Lots', qr: 'Trace QR code', state: 'State', links: 'Related', delivery: 'Delivery #%{id}',
    supersedes: 'Original certificate', superseded_by: 'Corrected certificate',
  },
  trace: {
    title: 'Trace',
    search: 'Lot code',
    go: 'Trace',
    button: 'Trace',
    lot: 'Lot',
    backward: 'Came from (upstream)',
    forward: 'Went into (downstream)',
    none: 'None',
    history: 'History',
    harvests: 'Harvests',
    inputs: 'Inputs',
    residue_tests: 'Residue tests',
    movements: 'Movements',
    processing: 'Processing',
    epcis: 'Download EPCIS JSON',
    public_page: 'Public trace page',
    not_found: 'No such lot',
    interval: 'pre-harvest interval %{days} days',
    allowed_from: 'Harvest allowed from',
    days_before: 'Days before harvest',
    corrected: 'Corrected',
    plot: 'Plot',
    household: 'Household',
    product: 'Product',
    dose: 'Dose',
    applied_on: 'Applied on',
    kg_link: '%{kg} kg',
    inputs_outputs: 'In → out',
    place: 'Place',
    time: 'Time',
    run: 'Processing run',
  },
  recall: {
    title: 'Recall',
    from: 'Start from',
    id: 'Number',
    lot: 'Lot',
    plot: 'Plot',
    application: 'Input application number',
    run: 'Search',
    csv: 'Download CSV (FSMA 204)',
    total_kg: 'Total weight',
    stock_kg: 'Still in store',
    lots: 'Affected lots',
    depth: 'Generations',
    where: 'Where',
    none: 'No lot affected',
    no_stock: 'Not in store',
  },
  menu: { trace: 'Trace', recall: 'Recall', my_orders: 'My orders', my_deliveries: 'My deliveries' },
};

export const enSalesChoices: typeof zhSalesChoices = {
  order_status: {
    submitted: 'Submitted', confirmed: 'Confirmed', allocated: 'Allocated', dispatched: 'Dispatched', delivered: 'Delivered', paid: 'Paid', cancelled: 'Cancelled',
  },
  payment_status: { unpaid: 'Unpaid', partial: 'Part paid', paid: 'Paid' },
  payment_method: { bank_transfer: 'Bank transfer', cash: 'Cash', other: 'Other' },
  recall_from: { lot: 'Lot', plot: 'Plot', application: 'Input application' },
};

export const enSalesResources: typeof zhSalesResources = {
  listings: {
    name: 'Listing |||| Listings',
    fields: {
      ...common, crop_id: 'Crop', grade: 'Grade', price_per_kg: 'Price (yuan/kg)', min_order_kg: 'Minimum order (kg)', published: 'Published', notes: 'Notes',
    },
  },
  'supply-listings': {
    name: 'Supply |||| Supply',
    fields: {
      id: 'ID', union_id: 'Union', crop_id: 'Crop', grade: 'Grade', price_per_kg: 'Price (yuan/kg)', min_order_kg: 'Minimum order (kg)',
      available_kg: 'In stock (kg)', origin_villages: 'Origin', forecast: 'Next 14 days (kg)',
    },
  },
  orders: {
    name: 'Order |||| Orders',
    fields: {
      ...common, buyer_id: 'Buyer', status: 'Status', reference: 'Reference', wanted_on: 'Wanted on', notes: 'Notes', total_amount: 'Amount (yuan)',
      paid_amount: 'Paid (yuan)', created_by: 'Placed by', payment_status: 'Payment', lines: 'Lines', q: 'Search references', verbs: 'Actions',
    },
  },
  'order-lines': {
    name: 'Order line |||| Order lines',
    fields: {
      id: 'ID', union_id: 'Union', order_id: 'Order', buyer_id: 'Buyer', crop_id: 'Crop', grade: 'Grade', quantity_kg: 'Quantity (kg)',
      price_per_kg: 'Price (yuan/kg)', amount: 'Amount (yuan)', allocated_kg: 'Allocated (kg)', listing: 'Product', price: 'Price',
    },
  },
  allocations: {
    name: 'Allocation |||| Allocations',
    fields: {
      id: 'ID', union_id: 'Union', order_id: 'Order', order_line_id: 'Order line', buyer_id: 'Buyer', lot_id: 'Lot', warehouse_id: 'Room',
      village_id: 'Village', quantity_kg: 'Quantity (kg)', released: 'Released', created_at: 'Allocated at',
    },
  },
  payments: {
    name: 'Payment |||| Payments',
    fields: {
      id: 'ID', union_id: 'Union', order_id: 'Order', buyer_id: 'Buyer', amount: 'Amount (yuan)', paid_on: 'Paid on', method: 'Method',
      reference: 'Reference', recorded_by: 'Recorded by', created_at: 'Recorded at', q: 'Search references',
    },
  },
  deliveries: {
    name: 'Delivery |||| Deliveries',
    fields: {
      id: 'ID', union_id: 'Union', order_id: 'Order', buyer_id: 'Buyer', status: 'Status', vehicle: 'Vehicle', driver: 'Driver',
      dispatched_at: 'Dispatched at', delivered_at: 'Delivered at', received_by: 'Received by', dispatched_by: 'Dispatched by',
    },
  },
  'delivery-lines': {
    name: 'Delivery line |||| Delivery lines',
    fields: {
      id: 'ID', union_id: 'Union', delivery_id: 'Delivery', buyer_id: 'Buyer', order_line_id: 'Order line', lot_id: 'Lot', warehouse_id: 'Room',
      crop_id: 'Crop', grade: 'Grade', dispatched_kg: 'Dispatched (kg)', received_kg: 'Received (kg)', shortfall_kg: 'Shortfall (kg)',
    },
  },
  certificates: {
    name: 'Certificate |||| Certificates',
    fields: {
      id: 'ID', union_id: 'Union', delivery_id: 'Delivery', buyer_id: 'Buyer', number: 'Certificate number', issued_on: 'Issued on', product: 'Product',
      quantity_kg: 'Quantity (kg)', producer: 'Producer', origin: 'Origin', contact: 'Contact', commitment: 'Commitment', test_results: 'Test results',
      lines: 'Lines', supersedes_id: 'Corrects', superseded_by_id: 'Void', reason: 'Reason for correction', issued_by: 'Issued by', created_at: 'Created at',
    },
  },
};
