import CancelIcon from '@mui/icons-material/Cancel';
import CheckIcon from '@mui/icons-material/Check';
import InventoryIcon from '@mui/icons-material/Inventory';
import LocalShippingIcon from '@mui/icons-material/LocalShipping';
import { Box, TextField as MuiTextField, Dialog, DialogActions, DialogContent, DialogTitle, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useState } from 'react';
import { Button, Confirm, Link, useDataProvider, useNotify, usePermissions, useRecordContext, useRedirect, useRefresh, useTranslate } from 'react-admin';
import { readSession } from '../../auth/session';
import { formatKg, toNumber } from '../../common/weights';
import type { AppDataProvider } from '../../dataProvider';
import { canRun, type Permissions } from '../../types';

export interface AllocateResult {
  order: { id: number; status: string };
  lines: {
    order_line_id: number;
    quantity_kg: string;
    allocated_kg: string;
    short_kg: string;
    allocations: { lot_id: number; lot_code: string; warehouse_id: number; quantity_kg: string; expires_on: string }[];
  }[];
}

const kg = (v: unknown) => `${formatKg(toNumber(v) ?? 0)} kg`;

/** The line-by-line answer of 分配库存: ordered, allocated, short, and the lots promised. */
const AllocateDialog = ({ result, onClose }: { result: AllocateResult | null; onClose: () => void }) => {
  const translate = useTranslate();
  if (!result) return null;
  const short = result.lines.some((l) => (toNumber(l.short_kg) ?? 0) > 0);
  return (
    <Dialog open onClose={onClose} maxWidth="md" fullWidth onClick={(e) => e.stopPropagation()}>
      <DialogTitle>{translate('app.sales.allocate_result')}</DialogTitle>
      <DialogContent data-testid="allocate-result">
        <Typography variant="body2" sx={{ mb: 1 }} color={short ? 'warning.main' : 'success.main'}>
          {translate(short ? 'app.sales.some_short' : 'app.sales.all_allocated')}
        </Typography>
        <Table size="small">
          <TableHead>
            <TableRow>
              <TableCell>{translate('app.sales.line')}</TableCell>
              <TableCell align="right">{translate('app.sales.quantity')}</TableCell>
              <TableCell align="right">{translate('app.sales.allocated_kg')}</TableCell>
              <TableCell align="right">{translate('app.sales.short_kg')}</TableCell>
              <TableCell>{translate('app.sales.lots')}</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {result.lines.map((l) => (
              <TableRow key={l.order_line_id} data-testid="allocate-line">
                <TableCell>#{l.order_line_id}</TableCell>
                <TableCell align="right">{kg(l.quantity_kg)}</TableCell>
                <TableCell align="right">{kg(l.allocated_kg)}</TableCell>
                <TableCell align="right" sx={{ color: (toNumber(l.short_kg) ?? 0) > 0 ? 'warning.main' : undefined }}>
                  {kg(l.short_kg)}
                </TableCell>
                <TableCell>
                  {l.allocations.map((a) => (
                    <Box key={`${a.lot_id}-${a.warehouse_id}`}>
                      <Link to={`/harvest-lots/${a.lot_id}/show`}>{a.lot_code}</Link> {kg(a.quantity_kg)}（{a.expires_on}）
                    </Box>
                  ))}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </DialogContent>
      <DialogActions>
        <Button label="app.sales.close" onClick={onClose} />
      </DialogActions>
    </Dialog>
  );
};

/**
 * 确认, 分配库存 and 取消: each shown when the role has the verb and the order's status allows
 * it (a buyer withdraws only a submitted order). A refusal (409 INVALID_STATE...) is notified
 * in the console's words.
 */
export const OrderVerbs = (_: { label?: string }) => {
  const record = useRecordContext();
  const { permissions } = usePermissions<Permissions>();
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const refresh = useRefresh();
  const [busy, setBusy] = useState(false);
  const [asking, setAsking] = useState(false);
  const [result, setResult] = useState<AllocateResult | null>(null);
  const [dispatching, setDispatching] = useState(false);
  const [vehicle, setVehicle] = useState('');
  const [driver, setDriver] = useState('');
  const redirect = useRedirect();
  const translate = useTranslate();
  if (!record) return null;
  const status = String(record.status);
  const isBuyer = readSession()?.user.buyer_id != null;
  const may = (verb: string) => canRun(permissions, 'orders', verb);
  const showConfirm = may('confirm') && status === 'submitted';
  const showAllocate = may('allocate') && (status === 'confirmed' || status === 'allocated');
  const showCancel = may('cancel') && (isBuyer ? status === 'submitted' : ['submitted', 'confirmed', 'allocated'].includes(status));
  const showDispatch = may('dispatch') && status === 'allocated';
  if (!showConfirm && !showAllocate && !showCancel && !showDispatch) return null;

  const dispatch = async () => {
    setBusy(true);
    try {
      const answer = await dataProvider.runVerb<{ delivery: { id: number } }>('orders', record.id, 'dispatch', {
        ...(vehicle.trim() ? { vehicle: vehicle.trim() } : {}),
        ...(driver.trim() ? { driver: driver.trim() } : {}),
      });
      notify('app.delivery.dispatched', { type: 'success' });
      setDispatching(false);
      redirect('show', 'deliveries', answer.delivery.id);
    } catch (e) {
      notify(e instanceof Error ? e.message : String(e), { type: 'error' });
    } finally {
      setBusy(false);
    }
  };

  const run = async (verb: string) => {
    setBusy(true);
    try {
      const answer = await dataProvider.runVerb<unknown>('orders', record.id, verb, {});
      if (verb === 'allocate') setResult(answer as AllocateResult);
      else notify(verb === 'confirm' ? 'app.sales.confirmed' : 'app.sales.cancelled', { type: 'success' });
      refresh();
    } catch (e) {
      notify(e instanceof Error ? e.message : String(e), { type: 'error' });
    } finally {
      setBusy(false);
      setAsking(false);
    }
  };

  return (
    <Box component="span" sx={{ display: 'inline-flex', gap: 0.5, flexWrap: 'wrap' }} onClick={(e) => e.stopPropagation()}>
      {showConfirm && (
        <Button label="app.sales.confirm" onClick={() => void run('confirm')} disabled={busy} data-testid="order-confirm">
          <CheckIcon />
        </Button>
      )}
      {showAllocate && (
        <Button label="app.sales.allocate" onClick={() => void run('allocate')} disabled={busy} data-testid="order-allocate">
          <InventoryIcon />
        </Button>
      )}
      {showDispatch && (
        <Button label="app.delivery.dispatch" onClick={() => setDispatching(true)} disabled={busy} data-testid="order-dispatch">
          <LocalShippingIcon />
        </Button>
      )}
      <Confirm
        isOpen={dispatching}
        loading={busy}
        title="app.delivery.dispatch"
        content={
          <Box sx={{ display: 'flex', flexDirection: 'column', gap: 1, pt: 1 }}>
            <MuiTextField size="small" label={translate('resources.deliveries.fields.vehicle')} value={vehicle} onChange={(e) => setVehicle(e.target.value)} />
            <MuiTextField size="small" label={translate('resources.deliveries.fields.driver')} value={driver} onChange={(e) => setDriver(e.target.value)} />
          </Box>
        }
        onConfirm={() => void dispatch()}
        onClose={() => setDispatching(false)}
      />
      {showCancel && (
        <Button label="app.sales.cancel" onClick={() => setAsking(true)} disabled={busy} color="error" data-testid="order-cancel">
          <CancelIcon />
        </Button>
      )}
      <Confirm
        isOpen={asking}
        loading={busy}
        title="app.sales.cancel_title"
        content="app.sales.cancel_content"
        onConfirm={() => void run('cancel')}
        onClose={() => setAsking(false)}
      />
      <AllocateDialog result={result} onClose={() => setResult(null)} />
    </Box>
  );
};
