import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { createDb, pgliteDirOf, withDatabase, type DbHandle } from '../db/client';
import { addDays, today } from '../server/lib/dates';
import { createBenchAdmin, median, recreateDatabase, waitReady } from './bench-audit';
import { flag } from './cli';
import { balancesHold, checkStockBalances, generateProduction } from './generate-production';

// `npm run bench:stock [-- --lots 200000 --movements 1000000 --duration 5 --rounds 3 --connections 50 --no-embedded --keep]`
//
// The stock ledger's speed targets, as figures and ratios from one run. On PostgreSQL two
// databases are generated afresh (scripts/generate-production.ts; dropped at the end unless
// --keep): coop_bench_stock (DATABASE_URL's database, 200,000 lots and 1,000,000 movements)
// and coop_bench_stock_10k (2,000 lots, 10,000 movements). A real server (server/main.ts,
// LOG_LEVEL=warn) runs on each, both at once, each loaded in turn by autocannon, round after
// round, so both see the same machine state:
// (a) GET /api/health and the stock list's first page for one room in FEFO order
//     (`filter={"warehouse_id":N}&sort=["expires_on","ASC"]&range=[0,24]`), 50 connections;
// (c) that page's p99 on the 10,000-movement database against the 1,000,000-movement one;
// (b) then POST /api/harvest-lots, 50 connections, each request with its own Idempotency-Key,
//     over the plantings being harvested in all six villages (outside any pre-harvest
//     interval): harvested today (every lot of a village takes that village's day counter,
//     as a day's harvest does), and harvested over the last 7 days (7 counters per village);
// (d) the embedded database (PGlite in its worker, a temporary DATA_DIR, --embedded-lots and
//     --embedded-movements): the same stock page with 10 connections, next to /api/health.

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/coop_bench_stock';
const smallUrl = withDatabase(url, `${new URL(url).pathname.slice(1)}_10k`);
const num = (name: string, fallback: string) => Number(flag(name, fallback));
const big = { plantings: num('plantings', '20000'), lots: num('lots', '200000'), movements: num('movements', '1000000') };
const small = { plantings: num('small-plantings', '200'), lots: num('small-lots', '2000'), movements: num('small-movements', '10000') };
const embeddedSize = { plantings: num('embedded-plantings', '20000'), lots: num('embedded-lots', '200000'), movements: num('embedded-movements', '1000000') };
const duration = num('duration', '5');
const rounds = num('rounds', '3');
const connections = num('connections', '50');
const embeddedConnections = num('embedded-connections', '10');
const port = num('port', '3904');
const keep = process.argv.includes('--keep');
const secrets = { JWT_SECRET: randomBytes(32).toString('hex'), AUDIT_KEY: randomBytes(32).toString('hex') };

interface Result { rps: number; p50: number; p99: number; errors: number; total: number }
interface Prepared { unionId: number; password: string; room: { id: number; code: string; rows: number }; movements: number; loadMs: number }

const qs = (o: Record<string, unknown>) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) p.set(k, JSON.stringify(v));
  return p.toString();
};
const stockPath = (room: number) => `/api/stock?${qs({ filter: { warehouse_id: room }, sort: ['expires_on', 'ASC'], range: [0, 24] })}`;

/** Generates the data, an admin, and picks the room with the most lots in it. */
async function prepare(h: DbHandle, size: typeof big, label: string): Promise<Prepared> {
  await h.migrate();
  const res = await generateProduction(h.db, { ...size, log: (l) => console.log(`  [${label}] ${l.trim()}`) });
  const check = await checkStockBalances(h.db, res.unionId);
  if (!balancesHold(check)) throw new Error(`[${label}] balances do not hold: ${JSON.stringify(check)}`);
  console.log(`  [${label}] check: ${check.movements} movements, ${check.stockRows} stock rows, balances = sum of movements`);
  const password = await createBenchAdmin(h, res.unionId);
  const room = (await h.db.execute<{ id: number; code: string; rows: number }>(sql`
    SELECT warehouse_id AS id, (SELECT code FROM warehouses WHERE id = warehouse_id) AS code, count(*)::int AS rows
    FROM stock WHERE union_id = ${res.unionId} GROUP BY warehouse_id ORDER BY count(*) DESC, warehouse_id LIMIT 1`)).rows[0];
  return { unionId: res.unionId, password, room: { id: Number(room.id), code: room.code, rows: Number(room.rows) }, movements: check.movements, loadMs: res.ms };
}

