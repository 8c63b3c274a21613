import type { AppModule } from '../../lib/module';
import { storagePolicy } from './storage.policy';
import { storageConstraintFields, storageResources } from './storage.resources';
import { registerStorageRoutes } from './storage.routes';

/** Storage: rooms and their temperatures, the stock ledger and balances, processing runs. */
export const storageModule: AppModule = {
  name: 'storage',
  resources: storageResources,
  policy: storagePolicy,
  constraintFields: storageConstraintFields,
  routes: (app, deps) => registerStorageRoutes(app, deps),
};
