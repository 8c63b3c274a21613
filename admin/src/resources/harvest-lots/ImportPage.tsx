import DownloadIcon from '@mui/icons-material/Download';
import UploadIcon from '@mui/icons-material/UploadFile';
import { Alert, Box, Button, Card, CardContent, LinearProgress, Stack, Typography } from '@mui/material';
import { useState } from 'react';
import { downloadCSV, Link, Title, useTranslate } from 'react-admin';
import { errorCodeKey } from '../../apiErrors';
import { newIdempotencyKey } from '../../common/idempotency';
import type { ApiErrorBody } from '../../types';
import { ImportErrors } from './ImportErrors';
import { MAX_IMPORT_ROWS, parseCsv, TEMPLATE_CSV, uploadRows, type UploadResult } from './importCsv';

type Stage = { kind: 'idle' } | { kind: 'parsing' | 'uploading'; progress: number } | { kind: 'done'; result: UploadResult } | { kind: 'problem'; text: string };

/**
 * `#/harvest-lots/import`: a CSV of harvest lots, all or nothing. Parsing and uploading show
 * progress; a refusal lists every bad row (line, field, message); nothing is imported then.
 */
export const ImportPage = () => {
  const translate = useTranslate();
  const [stage, setStage] = useState<Stage>({ kind: 'idle' });
  const [fileName, setFileName] = useState('');

  const run = async (file: File) => {
    setFileName(file.name);
    setStage({ kind: 'parsing', progress: 0 });
    try {
      const { rows, missing } = await parseCsv(file, (p) => setStage({ kind: 'parsing', progress: p }));
      if (missing.length) return setStage({ kind: 'problem', text: translate('app.import.missing_columns', { columns: missing.join(', ') }) });
      if (rows.length === 0) return setStage({ kind: 'problem', text: translate('app.import.empty') });
      if (rows.length > MAX_IMPORT_ROWS) return setStage({ kind: 'problem', text: translate('app.import.too_many', { max: MAX_IMPORT_ROWS, count: rows.length }) });
      // One key per file chosen: choosing the same file again after a network error is a retry.
      const result = await uploadRows(rows, newIdempotencyKey(), (p) => setStage({ kind: 'uploading', progress: p }));
      setStage({ kind: 'done', result });
    } catch (e) {
      setStage({ kind: 'problem', text: translate('app.import.parse_error', { error: e instanceof Error ? e.message : String(e) }) });
    }
  };

  const failedText = (httpStatus: number, body?: ApiErrorBody) =>
    httpStatus === 0 ? translate('app.error.network') : translate(errorCodeKey(body?.code) ?? 'app.import.failed_other', { status: body?.message ?? String(httpStatus) });

  const busy = stage.kind === 'parsing' || stage.kind === 'uploading';
  return (
    <Box sx={{ maxWidth: 960, my: 1 }}>
      <Title title="app.import.title" />
      <Card>
        <CardContent component={Stack} spacing={2}>
          <Typography>{translate('app.import.intro')}</Typography>
          <Alert severity="info">{translate('app.import.all_or_nothing')}</Alert>
          <Stack direction="row" spacing={1} useFlexGap sx={{ flexWrap: 'wrap' }}>
            <Button variant="contained" component="label" startIcon={<UploadIcon />} disabled={busy}>
              {translate('app.import.choose')}
              <input
                hidden
                type="file"
                accept=".csv,text/csv"
                data-testid="import-file"
                onChange={(e) => {
                  const file = e.target.files?.[0];
                  e.target.value = '';
                  if (file) void run(file);
                }}
              />
            </Button>
            <Button startIcon={<DownloadIcon />} onClick={() => downloadCSV(TEMPLATE_CSV, 'harvest-lots-template')}>
              {translate('app.import.template')}
            </Button>
          </Stack>
          {fileName && <Typography variant="body2" color="text.secondary">{fileName}</Typography>}
          {busy && (
            <Box data-testid="import-progress">
              <Typography variant="body2">{translate(stage.kind === 'parsing' ? 'app.import.parsing' : 'app.import.uploading')}</Typography>
              <LinearProgress variant="determinate" value={Math.round(stage.progress * 100)} />
            </Box>
          )}
          {stage.kind === 'problem' && <Alert severity="error">{stage.text}</Alert>}
          {stage.kind === 'done' && stage.result.status === 'imported' && (
            <Alert severity="success" data-testid="import-done">
              {translate('app.import.imported', { count: stage.result.imported })} <Link to="/harvest-lots">{translate('app.import.to_list')}</Link>
            </Alert>
          )}
          {stage.kind === 'done' && stage.result.status === 'refused' && <ImportErrors body={stage.result.body} />}
          {stage.kind === 'done' && stage.result.status === 'failed' && (
            <Alert severity="error">{failedText(stage.result.httpStatus, stage.result.body)}</Alert>
          )}
        </CardContent>
      </Card>
    </Box>
  );
};
