import type { AppModule } from '../lib/module';
import { auditModule } from './audit/audit.module';
import { orgModule } from './org/org.module';
import { productionModule } from './production/production.module';
import { salesModule } from './sales/sales.module';
import { storageModule } from './storage/storage.module';
import { traceModule } from './trace/trace.module';

/** The modules the server runs with; main.ts and the tests pass them to buildApp. */
export const appModules: readonly AppModule[] = [orgModule, productionModule, storageModule, salesModule, traceModule, auditModule];
