import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { createDb, withDatabase, type DbHandle } from '../db/client';
import { today } from '../server/lib/dates';
import { foldSupplyChanges } from '../server/modules/sales/sales.repository';
import { createBenchAdmin, median, recreateDatabase, waitReady } from './bench-audit';
import { flag } from './cli';
import { balancesHold, checkStockBalances, generateProduction } from './generate-production';

// `npm run bench:sales [-- --lots 200000 --movements 1000000 --orders 20000 --allocations 3000 --duration 5 --rounds 3 --connections 50 --keep]`
//
// The sales and traceability targets of issue 8, on the bulk data, in one run. A scratch
// database (coop_bench_sales; dropped at the end unless --keep) gets the production bulk data
// (scripts/generate-production.ts: 200,000 lots, 1,000,000 movements), then, set-based in SQL:
// buyers, residue tests (most lots pass; residue_tests and harvest_lots.residue_status kept
// consistent, the supply changes folded), a published listing for every crop and grade in
// stock, pesticide applications on every planting, and a year of orders (most paid, delivered
// or cancelled, none holding stock). A real server (server/main.ts, LOG_LEVEL=warn) then gives:
// (1) GET /api/supply-listings next to GET /api/health, autocannon, 50 connections, medians of
//     3 rounds of 5 s;
// (2) POST /api/orders/:id/allocate over N confirmed orders (one line each, spread over the
//     listings), 50 clients at once: allocations per second, then the oversold total
//     (sum of max(0, allocated_kg - quantity_kg)) and whether stock.allocated_kg equals the
//     active allocations, row by row;
// (3) GET /api/trace/:code of a lot 5 processing generations deep (the chain made through
//     POST /api/processing-runs), median of 20;
// (4) GET /api/recall?from=application&id=… from the pesticide application with the most lots
//     downstream (the chain's root planting), median of 10, and the lots found (deliveries are
//     not built yet: the recall lists none).

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/coop_bench_sales';
const num = (name: string, fallback: string) => Number(flag(name, fallback));
const size = { plantings: num('plantings', '20000'), lots: num('lots', '200000'), movements: num('movements', '1000000') };
const orderCount = num('orders', '20000');
const allocCount = num('allocations', '3000');
const duration = num('duration', '5');
const rounds = num('rounds', '3');
const connections = num('connections', '50');
const port = num('port', '3914');
const keep = process.argv.includes('--keep');
const secrets = { JWT_SECRET: randomBytes(32).toString('hex'), AUDIT_KEY: randomBytes(32).toString('hex') };

interface Result { rps: number; p50: number; p99: number; errors: number; total: number }

const n = (v: unknown) => Number(v);
async function one<T = Record<string, unknown>>(h: DbHandle, q: ReturnType<typeof sql>): Promise<T> {
  return (await h.db.execute(q)).rows[0] as T;
}
const timed = async <T>(label: string, fn: () => Promise<T>): Promise<T> => {
  const t = performance.now();
  const r = await fn();
  console.log(`  ${label}  ${((performance.now() - t) / 1000).toFixed(1)} s`);
  return r;
};

