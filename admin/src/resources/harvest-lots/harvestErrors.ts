import { HttpError } from 'react-admin';
import type { ApiErrorBody } from '../../types';

type Translate = (key: string, options?: Record<string, unknown>) => string;

/**
 * What went wrong with a harvest submission, in plain words. A pesticide's interval reads
 * "不能采收：5月5日施用的「吡虫啉」安全间隔期7天未满，5月12日起可采收"; other refusals give
 * their translated field messages (the data provider has translated them already).
 */
export function harvestErrorText(error: unknown, translate: Translate, md: (d: unknown) => string): { text: string; network: boolean } {
  if (!(error instanceof HttpError)) return { text: translate('app.harvest.network_error'), network: true };
  const body = (error.body ?? {}) as Partial<ApiErrorBody> & { errors?: Record<string, unknown> };
  if (body.code === 'PRE_HARVEST_INTERVAL') {
    const p = body.error_codes?.harvested_on?.params ?? {};
    return {
      text: translate('app.harvest.blocked', {
        product: p.product ?? '',
        applied_on: md(p.applied_on),
        interval_days: p.interval_days ?? '',
        allowed_from: md(p.allowed_from),
      }),
      network: false,
    };
  }
  const fields = Object.entries(body.errors ?? {})
    .filter(([k, v]) => k !== 'root' && typeof v === 'string')
    .map(([k, v]) => `${translate(`resources.harvest-lots.fields.${k}`, { _: k })}：${String(v)}`);
  const head = translate(error.message, { _: error.message });
  // 5xx, timeouts, and the first try still running on the server: the same key may be sent
  // again, the server will not make a second lot.
  const retry = error.status >= 500 || error.status === 408 || body.code === 'IDEMPOTENCY_KEY_IN_FLIGHT';
  return { text: [head, ...fields].join('；'), network: retry };
}
