import { Box } from '@mui/material';
import { useRecordContext, useTranslate } from 'react-admin';

// Weights are kilograms in the database (decimal strings from the API). People at the base
// think in 斤 (1 斤 = 0.5 kg) for a harvest and in tonnes (吨) for totals.

export const KG_PER_JIN = 0.5;

/** A decimal from the API ("12.50", 12.5, null) as a number, or null. */
export const toNumber = (value: unknown): number | null => {
  if (value == null || value === '') return null;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : null;
};

const fmt = (n: number, digits = 2) =>
  n.toLocaleString('zh-CN', { minimumFractionDigits: 0, maximumFractionDigits: digits });

/** "1,250" (kg, up to two decimals). */
export const formatKg = (kg: number) => fmt(kg);
/** 斤 for a number of kilograms: "2,500". */
export const formatJin = (kg: number) => fmt(kg / KG_PER_JIN);
/** Tonnes for a number of kilograms: "1.25". */
export const formatTonnes = (kg: number) => fmt(kg / 1000, 3);
/** Yuan with two decimals: "1,234.50". */
export const formatYuan = (n: number) => n.toLocaleString('zh-CN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** kg typed as 斤 → kg, rounded to the column's 0.01 kg. */
export const jinToKg = (jin: number) => Math.round(jin * KG_PER_JIN * 100) / 100;

/** "1,250 kg（2,500 斤）" as text, translated. */
export const useKgText = () => {
  const translate = useTranslate();
  return (kg: number) => translate('app.weight.kg_jin', { kg: formatKg(kg), jin: formatJin(kg) });
};

/** "1.25 吨", translated. */
export const useTonnesText = () => {
  const translate = useTranslate();
  return (kg: number) => translate('app.weight.tonnes', { t: formatTonnes(kg) });
};

export const KgText = ({ kg, tonnes }: { kg: number; tonnes?: boolean }) => {
  const kgText = useKgText();
  const tText = useTonnesText();
  return (
    <Box component="span" sx={{ whiteSpace: 'nowrap' }}>
      {kgText(kg)}
      {tonnes && kg >= 1000 ? ` · ${tText(kg)}` : ''}
    </Box>
  );
};

/** A kg column of the record shown as "1,250 kg（2,500 斤）"; `tonnes` adds "· 1.25 吨" from 1 t. */
export const KgField = ({ source, tonnes }: { source: string; label?: string; tonnes?: boolean; sortable?: boolean }) => {
  const record = useRecordContext();
  const kg = toNumber(record?.[source]);
  if (kg == null) return null;
  return <KgText kg={kg} tonnes={tonnes} />;
};

/** Money column: "1,234.50 元". */
export const YuanField = ({ source }: { source: string; label?: string }) => {
  const record = useRecordContext();
  const translate = useTranslate();
  const n = toNumber(record?.[source]);
  if (n == null) return null;
  return <span>{translate('app.weight.yuan', { amount: formatYuan(n) })}</span>;
};