/** A year of sales on the generated production data. */
async function addSales(h: DbHandle, unionId: number, day: string) {
  await timed('buyers', () => h.db.execute(sql`
    INSERT INTO buyers (union_id, code, name, kind)
    SELECT ${unionId}, 'BB' || lpad(g::text, 3, '0'), '采购商' || g,
           (ARRAY['state_enterprise', 'supermarket', 'wholesale_market'])[1 + g % 3]::buyer_kind
    FROM generate_series(1, 40) g`));
  // Residue tests: one per lot on its harvest day; 1 in 20 fails, 1 in 20 is not tested yet.
  await timed('residue tests', () => h.db.execute(sql`
    INSERT INTO residue_tests (union_id, village_id, lot_id, method, result, value, tested_by, tested_on)
    SELECT union_id, village_id, id, 'rapid', CASE WHEN id % 20 = 0 THEN 'fail' ELSE 'pass' END::residue_result,
           CASE WHEN id % 20 = 0 THEN 62.5 ELSE 12.5 END, '检测员', harvested_on
    FROM harvest_lots WHERE union_id = ${unionId} AND id % 20 <> 1`));
  await timed('harvest_lots.residue_status from the tests', () => h.db.execute(sql`
    UPDATE harvest_lots l SET residue_status = t.result::text::residue_status, latest_test_id = t.id, updated_at = now()
    FROM residue_tests t WHERE t.lot_id = l.id AND l.union_id = ${unionId}`));
  const folded = await timed('fold supply changes', () => foldSupplyChanges(h.db));
  console.log(`    ${folded} supply changes folded`);
  await timed('listings', () => h.db.execute(sql`
    INSERT INTO listings (union_id, crop_id, grade, price_per_kg, min_order_kg, published)
    SELECT DISTINCT union_id, crop_id, grade,
           CASE grade WHEN 'premium' THEN 6.00 WHEN 'first' THEN 5.00 WHEN 'second' THEN 4.00 ELSE 2.50 END, 10, true
    FROM stock WHERE union_id = ${unionId} AND quantity_kg > 0`));
  // A pesticide application on every planting, ten days after planting (7-day interval).
  await timed('pesticide applications', () => h.db.execute(sql`
    INSERT INTO input_applications (union_id, village_id, planting_id, household_id, kind, product, active_ingredient, target, dose, dose_unit,
      applied_on, applied_by, pre_harvest_interval_days)
    SELECT union_id, village_id, id, household_id, 'pesticide', '吡虫啉 10% 可湿性粉剂', 'imidacloprid', '蚜虫', 20, 'g/亩',
           planted_on + 10, '植保员', 7
    FROM plantings WHERE union_id = ${unionId}`));
  // A year of orders, oldest first; none holds stock (cancelled, or paid/delivered/dispatched
  // before deliveries exist; a few submitted recently).
  await timed(`${orderCount} orders`, () => h.db.execute(sql`
    WITH b AS (SELECT array_agg(id ORDER BY id) AS ids FROM buyers WHERE union_id = ${unionId})
    INSERT INTO orders (union_id, buyer_id, status, reference, wanted_on, created_at, updated_at)
    SELECT ${unionId}, b.ids[1 + g % array_length(b.ids, 1)],
           (CASE WHEN g % 100 < 45 THEN 'cancelled' WHEN g % 100 < 85 THEN 'paid' WHEN g % 100 < 95 THEN 'delivered'
                 WHEN g % 100 < 98 THEN 'dispatched' ELSE 'submitted' END)::order_status,
           'PO-' || g, (t.ts + interval '2 days')::date, t.ts, t.ts
    FROM generate_series(1, ${orderCount}::int) g CROSS JOIN b
    CROSS JOIN LATERAL (SELECT ${day}::date - (365 - g * 365 / ${orderCount}::int) + interval '9 hours' AS ts) t`));
  await timed('order lines', () => h.db.execute(sql`
    WITH li AS (SELECT row_number() OVER (ORDER BY id) - 1 AS k, crop_id, grade, price_per_kg, min_order_kg FROM listings WHERE union_id = ${unionId} AND published),
    c AS (SELECT count(*) AS c FROM li)
    INSERT INTO order_lines (union_id, order_id, buyer_id, crop_id, grade, quantity_kg, price_per_kg)
    SELECT o.union_id, o.id, o.buyer_id, li.crop_id, li.grade, li.min_order_kg + (o.id * 37 + j * 11) % 500, li.price_per_kg
    FROM orders o CROSS JOIN LATERAL generate_series(0, o.id % 3) j CROSS JOIN c JOIN li ON li.k = (o.id * 7 + j * 13) % c.c
    WHERE o.union_id = ${unionId}`));
  await timed('order totals and payments', () => h.db.execute(sql`
    UPDATE orders o SET total_amount = s.t, paid_amount = CASE WHEN o.status = 'paid' THEN s.t ELSE 0 END
    FROM (SELECT order_id, sum(amount) AS t FROM order_lines GROUP BY order_id) s WHERE s.order_id = o.id`));
  await timed('payments', () => h.db.execute(sql`
    INSERT INTO payments (union_id, order_id, buyer_id, amount, paid_on, method)
    SELECT union_id, id, buyer_id, paid_amount, (created_at + interval '10 days')::date, 'bank_transfer'
    FROM orders WHERE union_id = ${unionId} AND paid_amount > 0`));
  await timed('vacuum analyze', async () => {
    for (const t of ['harvest_lots', 'residue_tests', 'stock', 'supply_stock', 'supply_stock_changes', 'listings', 'orders', 'order_lines', 'payments', 'input_applications', 'buyers']) {
      await h.db.execute(sql.raw(`VACUUM ANALYZE ${t}`));
    }
  });
}

