import { Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { Link, useRecordContext, useTranslate } from 'react-admin';
import { useApiGet } from '../../common/useApi';
import { formatKg, toNumber } from '../../common/weights';

interface Relative {
  lot_id: number;
  code: string;
  crop_id: number;
  grade: string;
  quantity_kg: string;
  processing_run_id: number | null;
}

const Relatives = ({ title, rows, testId }: { title: string; rows: Relative[]; testId: string }) => {
  const translate = useTranslate();
  return (
    <>
      <Typography variant="subtitle2" sx={{ mt: 2 }}>
        {title}
      </Typography>
      {rows.length === 0 ? (
        <Typography variant="body2" color="text.secondary">
          {translate('app.genealogy.none')}
        </Typography>
      ) : (
        <Table size="small" data-testid={testId}>
          <TableHead>
            <TableRow>
              <TableCell>{translate('resources.harvest-lots.fields.code')}</TableCell>
              <TableCell>{translate('resources.harvest-lots.fields.grade')}</TableCell>
              <TableCell align="right">{translate('app.genealogy.kg')}</TableCell>
              <TableCell>{translate('resources.harvest-lots.fields.processing_run_id')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {rows.map((r) => (
              <TableRow key={`${r.lot_id}-${r.processing_run_id ?? ''}`}>
                <TableCell>
                  <Link to={`/harvest-lots/${r.lot_id}/show`}>{r.code}</Link>
                </TableCell>
                <TableCell>{translate(`choices.lot_grade.${r.grade}`, { _: r.grade })}</TableCell>
                <TableCell align="right">{formatKg(toNumber(r.quantity_kg) ?? 0)} kg</TableCell>
                <TableCell>
                  {r.processing_run_id != null && <Link to={`/processing-runs/${r.processing_run_id}/show`}>#{r.processing_run_id}</Link>}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
    </>
  );
};

/** Which lots this one came from and which came out of it, with the kg of each link. */
export const Genealogy = (_: { label?: false }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  const { data } = useApiGet<{ parents: Relative[]; children: Relative[] }>(
    record ? `harvest-lots/${encodeURIComponent(String(record.id))}/genealogy` : null,
  );
  if (!data) return null;
  return (
    <>
      <Relatives title={translate('app.genealogy.parents')} rows={data.parents} testId="genealogy-parents" />
      <Relatives title={translate('app.genealogy.children')} rows={data.children} testId="genealogy-children" />
    </>
  );
};
