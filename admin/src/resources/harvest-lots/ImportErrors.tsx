import { Alert, Table, TableBody, TableCell, TableContainer, TableHead, TableRow } from '@mui/material';
import { useTranslate } from 'react-admin';
import { fieldErrorText } from '../../apiErrors';
import type { ApiErrorBody } from '../../types';

/** Every bad row of a refused import: line, field and the translated message (keys are "<line>.<field>"). */
export const ImportErrors = ({ body }: { body: ApiErrorBody }) => {
  const translate = useTranslate();
  const rows = Object.keys(body.errors ?? {})
    .map((key) => {
      const dot = key.indexOf('.');
      const line = dot > 0 ? Number(key.slice(0, dot)) : NaN;
      const field = dot > 0 ? key.slice(dot + 1) : key;
      return { key, line, field, message: fieldErrorText(body, key, translate) };
    })
    .sort((a, b) => (a.line || 0) - (b.line || 0) || a.field.localeCompare(b.field));
  const lines = new Set(rows.map((r) => r.line)).size;
  return (
    <>
      <Alert severity="error">{translate('app.import.refused', { lines, count: rows.length })}</Alert>
      <TableContainer sx={{ maxHeight: 480 }}>
        <Table size="small" stickyHeader data-testid="import-errors">
          <TableHead>
            <TableRow>
              <TableCell>{translate('app.import.line')}</TableCell>
              <TableCell>{translate('app.import.field')}</TableCell>
              <TableCell>{translate('app.import.message')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((r) => (
              <TableRow key={r.key}>
                <TableCell>{Number.isNaN(r.line) ? '' : r.line}</TableCell>
                <TableCell>{translate(`resources.harvest-lots.fields.${r.field}`, { _: r.field })}</TableCell>
                <TableCell>{r.message}</TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </TableContainer>
    </>
  );
};
