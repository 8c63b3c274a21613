import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'drizzle-orm';
import { createDb, pgliteDirOf } from '../db/client';
import {
  addRound, createBenchAdmin, httpClient, login, median, ms, newSide, recreateDatabase, summary, waitReady, x,
  type Reply, type Req,
} from './bench-audit';
import { flag } from './cli';
import { generateBulk } from './generate-data';

// `npm run bench:idempotency [-- --n 2000 --rounds 5 --connections 4 --households 5000 --keys 50000] [--pglite]`
// An idempotent replay's cost against the first write. The real server (server/main.ts, its
// jobs included) runs in its own process on PostgreSQL (DATABASE_URL, default a local
// coop_bench_idempotency database, dropped and created again at each run) or, with --pglite,
// on an embedded database in a temporary folder. In interleaved rounds it receives
// POST /api/buyers with a distinct Idempotency-Key (first writes), the same requests again
// (replays: the stored response, `idempotent-replayed: true`, no new row), the same writes
// without a key (the baseline), and GET /api/health (the reference).

const pglite = process.argv.includes('--pglite');
const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/coop_bench_idempotency';
const n = Number(flag('n', '2000'));
const rounds = Number(flag('rounds', '5'));
const connections = Number(flag('connections', '4'));
const households = Number(flag('households', '5000'));
const oldKeys = Number(flag('keys', '50000'));
const port = Number(flag('port', '3903'));
if (n % rounds !== 0) throw new Error('--n must be a multiple of --rounds');
const perRound = n / rounds;
const jwtSecret = randomBytes(32).toString('hex');
const auditKey = randomBytes(32).toString('hex');
const tStart = performance.now();

// ---------- data: generated households, an admin, and a day's worth of older keys ----------

const dataDir = pglite ? mkdtempSync(join(tmpdir(), 'coop-bench-idem-')) : undefined;
process.on('exit', () => dataDir && rmSync(dataDir, { recursive: true, force: true }));
if (!pglite) await recreateDatabase(url);
const h = await createDb(pglite ? { pgliteDir: pgliteDirOf(dataDir!) } : { databaseUrl: url, poolMax: 2 });
await h.migrate();
const t0 = performance.now();
const { unionId } = await generateBulk(h.db, households);
const password = await createBenchAdmin(h, unionId);
// Keys kept from earlier writes (kept 24 hours): the table and its index are not empty.
await h.db.execute(sql`
  INSERT INTO idempotency_keys (user_id, key, union_id, request_hash, method, path, status_code, response, created_at, completed_at)
  SELECT u.id, 'old-' || g, u.union_id, encode(sha256(g::text::bytea), 'hex'), 'POST', '/api/buyers', 201,
         '{"id":' || g || ',"code":"OLD-' || g || '","name":"早先的采购商","kind":"canteen"}', now() - g * interval '1 second', now() - g * interval '1 second'
  FROM generate_series(1, ${oldKeys}::int) g, (SELECT id, union_id FROM users WHERE username = 'bench.admin') u`);
await h.db.execute(sql`ANALYZE`);
console.log(`${pglite ? `PGlite in ${dataDir}` : `database ${new URL(url).pathname.slice(1)}`} ready: ${households} households, ${oldKeys} older idempotency keys in ${Math.round(performance.now() - t0)} ms`);
// PGlite is one process's: the server opens it next. PostgreSQL: this handle counts rows.
if (pglite) await h.close();

const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', JWT_SECRET: jwtSecret, AUDIT_KEY: auditKey };
if (pglite) {
  delete env.DATABASE_URL;
  env.DATA_DIR = dataDir;
} else env.DATABASE_URL = url;
const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { env, stdio: ['ignore', 'inherit', 'inherit'] });
const base = `http://127.0.0.1:${port}`;
const client = httpClient(base, connections);
const run = randomBytes(4).toString('hex');
let expectedKeys = 0;
/** The compact table, printed last (after the keys are checked with the server stopped). */
const table: [string, string][] = [];

