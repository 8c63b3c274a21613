// Who may do what, written down from the domain (README, "Roles and scope"; domain.md, "Users
// and what they do") and never from the server's policy code: when the policy drifts, this
// file is what says so. test/authz/cases.ts turns it into HTTP cases (every role × resource ×
// action × own/other record); test/authz.test.ts runs them.

export const roles = ['admin', 'sales', 'manager', 'cadre', 'buyer', 'member'] as const;
export type Role = (typeof roles)[number];
export type Who = Role | 'anon';

/** The demo account of each role (password demo1234). */
export const usernames: Record<Role, string> = {
  admin: 'admin',
  sales: 'sales',
  manager: 'manager.changjiang',
  cadre: 'cadre.changjiang',
  buyer: 'buyer.port',
  member: 'member.changjiang',
};

/**
 * How far a grant reaches: every row of the union, of the user's village, household or buyer
 * organisation, or the user's own row.
 */
export const scopes = ['self', 'household', 'village', 'buyer', 'union'] as const;
export type Scope = (typeof scopes)[number];

/** What an account of each role is tied to, besides its union and itself. */
export const tiedTo: Record<Role, readonly Scope[]> = {
  admin: [],
  sales: [],
  manager: ['village'],
  cadre: ['village'],
  buyer: ['buyer'],
  member: ['household', 'village'],
};

export const ops = ['list', 'get', 'create', 'update', 'delete'] as const;
export type Op = (typeof ops)[number];

export interface ResourceFacts {
  /** The routes the API serves for it; any other answers 404 (no such route). */
  ops: readonly Op[];
  /** The column that ties one of its rows to each scope it can be reached by. */
  ties: Partial<Record<Scope, string>>;
  /**
   * Records kept as written (food-safety records, the stock ledger): PUT and DELETE of one
   * answer 405 to every signed-in caller (how to correct one instead), whatever the record.
   */
  appendOnly?: true;
  /**
   * Its village (and household) follow from a record the body names (a plot, planting, lot,
   * person or room): a create naming one outside the caller's reach is a 400 naming that
   * field (not_found_reference), not a 403, since the new row never says where it lies.
   */
  placedByReference?: true;
}

const crud = ops;
const placed = { union: 'union_id', village: 'village_id', household: 'household_id' } as const;
const inVillage = { union: 'union_id', village: 'village_id' } as const;
const recorded = ['list', 'get', 'create'] as const;
const sold = { union: 'union_id', buyer: 'buyer_id' } as const;

export const resources: Record<string, ResourceFacts> = {
  // A union is founded and dissolved outside the API.
  unions: { ops: ['list', 'get', 'update'], ties: { union: 'id' } },
  villages: { ops: crud, ties: { union: 'union_id', village: 'id' } },
  cooperatives: { ops: crud, ties: { union: 'union_id', village: 'village_id' } },
  households: { ops: crud, ties: { ...placed, household: 'id' } },
  people: { ops: crud, ties: placed },
  plots: { ops: crud, ties: placed },
  buyers: { ops: crud, ties: { union: 'union_id', buyer: 'id' } },
  users: { ops: crud, ties: { union: 'union_id', self: 'id' } },
  // Written only by the server, beside each change.
  'audit-log': { ops: ['list', 'get'], ties: { union: 'union_id' } },
  // Production and storage (issue 7). Food-safety records and the ledger are append-only.
  crops: { ops: crud, ties: { union: 'union_id' } },
  plantings: { ops: crud, ties: placed, placedByReference: true },
  'input-applications': { ops: recorded, ties: placed, appendOnly: true, placedByReference: true },
  'harvest-lots': { ops: recorded, ties: placed, appendOnly: true, placedByReference: true },
  'residue-tests': { ops: recorded, ties: inVillage, appendOnly: true, placedByReference: true },
  'work-records': { ops: crud, ties: placed, placedByReference: true },
  warehouses: { ops: crud, ties: inVillage },
  'temperature-readings': { ops: recorded, ties: inVillage, appendOnly: true, placedByReference: true },
  'stock-movements': { ops: recorded, ties: inVillage, appendOnly: true, placedByReference: true },
  // Balances: written only by the ledger's movements.
  stock: { ops: ['list', 'get'], ties: inVillage },
  'processing-runs': { ops: recorded, ties: inVillage, appendOnly: true, placedByReference: true },
  // Traceability (issue 8): a lot's chain, read only, by the lot's village (GET /api/trace/:lotCode takes its id too).
  trace: { ops: ['get'], ties: inVillage },
  // Sales (issue 8): listings are plain; what buyers are offered is read by the listing's id;
  // orders are placed and moved by verbs, their lines and allocations only read; payments are kept as recorded.
  listings: { ops: crud, ties: { union: 'union_id' } },
  'supply-listings': { ops: ['list', 'get'], ties: { union: 'union_id' } },
  orders: { ops: recorded, ties: sold },
  'order-lines': { ops: ['list', 'get'], ties: sold },
  allocations: { ops: ['list', 'get'], ties: sold },
  payments: { ops: recorded, ties: sold, appendOnly: true },
  // Deliveries leave by an order's dispatch and are received by a verb; their lines are only
  // read; certificates are kept as issued (a correction supersedes one).
  deliveries: { ops: ['list', 'get'], ties: sold },
  'delivery-lines': { ops: ['list', 'get'], ties: sold },
  certificates: { ops: ['list', 'get'], ties: sold, appendOnly: true },
};

