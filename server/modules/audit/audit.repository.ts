import { auditLog } from '../../../db/schema/index';
import type { DbOrTx } from '../../../db/client';

export interface AuditEntry {
  union_id: number;
  user_id: number | null;
  username: string | null;
  action: 'create' | 'update' | 'delete';
  resource: string;
  record_id: string;
  before: unknown;
  after: unknown;
  request_id: string | null;
}

/** Called inside the transaction of the change it records: both land or neither does. */
export async function insertAudit(tx: DbOrTx, entry: AuditEntry): Promise<void> {
  await tx.insert(auditLog).values(entry);
}
