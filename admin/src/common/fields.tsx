import { Chip, Stack } from '@mui/material';
import {
  DateField,
  NumberField,
  useRecordContext,
  useTranslate,
  type DateFieldProps,
  type NumberFieldProps,
} from 'react-admin';

/** Dates always read the Chinese way (2024/3/1), whatever the interface language. */
export const ZhDateField = (props: DateFieldProps) => <DateField locales="zh-CN" {...props} />;

export const ZhDateTimeField = (props: DateFieldProps) => (
  <DateField locales="zh-CN" showTime {...props} />
);

/** Money and areas: numeric(…, 2) columns shown with their two decimals. */
export const TWO_DECIMALS: Intl.NumberFormatOptions = { minimumFractionDigits: 2, maximumFractionDigits: 2 };

/**
 * Decimals come from the API as strings ("12.50"); NumberField's default transform turns
 * them into numbers, and a fixed number of digits keeps "12.50" from becoming "12.5".
 * In a DataTable use <DataTable.NumberCol locales="zh-CN" options={TWO_DECIMALS} />.
 */
export const DecimalField = ({ digits = 2, ...props }: NumberFieldProps & { digits?: number }) => (
  <NumberField
    locales="zh-CN"
    options={{ minimumFractionDigits: digits, maximumFractionDigits: digits }}
    {...props}
  />
);

/** A string array (people.roles) shown as translated chips. */
export const ChoiceChipsField = ({ source, set }: { source: string; set: string; label?: string }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  const values: unknown = record?.[source];
  if (!Array.isArray(values) || values.length === 0) return null;
  return (
    <Stack direction="row" spacing={0.5} useFlexGap sx={{ flexWrap: 'wrap' }}>
      {values.map((v) => (
        <Chip key={String(v)} size="small" label={translate(`choices.${set}.${String(v)}`, { _: String(v) })} />
      ))}
    </Stack>
  );
};

/** JSON snapshots of the audit log, pretty-printed. */
export const JsonField = ({ source }: { source: string; label?: string }) => {
  const record = useRecordContext();
  const value: unknown = record?.[source];
  if (value == null) return null;
  return (
    <pre style={{ margin: 0, fontSize: 12, whiteSpace: 'pre-wrap', wordBreak: 'break-all' }}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
};
