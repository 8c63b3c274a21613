import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { createServer } from 'node:net';
import { cpus, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { createDb, pgliteDirOf } from '../db/client';
import { createBenchAdmin, median, quantile } from './bench-audit';
import { flag, isMain } from './cli';
import { generateBulk } from './generate-data';

// `npx tsx scripts/bench-embedded.ts [--households 20000 --duration 10 --connections 10]`
// The embedded database (PGlite, no DATABASE_URL) under load, with the real server
// (server/main.ts) in its own process on a temporary DATA_DIR:
// (1) cold start: the server is started 3 times on the existing data folder, each timed from
//     spawn to the first 200 from /api/ready (polled every 20 ms), and stopped with SIGTERM
//     (which must exit 0);
// (2) autocannon (a child process, so it does not delay the probes) loads the households list
//     with --connections connections for --duration seconds while, in this process, two
//     sequential probes each send 20 requests a second: GET /api/health and
//     POST /api/auth/login (a real Argon2 check). Their p50/p99 are computed here.
//
// Login is rate-limited per (client address, username) to 10 a minute and per address to 50
// a minute. The probe does not lift those limits: it spreads its logins over several bench
// accounts and several loopback source addresses (127.0.1.x under load, 127.0.2.x for the
// idle reference; Linux routes all of 127/8 to lo), at most 4 per (address, account) and 40
// per address, and every login must answer 200 (a 429 would be counted and shown as an
// error, not as a fast login). Before the load, both probes run 3 s on the idle server.

const repoRoot = resolve(fileURLToPath(import.meta.url), '../..');
const PROBE_RATE = 20; // requests per second, per probe
const LOGIN_ACCOUNTS = 10;
const PER_ADDRESS = 40;

export interface LatencySummary { rps: number; p50: number; p99: number }
export interface BenchEmbeddedResult {
  coldStartMs: number[];
  health: LatencySummary;
  login: LatencySummary;
  list: { rps: number; p99: number };
}

interface ProbeStats extends LatencySummary { n: number; errors: number; statuses: Record<string, number> }

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const s = createServer();
    s.once('error', rej);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => res(port));
    });
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function startServer(dataDir: string, port: number, secrets: { jwt: string; audit: string }): ChildProcess {
  const env: NodeJS.ProcessEnv = {
    ...process.env, DATA_DIR: dataDir, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn',
    JWT_SECRET: secrets.jwt, AUDIT_KEY: secrets.audit,
  };
  delete env.DATABASE_URL;
  delete env.MIGRATION_DATABASE_URL;
  return spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'ignore', 'inherit'] });
}

/** Milliseconds from spawn to the first 200 from /api/ready, polled every 20 ms. */
async function timeToReady(child: ChildProcess, base: string, t0: number): Promise<number> {
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`server exited (${child.exitCode ?? child.signalCode}) before it was ready`);
    try {
      const res = await fetch(`${base}/api/ready`);
      if (res.status === 200) return performance.now() - t0;
    } catch { /* not listening yet */ }
    if (performance.now() - t0 > 60_000) throw new Error('server not ready after 60 s');
    await sleep(20);
  }
}

function stopServer(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((res) => {
    child.once('exit', (code) => res(code));
    child.kill('SIGTERM');
  });
}

interface Req { method: 'GET' | 'POST'; path: string; body?: unknown; headers?: Record<string, string>; localAddress?: string }

