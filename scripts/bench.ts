import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import autocannon from 'autocannon';
import { sql } from 'drizzle-orm';
import { createDb, withDatabase } from '../db/client';
import { hashPassword } from '../server/modules/auth/auth.passwords';
import { flag } from './cli';
import { generateBulk } from './generate-data';

// `npm run bench [-- --households 100000 --duration 10 --rounds 3]`
// On PostgreSQL (DATABASE_URL, default a local coop_bench database): generates the data,
// starts the real server in its own process, and loads it with autocannon (50 connections),
// alternating /api/health and the households list so both see the same machine state.

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/coop_bench';
const households = Number(flag('households', '100000'));
const duration = Number(flag('duration', '10'));
const rounds = Number(flag('rounds', '3'));
const connections = Number(flag('connections', '50'));
const port = Number(flag('port', '3901'));

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
  const password = randomBytes(12).toString('base64url');
  await h.db.execute(sql`
    INSERT INTO users (union_id, username, password_hash, display_name, role)
    VALUES (${unionId}, 'bench.admin', ${await hashPassword(password)}, 'bench', 'union_admin')
    ON CONFLICT ((lower(username))) DO UPDATE SET password_hash = EXCLUDED.password_hash, union_id = EXCLUDED.union_id`);
  const v = await h.db.execute<{ id: number }>(sql`SELECT id FROM villages WHERE union_id = ${unionId} ORDER BY id LIMIT 1 OFFSET 2`);
  const counted = await h.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM households WHERE union_id = ${unionId}`);
  await h.close();
  return { password, villageId: Number(v.rows[0].id), householdCount: Number(counted.rows[0].n) };
}

async function waitReady(base: string) {
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`${base}/api/ready`)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready');
}

function run(target: string, headers: Record<string, string>) {
  return autocannon({ url: target, connections, duration, headers }).then((r) => ({
    rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors + r.non2xx,
  }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const { password, villageId, householdCount } = await prepare();
const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
  env: { ...process.env, DATABASE_URL: url, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', JWT_SECRET: randomBytes(32).toString('hex') },
  stdio: ['ignore', 'inherit', 'inherit'],
});
const base = `http://127.0.0.1:${port}`;
try {
  await waitReady(base);
  const login = await fetch(`${base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench.admin', password }),
  });
  const { token } = (await login.json()) as { token: string };
  const list = `${base}/api/households?${new URLSearchParams({
    sort: JSON.stringify(['head_name', 'ASC']), range: JSON.stringify([0, 24]), filter: JSON.stringify({ village_id: villageId, is_member: true }),
  })}`;
  const check = await fetch(list, { headers: { authorization: `Bearer ${token}` } });
  console.log(`households in the union: ${householdCount}; list answers ${check.status}, ${check.headers.get('content-range')}`);

  const results: { health: Awaited<ReturnType<typeof run>>[]; list: Awaited<ReturnType<typeof run>>[] } = { health: [], list: [] };
  for (let i = 0; i < rounds; i++) {
    results.health.push(await run(`${base}/api/health`, {}));
    results.list.push(await run(list, { authorization: `Bearer ${token}` }));
    console.log(`round ${i + 1}: health ${results.health[i].rps.toFixed(0)} req/s p99 ${results.health[i].p99} ms | households ${results.list[i].rps.toFixed(0)} req/s p99 ${results.list[i].p99} ms`);
  }
  const summary = (xs: typeof results.health) => ({
    rps: median(xs.map((x) => x.rps)), p50: median(xs.map((x) => x.p50)), p99: median(xs.map((x) => x.p99)), errors: xs.reduce((a, x) => a + x.errors, 0),
  });
  const h = summary(results.health);
  const l = summary(results.list);
  console.log(`\nmedians over ${rounds} rounds of ${duration}s, ${connections} connections, PostgreSQL, ${householdCount} households:`);
  console.log(`  GET /api/health                      ${h.rps.toFixed(0).padStart(7)} req/s  p50 ${h.p50} ms  p99 ${h.p99} ms  errors ${h.errors}`);
  console.log(`  GET /api/households (filtered page)  ${l.rps.toFixed(0).padStart(7)} req/s  p50 ${l.p50} ms  p99 ${l.p99} ms  errors ${l.errors}`);
  console.log(`  ratio households/health: ${(l.rps / h.rps).toFixed(3)} of the throughput, p99 ${(l.p99 / Math.max(h.p99, 1)).toFixed(1)}x`);
} finally {
  server.kill('SIGTERM');
}