function startServer(env: Record<string, string | undefined>, serverPort: number): ChildProcess {
  const e: NodeJS.ProcessEnv = { ...process.env, ...secrets, PORT: String(serverPort), HOST: '127.0.0.1', LOG_LEVEL: 'warn', ...env };
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete e[k];
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

async function getOk(base: string, path: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(`${base}${path}`, { headers });
  if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`);
  const rows = (await res.json()) as { expires_on: string }[];
  const sorted = rows.every((r, i) => i === 0 || rows[i - 1].expires_on <= r.expires_on);
  if (!sorted) throw new Error(`${path}: not in FEFO order`);
  return `${res.status} ${res.headers.get('content-range') ?? ''} (first expires ${rows[0]?.expires_on})`;
}

function load(target: string, headers: Record<string, string>, conns: number, dur = duration): Promise<Result> {
  return autocannon({ url: target, connections: conns, duration: dur, headers }).then((r) => ({
    rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, total: r.requests.total,
  }));
}

/** Harvest lots posted by `conns` clients for `dur` seconds, each with its own Idempotency-Key. */
function postLots(base: string, headers: Record<string, string>, conns: number, dur: number, body: (i: number) => unknown) {
  let i = 0;
  const run = randomBytes(4).toString('hex');
  return autocannon({
    url: base, connections: conns, duration: dur,
    requests: [{
      method: 'POST', path: '/api/harvest-lots',
      setupRequest: (req) => {
        const n = i++;
        return {
          ...req,
          headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': `bench-lot-${run}-${n}` },
          body: JSON.stringify(body(n)),
        };
      },
    }],
  }).then((r) => ({
    rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx, total: r.requests.total,
    created: r['2xx'], sent: i,
  }));
}

const sumOf = (xs: Result[]) => ({
  rps: median(xs.map((x) => x.rps)), p50: median(xs.map((x) => x.p50)), p99: median(xs.map((x) => x.p99)),
  errors: xs.reduce((a, x) => a + x.errors, 0),
});
const line = (name: string, r: { rps: number; p50: number; p99: number; errors: number }, conns: number, unit = 'req/s') =>
  console.log(`  ${name.padEnd(70)} ${r.rps.toFixed(0).padStart(7)} ${unit}  p50 ${String(r.p50).padStart(3)} ms  p99 ${String(r.p99).padStart(4)} ms  (${conns} conn)  errors ${r.errors}`);
const verdict = (ok: boolean) => (ok ? 'met' : 'NOT met');
const row = (label: string, value: string, target: string, ok: boolean) => console.log(`  ${label.padEnd(50)} ${value.padStart(10)}   target ${target.padEnd(10)} ${verdict(ok)}`);

// ---------- PostgreSQL ----------
const tAll = performance.now();
console.log(`generating: ${new URL(url).pathname.slice(1)} (${big.lots} lots, ${big.movements} movements) and ${new URL(smallUrl).pathname.slice(1)} (${small.lots} lots, ${small.movements} movements)`);
await recreateDatabase(url);
await recreateDatabase(smallUrl);
const hBig = await createDb({ databaseUrl: url, poolMax: 2 });
const hSmall = await createDb({ databaseUrl: smallUrl, poolMax: 2 });
let dataBig: Prepared;
let dataSmall: Prepared;
try {
  dataSmall = await prepare(hSmall, small, '10k');
  dataBig = await prepare(hBig, big, '1M');
} finally {
  await hSmall.close();
}
console.log(`  1M database loaded in ${(dataBig.loadMs / 1000).toFixed(1)} s (generator, vacuum and analyze included)`);

const serverBig = startServer({ DATABASE_URL: url }, port);
const serverSmall = startServer({ DATABASE_URL: smallUrl }, port + 1);
const baseBig = `http://127.0.0.1:${port}`;
const baseSmall = `http://127.0.0.1:${port + 1}`;
const results = new Map<string, Result[]>();
const add = (name: string, r: Result) => results.set(name, [...(results.get(name) ?? []), r]);
let lotsToday: Awaited<ReturnType<typeof postLots>> | undefined;
let lotsWeek: Awaited<ReturnType<typeof postLots>> | undefined;
let plantingCount = 0;
try {
  await waitReady(baseBig, serverBig);
  await waitReady(baseSmall, serverSmall);
  const authBig = await loginAs(baseBig, dataBig.password);
  const authSmall = await loginAs(baseSmall, dataSmall.password);
  console.log(`  stock, room ${dataBig.room.code} (${dataBig.room.rows} lots), 1M: ${await getOk(baseBig, stockPath(dataBig.room.id), authBig)}`);
  console.log(`  stock, room ${dataSmall.room.code} (${dataSmall.room.rows} lots), 10k: ${await getOk(baseSmall, stockPath(dataSmall.room.id), authSmall)}`);
  // Warm-up: plans, pools, JIT.
  await load(`${baseBig}${stockPath(dataBig.room.id)}`, authBig, connections, 2);
  await load(`${baseSmall}${stockPath(dataSmall.room.id)}`, authSmall, connections, 2);

  for (let r = 0; r < rounds; r++) {
    add('health', await load(`${baseBig}/api/health`, {}, connections));
    add('stock 1M', await load(`${baseBig}${stockPath(dataBig.room.id)}`, authBig, connections));
    add('stock 10k', await load(`${baseSmall}${stockPath(dataSmall.room.id)}`, authSmall, connections));
    console.log(`  round ${r + 1}/${rounds}: health p99 ${results.get('health')![r].p99} ms, stock 1M p99 ${results.get('stock 1M')![r].p99} ms, 10k p99 ${results.get('stock 10k')![r].p99} ms`);
  }
  await stop(serverSmall);

  // ---------- harvest lots ----------
  const day = today();
  const plantings = (await hBig.db.execute<{ id: number; village_id: number; planted_on: string }>(sql`
    SELECT id, village_id, planted_on::text FROM plantings
    WHERE union_id = ${dataBig.unionId} AND status <> 'finished' AND planted_on <= ${addDays(day, -7)}::date
      AND (harvestable_from IS NULL OR harvestable_from <= ${addDays(day, -7)}::date)
    ORDER BY id`)).rows.map((p) => Number(p.id));
  plantingCount = plantings.length;
  if (!plantings.length) throw new Error('no planting open to harvest');
  // The generator's plantings alternate villages by id: consecutive requests go to different villages.
  const lotBody = (daysBack: (i: number) => number) => (i: number) => ({
    planting_id: plantings[(i * 7919) % plantings.length], harvested_on: addDays(day, -daysBack(i)),
    grade: (['premium', 'first', 'second'] as const)[i % 3], quantity_kg: (20 + (i % 480) + (i % 100) / 100).toFixed(2), intake_price: '3.20',
  });
  const probe = await fetch(`${baseBig}/api/harvest-lots`, {
    method: 'POST', headers: { ...authBig, 'content-type': 'application/json', 'idempotency-key': `bench-probe-${randomBytes(4).toString('hex')}` },
    body: JSON.stringify(lotBody(() => 0)(0)),
  });
  if (probe.status !== 201) throw new Error(`POST /api/harvest-lots answered ${probe.status}: ${await probe.text()}`);
  console.log(`  POST /api/harvest-lots: 201 ${((await probe.json()) as { code: string }).code} (${plantings.length} plantings open to harvest)`);
  const before = Number((await hBig.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM harvest_lots WHERE union_id = ${dataBig.unionId}`)).rows[0].n);
  await postLots(baseBig, authBig, connections, 1, lotBody((i) => 1 + (i % 7))); // warm-up
  lotsToday = await postLots(baseBig, authBig, connections, duration, lotBody(() => 0));
  lotsWeek = await postLots(baseBig, authBig, connections, duration, lotBody((i) => i % 7));
  const after = Number((await hBig.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM harvest_lots WHERE union_id = ${dataBig.unionId}`)).rows[0].n);
  const keys = Number((await hBig.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM idempotency_keys WHERE key LIKE 'bench-lot-%'`)).rows[0].n);
  console.log(`  harvest lots: ${after - before} created (${keys} idempotency keys kept); 2xx answers: ${lotsToday.created} + ${lotsWeek.created} (+ warm-up)`);
  const recheck = await checkStockBalances(hBig.db, dataBig.unionId);
  if (!balancesHold(recheck)) throw new Error(`balances after the load: ${JSON.stringify(recheck)}`);
} finally {
  await stop(serverBig);
  await stop(serverSmall);
  await hBig.close();
}

const health = sumOf(results.get('health')!);
const stockBig = sumOf(results.get('stock 1M')!);
const stockSmall = sumOf(results.get('stock 10k')!);
console.log(`\nPostgreSQL; medians of ${rounds} rounds of ${duration} s; autocannon, ${connections} connections`);
line('GET /api/health', health, connections);
line(`stock, room ${dataBig.room.code} (${dataBig.room.rows} lots), FEFO page 1, ${dataBig.movements.toLocaleString('en')} movements`, stockBig, connections);
line(`stock, room ${dataSmall.room.code} (${dataSmall.room.rows} lots), FEFO page 1, ${dataSmall.movements.toLocaleString('en')} movements`, stockSmall, connections);
line(`POST /api/harvest-lots, harvested today (${plantingCount} plantings, 6 villages)`, { ...lotsToday!, rps: lotsToday!.rps }, connections, 'lots/s');
line('POST /api/harvest-lots, harvested over the last 7 days', { ...lotsWeek!, rps: lotsWeek!.rps }, connections, 'lots/s');
console.log('\ntargets:');
row('stock page (1M movements) p99', `${stockBig.p99} ms`, '<= 50 ms', stockBig.p99 <= 50);
console.log(`  ${'stock page (1M movements) / health (throughput)'.padEnd(50)} ${(stockBig.rps / health.rps).toFixed(3).padStart(10)}   (no target)`);
row('harvest lots, harvested today', `${lotsToday!.rps.toFixed(0)}/s`, '>= 800/s', lotsToday!.rps >= 800);
row('harvest lots, over 7 days', `${lotsWeek!.rps.toFixed(0)}/s`, '>= 800/s', lotsWeek!.rps >= 800);
console.log(`  ${'harvest lots (today) / health (throughput)'.padEnd(50)} ${(lotsToday!.rps / health.rps).toFixed(3).padStart(10)}   (no target)`);
const ratio = stockBig.p99 / Math.max(1, stockSmall.p99);
row('stock p99: 1M movements / 10k movements', `${ratio.toFixed(2)}x`, '<= 1.5x', ratio <= 1.5);
console.log(`  (p99 ${stockBig.p99} ms against ${stockSmall.p99} ms; p50 ${stockBig.p50} against ${stockSmall.p50} ms; throughput ${(stockBig.rps / stockSmall.rps).toFixed(3)} of the 10k database's)`);

if (!keep) {
  const admin = await createDb({ databaseUrl: withDatabase(url, 'postgres'), poolMax: 1 });
  for (const u of [url, smallUrl]) await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS "${new URL(u).pathname.slice(1)}" WITH (FORCE)`));
  await admin.close();
  console.log(`\n(dropped ${new URL(url).pathname.slice(1)} and ${new URL(smallUrl).pathname.slice(1)}; --keep keeps them)`);
}

// ---------- embedded ----------
if (!process.argv.includes('--no-embedded')) {
  const dataDir = mkdtempSync(join(tmpdir(), 'coop-bench-stock-'));
  let server: ChildProcess | undefined;
  try {
    const h = await createDb({ pgliteDir: pgliteDirOf(dataDir) });
    let data: Prepared;
    try {
      data = await prepare(h, embeddedSize, 'embedded');
    } finally {
      await h.close();
    }
    console.log(`  embedded database loaded in ${(data.loadMs / 1000).toFixed(1)} s`);
    server = startServer({ DATABASE_URL: undefined, MIGRATION_DATABASE_URL: undefined, DATA_DIR: dataDir }, port + 2);
    const base = `http://127.0.0.1:${port + 2}`;
    await waitReady(base, server);
    const auth = await loginAs(base, data.password);
    console.log(`  stock, room ${data.room.code} (${data.room.rows} lots), embedded: ${await getOk(base, stockPath(data.room.id), auth)}`);
    await load(`${base}${stockPath(data.room.id)}`, auth, embeddedConnections, 2);
    const eh: Result[] = [];
    const es: Result[] = [];
    for (let r = 0; r < rounds; r++) {
      eh.push(await load(`${base}/api/health`, {}, embeddedConnections));
      es.push(await load(`${base}${stockPath(data.room.id)}`, auth, embeddedConnections));
    }
    const eHealth = sumOf(eh);
    const eStock = sumOf(es);
    console.log(`\nembedded (PGlite in its worker), ${data.movements.toLocaleString('en')} movements; medians of ${rounds} rounds of ${duration} s; ${embeddedConnections} connections`);
    line('GET /api/health', eHealth, embeddedConnections);
    line(`stock, room ${data.room.code} (${data.room.rows} lots), FEFO page 1`, eStock, embeddedConnections);
    console.log(`  ${'stock page / health (throughput)'.padEnd(50)} ${(eStock.rps / eHealth.rps).toFixed(3).padStart(10)}`);
    console.log(`  ${'stock page p99, embedded / PostgreSQL (50 conn)'.padEnd(50)} ${(eStock.p99 / Math.max(1, stockBig.p99)).toFixed(2).padStart(9)}x`);
  } finally {
    if (server) await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
console.log(`\ntotal ${((performance.now() - tAll) / 1000).toFixed(0)} s`);
