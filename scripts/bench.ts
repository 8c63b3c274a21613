import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { createDb, withDatabase, type Db } from '../db/client';
import { listStatement } from '../server/lib/crud.repository';
import { parseListQuery, type Term } from '../server/lib/list-query';
import { householdResource } from '../server/modules/org/org.resources';
import { createBenchAdmin, median, waitReady } from './bench-audit';
import { flag } from './cli';
import { generateBulk } from './generate-data';

// `npm run bench [-- --households 1000000 --duration 5 --rounds 3 --no-embedded]`
//
// Every speed target of the API, printed as ratios from one run, on PostgreSQL
// (DATABASE_URL, default a local coop_bench database; the data is generated once and kept):
// the real server runs in its own process (LOG_LEVEL=warn) and autocannon loads it, each
// scenario in turn, round after round, so all see the same machine state. The filtered list
// is also run by pgbench, on the same SQL (the statement the server prepares), with as many
// clients as the server's pool has connections. Then the embedded database (PGlite in its
// worker) is measured by scripts/bench-embedded.ts: cold start, and /api/health and login
// latency while a list is under load.

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/coop_bench';
const households = Number(flag('households', '1000000'));
const duration = Number(flag('duration', '5'));
const rounds = Number(flag('rounds', '3'));
const connections = Number(flag('connections', '50'));
/** Latency scenarios (deep page, search) are measured with fewer clients: their target is p99. */
const latencyConnections = Number(flag('latency-connections', '1'));
const port = Number(flag('port', '3901'));
const POOL = 10; // the server's pool (db/client.ts default)