/** N confirmed orders of one line each, spread over the listings with the most free supply. */
async function confirmedOrders(h: DbHandle, unionId: number, count: number, day: string): Promise<number[]> {
  await h.db.execute(sql`
    WITH li AS (
      SELECT row_number() OVER (ORDER BY l.id) - 1 AS k, l.crop_id, l.grade, l.price_per_kg
      FROM listings l WHERE l.union_id = ${unionId} AND l.published
        AND (SELECT coalesce(sum(free_kg), 0) FROM supply_stock s WHERE s.union_id = l.union_id AND s.crop_id = l.crop_id AND s.grade = l.grade AND s.expires_on >= ${day}::date) > 20000),
    c AS (SELECT count(*) AS c FROM li),
    b AS (SELECT array_agg(id ORDER BY id) AS ids FROM buyers WHERE union_id = ${unionId}),
    o AS (
      INSERT INTO orders (union_id, buyer_id, status, reference, wanted_on)
      SELECT ${unionId}, b.ids[1 + g % array_length(b.ids, 1)], 'confirmed', 'ALLOC-' || g, ${day}::date + 2
      FROM generate_series(1, ${count}::int) g CROSS JOIN b
      RETURNING id, union_id, buyer_id)
    INSERT INTO order_lines (union_id, order_id, buyer_id, crop_id, grade, quantity_kg, price_per_kg)
    SELECT o.union_id, o.id, o.buyer_id, li.crop_id, li.grade, 20 + o.id % 40, li.price_per_kg
    FROM o CROSS JOIN c JOIN li ON li.k = o.id % c.c`);
  await h.db.execute(sql`
    UPDATE orders o SET total_amount = s.t FROM (SELECT order_id, sum(amount) AS t FROM order_lines GROUP BY order_id) s
    WHERE s.order_id = o.id AND o.status = 'confirmed' AND o.reference LIKE 'ALLOC-%'`);
  await h.db.execute(sql`VACUUM ANALYZE orders`);
  await h.db.execute(sql`VACUUM ANALYZE order_lines`);
  return (await h.db.execute<{ id: number }>(sql`SELECT id FROM orders WHERE union_id = ${unionId} AND reference LIKE 'ALLOC-%' ORDER BY id`)).rows.map((r) => n(r.id));
}

function startServer(serverPort: number): ChildProcess {
  const e: NodeJS.ProcessEnv = { ...process.env, ...secrets, PORT: String(serverPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn', DATABASE_URL: url };
  return spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env: e, stdio: ['ignore', 'inherit', 'inherit'] });
}
const stop = (child: ChildProcess) => new Promise<void>((r) => {
  if (child.exitCode !== null || child.signalCode !== null) return r();
  child.once('exit', () => r());
  child.kill('SIGTERM');
});

async function loginAs(base: string, password: string): Promise<Record<string, string>> {
  const res = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench.admin', password }),
  });
  if (!res.ok) throw new Error(`login: ${res.status} ${await res.text()}`);
  return { authorization: `Bearer ${((await res.json()) as { token: string }).token}` };
}

async function call<T>(base: string, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method, headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as T;
}

function load(target: string, headers: Record<string, string>, conns: number, dur = duration): Promise<Result> {
  return autocannon({ url: target, connections: conns, duration: dur, headers }).then((r) => ({
    rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, total: r.requests.total,
  }));
}
const sumOf = (xs: Result[]) => ({
  rps: median(xs.map((x) => x.rps)), p50: median(xs.map((x) => x.p50)), p99: median(xs.map((x) => x.p99)),
  errors: xs.reduce((a, x) => a + x.errors, 0),
});
async function timeIt(times: number, fn: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const t = performance.now();
    await fn();
    out.push(performance.now() - t);
  }
  return out;
}
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
const row = (label: string, value: string, target: string, ok: boolean | null) =>
  console.log(`  ${label.padEnd(52)} ${value.padStart(12)}   target ${target.padEnd(10)} ${ok === null ? '(no target)' : verdict(ok)}`);

