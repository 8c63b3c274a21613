import PrintIcon from '@mui/icons-material/Print';
import { Alert, Box, Button, GlobalStyles, Stack } from '@mui/material';
import { useMemo } from 'react';
import { Loading, Title, useGetMany, useLocation, useTranslate } from 'react-admin';
import { LotLabel } from './LotLabel';

// The app's chrome (bar, menu, this page's buttons) is hidden on paper; the labels fill A4.
const printStyles = (
  <GlobalStyles
    styles={{
      '@media print': {
        '@page': { size: 'A4', margin: '10mm' },
        'header, .MuiAppBar-root, .RaSidebar-root, .MuiDrawer-root, .no-print, .RaLayout-appFrame > div:first-of-type': { display: 'none !important' },
        'body, .RaLayout-content, main': { background: '#fff !important', padding: '0 !important', margin: '0 !important' },
        '.RaLayout-appFrame': { marginTop: '0 !important' },
      },
    }}
  />
);

/** `#/labels?ids=1,2,3`: the lots' labels, several per A4 page, ready to print. */
export const LabelsPage = () => {
  const translate = useTranslate();
  const search = useLocation().search;
  const ids = useMemo(
    () => (new URLSearchParams(search).get('ids') ?? '').split(',').map(Number).filter((n) => Number.isInteger(n) && n > 0),
    [search],
  );
  const { data: lots, isPending } = useGetMany('harvest-lots', { ids }, { enabled: ids.length > 0 });
  const cropIds = [...new Set((lots ?? []).map((l) => l.crop_id))];
  const villageIds = [...new Set((lots ?? []).map((l) => l.village_id))];
  const { data: crops } = useGetMany('crops', { ids: cropIds }, { enabled: cropIds.length > 0 });
  const { data: villages } = useGetMany('villages', { ids: villageIds }, { enabled: villageIds.length > 0 });
  if (ids.length === 0) return <Alert severity="info">{translate('app.labels.none')}</Alert>;
  if (isPending) return <Loading />;
  return (
    <Box sx={{ p: 1 }}>
      <Title title="app.labels.title" />
      {printStyles}
      <Stack direction="row" spacing={1} className="no-print" sx={{ mb: 2 }}>
        <Button variant="contained" startIcon={<PrintIcon />} onClick={() => window.print()} data-testid="print">
          {translate('app.labels.print')}
        </Button>
      </Stack>
      <Box
        sx={{
          display: 'grid',
          gap: '4mm',
          gridTemplateColumns: { xs: '1fr', sm: 'repeat(2, 1fr)' },
          '@media print': { gridTemplateColumns: 'repeat(2, 1fr)', gridAutoRows: '62mm' },
        }}
      >
        {(lots ?? []).map((lot) => (
          <LotLabel
            key={lot.id}
            lot={lot}
            crop={crops?.find((c) => c.id === lot.crop_id)}
            village={villages?.find((v) => v.id === lot.village_id)}
          />
        ))}
      </Box>
    </Box>
  );
};
