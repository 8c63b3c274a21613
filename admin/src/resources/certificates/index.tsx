import PrintIcon from '@mui/icons-material/Print';
import VerifiedIcon from '@mui/icons-material/Verified';
import { Box, Chip, Table, TableBody, TableCell, TableHead, TableRow, TextField as MuiTextField, Typography } from '@mui/material';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import {
  Button,
  Confirm,
  DataTable,
  Link,
  Show,
  SimpleShowLayout,
  TextField,
  TopToolbar,
  useDataProvider,
  useNotify,
  usePermissions,
  useRecordContext,
  useRedirect,
  useTranslate,
} from 'react-admin';
import { csvExporter } from '../../common/export';
import { ZhDateField, ZhDateTimeField } from '../../common/fields';
import { AppList, type PhoneRow } from '../../common/views';
import { KgField } from '../../common/weights';
import type { AppDataProvider } from '../../dataProvider';
import { canRun, type Permissions } from '../../types';
import { BuyerField } from '../orders';
import type { ResourceConfig } from '../types';

interface CertLine { crop: string; grade: string; quantity_kg: string; lots: string[] }
interface CertTest { lot_code: string; method: string; result: string; tested_on: string }

export const SupersededChip = (_: { label?: string }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  if (!record?.superseded_by_id) return null;
  return <Chip size="small" color="default" label={translate('app.certificate.superseded')} data-testid="certificate-superseded" />;
};

const phone: PhoneRow = {
  primary: (r) => String(r.number),
  secondary: (r) => String(r.product),
  tertiary: () => <SupersededChip />,
};

const exporter = csvExporter({
  columns: ['id', 'number', 'delivery_id', 'buyer_id', 'issued_on', 'product', 'quantity_kg', 'producer', 'origin', 'contact', 'supersedes_id', 'superseded_by_id', 'reason'],
  refs: { buyer_id: { reference: 'buyers', name: (r) => String(r.name) } },
});

const CertificateList = () => (
  <AppList sort={{ field: 'issued_on', order: 'DESC' }} phone={phone} exporter={exporter}>
    <DataTable.Col source="number" />
    <DataTable.Col source="delivery_id" />
    <DataTable.Col source="buyer_id" field={BuyerField} disableSort />
    <DataTable.Col source="product" disableSort />
    <DataTable.Col source="quantity_kg" disableSort>
      <KgField source="quantity_kg" />
    </DataTable.Col>
    <DataTable.Col source="issued_on" field={ZhDateField} />
    <DataTable.Col source="superseded_by_id" disableSort>
      <SupersededChip />
    </DataTable.Col>
  </AppList>
);

