import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../lib/errors';
import { errorSchema } from '../../lib/http';
import type { ModuleDeps } from '../../lib/module';
import { epcisDocument, lotCodeParams, publicTrace, recallQuery, recallResponse, traceResponse, type PublicTrace } from './trace.schemas';
import { traceService } from './trace.service';

// Traceability's routes: thin, the rules are in trace.service.ts. The public ones need no
// login and show no personal data; they are rate limited per address.

/** Requests per minute per address to the public trace (the QR codes' page and its JSON). */
export const PUBLIC_TRACE_PER_MINUTE = 60;

export function registerTraceRoutes(app: FastifyInstance, deps: ModuleDeps) {
  const r = app.withTypeProvider<ZodTypeProvider>();
  const security = [{ bearerAuth: [] }];
  const e = errorSchema;
  const errors = { 400: e, 401: e, 403: e, 404: e };
  const tag = 'trace';
  const trace = traceService(deps);
  const publicLimit = { rateLimit: { max: PUBLIC_TRACE_PER_MINUTE, timeWindow: '1 minute' } };

  r.get('/api/trace/:lotCode', {
    onRequest: [app.authenticate],
    schema: {
      tags: [tag], security, params: lotCodeParams, response: { 200: traceResponse, ...errors },
      summary: 'A lot\'s whole chain: backward to plots, households, plantings, inputs, residue tests and processing parents; forward to rooms and processing children, with the kg on each link',
    },
  }, async (req) => trace.trace(req.user, req.params.lotCode));

  r.get('/api/trace/:lotCode/epcis', {
    onRequest: [app.authenticate],
    schema: {
      tags: [tag], security, params: lotCodeParams, response: { 200: epcisDocument, ...errors },
      summary: 'The lot\'s history (and its ancestors\') as a GS1 EPCIS 2.0 JSON-LD document',
    },
  }, async (req, reply) => reply.type('application/ld+json; charset=utf-8').send(JSON.stringify(await trace.epcis(req.user, req.params.lotCode)) as never));

  r.get('/api/recall', {
    onRequest: [app.authenticate],
    schema: {
      tags: [tag], security, querystring: recallQuery, response: { 200: recallResponse, ...errors },
      summary: 'Every lot affected by a bad lot, plot or input application (and every lot made from them), with kg and where they are now',
    },
  }, async (req) => trace.recall(req.user, req.query));

  r.get('/api/recall.csv', {
    onRequest: [app.authenticate],
    schema: {
      tags: [tag], security, querystring: recallQuery,
      response: { 200: z.string().describe('text/csv (UTF-8 with a BOM): one row per critical tracking event'), ...errors },
      summary: 'The recall as a sortable spreadsheet: event, lot code, product, grade, quantity, unit (KGM), place, date, time, reference document',
    },
  }, async (req, reply) => {
    const csv = await trace.recallCsv(req.user, req.query);
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="recall-${req.query.from}-${req.query.id}.csv"`)
      .send(csv);
  });

  r.get('/api/public/trace/:lotCode', {
    config: publicLimit,
    schema: {
      tags: [tag], params: lotCodeParams, response: { 200: publicTrace, 400: e, 404: e, 429: e },
      summary: 'What anyone scanning a QR code may see (no login): crop, grade, harvest dates, origin villages, residue tests, processing steps; no personal data or prices',
    },
  }, async (req) => trace.publicTrace(req.params.lotCode));

  // The page the QR codes open: outside /api and the console's routes, served whole by the server.
  app.get<{ Params: { lotCode: string } }>('/t/:lotCode', {
    config: publicLimit,
    schema: { hide: true },
  }, async (req, reply) => {
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-store');
    const parsed = lotCodeParams.safeParse(req.params);
    try {
      if (!parsed.success) throw new AppError(404, 'NOT_FOUND', 'Lot not found');
      return reply.send(publicPage(await trace.publicTrace(parsed.data.lotCode)));
    } catch (err) {
      if (err instanceof AppError && err.statusCode === 404) return reply.code(404).send(notFoundPage());
      throw err;
    }
  });
}

/** Text for HTML: every character that could end an element or an attribute, escaped. */
export const escapeHtml = (s: string): string =>
  s.replace(/[&<>"'`]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' })[c]!);

const gradeZh: Record<string, string> = { premium: '特级', first: '一级', second: '二级', processing: '加工级' };
const kindZh: Record<string, string> = { grading: '分级', washing: '清洗', packing: '包装', other: '其他加工' };
const methodZh: Record<string, string> = { rapid: '快速检测', lab: '实验室检测' };
const resultZh: Record<string, string> = { pass: '合格', fail: '不合格' };

const style = `
  *{box-sizing:border-box}body{margin:0;font:16px/1.6 -apple-system,"PingFang SC","Microsoft YaHei",sans-serif;color:#1f2d1f;background:#f4f8f2}
  main{max-width:480px;margin:0 auto;padding:16px}h1{font-size:22px;margin:8px 0 4px}.code{color:#5a6b5a;font-size:14px;word-break:break-all}
  section{background:#fff;border-radius:12px;padding:12px 16px;margin:12px 0;box-shadow:0 1px 3px rgba(0,0,0,.08)}
  h2{font-size:16px;margin:0 0 8px;color:#2e7d32}dl{margin:0}dt{color:#5a6b5a;font-size:14px}dd{margin:0 0 8px}
  ul{margin:0;padding-left:20px}.pass{color:#2e7d32;font-weight:600}.fail{color:#c62828;font-weight:600}footer{color:#7a8a7a;font-size:12px;text-align:center;margin:16px 0}`;

const page = (title: string, body: string) =>
  `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">` +
  `<meta name="robots" content="noindex"><title>${escapeHtml(title)}</title><style>${style}</style></head><body><main>${body}</main></body></html>`;

/** The public trace page: what `GET /api/public/trace/:lotCode` answers, in Chinese, for a phone. */
export function publicPage(t: PublicTrace): string {
  const h = escapeHtml;
  const list = (items: string[], empty: string) => (items.length ? `<ul>${items.map((i) => `<li>${i}</li>`).join('')}</ul>` : `<p>${empty}</p>`);
  const tests = t.residue_tests.map((x) =>
    `${h(x.tested_on)} ${h(methodZh[x.method] ?? x.method)}：<span class="${x.result === 'pass' ? 'pass' : 'fail'}">${h(resultZh[x.result] ?? x.result)}</span>`);
  const steps = t.processing.map((p) => `${h(p.run_on)} ${h(kindZh[p.kind] ?? p.kind)}`);
  return page(`${t.crop.name_zh} 产品追溯`, `
    <h1>${h(t.crop.name_zh)} · ${h(gradeZh[t.grade] ?? t.grade)}</h1>
    <div class="code">批次号 ${h(t.code)}</div>
    <section><h2>产地与采收</h2><dl>
      <dt>产地</dt><dd>${h(t.origin_villages.join('、') || '—')}</dd>
      <dt>采收日期</dt><dd>${h(t.harvest_dates.join('、') || '—')}</dd>
      <dt>保质期至</dt><dd>${h(t.expires_on)}</dd>
      <dt>本批重量</dt><dd>${h(t.quantity_kg)} 千克</dd>
    </dl></section>
    <section><h2>农药残留检测</h2>${list(tests, '暂无检测记录')}</section>
    <section><h2>加工环节</h2>${list(steps, '未经加工')}</section>
    <footer>本页仅显示产品信息，不含个人信息。</footer>`);
}

export const notFoundPage = () =>
  page('未找到该批次', '<h1>未找到该批次</h1><section><p>请核对批次号或重新扫描二维码。</p></section>');
