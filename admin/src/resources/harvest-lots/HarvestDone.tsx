import PrintIcon from '@mui/icons-material/Print';
import { Alert, Button, Card, CardContent, Stack, Typography } from '@mui/material';
import { Link, useTranslate, type RaRecord } from 'react-admin';
import { toNumber, useKgText } from '../../common/weights';

/** After a harvest is saved: the new lot's code, its label to print, and the next harvest. */
export const HarvestDone = ({ lot, onAgain }: { lot: RaRecord; onAgain: () => void }) => {
  const translate = useTranslate();
  const kgText = useKgText();
  return (
    <Card>
      <CardContent component={Stack} spacing={2}>
        <Alert severity="success">{translate('app.harvest.saved')}</Alert>
        <Typography variant="h4" component="p" data-testid="lot-code" sx={{ fontWeight: 700, letterSpacing: 1 }}>
          {String(lot.code)}
        </Typography>
        <Typography>{kgText(toNumber(lot.quantity_kg) ?? 0)}</Typography>
        <Button component={Link} to={`/labels?ids=${lot.id}`} variant="contained" size="large" startIcon={<PrintIcon />} sx={{ minHeight: 56 }}>
          {translate('app.labels.print_one')}
        </Button>
        <Button component={Link} to={`/harvest-lots/${lot.id}/show`} variant="outlined" size="large" sx={{ minHeight: 56 }}>
          {translate('app.harvest.view_lot')}
        </Button>
        <Button onClick={onAgain} variant="outlined" size="large" sx={{ minHeight: 56 }} data-testid="harvest-again">
          {translate('app.harvest.again')}
        </Button>
      </CardContent>
    </Card>
  );
};
