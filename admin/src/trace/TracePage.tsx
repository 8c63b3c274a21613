import DownloadIcon from '@mui/icons-material/Download';
import OpenInNewIcon from '@mui/icons-material/OpenInNew';
import SearchIcon from '@mui/icons-material/Search';
import { Box, Card, CardContent, Stack, Table, TableBody, TableCell, TableHead, TableRow, TextField, Typography } from '@mui/material';
import { useState, type ReactNode } from 'react';
import { Button, Link, Title, useDataProvider, useLocaleState, useNavigate, useNotify, useParams, useTranslate } from 'react-admin';
import { useApiGet } from '../common/useApi';
import { formatKg, toNumber } from '../common/weights';
import type { AppDataProvider } from '../dataProvider';

interface Lot {
  id: number;
  code: string;
  crop: { name_zh: string; name_en: string };
  grade: string;
  quantity_kg: string;
  harvested_on: string;
  expires_on: string;
  residue_status: string;
  village: { name: string };
  depth?: number;
}
interface LinkRow {
  child_lot_id: number;
  child_code: string;
  parent_lot_id: number;
  parent_code: string;
  quantity_kg: string;
  processing_run_id: number;
  depth: number;
}
interface Room {
  id: number;
  code: string;
  name: string;
}
interface TraceBody extends Lot {
  backward: {
    lots: Lot[];
    links: LinkRow[];
    origins: {
      lot_id: number;
      lot_code: string;
      harvested_on: string;
      quantity_kg: string;
      plot: { id: number; code: string; name: string } | null;
      household: { id: number; code: string } | null;
      input_applications: {
        id: number;
        product: string;
        dose: string;
        dose_unit: string;
        applied_on: string;
        pre_harvest_interval_days: number | null;
        allowed_from: string | null;
        days_before_harvest: number;
        corrected: boolean;
      }[];
    }[];
    residue_tests: { id: number; lot_id: number; lot_code: string; method: string; result: string; value: string | null; tested_on: string }[];
  };
  forward: {
    movements: { id: number; kind: string; quantity_kg: string; from_warehouse: Room | null; to_warehouse: Room | null; moved_at: string }[];
    lots: Lot[];
    links: LinkRow[];
  };
  processing_runs: {
    id: number;
    kind: string;
    run_on: string;
    input_kg: string;
    output_kg: string;
    inputs: { lot_id: number; lot_code: string; quantity_kg: string }[];
    outputs: { lot_id: number; lot_code: string; quantity_kg: string }[];
  }[];
}

const kg = (v: unknown) => `${formatKg(toNumber(v) ?? 0)} kg`;
const LotLink = ({ id, code }: { id: number; code: string }) => <Link to={`/harvest-lots/${id}/show`}>{code}</Link>;

/** A box for a lot in the genealogy tree, with the kg of the link that leads to it. */
const Node = ({ id, code, via, children }: { id: number; code: string; via?: string; children?: ReactNode }) => {
  const translate = useTranslate();
  return (
    <Box component="li" sx={{ listStyle: 'none', position: 'relative', pl: 2, borderLeft: '2px solid', borderColor: 'divider', my: 0.5 }}>
      <Box sx={{ display: 'inline-flex', gap: 1, alignItems: 'center', border: '1px solid', borderColor: 'primary.main', borderRadius: 1, px: 1, py: 0.25 }}>
        {via && <Typography variant="caption" color="text.secondary">{translate('app.trace.kg_link', { kg: formatKg(toNumber(via) ?? 0) })} →</Typography>}
        <LotLink id={id} code={code} />
        <Link to={`/trace/${encodeURIComponent(code)}`} title={translate('app.trace.button')}>
          <SearchIcon fontSize="inherit" />
        </Link>
      </Box>
      {children && <Box component="ul" sx={{ m: 0, pl: 2 }}>{children}</Box>}
    </Box>
  );
};

/** Nested lists: from the traced lot up its parents (backward) or down its children (forward). */
function tree(links: LinkRow[], start: number, dir: 'up' | 'down', seen = new Set<number>()): ReactNode[] {
  if (seen.has(start) || seen.size > 500) return [];
  const next = new Set(seen).add(start);
  return links
    .filter((l) => (dir === 'up' ? l.child_lot_id === start : l.parent_lot_id === start))
    .map((l) => {
      const id = dir === 'up' ? l.parent_lot_id : l.child_lot_id;
      const code = dir === 'up' ? l.parent_code : l.child_code;
      const sub = tree(links, id, dir, next);
      return (
        <Node key={`${l.parent_lot_id}-${l.child_lot_id}-${l.processing_run_id}`} id={id} code={code} via={l.quantity_kg}>
          {sub.length ? sub : undefined}
        </Node>
      );
    });
}

