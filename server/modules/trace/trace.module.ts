import type { AppModule } from '../../lib/module';
import { tracePolicy } from './trace.policy';
import { registerTraceRoutes } from './trace.routes';

/**
 * Traceability: a lot's chain backward and forward, recalls (JSON and CSV), the lot's history
 * as GS1 EPCIS 2.0, and the public trace page of the QR codes. Read-only; hand-written routes.
 */
export const traceModule: AppModule = {
  name: 'trace',
  resources: [],
  policy: tracePolicy,
  extraResources: ['trace'],
  routes: (app, deps) => registerTraceRoutes(app, deps),
};