/**
 * The grid. A cell is what the role may do with the resource: R read, C create, U update,
 * D delete, each at a scope ("RCUD:union", "R:union U:village"); "-" is nothing. A row
 * `resource/verb` gives the scope of `POST /api/<resource>/:id/<verb>`.
 * "Own" records are one's village (cadre, manager), household (member), buyer organisation
 * (buyer) or account; one's own account is read and edited, never created or deleted.
 */
export const grid = `
  resource               | admin        | sales        | manager      | cadre        | buyer    | member
  unions                 | RU:union     | R:union      | R:union      | R:union      | R:union  | R:union
  villages               | RCUD:union   | R:union      | R:village    | RU:village   | -        | R:village
  cooperatives           | RCUD:union   | R:union      | RU:village   | R:village    | -        | R:village
  households             | RCUD:union   | R:union      | RCUD:village | RCUD:village | -        | R:household
  people                 | RCUD:union   | R:union      | RCUD:village | RCUD:village | -        | R:household
  plots                  | RCUD:union   | R:union      | RCUD:village | R:village    | -        | R:household
  buyers                 | RCUD:union   | RCUD:union   | -            | -            | R:buyer  | -
  users                  | RCUD:union   | RU:self      | RU:self      | RU:self      | RU:self  | RU:self
  users/change-password  | self         | self         | self         | self         | self     | self
  audit-log              | R:union      | -            | -            | -            | -        | -
  crops                  | RCUD:union   | R:union      | R:union      | R:union      | R:union  | R:union
  plantings              | RCUD:union   | R:union      | RCUD:village | R:village    | -        | R:household
  input-applications     | RC:union     | R:union      | RC:village   | R:village    | -        | R:household
  harvest-lots           | RC:union     | R:union      | RC:village   | R:village    | -        | R:household
  residue-tests          | RC:union     | R:union      | RC:village   | R:village    | -        | -
  work-records           | RCUD:union   | R:union      | RCUD:village | R:village    | -        | R:household
  warehouses             | RCUD:union   | R:union      | RCU:village  | R:village    | -        | -
  temperature-readings   | RC:union     | R:union      | RC:village   | R:village    | -        | -
  stock-movements        | RC:union     | R:union      | RC:village   | R:village    | -        | -
  stock                  | R:union      | R:union      | R:village    | R:village    | -        | -
  processing-runs        | RC:union     | R:union      | RC:village   | R:village    | -        | -
  trace                  | R:union      | R:union      | R:village    | R:village    | -        | -
  listings               | RCUD:union   | RCUD:union   | R:union      | R:union      | -        | -
  supply-listings        | R:union      | R:union      | -            | -            | R:union  | -
  orders                 | RC:union     | RC:union     | -            | -            | RC:buyer | -
  orders/confirm         | union        | union        | -            | -            | -        | -
  orders/allocate        | union        | union        | -            | -            | -        | -
  orders/cancel          | union        | union        | -            | -            | buyer    | -
  orders/dispatch        | union        | union        | -            | -            | -        | -
  order-lines            | R:union      | R:union      | -            | -            | R:buyer  | -
  allocations            | R:union      | R:union      | -            | -            | -        | -
  payments               | RC:union     | RC:union     | -            | -            | R:buyer  | -
  deliveries             | R:union      | R:union      | -            | -            | R:buyer  | -
  deliveries/receive     | union        | union        | -            | -            | buyer    | -
  delivery-lines         | R:union      | R:union      | -            | -            | R:buyer  | -
  certificates           | R:union      | R:union      | -            | -            | R:buyer  | -
  certificates/supersede | union        | union        | -            | -            | -        | -
`;

export type Target = 'own' | 'other';

/** What the grid cannot say, kept by hand. */
export interface Exception {
  who: Who;
  res: string;
  /** An operation, or a verb of the resource. */
  action: Op | string;
  target: Target;
  status: number;
  /**
   * Without a body, the exception replaces the generated case of the same who/res/action/target
   * (which must exist); with one, it is a case of its own with that body.
   */
  body?: Record<string, unknown>;
  why: string;
}

export const exceptions: Exception[] = [
  {
    who: 'admin', res: 'users', action: 'change-password', target: 'other', status: 404,
    why: 'the verb reaches only one\'s own account: another one is not found through it, even by the administrator who reads it',
  },
  {
    who: 'admin', res: 'users', action: 'delete', target: 'own', status: 409,
    why: 'an account that has signed in is on the audit trail, and an account on the trail is not deleted',
  },
  ...roles.map((who): Exception => ({
    who, res: 'users', action: 'update', target: 'own', status: 400, body: { password: 'a-new-password-1' },
    why: 'one\'s own password changes only through change-password, giving the current one',
  })),
];