try {
  await waitReady(base, server);
  const token = await login(client, 'bench.admin', password);
  const auth = { authorization: `Bearer ${token}` };
  const buyer = (i: number) => ({
    code: `BB-${run}-${i}`, name: `压测采购商${i}（生成数据）`, kind: 'supermarket', contact_name: `联系人${i % 100}`,
    phone: `0571-${String(10_000_000 + i).slice(-8)}`, address: `压测市生成区采购路${i}号`,
  });
  const keyOf = (i: number) => `bench-${run}-${String(i).padStart(6, '0')}-${randomBytes(6).toString('hex')}`;

  /** Rows as the API counts them (Content-Range), and with PostgreSQL the keys table too. */
  const totalOf = async (path: string) => {
    const res = await client.send({ method: 'GET', path: `${path}?range=${encodeURIComponent('[0,0]')}`, headers: auth });
    if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.body}`);
    return Number(String(res.headers['content-range']).split('/').pop());
  };
  const counts = async () => ({
    buyers: await totalOf('/api/buyers'),
    audit: await totalOf('/api/audit-log'),
    keys: pglite ? NaN : Number((await h.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM idempotency_keys`)).rows[0].n),
  });
  const expectDelta = (what: string, before: Awaited<ReturnType<typeof counts>>, after: typeof before, want: typeof before) => {
    for (const k of ['buyers', 'audit', 'keys'] as const) {
      if (Number.isNaN(want[k]) || Number.isNaN(before[k])) continue;
      if (after[k] - before[k] !== want[k]) throw new Error(`${what}: ${k} grew by ${after[k] - before[k]}, expected ${want[k]}`);
    }
  };

  // One slot per first write: the exact request (its key and body), and the body it got.
  const sent: Req[] = [];
  const bodies: string[] = [];
  let nextBuyer = 0;
  const first = (offset: number) => (i: number): Req =>
    (sent[offset + i] = { method: 'POST', path: '/api/buyers', headers: { ...auth, 'idempotency-key': keyOf(offset + i) }, body: buyer(nextBuyer++) });
  const firstOk = (offset: number) => (res: Reply, i: number) => {
    if (res.status !== 201) throw new Error(`first write: ${res.status} ${res.body}`);
    if (res.headers['idempotent-replayed'] !== undefined) throw new Error('a first write was answered as a replay');
    bodies[offset + i] = res.body;
  };
  const replay = (offset: number) => (i: number): Req => sent[offset + i];
  const replayOk = (offset: number) => (res: Reply, i: number) => {
    if (res.status !== 201) throw new Error(`replay: ${res.status} ${res.body}`);
    if (res.headers['idempotent-replayed'] !== 'true') throw new Error(`replay without idempotent-replayed: true (${JSON.stringify(res.headers)})`);
    if (res.body !== bodies[offset + i]) throw new Error(`replay answered another body:\n${res.body}\nvs\n${bodies[offset + i]}`);
  };
  const plain = (): Req => ({ method: 'POST', path: '/api/buyers', headers: auth, body: buyer(nextBuyer++) });
  const plainOk = (res: Reply) => {
    if (res.status !== 201) throw new Error(`write without key: ${res.status} ${res.body}`);
    if (res.headers['idempotent-replayed'] !== undefined) throw new Error('a write without key was answered as a replay');
  };
  const health = (): Req => ({ method: 'GET', path: '/api/health' });
  const healthOk = (res: Reply) => {
    if (res.status !== 200) throw new Error(`health: ${res.status}`);
  };

  // Warm-up: every path once over (not counted), from a separate range of slots.
  const warm = Math.min(200, perRound);
  const warmOffset = n;
  await client.load(warm, first(warmOffset), firstOk(warmOffset));
  await client.load(warm, replay(warmOffset), replayOk(warmOffset));
  await client.load(warm, plain, plainOk);
  await client.load(warm, health, healthOk);

  expectedKeys = n + warm;
  const sides = { health: newSide(), first: newSide(), replay: newSide(), plain: newSide() };
  const start = await counts();
  // Each round's own ratios: steadier than pooled figures when the load of the machine drifts.
  const ratios = { replayFirst: [] as number[], firstPlain: [] as number[] };
  console.log(`\n${rounds} rounds x ${perRound} requests per kind, ${connections} connections, ${pglite ? 'PGlite' : 'PostgreSQL'}`);
  for (let r = 0; r < rounds; r++) {
    const offset = r * perRound;
    const line: string[] = [];
    const p50: Record<string, number> = {};
    const order = r % 2 === 0 ? ['first', 'replay', 'plain', 'health'] : ['health', 'plain', 'first', 'replay'];
    for (const kind of order) {
      const before = await counts();
      let res;
      if (kind === 'first') res = await client.load(perRound, first(offset), firstOk(offset));
      else if (kind === 'replay') res = await client.load(perRound, replay(offset), replayOk(offset));
      else if (kind === 'plain') res = await client.load(perRound, plain, plainOk);
      else res = await client.load(perRound, health, healthOk);
      const after = await counts();
      const k = kind === 'first' ? perRound : 0;
      const rowsAdded = kind === 'first' || kind === 'plain' ? perRound : 0;
      expectDelta(kind, before, after, { buyers: rowsAdded, audit: rowsAdded, keys: k });
      addRound(sides[kind as keyof typeof sides], res);
      p50[kind] = median(res.latencies);
      line.push(`${kind} p50 ${ms(p50[kind])}`);
    }
    ratios.replayFirst.push(p50.replay / p50.first);
    ratios.firstPlain.push(p50.first / p50.plain);
    console.log(`round ${r + 1}: ${line.join(' | ')} ms`);
  }
  const end = await counts();
  expectDelta('the whole run', start, end, { buyers: 2 * n, audit: 2 * n, keys: n });

  const hs = summary(sides.health);
  const f = summary(sides.first);
  const rp = summary(sides.replay);
  const p = summary(sides.plain);
  const row = (label: string, s: typeof hs) =>
    console.log(`  ${label.padEnd(34)} p50 ${ms(s.p50).padStart(6)} ms  p99 ${ms(s.p99).padStart(6)} ms  ${s.rps.toFixed(0).padStart(6)} req/s  (n=${s.n})`);
  console.log(`\nover ${rounds} rounds, ${pglite ? 'PGlite' : 'PostgreSQL'}, ${connections} connections; every replay answered the stored 201 and body with idempotent-replayed: true;`);
  console.log(`buyers +${end.buyers - start.buyers} (= 2 x ${n}: first writes and writes without key, none from replays), audit rows +${end.audit - start.audit}` +
    `${pglite ? '' : `, idempotency keys +${end.keys - start.keys}`}`);
  row('GET /api/health', hs);
  row('POST /api/buyers without key', p);
  row('POST /api/buyers with key (first)', f);
  row('POST /api/buyers replay', rp);
  console.log(`  replay / first write:        p50 ${x(rp.p50, f.p50)}, p99 ${x(rp.p99, f.p99)}, throughput ${x(rp.rps, f.rps)}`);
  console.log(`  first with key / without:    p50 ${x(f.p50, p.p50)}, p99 ${x(f.p99, p.p99)}, throughput ${x(f.rps, p.rps)}`);
  console.log(`  median of the rounds' own p50 ratios: replay / first ${x(median(ratios.replayFirst), 1)} (${ratios.replayFirst.map((v) => v.toFixed(2)).join(' ')}),` +
    ` first / without key ${x(median(ratios.firstPlain), 1)} (${ratios.firstPlain.map((v) => v.toFixed(2)).join(' ')})`);
  console.log(`  / health p50:                without key ${x(p.p50, hs.p50)}, first ${x(f.p50, hs.p50)}, replay ${x(rp.p50, hs.p50)}`);

  table.push(
    ['GET /api/health p50 / p99', `${ms(hs.p50)} / ${ms(hs.p99)} ms`],
    ['POST buyers, no key p50 / p99', `${ms(p.p50)} / ${ms(p.p99)} ms, ${p.rps.toFixed(0)}/s`],
    ['POST buyers, key, first p50 / p99', `${ms(f.p50)} / ${ms(f.p99)} ms, ${f.rps.toFixed(0)}/s`],
    ['POST buyers, replay p50 / p99', `${ms(rp.p50)} / ${ms(rp.p99)} ms, ${rp.rps.toFixed(0)}/s`],
    ['replay / first (p50, p99)', `${x(rp.p50, f.p50)}, ${x(rp.p99, f.p99)}`],
    ['first with key / without (p50, p99)', `${x(f.p50, p.p50)}, ${x(f.p99, p.p99)}`],
    ['  p50 ratios, median of rounds (replay/first, first/no key)', `${x(median(ratios.replayFirst), 1)}, ${x(median(ratios.firstPlain), 1)}`],
    ['replay / health p50', x(rp.p50, hs.p50)],
  );
} finally {
  client.close();
  server.kill('SIGTERM');
  await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
  if (!pglite) await h.close();
}
{
  // Every first write left exactly one completed key, whose stored response is a 201.
  const check = pglite ? await createDb({ pgliteDir: pgliteDirOf(dataDir!) }) : await createDb({ databaseUrl: url, poolMax: 1 });
  const k = await check.db.execute<{ n: number }>(sql`
    SELECT count(*)::int AS n FROM idempotency_keys WHERE key LIKE ${`bench-${run}-%`} AND status_code = 201 AND response IS NOT NULL`);
  await check.close();
  if (expectedKeys && Number(k.rows[0].n) !== expectedKeys) throw new Error(`idempotency keys of this run: ${k.rows[0].n}, expected ${expectedKeys}`);
  if (expectedKeys) console.log(`  idempotency keys of this run: ${k.rows[0].n} completed (${n} measured + ${expectedKeys - n} warm-up), as expected`);
}

console.log(`\nsummary (one run, ${pglite ? 'PGlite' : 'PostgreSQL'}, ${cpus().length} cores, ${Math.round((performance.now() - tStart) / 1000)} s):`);
const w = Math.max(...table.map(([k]) => k.length));
for (const [k, v] of table) console.log(`  ${k.padEnd(w)}  ${v}`);
