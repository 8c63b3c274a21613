import { useMemo } from 'react';
import { useGetList, useGetMany, type RaRecord } from 'react-admin';
import { useMonthDay } from './dates';

export interface PlantingChoice {
  id: number;
  name: string;
  record: RaRecord;
  plot?: RaRecord;
  crop?: RaRecord;
}

/**
 * Plantings as choices named "plot · crop · planted on", most recently planted first: the
 * plots and crops are read in two batched requests. `filter` narrows the plantings
 * (status, village...).
 */
export function usePlantingChoices(filter: Record<string, unknown>, enabled = true) {
  const md = useMonthDay();
  const { data: plantings, isPending, error } = useGetList(
    'plantings',
    { filter, sort: { field: 'planted_on', order: 'DESC' }, pagination: { page: 1, perPage: 100 } },
    { enabled },
  );
  const plotIds = useMemo(() => [...new Set((plantings ?? []).map((p) => p.plot_id as number))], [plantings]);
  const cropIds = useMemo(() => [...new Set((plantings ?? []).map((p) => p.crop_id as number))], [plantings]);
  const { data: plots } = useGetMany('plots', { ids: plotIds }, { enabled: plotIds.length > 0 });
  const { data: crops } = useGetMany('crops', { ids: cropIds }, { enabled: cropIds.length > 0 });
  const choices: PlantingChoice[] = useMemo(() => {
    const plotById = new Map((plots ?? []).map((p) => [p.id, p]));
    const cropById = new Map((crops ?? []).map((c) => [c.id, c]));
    return (plantings ?? []).map((p) => {
      const plot = plotById.get(p.plot_id);
      const crop = cropById.get(p.crop_id);
      const plotName = plot ? `${plot.code} ${plot.name}` : `#${p.plot_id}`;
      const cropName = crop ? String(crop.name_zh) : `#${p.crop_id}`;
      return { id: p.id as number, name: `${plotName} · ${cropName} · ${md(p.planted_on)}`, record: p, plot, crop };
    });
  }, [plantings, plots, crops, md]);
  return { choices, isPending, error };
}