const Section = ({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) => {
  const translate = useTranslate();
  return (
    <Box sx={{ mt: 2 }} data-testid={testId}>
      <Typography variant="h6">{translate(title)}</Typography>
      {children}
    </Box>
  );
};

const Simple = ({ head, rows }: { head: string[]; rows: ReactNode[][] }) => {
  const translate = useTranslate();
  if (rows.length === 0) return <Typography variant="body2" color="text.secondary">{translate('app.trace.none')}</Typography>;
  return (
    <Table size="small">
      <TableHead>
        <TableRow>
          {head.map((h) => (
            <TableCell key={h}>{translate(h)}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {rows.map((r, i) => (
          <TableRow key={i}>
            {r.map((c, j) => (
              <TableCell key={j}>{c}</TableCell>
            ))}
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
};

const TraceView = ({ code }: { code: string }) => {
  const translate = useTranslate();
  const [locale] = useLocaleState();
  const dataProvider = useDataProvider<AppDataProvider>();
  const notify = useNotify();
  const { data, error, isPending } = useApiGet<TraceBody>(`trace/${encodeURIComponent(code)}`);
  if (isPending) return null;
  if (error || !data) return <Typography color="error" data-testid="trace-error">{translate('app.trace.not_found')}</Typography>;
  const crop = (c: Lot['crop']) => (locale === 'en' ? c.name_en : c.name_zh);
  const grade = (g: string) => translate(`choices.lot_grade.${g}`, { _: g });
  const choice = (set: string, v: string) => translate(`choices.${set}.${v}`, { _: v });
  const epcis = () =>
    dataProvider.download(`trace/${encodeURIComponent(data.code)}/epcis`, `${data.code}.epcis.jsonld`).catch((e: unknown) =>
      notify(e instanceof Error ? e.message : String(e), { type: 'error' }),
    );
  const up = tree(data.backward.links, data.id, 'up');
  const down = tree(data.forward.links, data.id, 'down');
  const inputs = data.backward.origins.flatMap((o) => o.input_applications.map((a) => ({ o, a })));
  return (
    <Box data-testid="trace-view">
      <Stack direction="row" spacing={2} useFlexGap sx={{ flexWrap: 'wrap', alignItems: 'center' }}>
        <Typography variant="h5">
          <LotLink id={data.id} code={data.code} />
        </Typography>
        <Typography>
          {crop(data.crop)} · {grade(data.grade)} · {kg(data.quantity_kg)} · {data.village.name} · {data.harvested_on} → {data.expires_on} ·{' '}
          {choice('residue_status', data.residue_status)}
        </Typography>
        <Button label="app.trace.epcis" onClick={() => void epcis()} data-testid="trace-epcis">
          <DownloadIcon />
        </Button>
        <Button label="app.trace.public_page" component="a" href={`/t/${encodeURIComponent(data.code)}`} target="_blank" rel="noopener">
          <OpenInNewIcon />
        </Button>
      </Stack>
      <Stack direction={{ xs: 'column', md: 'row' }} spacing={4} sx={{ mt: 1 }}>
        <Section title="app.trace.backward" testId="trace-backward">
          <Box component="ul" sx={{ m: 0, p: 0 }}>
            <Node id={data.id} code={data.code}>{up.length ? up : undefined}</Node>
          </Box>
        </Section>
        <Section title="app.trace.forward" testId="trace-forward">
          <Box component="ul" sx={{ m: 0, p: 0 }}>
            <Node id={data.id} code={data.code}>{down.length ? down : undefined}</Node>
          </Box>
        </Section>
      </Stack>
      <Section title="app.trace.harvests">
        <Simple
          head={['app.trace.lot', 'resources.harvest-lots.fields.harvested_on', 'app.genealogy.kg', 'app.trace.plot', 'app.trace.household']}
          rows={data.backward.origins.map((o) => [
            <LotLink key="l" id={o.lot_id} code={o.lot_code} />,
            o.harvested_on,
            kg(o.quantity_kg),
            o.plot ? `${o.plot.code} ${o.plot.name}` : '',
            o.household?.code ?? '',
          ])}
        />
      </Section>
      <Section title="app.trace.inputs">
        <Simple
          head={['app.trace.lot', 'app.trace.product', 'app.trace.dose', 'app.trace.applied_on', 'app.trace.allowed_from', 'app.trace.days_before', 'app.trace.corrected']}
          rows={inputs.map(({ o, a }) => [
            <LotLink key="l" id={o.lot_id} code={o.lot_code} />,
            a.product,
            `${a.dose} ${a.dose_unit}`,
            a.applied_on,
            a.pre_harvest_interval_days != null ? `${a.allowed_from ?? ''}（${translate('app.trace.interval', { days: a.pre_harvest_interval_days })}）` : '',
            String(a.days_before_harvest),
            a.corrected ? translate('app.trace.corrected') : '',
          ])}
        />
      </Section>
      <Section title="app.trace.residue_tests">
        <Simple
          head={['app.trace.lot', 'resources.residue-tests.fields.tested_on', 'resources.residue-tests.fields.method', 'resources.residue-tests.fields.result', 'resources.residue-tests.fields.value']}
          rows={data.backward.residue_tests.map((t) => [
            <LotLink key="l" id={t.lot_id} code={t.lot_code} />,
            t.tested_on,
            choice('residue_method', t.method),
            choice('residue_result', t.result),
            t.value ?? '',
          ])}
        />
      </Section>
      <Section title="app.trace.movements">
        <Simple
          head={['app.trace.time', 'resources.stock-movements.fields.kind', 'resources.stock-movements.fields.from_warehouse_id', 'resources.stock-movements.fields.to_warehouse_id', 'app.genealogy.kg']}
          rows={data.forward.movements.map((m) => [
            new Date(m.moved_at).toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false }),
            choice('movement_kind', m.kind),
            m.from_warehouse?.name ?? '',
            m.to_warehouse?.name ?? '',
            kg(m.quantity_kg),
          ])}
        />
      </Section>
      <Section title="app.trace.processing">
        <Simple
          head={['app.trace.run', 'resources.processing-runs.fields.kind', 'resources.processing-runs.fields.run_on', 'app.trace.inputs_outputs']}
          rows={data.processing_runs.map((r) => [
            <Link key="r" to={`/processing-runs/${r.id}/show`}>#{r.id}</Link>,
            choice('processing_kind', r.kind),
            r.run_on,
            <span key="io">
              {r.inputs.map((x) => (
                <span key={`i${x.lot_id}`}>
                  <LotLink id={x.lot_id} code={x.lot_code} /> {kg(x.quantity_kg)}{' '}
                </span>
              ))}
              →{' '}
              {r.outputs.map((x) => (
                <span key={`o${x.lot_id}`}>
                  <LotLink id={x.lot_id} code={x.lot_code} /> {kg(x.quantity_kg)}{' '}
                </span>
              ))}
            </span>,
          ])}
        />
      </Section>
    </Box>
  );
};

/** 追溯: `#/trace/:code` draws a lot's genealogy and history; `#/trace` asks for a code. */
export const TracePage = () => {
  const { code } = useParams();
  const translate = useTranslate();
  const navigate = useNavigate();
  const [typed, setTyped] = useState(code ?? '');
  return (
    <Card sx={{ mt: 1 }}>
      <Title title={translate('app.trace.title')} />
      <CardContent>
        <Stack
          direction="row"
          spacing={1}
          sx={{ mb: 2, alignItems: 'center' }}
          component="form"
          onSubmit={(e) => {
            e.preventDefault();
            if (typed.trim()) navigate(`/trace/${encodeURIComponent(typed.trim())}`);
          }}
        >
          <TextField size="small" label={translate('app.trace.search')} value={typed} onChange={(e) => setTyped(e.target.value)} sx={{ width: 320, maxWidth: '100%' }} fullWidth={false} />
          <Button label="app.trace.go" type="submit" variant="contained" sx={{ flexShrink: 0, whiteSpace: 'nowrap' }}>
            <SearchIcon />
          </Button>
        </Stack>
        {code && <TraceView key={code} code={code} />}
      </CardContent>
    </Card>
  );
};
