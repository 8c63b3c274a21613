import type { Db } from '../../db/client';
import { sealPending } from '../modules/audit/audit.service';

/** Seals the audit rows committed since the last run; an advisory lock keeps it to one instance per tick. */
export async function sealAuditJob(db: Db, auditKey: string) {
  return sealPending(db, auditKey);
}
