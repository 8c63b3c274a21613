import Papa from 'papaparse';
import { freshSession } from '../../auth/session';
import type { ApiErrorBody } from '../../types';

// CSV import of harvest lots: parse in the browser (papaparse, by chunks, with progress),
// then one POST /api/harvest-lots/import with an Idempotency-Key, whose upload progress
// XMLHttpRequest reports. The server imports every row or none.

export const IMPORT_COLUMNS = ['planting_id', 'household_id', 'harvested_on', 'grade', 'quantity_kg', 'intake_price', 'warehouse_id', 'notes'] as const;
export const MAX_IMPORT_ROWS = 5000;
const OPTIONAL = new Set(['household_id', 'warehouse_id', 'notes']);
const IDS = new Set(['planting_id', 'household_id', 'warehouse_id']);

export type ImportRow = Record<string, string | number> & { line: number };

export const TEMPLATE_CSV = `${IMPORT_COLUMNS.join(',')}\n12,,2026-05-12,first,250.5,2.40,3,\n`;

/** A whole number stays a number (ids); anything else is sent as typed, for the server to name. */
const value = (field: string, raw: string): string | number => (IDS.has(field) && /^\d+$/.test(raw) ? Number(raw) : raw);

/**
 * The file's rows with their CSV line numbers (the header is line 1); blank lines are
 * skipped but still counted, so a line number matches what a spreadsheet shows.
 */
export function parseCsv(file: File, onProgress: (fraction: number) => void): Promise<{ rows: ImportRow[]; missing: string[] }> {
  return new Promise((resolve, reject) => {
    const rows: ImportRow[] = [];
    let index = 0;
    let missing: string[] = [];
    Papa.parse<Record<string, string>>(file, {
      header: true,
      skipEmptyLines: false,
      transformHeader: (h) => h.trim(),
      chunkSize: 64 * 1024,
      chunk: (results) => {
        if (index === 0) missing = IMPORT_COLUMNS.filter((c) => !OPTIONAL.has(c) && !(results.meta.fields ?? []).includes(c));
        for (const record of results.data) {
          index += 1;
          const cells = Object.entries(record).filter(([k]) => (IMPORT_COLUMNS as readonly string[]).includes(k));
          if (cells.every(([, v]) => (v ?? '').trim() === '')) continue;
          const row: ImportRow = { line: index + 1 };
          for (const [k, v] of cells) {
            const text = (v ?? '').trim();
            if (text !== '' || !OPTIONAL.has(k)) row[k] = value(k, text);
          }
          rows.push(row);
        }
        onProgress(file.size ? Math.min(1, results.meta.cursor / file.size) : 1);
      },
      complete: () => resolve({ rows, missing }),
      error: (e) => reject(e),
    });
  });
}

export type UploadResult =
  | { status: 'imported'; imported: number; lots: { line: number; id: number; code: string }[] }
  | { status: 'refused'; body: ApiErrorBody }
  | { status: 'failed'; httpStatus: number; body?: ApiErrorBody };

/** POSTs the rows; onProgress gets the fraction of the body sent. */
export async function uploadRows(rows: ImportRow[], key: string, onProgress: (fraction: number) => void): Promise<UploadResult> {
  const session = await freshSession();
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/harvest-lots/import');
    xhr.setRequestHeader('Content-Type', 'application/json');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.setRequestHeader('Idempotency-Key', key);
    if (session) xhr.setRequestHeader('Authorization', `Bearer ${session.token}`);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        body = undefined;
      }
      const b = body as Record<string, unknown> | undefined;
      if (xhr.status === 201 || xhr.status === 200) {
        resolve({ status: 'imported', imported: Number(b?.imported ?? rows.length), lots: (b?.lots as never) ?? [] });
      } else if (xhr.status === 400 && b?.code === 'IMPORT_FAILED') {
        resolve({ status: 'refused', body: b as unknown as ApiErrorBody });
      } else {
        resolve({ status: 'failed', httpStatus: xhr.status, body: b as unknown as ApiErrorBody });
      }
    };
    xhr.onerror = () => resolve({ status: 'failed', httpStatus: 0 });
    xhr.send(JSON.stringify({ rows }));
  });
}
