import type { Tx } from '../../../db/client';
import { mapDbError, type ConstraintFields } from '../../lib/db-errors';
import { AppError, fieldError, fieldErrors, fromZodIssue, type FieldErrors } from '../../lib/errors';
import type { WriteContext } from '../../lib/resource';
import { today } from '../../lib/dates';
import { lotCreate } from './production.schemas';
import type { ProductionService } from './production.service';

// Importing harvest lots from a spreadsheet: every row is checked as if posted alone (the
// same schema, the same rules), every bad row is reported with its line and field, and
// nothing is imported unless every row is good: one transaction, one savepoint per row.

const MAX_ROWS = 5000;

function lineOf(row: Record<string, unknown>, index: number): number {
  const line = Number(row.line);
  return Number.isInteger(line) && line > 0 ? line : index + 2;
}

/** CSV cells are text: blank means absent, numbers stay strings (the decimal parser takes both). */
function cells(row: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(row)) {
    if (key === 'line') continue;
    if (value === '' || value === null || value === undefined) continue;
    out[key] = ['planting_id', 'household_id', 'warehouse_id'].includes(key) && typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  }
  return out;
}

export async function importLots(
  tx: Tx, ctx: WriteContext, production: ProductionService, rows: Record<string, unknown>[], constraints: ConstraintFields,
) {
  const errors: FieldErrors = fieldErrors();
  const lots: { line: number; id: number; code: string }[] = [];
  if (rows.length > MAX_ROWS) throw new AppError(400, 'IMPORT_FAILED', `At most ${MAX_ROWS} rows per import`);
  for (const [index, raw] of rows.entries()) {
    const line = lineOf(raw, index);
    const parsed = lotCreate.safeParse(cells(raw));
    if (!parsed.success) {
      for (const issue of parsed.error.issues) {
        const field = issue.path.length ? issue.path.join('.') : 'row';
        errors[`${line}.${field}`] ??= fromZodIssue(issue as never);
      }
      // The rules a field can break on its own are still reported, so one pass names them all.
      const day = cells(raw).harvested_on;
      if (typeof day === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(day) && day > today()) {
        errors[`${line}.harvested_on`] ??= fieldError('in_future', 'must not be after today');
      }
      if (cells(raw).code !== undefined) errors[`${line}.code`] ??= fieldError('server_generated', 'is made by the server; leave it out');
      continue;
    }
    // Rows after a bad one are still checked against the rules, so that every bad row is
    // reported at once; the transaction is rolled back at the end all the same.
    try {
      const lot = await tx.transaction((sp) => production.createLotIn(sp, ctx, parsed.data));
      lots.push({ line, id: lot.id as number, code: lot.code as string });
    } catch (caught) {
      const err = caught instanceof AppError ? caught : mapDbError(caught, 'write', constraints);
      if (!err) throw caught;
      const fields = err.errors && Object.keys(err.errors).length ? err.errors : fieldErrors({ row: fieldError('invalid_value', err.message) });
      for (const [field, e] of Object.entries(fields)) errors[`${line}.${field}`] = e;
    }
  }
  if (Object.keys(errors).length) {
    const bad = new Set(Object.keys(errors).map((k) => k.split('.')[0])).size;
    throw new AppError(400, 'IMPORT_FAILED', `${bad} of ${rows.length} rows were refused; nothing was imported`, errors);
  }
  return { imported: lots.length, lots };
}
