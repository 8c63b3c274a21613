import Papa from 'papaparse';
import { downloadCSV, type Exporter, type RaRecord } from 'react-admin';
import { readSession } from '../auth/session';
import { i18nProvider } from '../i18n';
import { canRead } from '../types';

// CSV export of a list, through react-admin's <ExportButton>: the button asks getList for
// up to EXPORT_MAX rows with meta.exportAll, which the data provider fetches 100 at a time
// (the server's page cap), so an export is the whole filtered list, not its first page.

export const EXPORT_MAX = 20_000;

/** A referenced record's name in the export, next to its id: `crop_id: { reference: 'crops', name: (r) => r.name_zh }`. */
export interface ExportRef {
  reference: string;
  name: (record: RaRecord) => string;
}

export interface ExportSpec {
  /** The columns, in order (record fields); every field of the records when not given. */
  columns?: string[];
  /** Columns that are ids of another resource: a name column is added after them. */
  refs?: Record<string, ExportRef>;
}

const cell = (value: unknown): string | number | boolean => {
  if (value == null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return value as string | number | boolean;
};

/** The exporter of a resource: translated headers, the given columns, names of referenced records. */
export function csvExporter(spec: ExportSpec): Exporter {
  return async (records: RaRecord[], fetchRelatedRecords, _dataProvider, resource = 'export') => {
    const t = (key: string, fallback: string) => i18nProvider.translate(key, { _: fallback });
    const related: Record<string, Record<string, RaRecord>> = {};
    const permissions = readSession()?.user.permissions;
    // A reference the user may not read would answer 403: its names are left out.
    const refs = Object.entries(spec.refs ?? {}).filter(([, ref]) => canRead(permissions, ref.reference));
    for (const [field, ref] of refs) {
      // fetchRelatedRecords reads the ids of `field` and asks getMany for them.
      related[field] = (await fetchRelatedRecords(records, field, ref.reference)) as Record<string, RaRecord>;
    }
    const columns = spec.columns ?? [...new Set(records.flatMap((r) => Object.keys(r)))];
    const headers: string[] = [];
    for (const c of columns) {
      headers.push(t(`resources.${resource}.fields.${c}`, c));
      if (spec.refs?.[c]) headers.push(`${t(`resources.${resource}.fields.${c}`, c)}${t('app.export.name_suffix', ' name')}`);
    }
    const rows = records.map((r) =>
      columns.flatMap((c) => {
        const ref = spec.refs?.[c];
        if (!ref) return [cell(r[c])];
        const target = r[c] == null ? undefined : related[c]?.[String(r[c])];
        return [cell(r[c]), target ? ref.name(target) : ''];
      }),
    );
    // The byte-order mark makes Excel read the file as UTF-8 (Chinese names).
    downloadCSV(`\ufeff${Papa.unparse({ fields: headers, data: rows })}`, `${resource}-${new Date().toISOString().slice(0, 10)}`);
  };
}

/** Common reference names. */
export const REF = {
  crop: { reference: 'crops', name: (r: RaRecord) => String(r.name_zh) },
  village: { reference: 'villages', name: (r: RaRecord) => String(r.name) },
  household: { reference: 'households', name: (r: RaRecord) => `${r.code} ${r.head_name}` },
  warehouse: { reference: 'warehouses', name: (r: RaRecord) => String(r.name) },
  plot: { reference: 'plots', name: (r: RaRecord) => `${r.code} ${r.name}` },
  lot: { reference: 'harvest-lots', name: (r: RaRecord) => String(r.code) },
  person: { reference: 'people', name: (r: RaRecord) => String(r.name) },
} satisfies Record<string, ExportRef>;