// ---------- data ----------
const tAll = performance.now();
const dbName = new URL(url).pathname.slice(1);
console.log(`generating: ${dbName} (${size.lots} lots, ${size.movements} movements, ${orderCount} orders)`);
await recreateDatabase(url);
const h = await createDb({ databaseUrl: url, poolMax: 2 });
const day = today();
let unionId: number;
let password: string;
try {
  await h.migrate();
  const res = await generateProduction(h.db, { ...size, log: (l) => console.log(`  ${l.trim()}`) });
  unionId = res.unionId;
  const check = await checkStockBalances(h.db, unionId);
  if (!balancesHold(check)) throw new Error(`balances do not hold: ${JSON.stringify(check)}`);
  console.log(`  check: ${check.movements} movements, ${check.stockRows} stock rows, balances = sum of movements (${(res.ms / 1000).toFixed(1)} s)`);
  await addSales(h, unionId, day);
  password = await createBenchAdmin(h, unionId);
} catch (err) {
  await h.close();
  throw err;
}

const server = startServer(port);
const base = `http://127.0.0.1:${port}`;
const supply: Result[] = [];
const health: Result[] = [];
let alloc = { n: 0, ok: 0, errors: 0, ms: 0, p50: 0, p99: 0, partial: 0, allocations: 0 };
let oversold = { kg: '0', rows: 0, mismatched: 0, stockAllocated: '0', activeAllocations: '0' };
let traceInfo = { code: '', depth: 0, ancestors: 0, ms: [] as number[] };
let recallInfo = { id: 0, lots: 0, maxDepth: 0, seeds: 0, ms: [] as number[], stockKg: '0' };
let listingCount = 0;
try {
  await waitReady(base, server);
  const auth = await loginAs(base, password);

  // ---------- the 5-deep processing chain, through the API ----------
  const root = await one<{ lot_id: number; warehouse_id: number; quantity_kg: string; code: string; planting_id: number; grade: string }>(h, sql`
    SELECT s.lot_id, s.warehouse_id, s.quantity_kg::text AS quantity_kg, l.code, l.planting_id, l.grade::text AS grade
    FROM stock s JOIN harvest_lots l ON l.id = s.lot_id
    JOIN (SELECT planting_id, count(*) AS c FROM harvest_lots WHERE union_id = ${unionId} AND source = 'harvest' GROUP BY planting_id) pc ON pc.planting_id = l.planting_id
    WHERE s.union_id = ${unionId} AND l.source = 'harvest' AND s.quantity_kg >= 100 AND s.allocated_kg = 0 AND s.expires_on > ${day}::date + 5
      AND l.harvested_on >= (SELECT planted_on + 10 FROM plantings WHERE id = l.planting_id)
    ORDER BY pc.c DESC, s.quantity_kg DESC LIMIT 1`);
  if (!root) throw new Error('no lot to process');
  let cur = { lot_id: n(root.lot_id), warehouse_id: n(root.warehouse_id), kg: Math.round(Number(root.quantity_kg) * 100), code: root.code };
  for (let g = 1; g <= 5; g++) {
    const out = Math.floor(cur.kg * 0.95);
    const made = await call<{ outputs: { lot_id: number; code: string; quantity_kg: string; warehouse_id: number }[] }>(base, 'POST', '/api/processing-runs',
      { ...auth, 'idempotency-key': `bench-sales-run-${randomBytes(6).toString('hex')}` }, {
        kind: (['grading', 'washing', 'packing', 'other', 'packing'] as const)[g - 1], run_on: day,
        inputs: [{ lot_id: cur.lot_id, warehouse_id: cur.warehouse_id, quantity_kg: (cur.kg / 100).toFixed(2) }],
        outputs: [{ grade: root.grade, quantity_kg: (out / 100).toFixed(2), warehouse_id: cur.warehouse_id }],
      });
    const o = made.outputs[0];
    cur = { lot_id: n(o.lot_id), warehouse_id: n(o.warehouse_id), kg: Math.round(Number(o.quantity_kg) * 100), code: o.code };
  }
  console.log(`  processing chain: ${root.code} -> 5 runs -> ${cur.code}`);
  // Not folded again here: foldSupplyChanges fails on a key whose changes sum below zero (the
  // CHECK free_kg >= 0 is tested on the row proposed for INSERT, before ON CONFLICT merges it);
  // the listing reads the unfolded changes anyway.

  // ---------- (1) supply listings next to health ----------
  const supplyPath = '/api/supply-listings';
  const first = await call<{ id: number; available_kg: string }[]>(base, 'GET', supplyPath, auth);
  listingCount = first.length;
  console.log(`  supply listings: ${first.length} published, ${first.filter((x) => Number(x.available_kg) > 0).length} with kg available`);
  await load(`${base}${supplyPath}`, auth, connections, 2); // warm-up
  for (let r = 0; r < rounds; r++) {
    health.push(await load(`${base}/api/health`, {}, connections));
    supply.push(await load(`${base}${supplyPath}`, auth, connections));
    console.log(`  round ${r + 1}/${rounds}: health ${health[r].rps.toFixed(0)} req/s p99 ${health[r].p99} ms; supply ${supply[r].rps.toFixed(0)} req/s p99 ${supply[r].p99} ms`);
  }

  // ---------- (2) allocation ----------
  const ids = await confirmedOrders(h, unionId, allocCount, day);
  const warm = ids.splice(0, 20);
  for (const id of warm) await call(base, 'POST', `/api/orders/${id}/allocate`, auth, {});
  let next = 0;
  const t0 = performance.now();
  const r = await autocannon({
    url: base, connections, amount: ids.length,
    requests: [{
      method: 'POST', path: '/api/orders/0/allocate',
      setupRequest: (req) => ({ ...req, path: `/api/orders/${ids[next++ % ids.length]}/allocate`, headers: { ...auth, 'content-type': 'application/json' }, body: '{}' }),
    }],
  });
  const ms = performance.now() - t0;
  const done = await one<{ allocated: number; partial: number; allocations: number }>(h, sql`
    SELECT count(*) FILTER (WHERE o.status = 'allocated')::int AS allocated,
           count(*) FILTER (WHERE EXISTS (SELECT 1 FROM order_lines x WHERE x.order_id = o.id AND x.allocated_kg < x.quantity_kg))::int AS partial,
           (SELECT count(*)::int FROM allocations a WHERE a.order_id = ANY(${sql.param(ids)}::int[])) AS allocations
    FROM orders o WHERE o.id = ANY(${sql.param(ids)}::int[])`);
  alloc = { n: ids.length, ok: r['2xx'], errors: r.errors + r.non2xx, ms, p50: r.latency.p50, p99: r.latency.p99, partial: n(done.partial), allocations: n(done.allocations) };
  console.log(`  allocate: ${ids.length} orders, ${r['2xx']} answered 2xx, ${n(done.allocated)} now allocated (${n(done.partial)} short), ${done.allocations} allocation rows, ${(ms / 1000).toFixed(1)} s`);
  const ov = await one<{ kg: string; rows: number; mismatched: number; stock_allocated: string; active: string }>(h, sql`
    WITH a AS (SELECT lot_id, warehouse_id, sum(quantity_kg) AS kg FROM allocations WHERE NOT released AND NOT dispatched GROUP BY lot_id, warehouse_id)
    SELECT coalesce(sum(greatest(0, s.allocated_kg - s.quantity_kg)), 0)::text AS kg,
           count(*) FILTER (WHERE s.allocated_kg > s.quantity_kg)::int AS rows,
           count(*) FILTER (WHERE s.allocated_kg <> coalesce(a.kg, 0))::int AS mismatched,
           sum(s.allocated_kg)::text AS stock_allocated, (SELECT coalesce(sum(kg), 0) FROM a)::text AS active
    FROM stock s LEFT JOIN a ON a.lot_id = s.lot_id AND a.warehouse_id = s.warehouse_id`);
  oversold = { kg: ov.kg, rows: n(ov.rows), mismatched: n(ov.mismatched), stockAllocated: ov.stock_allocated, activeAllocations: ov.active };
  console.log(`  oversold ${ov.kg} kg (${ov.rows} rows); stock.allocated_kg ${ov.stock_allocated} kg, active allocations ${ov.active} kg, ${ov.mismatched} rows differ`);

  // ---------- (3) trace 5 generations deep ----------
  const tracePath = `/api/trace/${encodeURIComponent(cur.code)}`;
  const tr = await call<{ backward: { lots: { depth: number }[] } }>(base, 'GET', tracePath, auth);
  await timeIt(3, () => call(base, 'GET', tracePath, auth));
  traceInfo = { code: cur.code, depth: Math.max(0, ...tr.backward.lots.map((l) => l.depth)), ancestors: tr.backward.lots.length, ms: await timeIt(20, () => call(base, 'GET', tracePath, auth)) };

  // ---------- (4) recall from one pesticide application ----------
  const app = await one<{ id: number; seeds: number }>(h, sql`
    SELECT a.id, (SELECT count(*)::int FROM harvest_lots l WHERE l.planting_id = a.planting_id AND l.harvested_on >= a.applied_on) AS seeds
    FROM input_applications a WHERE a.union_id = ${unionId} AND a.kind = 'pesticide' AND a.planting_id = ${root.planting_id} LIMIT 1`);
  const recallPath = `/api/recall?from=application&id=${app.id}`;
  const rc = await call<{ lots: { depth: number }[]; deliveries: unknown[]; stock_kg: string }>(base, 'GET', recallPath, auth);
  await timeIt(2, () => call(base, 'GET', recallPath, auth));
  recallInfo = {
    id: n(app.id), seeds: n(app.seeds), lots: rc.lots.length, maxDepth: Math.max(0, ...rc.lots.map((l) => l.depth)), stockKg: rc.stock_kg,
    ms: await timeIt(10, () => call(base, 'GET', recallPath, auth)),
  };
  console.log(`  recall from application ${app.id}: ${rc.lots.length} lots (${app.seeds} harvested after it, down to depth ${recallInfo.maxDepth}), ${rc.deliveries.length} deliveries, ${rc.stock_kg} kg in stock`);
} finally {
  await stop(server);
  await h.close();
}

