import type { AppModule } from '../../lib/module';
import { auditPolicy, auditResource } from './audit.resource';

/** The audit trail: read-only for administrators; written only through lib/audit.ts. */
export const auditModule: AppModule = {
  name: 'audit',
  resources: [auditResource],
  policy: auditPolicy,
};