async function ensureDatabase() {
  const name = new URL(url).pathname.slice(1);
  const admin = await createDb({ databaseUrl: withDatabase(url, 'postgres'), poolMax: 1 });
  const exists = await admin.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM pg_database WHERE datname = ${name}`);
  if (Number(exists.rows[0].n) === 0) await admin.db.execute(sql.raw(`CREATE DATABASE "${name}"`));
  await admin.close();
}

async function prepare() {
  await ensureDatabase();
  const h = await createDb({ databaseUrl: url });
  await h.migrate();
  const t0 = performance.now();
  const { unionId } = await generateBulk(h.db, households);
  console.log(`data ready in ${Math.round(performance.now() - t0)} ms`);
  const password = await createBenchAdmin(h, unionId);
  const v = await h.db.execute<{ id: number }>(sql`SELECT id FROM villages WHERE union_id = ${unionId} ORDER BY id LIMIT 1 OFFSET 2`);
  const counted = await h.db.execute<{ n: number; mid: number }>(sql`
    SELECT count(*)::int AS n, (percentile_disc(0.5) WITHIN GROUP (ORDER BY id))::int AS mid FROM households WHERE union_id = ${unionId}`);
  await h.close();
  return { password, unionId, villageId: Number(v.rows[0].id), count: Number(counted.rows[0].n), midId: Number(counted.rows[0].mid) };
}

interface Result { rps: number; p50: number; p99: number; errors: number }

function load(target: string, headers: Record<string, string>, conns: number): Promise<Result> {
  return autocannon({ url: target, connections: conns, duration, headers }).then((r) => ({
    rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx,
  }));
}

/** The households page the server runs for `filter`, as pgbench runs it: same SQL, same parameters, prepared. */
function pgbenchScript(db: Db, unionId: number, query: { sort: string; range: string; filter: string }) {
  const def = householdResource;
  const p = parseListQuery({ ...def.list, table: def.table, idColumn: def.columns.id }, query);
  const scope: Term[] = [{ op: 'eq', columns: [def.columns.union_id], value: unionId }];
  const terms = [...scope, ...p.terms];
  const compiled = listStatement(db, def, terms, p.sortColumn, p.descending, false).toSQL();
  const values: Record<string, unknown> = { limit: p.limit, offset: p.offset };
  terms.forEach((t, i) => (values[`p${i}`] = t.value));
  const defines: string[] = [];
  const text = compiled.sql.replace(/\$(\d+)/g, (_, n: string) => {
    const param = compiled.params[Number(n) - 1] as { name?: string } | unknown;
    const name = typeof param === 'object' && param && 'name' in param ? String(param.name) : undefined;
    const value = name ? values[name] : param;
    defines.push('-D', `v${n}=${String(value)}`);
    return `:v${n}`;
  });
  return { text: text.replace(/\s+/g, ' '), defines };
}

function pgbench(script: string, defines: string[], clients: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'coop-pgbench-'));
  try {
    const file = join(dir, 'list.sql');
    writeFileSync(file, `${script};\n`);
    const u = new URL(url);
    const res = spawnSync('pgbench', [
      '-n', '-M', 'prepared', '-c', String(clients), '-j', '2', '-T', String(duration), '-f', file, ...defines,
      '-h', u.hostname, '-p', u.port || '5432', '-U', decodeURIComponent(u.username || 'postgres'), u.pathname.slice(1),
    ], { encoding: 'utf8' });
    const m = /tps = ([\d.]+)/.exec(res.stdout);
    if (!m) throw new Error(`pgbench failed: ${res.stderr || res.stdout}`);
    return Number(m[1]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const data = await prepare();
const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
  env: {
    ...process.env, DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn',
    JWT_SECRET: randomBytes(32).toString('hex'), AUDIT_KEY: randomBytes(32).toString('hex'),
  },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
const qs = (o: { sort?: unknown; range?: unknown; filter?: unknown }) => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v !== undefined) p.set(k, JSON.stringify(v));
  return p.toString();
};
try {
  await waitReady(base, server);
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench.admin', password: data.password }),
  });
  const { token } = (await login.json()) as { token: string };
  const authz = { authorization: `Bearer ${token}` };
  const listQuery = { sort: ['head_name', 'ASC'], range: [0, 24], filter: { village_id: data.villageId, is_member: true } };
  const deepOffset = Math.min(500_000, Math.max(0, data.count - 25));
  const rarePhone = `139${String(123_457 % 100_000_000).padStart(8, '0')}`;
  const scenarios: { name: string; path: string; auth: boolean; conns: number }[] = [
    { name: 'GET /api/health', path: '/api/health', auth: false, conns: connections },
    { name: 'households: filtered page', path: `/api/households?${qs(listQuery)}`, auth: true, conns: connections },
    { name: 'households: one by id', path: `/api/households/${data.midId}`, auth: true, conns: connections },
    { name: `households: page at offset ${deepOffset}`, path: `/api/households?${qs({ sort: ['id', 'ASC'], range: [deepOffset, deepOffset + 24] })}`, auth: true, conns: latencyConnections },
    { name: `households: q rare (${rarePhone})`, path: `/api/households?${qs({ filter: { q: rarePhone } })}`, auth: true, conns: latencyConnections },
    { name: 'households: q common (王, 1 in 8)', path: `/api/households?${qs({ filter: { q: '王' } })}`, auth: true, conns: latencyConnections },
    { name: 'households: q common (建国, 1 in 5)', path: `/api/households?${qs({ filter: { q: '建国' } })}`, auth: true, conns: latencyConnections },
    // 40 ids, a page of 25: the total needs a count (40, under the cap), taken once and kept.
    { name: 'households: small filter (40 ids), counted', path: `/api/households?${qs({ filter: { id: Array.from({ length: 40 }, (_, i) => data.midId + i * 7) } })}`, auth: true, conns: connections },
    { name: 'households: q BH-1234 (111 matches, counted)', path: `/api/households?${qs({ filter: { q: 'BH-1234' } })}`, auth: true, conns: connections },
  ];
  for (const s of scenarios) {
    const res = await fetch(`${base}${s.path}`, { headers: s.auth ? authz : {} });
    console.log(`  ${s.name}: ${res.status} ${res.headers.get('content-range') ?? ''}`);
    if (!res.ok) throw new Error(`${s.name} answered ${res.status}: ${await res.text()}`);
  }
  const h = await createDb({ databaseUrl: url, poolMax: 1 });
  const script = pgbenchScript(h.db, data.unionId, {
    sort: JSON.stringify(listQuery.sort), range: JSON.stringify(listQuery.range), filter: JSON.stringify(listQuery.filter),
  });
  await h.close();
  console.log(`pgbench runs: ${script.text}`);

  const results = new Map<string, Result[]>();
  const pgbenchTps: number[] = [];
  for (let i = 0; i < rounds; i++) {
    for (const s of scenarios) {
      const r = await load(`${base}${s.path}`, s.auth ? authz : {}, s.conns);
      results.set(s.name, [...(results.get(s.name) ?? []), r]);
    }
    pgbenchTps.push(pgbench(script.text, script.defines, POOL));
    console.log(`round ${i + 1}/${rounds} done`);
  }
  const sum = (name: string) => {
    const xs = results.get(name)!;
    return { rps: median(xs.map((x) => x.rps)), p50: median(xs.map((x) => x.p50)), p99: median(xs.map((x) => x.p99)), errors: xs.reduce((a, x) => a + x.errors, 0) };
  };
  const health = sum(scenarios[0].name);
  const list = sum(scenarios[1].name);
  const byId = sum(scenarios[2].name);
  const tps = median(pgbenchTps);

  console.log(`\nPostgreSQL, ${data.count} households; medians of ${rounds} rounds of ${duration} s; autocannon, ${connections} connections (${latencyConnections} for the latency rows)`);
  for (const s of scenarios) {
    const r = sum(s.name);
    console.log(`  ${s.name.padEnd(52)} ${r.rps.toFixed(0).padStart(7)} req/s  p50 ${String(r.p50).padStart(3)} ms  p99 ${String(r.p99).padStart(4)} ms  (${s.conns} conn)  errors ${r.errors}`);
  }
  console.log(`  pgbench, the filtered page's SQL, ${POOL} clients, prepared   ${tps.toFixed(0).padStart(7)} tps`);
  const check = (ok: boolean) => (ok ? 'met' : 'NOT met');
  const row = (label: string, value: string, target: string, ok: boolean) => console.log(`  ${label.padEnd(46)} ${value.padStart(9)}   target ${target.padEnd(9)} ${check(ok)}`);
  console.log('\ntargets:');
  row('filtered page / health (throughput)', (list.rps / health.rps).toFixed(3), '>= 0.10', list.rps / health.rps >= 0.1);
  row('filtered page / pgbench on its SQL', (list.rps / tps).toFixed(3), '>= 0.30', list.rps / tps >= 0.3);
  row('filtered page p99', `${list.p99} ms`, '<= 25 ms', list.p99 <= 25);
  row('one by id / health (throughput)', (byId.rps / health.rps).toFixed(3), '>= 0.20', byId.rps / health.rps >= 0.2);
  const deep = sum(scenarios[3].name);
  row(`page at offset ${deepOffset} p99`, `${deep.p99} ms`, '<= 150 ms', deep.p99 <= 150);
  for (const s of scenarios.slice(4, 7)) row(`${s.name.replace('households: ', '')} p99`, `${sum(s.name).p99} ms`, '<= 100 ms', sum(s.name).p99 <= 100);
  const small = sum(scenarios[7].name);
  // A count kept until the next write costs a small filter nothing: it serves about like the plain page.
  console.log(`  ${'small filter (counted) / filtered page'.padEnd(46)} ${(small.rps / list.rps).toFixed(3).padStart(9)}   (no target: the count is taken once, then kept)`);
} finally {
  server.kill('SIGTERM');
}

if (!process.argv.includes('--no-embedded')) {
  const { benchEmbedded } = await import('./bench-embedded');
  const r = await benchEmbedded({ households: Number(flag('embedded-households', '20000')), duration: duration * 2, connections: 10 });
  const worst = Math.max(...r.coldStartMs);
  console.log(`\nembedded (PGlite in its worker), households list under load (${r.list.rps.toFixed(0)} req/s, p99 ${r.list.p99} ms):`);
  const ms = (x: number) => `${x.toFixed(1)} ms`;
  console.log(`  GET /api/health while loaded      p50 ${ms(r.health.p50)}  p99 ${ms(r.health.p99)}   target p99 <= 50 ms ${r.health.p99 <= 50 ? 'met' : 'NOT met'}`);
  console.log(`  POST /api/auth/login while loaded p50 ${ms(r.login.p50)}  p99 ${ms(r.login.p99)}   target p99 <= 50 ms ${r.login.p99 <= 50 ? 'met' : 'NOT met'}`);
  console.log(`  cold start to /api/ready: ${r.coldStartMs.map((x) => Math.round(x)).join(', ')} ms   target <= 1500 ms ${worst <= 1500 ? 'met' : 'NOT met'}`);
}
