import { allocations } from './allocations';
import { certificates } from './certificates';
import { deliveries } from './deliveries';
import { deliveryLines } from './delivery-lines';
import { auditLog } from './audit-log';
import { listings } from './listings';
import { orders } from './orders';
import { payments } from './payments';
import { supplyListings } from './supply-listings';
import { buyers } from './buyers';
import { cooperatives } from './cooperatives';
import { crops } from './crops';
import { harvestLots } from './harvest-lots';
import { households } from './households';
import { inputApplications } from './input-applications';
import { plantings } from './plantings';
import { processingRuns } from './processing-runs';
import { residueTests } from './residue-tests';
import { stock } from './stock';
import { stockMovements } from './stock-movements';
import { temperatureReadings } from './temperature-readings';
import { warehouses } from './warehouses';
import { workRecords } from './work-records';
import { people } from './people';
import { plots } from './plots';
import type { ResourceConfig } from './types';
import { unions } from './unions';
import { users } from './users';
import { villages } from './villages';

/** Menu order: the land and its people first, then production and storage, then trade, then administration. */
export const resources: ResourceConfig[] = [
  villages,
  cooperatives,
  households,
  people,
  plots,
  crops,
  plantings,
  inputApplications,
  harvestLots,
  residueTests,
  workRecords,
  warehouses,
  stock,
  stockMovements,
  temperatureReadings,
  processingRuns,
  // Selling: what is offered, orders, payments, and the stock promised to them.
  supplyListings,
  listings,
  orders,
  payments,
  allocations,
  deliveries,
  deliveryLines,
  certificates,
  buyers,
  users,
  unions,
  auditLog,
];
