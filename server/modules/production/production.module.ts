import type { AppModule } from '../../lib/module';
import { productionPolicy } from './production.policy';
import { productionConstraintFields, productionResources } from './production.resources';
import { registerProductionRoutes } from './production.routes';
import { productionService } from './production.service';

/** Production: crops, plantings, inputs under the pre-harvest rule, harvest lots, residue tests, work records. */
export const productionModule: AppModule = {
  name: 'production',
  resources: productionResources,
  policy: productionPolicy,
  constraintFields: productionConstraintFields,
  routes: (app, deps) => registerProductionRoutes(app, deps, productionService(deps)),
};
