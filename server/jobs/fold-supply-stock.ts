import type { Db } from '../../db/client';
import { foldSupplyChanges } from '../modules/sales/sales.repository';

/**
 * Folds the supply changes the stock triggers appended into supply_stock, so that a supply
 * listing reads few rows. Safe on several instances at once: each change is deleted once.
 */
export async function foldSupplyStockJob(db: Db) {
  return { folded: await db.transaction((tx) => foldSupplyChanges(tx)) };
}
