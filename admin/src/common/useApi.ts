import { useEffect, useState } from 'react';
import { useDataProvider } from 'react-admin';
import type { AppDataProvider } from '../dataProvider';

/**
 * GET one API path (below /api) and keep its JSON answer; the path is read again when it
 * changes or `refresh` does (a list's filter, a counter bumped after a save).
 */
export function useApiGet<T>(path: string | null, refresh: unknown = 0): { data?: T; error?: unknown; isPending: boolean } {
  const dataProvider = useDataProvider<AppDataProvider>();
  const [state, setState] = useState<{ data?: T; error?: unknown; isPending: boolean }>({ isPending: path != null });
  useEffect(() => {
    if (path == null) return;
    let live = true;
    setState((s) => ({ ...s, isPending: true }));
    dataProvider.request<T>(path).then(
      (data) => live && setState({ data, isPending: false }),
      (error: unknown) => live && setState({ error, isPending: false }),
    );
    return () => {
      live = false;
    };
  }, [dataProvider, path, refresh]);
  return state;
}

/** `harvest-lots/totals?filter=…` for a list filter. */
export const withFilter = (path: string, filter: Record<string, unknown>) =>
  `${path}?filter=${encodeURIComponent(JSON.stringify(filter))}`;