const hs = sumOf(health);
const ss = sumOf(supply);
const allocRate = (alloc.ok / alloc.ms) * 1000;
const line = (name: string, x: { rps: number; p50: number; p99: number; errors: number }) =>
  console.log(`  ${name.padEnd(52)} ${x.rps.toFixed(0).padStart(7)} req/s  p50 ${String(x.p50).padStart(3)} ms  p99 ${String(x.p99).padStart(4)} ms  errors ${x.errors}`);
console.log(`\nPostgreSQL, ${size.movements.toLocaleString('en')} movements, ${size.lots.toLocaleString('en')} lots, ${orderCount.toLocaleString('en')} orders over a year; autocannon, ${connections} connections, medians of ${rounds} rounds of ${duration} s`);
line('GET /api/health', hs);
line(`GET /api/supply-listings (${listingCount} listings)`, ss);
console.log(`  ${'POST /api/orders/:id/allocate'.padEnd(52)} ${allocRate.toFixed(0).padStart(7)} /s     p50 ${String(alloc.p50).padStart(3)} ms  p99 ${String(alloc.p99).padStart(4)} ms  errors ${alloc.errors}  (${alloc.ok}/${alloc.n} orders, ${alloc.allocations} allocation rows, ${alloc.partial} short)`);
console.log(`  ${`GET /api/trace/${traceInfo.code}`.padEnd(52)} median ${median(traceInfo.ms).toFixed(1)} ms (of 20; max ${Math.max(...traceInfo.ms).toFixed(1)} ms), ${traceInfo.depth} generations up, ${traceInfo.ancestors} ancestor lots`);
console.log(`  ${`GET /api/recall?from=application&id=${recallInfo.id}`.padEnd(52)} median ${median(recallInfo.ms).toFixed(1)} ms (of 10), ${recallInfo.lots} lots (${recallInfo.seeds} harvested, depth ≤ ${recallInfo.maxDepth}); deliveries: not built yet (0)`);
console.log('\ntargets:');
row('supply listings p99 (50 conn)', `${ss.p99} ms`, '<= 50 ms', ss.p99 <= 50);
row('supply listings / health (throughput)', (ss.rps / hs.rps).toFixed(3), '', null);
row('allocations per second (50 clients)', `${allocRate.toFixed(0)}/s`, '>= 300/s', allocRate >= 300);
row('oversold total', `${oversold.kg} kg`, '0 kg', Number(oversold.kg) === 0);
row('stock.allocated_kg = active allocations (rows off)', `${oversold.mismatched}`, '0', oversold.mismatched === 0);
console.log(`    (stock.allocated_kg ${oversold.stockAllocated} kg; active allocations ${oversold.activeAllocations} kg)`);
row('trace, 5 generations deep (median)', `${median(traceInfo.ms).toFixed(1)} ms`, '', null);
row(`recall from one pesticide application (median)`, `${median(recallInfo.ms).toFixed(1)} ms`, '< 1000 ms', median(recallInfo.ms) < 1000);

if (!keep) {
  const admin = await createDb({ databaseUrl: withDatabase(url, 'postgres'), poolMax: 1 });
  await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`));
  await admin.close();
  console.log(`\n(dropped ${dbName}; --keep keeps it)`);
}
console.log(`\ntotal ${((performance.now() - tAll) / 1000).toFixed(0)} s`);
