import type { AppModule } from '../../lib/module';
import { orgPolicy } from './org.policy';
import { orgConstraintFields, orgResources } from './org.resources';
import { registerOrgRoutes } from './org.routes';
import { usersService } from './org.service';

/** The organisation: plain resources served by lib/crud.*, and the users rules beside them. */
export const orgModule: AppModule = {
  name: 'org',
  resources: orgResources,
  policy: orgPolicy,
  constraintFields: orgConstraintFields,
  routes: (app, deps) => registerOrgRoutes(app, deps, usersService(deps)),
};
