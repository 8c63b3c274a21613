import type { AppModule } from '../../lib/module';
import { salesPolicy } from './sales.policy';
import { salesConstraintFields, salesResources } from './sales.resources';
import { registerSalesRoutes } from './sales.routes';
import { salesService } from './sales.service';

/** Sales (first part): listings, what buyers are offered, orders and their allocation, payments. */
export const salesModule: AppModule = {
  name: 'sales',
  resources: salesResources,
  policy: salesPolicy,
  constraintFields: salesConstraintFields,
  extraResources: ['supply-listings'],
  routes: (app, deps) => registerSalesRoutes(app, deps, salesService(deps)),
};
