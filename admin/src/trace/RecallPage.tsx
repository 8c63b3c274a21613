import DownloadIcon from '@mui/icons-material/Download';
import SearchIcon from '@mui/icons-material/Search';
import { Box, Card, CardContent, Stack, Table, TableBody, TableCell, TableHead, TableRow, Typography } from '@mui/material';
import { useState } from 'react';
import {
  AutocompleteInput,
  Button,
  Form,
  FormDataConsumer,
  Link,
  NumberInput,
  ReferenceInput,
  required,
  SelectInput,
  Title,
  useDataProvider,
  useLocaleState,
  useNotify,
  useTranslate,
} from 'react-admin';
import { LotInput } from '../common/LotInput';
import { recallFromChoices } from '../common/salesChoices';
import { formatKg, toNumber, useKgText, useTonnesText } from '../common/weights';
import type { AppDataProvider } from '../dataProvider';

interface RecallBody {
  from: string;
  id: number;
  total_kg: string;
  stock_kg: string;
  lots: {
    id: number;
    code: string;
    crop: { name_zh: string; name_en: string };
    grade: string;
    quantity_kg: string;
    harvested_on: string;
    expires_on: string;
    village: { name: string };
    depth: number;
    stock: { warehouse_id: number; warehouse_code: string; warehouse_name: string; quantity_kg: string }[];
  }[];
}

const kg = (v: unknown) => `${formatKg(toNumber(v) ?? 0)} kg`;

/** 召回: from a lot, a plot or an input application, every lot it reached, where it is, and the FSMA 204 CSV. */
export const RecallPage = () => {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const kgText = useKgText();
  const tText = useTonnesText();
  const [query, setQuery] = useState<{ from: string; id: number } | null>(null);
  const [data, setData] = useState<RecallBody | null>(null);
  const [busy, setBusy] = useState(false);

  const search = async (values: Record<string, unknown>) => {
    const from = String(values.from);
    const id = Number(from === 'lot' ? values.lot_id : from === 'plot' ? values.plot_id : values.application_id);
    if (!Number.isInteger(id) || id <= 0) return;
    setBusy(true);
    try {
      const body = await dataProvider.request<RecallBody>(`recall?from=${encodeURIComponent(from)}&id=${id}`);
      setQuery({ from, id });
      setData(body);
    } catch (e) {
      notify(e instanceof Error ? e.message : String(e), { type: 'error' });
    } finally {
      setBusy(false);
    }
  };
  const csv = () => {
    if (!query) return;
    dataProvider
      .download(`recall.csv?from=${encodeURIComponent(query.from)}&id=${query.id}`, `recall-${query.from}-${query.id}.csv`)
      .catch((e: unknown) => notify(e instanceof Error ? e.message : String(e), { type: 'error' }));
  };

  return (
    <Card sx={{ mt: 1 }}>
      <Title title={translate('app.recall.title')} />
      <CardContent>
        <Form onSubmit={(v: Record<string, unknown>) => void search(v)} defaultValues={{ from: 'lot' }}>
          <Stack direction={{ xs: 'column', sm: 'row' }} spacing={2} sx={{ alignItems: { sm: 'center' } }}>
            <SelectInput source="from" label="app.recall.from" choices={recallFromChoices} validate={required()} helperText={false} sx={{ minWidth: 180 }} />
            <FormDataConsumer>
              {({ formData }) =>
                formData.from === 'plot' ? (
                  <ReferenceInput source="plot_id" reference="plots" sort={{ field: 'code', order: 'ASC' }}>
                    <AutocompleteInput label="app.recall.plot" validate={required()} helperText={false} sx={{ minWidth: 240 }} />
                  </ReferenceInput>
                ) : formData.from === 'application' ? (
                  <NumberInput source="application_id" label="app.recall.application" validate={required()} helperText={false} />
                ) : (
                  <Box sx={{ minWidth: 240 }}>
                    <LotInput source="lot_id" label="app.recall.lot" />
                  </Box>
                )
              }
            </FormDataConsumer>
            <Button label="app.recall.run" type="submit" variant="contained" disabled={busy} data-testid="recall-run" sx={{ flexShrink: 0, whiteSpace: 'nowrap' }}>
              <SearchIcon />
            </Button>
          </Stack>
        </Form>
        {data && (
          <Box sx={{ mt: 2 }} data-testid="recall-result">
            <Stack direction="row" spacing={3} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center' }}>
              <Typography>
                {translate('app.recall.total_kg')}：{kgText(toNumber(data.total_kg) ?? 0)} · {tText(toNumber(data.total_kg) ?? 0)}
              </Typography>
              <Typography>
                {translate('app.recall.stock_kg')}：{kgText(toNumber(data.stock_kg) ?? 0)}
              </Typography>
              <Button label="app.recall.csv" onClick={csv} data-testid="recall-csv">
                <DownloadIcon />
              </Button>
            </Stack>
            <Typography variant="h6" sx={{ mt: 2 }}>
              {translate('app.recall.lots')}
            </Typography>
            {data.lots.length === 0 ? (
              <Typography color="text.secondary">{translate('app.recall.none')}</Typography>
            ) : (
              <Table size="small">
                <TableHead>
                  <TableRow>
                    <TableCell>{translate('app.trace.lot')}</TableCell>
                    <TableCell>{translate('resources.harvest-lots.fields.crop_id')}</TableCell>
                    <TableCell>{translate('resources.harvest-lots.fields.grade')}</TableCell>
                    <TableCell align="right">{translate('resources.harvest-lots.fields.quantity_kg')}</TableCell>
                    <TableCell>{translate('resources.harvest-lots.fields.village_id')}</TableCell>
                    <TableCell>{translate('resources.harvest-lots.fields.harvested_on')}</TableCell>
                    <TableCell>{translate('resources.harvest-lots.fields.expires_on')}</TableCell>
                    <TableCell>{translate('app.recall.depth')}</TableCell>
                    <TableCell>{translate('app.recall.where')}</TableCell>
                  </TableRow>
                </TableHead>
                <TableBody>
                  {data.lots.map((l) => (
                    <TableRow key={l.id}>
                      <TableCell>
                        <Link to={`/harvest-lots/${l.id}/show`}>{l.code}</Link>{' '}
                        <Link to={`/trace/${encodeURIComponent(l.code)}`}>{translate('app.trace.button')}</Link>
                      </TableCell>
                      <TableCell>{locale === 'en' ? l.crop.name_en : l.crop.name_zh}</TableCell>
                      <TableCell>{translate(`choices.lot_grade.${l.grade}`, { _: l.grade })}</TableCell>
                      <TableCell align="right">{kg(l.quantity_kg)}</TableCell>
                      <TableCell>{l.village.name}</TableCell>
                      <TableCell>{l.harvested_on}</TableCell>
                      <TableCell>{l.expires_on}</TableCell>
                      <TableCell>{l.depth}</TableCell>
                      <TableCell>
                        {l.stock.length === 0
                          ? translate('app.recall.no_stock')
                          : l.stock.map((s) => (
                              <Box key={s.warehouse_id}>
                                <Link to={`/warehouses/${s.warehouse_id}/show`}>{s.warehouse_name}</Link> {kg(s.quantity_kg)}
                              </Box>
                            ))}
                      </TableCell>
                    </TableRow>
                  ))}
                </TableBody>
              </Table>
            )}
          </Box>
        )}
      </CardContent>
    </Card>
  );
};