function send(agent: http.Agent, base: URL, r: Req): Promise<{ status: number; body: string }> {
  return new Promise((res, rej) => {
    const payload = r.body === undefined ? undefined : JSON.stringify(r.body);
    const req = http.request({
      host: base.hostname, port: base.port, method: r.method, path: r.path, agent, localAddress: r.localAddress,
      headers: { ...(payload !== undefined && { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }), ...r.headers },
    }, (resp) => {
      const chunks: Buffer[] = [];
      resp.on('data', (c: Buffer) => chunks.push(c));
      resp.on('end', () => res({ status: resp.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      resp.on('error', rej);
    });
    req.on('error', rej);
    req.end(payload);
  });
}

/** Sends one request every 1/rate s (sequentially: a slow answer delays the next) until `until`. */
async function probe(base: URL, until: number, make: (i: number) => Req, okStatus = 200): Promise<ProbeStats> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const t0 = performance.now();
  try {
    for (let i = 0; performance.now() < until; i++) {
      const due = t0 + (i * 1000) / PROBE_RATE;
      if (due > performance.now()) await sleep(due - performance.now());
      const s = performance.now();
      try {
        const res = await send(agent, base, make(i));
        latencies.push(performance.now() - s);
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        if (res.status !== okStatus) errors++;
      } catch {
        errors++;
        statuses.error = (statuses.error ?? 0) + 1;
      }
    }
  } finally {
    agent.destroy();
  }
  const wall = performance.now() - t0;
  return { n: latencies.length, rps: (latencies.length / wall) * 1000, p50: median(latencies), p99: quantile(latencies, 0.99), errors, statuses };
}

/** autocannon in a child process (its own CPU time is not this process's timers'). */
function autocannon(url: string, connections: number, duration: number, headers: Record<string, string>) {
  const args = [join(repoRoot, 'node_modules/autocannon/autocannon.js'), '--json', '-c', String(connections), '-d', String(duration)];
  for (const [k, v] of Object.entries(headers)) args.push('-H', `${k}=${v}`);
  args.push(url);
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  return new Promise<{ rps: number; p50: number; p99: number; errors: number; non2xx: number; total: number }>((res, rej) => {
    child.on('exit', (code) => {
      if (code !== 0) return rej(new Error(`autocannon exited ${code}: ${err}`));
      const r = JSON.parse(out) as { requests: { average: number; total: number }; latency: { p50: number; p99: number }; errors: number; non2xx: number };
      res({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, errors: r.errors, non2xx: r.non2xx, total: r.requests.total });
    });
  });
}

export async function benchEmbedded(opts: { households: number; duration: number; connections: number }): Promise<BenchEmbeddedResult> {
  const { households, duration, connections } = opts;
  const dataDir = mkdtempSync(join(tmpdir(), 'coop-bench-emb-'));
  const secrets = { jwt: randomBytes(32).toString('hex'), audit: randomBytes(32).toString('hex') };
  let server: ChildProcess | undefined;
  try {
    // ---------- data ----------
    const tData = performance.now();
    const h = await createDb({ pgliteDir: pgliteDirOf(dataDir) });
    let adminPassword: string;
    const logins: { username: string; password: string }[] = [];
    let villageId: number;
    try {
      await h.migrate();
      const { unionId } = await generateBulk(h.db, households);
      adminPassword = await createBenchAdmin(h, unionId);
      for (let i = 0; i < LOGIN_ACCOUNTS; i++) {
        const username = `bench.login${i}`;
        logins.push({ username, password: await createBenchAdmin(h, unionId, username) });
      }
      await h.db.execute(sql`ANALYZE`);
      const v = await h.db.execute<{ id: number }>(sql`SELECT id FROM villages WHERE union_id = ${unionId} ORDER BY id LIMIT 1 OFFSET 2`);
      villageId = Number(v.rows[0].id);
    } finally {
      await h.close();
    }
    console.log(`data: ${households} generated households and ${LOGIN_ACCOUNTS + 1} bench accounts in ${dataDir} (${Math.round(performance.now() - tData)} ms)`);

    // ---------- cold start on the existing data folder ----------
    const port = await freePort();
    const base = new URL(`http://127.0.0.1:${port}`);
    const coldStartMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      const child = startServer(dataDir, port, secrets);
      coldStartMs.push(Math.round(await timeToReady(child, base.origin, t0)));
      const code = await stopServer(child);
      if (code !== 0) throw new Error(`server exited ${code} on SIGTERM`);
    }
    console.log(`cold start to /api/ready 200: ${coldStartMs.join(', ')} ms (each stopped with SIGTERM, exit 0)`);

    // ---------- load ----------
    server = startServer(dataDir, port, secrets);
    await timeToReady(server, base.origin, performance.now());
    const agent = new http.Agent({ keepAlive: true });
    const first = await send(agent, base, { method: 'POST', path: '/api/auth/login', body: { username: 'bench.admin', password: adminPassword } });
    if (first.status !== 200) throw new Error(`bench.admin login: ${first.status} ${first.body}`);
    const { token } = JSON.parse(first.body) as { token: string };
    const listPath = `/api/households?${new URLSearchParams({
      sort: JSON.stringify(['head_name', 'ASC']), range: JSON.stringify([0, 24]), filter: JSON.stringify({ village_id: villageId, is_member: true }),
    })}`;
    const check = await send(agent, base, { method: 'GET', path: listPath, headers: { authorization: `Bearer ${token}` } });
    if (check.status !== 200) throw new Error(`households list: ${check.status} ${check.body}`);
    // Warm the list's plan and pages.
    for (let i = 0; i < 20; i++) await send(agent, base, { method: 'GET', path: listPath, headers: { authorization: `Bearer ${token}` } });
    agent.destroy();

    // Each login comes from one of `addresses` loopback addresses (127.0.<net>.x), so that no
    // (address, account) pair or address goes over the login limits.
    const loginReq = (net: number, addresses: number) => (i: number): Req => {
      const a = i % addresses;
      const account = logins[Math.floor(i / addresses) % LOGIN_ACCOUNTS];
      return {
        method: 'POST', path: '/api/auth/login', body: { username: account.username, password: account.password },
        localAddress: `127.0.${net}.${a + 1}`,
      };
    };
    // Idle reference: the same probes without the list load (3 s).
    const idleUntil = performance.now() + 3000;
    const [idleHealth, idleLogin] = await Promise.all([
      probe(base, idleUntil, () => ({ method: 'GET', path: '/api/health' })),
      probe(base, idleUntil, loginReq(2, Math.ceil((3 * PROBE_RATE) / PER_ADDRESS) + 1)),
    ]);

    const addresses = Math.ceil((duration * PROBE_RATE) / PER_ADDRESS) + 1;
    const load = autocannon(`${base.origin}${listPath}`, connections, duration, { authorization: `Bearer ${token}` });
    // Autocannon needs a moment to start; probe only while it is loading.
    await sleep(500);
    const until = performance.now() + (duration - 1) * 1000;
    const [health, login] = await Promise.all([
      probe(base, until, () => ({ method: 'GET', path: '/api/health' })),
      probe(base, until, loginReq(1, addresses)),
    ]);
    const list = await load;

    const result: BenchEmbeddedResult = {
      coldStartMs,
      health: { rps: health.rps, p50: health.p50, p99: health.p99 },
      login: { rps: login.rps, p50: login.p50, p99: login.p99 },
      list: { rps: list.rps, p99: list.p99 },
    };

    const f = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1));
    const statusText = (s: Record<string, number>) => Object.entries(s).map(([k, v]) => `${k}: ${v}`).join(', ');
    console.log(`\nembedded database (PGlite in a worker thread), ${households} households, ${cpus().length} cores`);
    console.log(`  cold start (existing data folder) ${coldStartMs.map((x) => `${x} ms`).join(', ')}; median ${median(coldStartMs)} ms`);
    console.log(`  idle:  GET /api/health                 p50 ${f(idleHealth.p50)} ms  p99 ${f(idleHealth.p99)} ms  (${statusText(idleHealth.statuses)})`);
    console.log(`  idle:  POST /api/auth/login            p50 ${f(idleLogin.p50)} ms  p99 ${f(idleLogin.p99)} ms  (${statusText(idleLogin.statuses)}; an Argon2id check each)`);
    console.log(`  while GET /api/households is loaded by ${connections} connections for ${duration} s:`);
    console.log(`    households list (autocannon)         ${list.rps.toFixed(0).padStart(6)} req/s  p50 ${list.p50} ms  p99 ${list.p99} ms  ` +
      `errors ${list.errors}, non-2xx ${list.non2xx} of ${list.total}`);
    console.log(`    GET /api/health (${PROBE_RATE}/s probe)        ${health.rps.toFixed(1).padStart(6)} req/s  p50 ${f(health.p50)} ms  p99 ${f(health.p99)} ms  (${statusText(health.statuses)})`);
    console.log(`    POST /api/auth/login (${PROBE_RATE}/s probe)   ${login.rps.toFixed(1).padStart(6)} req/s  p50 ${f(login.p50)} ms  p99 ${f(login.p99)} ms  (${statusText(login.statuses)})`);
    console.log(`    (logins spread over ${LOGIN_ACCOUNTS} accounts and ${addresses} loopback addresses, within the rate limits)`);
    const target = (p99: number) => (p99 <= 50 ? 'met' : 'NOT met');
    console.log(`  target p99 <= 50 ms under load: health ${target(health.p99)}, login ${target(login.p99)}`);
    if (health.errors || login.errors) console.log(`  probe errors: health ${health.errors}, login ${login.errors}`);

    const code = await stopServer(server);
    server = undefined;
    if (code !== 0) throw new Error(`server exited ${code} on SIGTERM`);
    return result;
  } finally {
    if (server) await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (isMain(import.meta.url)) {
  await benchEmbedded({
    households: Number(flag('households', '20000')),
    duration: Number(flag('duration', '10')),
    connections: Number(flag('connections', '10')),
  });
}
