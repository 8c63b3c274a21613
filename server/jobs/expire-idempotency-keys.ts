import type { Db } from '../../db/client';
import { expireIdempotencyKeys } from '../lib/idempotency';

/** Deletes idempotency keys past their keeping time (twice the 24 hours promised). */
export async function expireIdempotencyKeysJob(db: Db) {
  return { deleted: await expireIdempotencyKeys(db) };
}