const TestsTable = (_: { label?: string }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  const rows = (record?.test_results ?? []) as CertTest[];
  const f = (k: string) => translate(`app.certificate.${k}`);
  return (
    <Table size="small" data-testid="certificate-tests">
      <TableHead>
        <TableRow>
          <TableCell>{f('lot_code')}</TableCell>
          <TableCell>{f('method')}</TableCell>
          <TableCell>{f('result')}</TableCell>
          <TableCell>{f('tested_on')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((t, i) => (
          <TableRow key={i}>
            <TableCell>{t.lot_code}</TableCell>
            <TableCell>{t.method}</TableCell>
            <TableCell>{translate(`choices.residue_result.${t.result}`, { _: t.result })}</TableCell>
            <TableCell>{t.tested_on}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};

const LinesTable = (_: { label?: string }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  const rows = (record?.lines ?? []) as CertLine[];
  const f = (k: string) => translate(`app.certificate.${k}`);
  return (
    <Table size="small" data-testid="certificate-lines">
      <TableHead>
        <TableRow>
          <TableCell>{f('crop')}</TableCell>
          <TableCell>{f('grade')}</TableCell>
          <TableCell align="right">{f('quantity_kg')}</TableCell>
          <TableCell>{f('lots')}</TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((l, i) => (
          <TableRow key={i}>
            <TableCell>{l.crop}</TableCell>
            <TableCell>{translate(`choices.lot_grade.${l.grade}`, { _: l.grade })}</TableCell>
            <TableCell align="right">{l.quantity_kg}</TableCell>
            <TableCell>{l.lots.join('、')}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};

/** The QR code of the certificate: the public trace page of its first lot. */
const CertificateQr = (_: { label?: string }) => {
  const record = useRecordContext();
  const first = ((record?.lines ?? []) as CertLine[]).flatMap((l) => l.lots)[0];
  const [qr, setQr] = useState<string>();
  useEffect(() => {
    if (!first) return;
    let live = true;
    const url = `${window.location.origin}/t/${encodeURIComponent(first)}`;
    QRCode.toDataURL(url, { margin: 1, width: 240, errorCorrectionLevel: 'M' }).then((u) => live && setQr(u), () => undefined);
    return () => {
      live = false;
    };
  }, [first]);
  return qr ? <img src={qr} alt={first} width={120} height={120} data-testid="certificate-qr" /> : null;
};

const Supersede = () => {
  const record = useRecordContext();
  const { permissions } = usePermissions<Permissions>();
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const redirect = useRedirect();
  const translate = useTranslate();
  const [open, setOpen] = useState(false);
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  if (!record || record.superseded_by_id || !canRun(permissions, 'certificates', 'supersede')) return null;
  const run = async () => {
    setBusy(true);
    try {
      const answer = await dataProvider.runVerb<{ id: number }>('certificates', record.id, 'supersede', { reason });
      notify('app.certificate.superseded_done', { type: 'success' });
      setOpen(false);
      redirect('show', 'certificates', answer.id);
    } catch (e) {
      notify(e instanceof Error ? e.message : String(e), { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <Button label="app.certificate.supersede" onClick={() => setOpen(true)} color="warning" data-testid="certificate-supersede" />
      <Confirm
        isOpen={open}
        loading={busy}
        title="app.certificate.supersede"
        content={
          <MuiTextField
            fullWidth
            label={translate('app.certificate.reason')}
            value={reason}
            onChange={(e) => setReason(e.target.value)}
            inputProps={{ 'data-testid': 'supersede-reason' }}
          />
        }
        onConfirm={() => void (reason.trim() ? run() : notify('app.certificate.reason_needed', { type: 'warning' }))}
        onClose={() => setOpen(false)}
      />
    </>
  );
};

const Actions = () => (
  <TopToolbar className="no-print">
    <Button label="app.certificate.print" onClick={() => window.print()} data-testid="certificate-print">
      <PrintIcon />
    </Button>
    <Supersede />
  </TopToolbar>
);

const Links = (_: { label?: string }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  if (!record) return null;
  return (
    <Box sx={{ display: 'flex', gap: 2 }}>
      <Link to={`/deliveries/${record.delivery_id}/show`}>{translate('app.certificate.delivery', { id: record.delivery_id })}</Link>
      {record.supersedes_id && <Link to={`/certificates/${record.supersedes_id}/show`}>{translate('app.certificate.supersedes')}</Link>}
      {record.superseded_by_id && <Link to={`/certificates/${record.superseded_by_id}/show`}>{translate('app.certificate.superseded_by')}</Link>}
    </Box>
  );
};

const CertificateShow = () => (
  <Show actions={<Actions />}>
    <SimpleShowLayout>
      <TextField source="number" data-testid="certificate-number" />
      <SupersededChip label="app.certificate.state" />
      <TextField source="product" />
      <KgField source="quantity_kg" />
      <TextField source="producer" />
      <TextField source="origin" />
      <TextField source="contact" />
      <ZhDateField source="issued_on" />
      <TextField source="commitment" />
      <TestsTable label="resources.certificates.fields.test_results" />
      <LinesTable label="resources.certificates.fields.lines" />
      <CertificateQr label="app.certificate.qr" />
      <TextField source="reason" />
      <Links label="app.certificate.links" />
      <ZhDateTimeField source="created_at" />
    </SimpleShowLayout>
  </Show>
);

export const certificates: ResourceConfig = {
  name: 'certificates',
  icon: VerifiedIcon,
  list: CertificateList,
  show: CertificateShow,
  recordRepresentation: (r) => String(r.number),
};
