import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { createDb, withDatabase, type DbHandle } from '../db/client';
import { buildApp } from '../server/app';
import { hashPassword } from '../server/modules/auth/auth.passwords';
import { sealPending, verifyChain } from '../server/modules/audit/audit.service';
import { appModules } from '../server/modules/index';
import { flag, isMain } from './cli';
import { generateBulk } from './generate-data';

// `npm run bench:audit [-- --households 5000 --rounds 5 --writes 1000 --connections 4 --seal-every 1000 --rows 1000000]`
// On PostgreSQL (DATABASE_URL, default a local coop_bench_audit database, dropped and created
// again at each run so reruns do not pile up rows):
// (a) the audit chain's cost per write: audited writes through the real API (PUT a household,
//     with its version, as the union admin) against a server in its own process, in rounds that
//     alternate "without the chain" (no sealer) and "with the chain" (sealPending every
//     --seal-every ms inside the server process, as its job does every 5 s, then a final seal),
//     next to GET /api/health in the same run;
// (b) audit:verify on --rows audit rows (two unions): sealing them all, verifying them all, and
//     `npm run audit:verify` as a child process, next to `SELECT count(*) FROM audit_log`.
// `--skip-writes` or `--skip-verify` runs one part only.

// ---------- shared with bench-idempotency.ts ----------

/** Drops the database if it exists and creates it empty (its own database: reruns start clean). */
export async function recreateDatabase(url: string): Promise<void> {
  const name = new URL(url).pathname.slice(1);
  if (!/^coop_bench\w*$/.test(name)) throw new Error(`refusing to drop ${name}: a bench database is named coop_bench…`);
  const admin = await createDb({ databaseUrl: withDatabase(url, 'postgres'), poolMax: 1 });
  try {
    await admin.db.execute(sql.raw(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    await admin.db.execute(sql.raw(`CREATE DATABASE "${name}"`));
  } finally {
    await admin.close();
  }
}

/** A union admin with a random password, for logging in through the API. */
export async function createBenchAdmin(h: DbHandle, unionId: number, username = 'bench.admin'): Promise<string> {
  const password = randomBytes(12).toString('base64url');
  await h.db.execute(sql`
    INSERT INTO users (union_id, username, password_hash, display_name, role)
    VALUES (${unionId}, ${username}, ${await hashPassword(password)}, 'bench', 'union_admin')
    ON CONFLICT ((lower(username))) DO UPDATE SET password_hash = EXCLUDED.password_hash, union_id = EXCLUDED.union_id, active = true`);
  return password;
}

export async function waitReady(base: string, child?: ChildProcess): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (child && child.exitCode !== null) throw new Error(`server exited with code ${child.exitCode}`);
    try {
      if ((await fetch(`${base}/api/ready`)).ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error('server did not become ready');
}

export interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string }
export interface Req { method: string; path: string; body?: unknown; headers?: Record<string, string> }

/** A keep-alive HTTP client on node:http: cheap per request, timed to the microsecond. */
export function httpClient(base: string, connections: number) {
  const u = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const send = (r: Req) =>
    new Promise<Reply>((resolve, reject) => {
      const payload = r.body === undefined ? undefined : JSON.stringify(r.body);
      const req = http.request({
        host: u.hostname, port: u.port, method: r.method, path: r.path, agent,
        headers: { ...(payload !== undefined && { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }), ...r.headers },
      }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(payload);
    });

  /**
   * Sends n requests, `connections` at a time; returns each one's latency (ms) and the
   * round's wall time. `check` sees every reply and throws on a wrong one.
   */
  async function load(n: number, make: (i: number) => Req, check: (res: Reply, i: number) => void) {
    const latencies: number[] = new Array(n);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: Math.min(connections, n) }, async () => {
      for (let i = next++; i < n; i = next++) {
        const req = make(i);
        const s = performance.now();
        const res = await send(req);
        latencies[i] = performance.now() - s;
        check(res, i);
      }
    }));
    return { latencies, wallMs: performance.now() - t0 };
  }

  return { send, load, close: () => agent.destroy() };
}

export const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
};
export const median = (xs: number[]) => quantile(xs, 0.5);

/** Latency median and p99 (ms) and throughput of a set of rounds. */
export interface Side { latencies: number[]; wallMs: number; n: number }
export const newSide = (): Side => ({ latencies: [], wallMs: 0, n: 0 });
export function addRound(side: Side, r: { latencies: number[]; wallMs: number }) {
  side.latencies.push(...r.latencies);
  side.wallMs += r.wallMs;
  side.n += r.latencies.length;
}
export const summary = (s: Side) => ({ p50: median(s.latencies), p99: quantile(s.latencies, 0.99), rps: (s.n / s.wallMs) * 1000, n: s.n });
export const ms = (x: number) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
export const x = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

export async function login(client: ReturnType<typeof httpClient>, username: string, password: string): Promise<string> {
  const res = await client.send({ method: 'POST', path: '/api/auth/login', body: { username, password } });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${res.body}`);
  return (JSON.parse(res.body) as { token: string }).token;
}

// ---------- the server process (`--serve`): buildApp without jobs, sealer driven over IPC ----------

type Command = { id: number; cmd: 'start'; every: number } | { id: number; cmd: 'stop' } | { id: number; cmd: 'once' };
interface SealStats { runs: number; sealed: number; busyMs: number; maxMs: number }

async function serve() {
  const key = process.env.AUDIT_KEY!;
  const db = await createDb({ databaseUrl: process.env.DATABASE_URL });
  const app = await buildApp({
    db, modules: appModules, config: { jwtSecret: process.env.JWT_SECRET!, tokenTtlSeconds: 3600 }, adminRoot: '/nonexistent-console',
  });
  await app.listen({ port: Number(process.env.PORT), host: '127.0.0.1' });

  let loop: { stop: boolean; done: Promise<void>; stats: SealStats } | undefined;
  const sealOnce = async (stats: SealStats) => {
    const t0 = performance.now();
    const { sealed } = await sealPending(db.db, key);
    const took = performance.now() - t0;
    stats.runs++;
    stats.sealed += sealed;
    stats.busyMs += took;
    stats.maxMs = Math.max(stats.maxMs, took);
  };
  const reply = (m: object) => process.send!(m);
  process.on('message', async (m: Command) => {
    if (m.cmd === 'start') {
      const state = { stop: false, stats: { runs: 0, sealed: 0, busyMs: 0, maxMs: 0 } } as NonNullable<typeof loop>;
      // Like the job: one run at a time, started every `every` ms (later when a run overruns).
      state.done = (async () => {
        while (!state.stop) {
          const started = performance.now();
          await sealOnce(state.stats);
          const rest = m.every - (performance.now() - started);
          for (let t = 0; t < rest && !state.stop; t += 20) await new Promise((r) => setTimeout(r, Math.min(20, rest - t)));
        }
      })();
      loop = state;
      reply({ id: m.id });
    } else if (m.cmd === 'stop') {
      const state = loop!;
      loop = undefined;
      state.stop = true;
      await state.done;
      reply({ id: m.id, stats: state.stats });
    } else {
      const stats = { runs: 0, sealed: 0, busyMs: 0, maxMs: 0 };
      await sealOnce(stats);
      reply({ id: m.id, stats });
    }
  });
  process.on('disconnect', () => {
    void app.close().then(() => db.close()).finally(() => process.exit(0));
  });
}

// ---------- the bench ----------

async function bench() {
  const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/coop_bench_audit';
  const households = Number(flag('households', '5000'));
  const rounds = Number(flag('rounds', '5'));
  const writes = Number(flag('writes', '1000'));
  const connections = Number(flag('connections', '4'));
  const sealEvery = Number(flag('seal-every', '1000'));
  const rows = Number(flag('rows', '1000000'));
  const port = Number(flag('port', '3902'));
  const skipWrites = process.argv.includes('--skip-writes');
  const skipVerify = process.argv.includes('--skip-verify');
  const jwtSecret = randomBytes(32).toString('hex');
  const auditKey = randomBytes(32).toString('hex');
  const table: [string, string][] = [];

  const tStart = performance.now();
  await recreateDatabase(url);
  const h = await createDb({ databaseUrl: url, poolMax: 2 });
  await h.migrate();
  const t0 = performance.now();
  const { unionId } = await generateBulk(h.db, households);
  const password = await createBenchAdmin(h, unionId);
  const pg = await h.db.execute<{ v: string }>(sql`SELECT current_setting('server_version') AS v`);
  console.log(`database ${new URL(url).pathname.slice(1)} (PostgreSQL ${pg.rows[0].v}) recreated; ${households} households in ${Math.round(performance.now() - t0)} ms`);

  if (!skipWrites) {
    const hh = await h.db.execute<{ id: number; version: number }>(sql`
      SELECT id, version FROM households WHERE union_id = ${unionId} ORDER BY id`);
    const version = new Map(hh.rows.map((r) => [Number(r.id), Number(r.version)]));
    const ids = [...version.keys()];

    const server = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve'], {
      env: { ...process.env, DATABASE_URL: url, PORT: String(port), JWT_SECRET: jwtSecret, AUDIT_KEY: auditKey },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    let seq = 0;
    const pending = new Map<number, (m: { stats?: SealStats }) => void>();
    server.on('message', (m: { id: number; stats?: SealStats }) => pending.get(m.id)?.(m));
    const call = (m: Record<string, unknown>) => new Promise<{ stats?: SealStats }>((resolve) => {
      const id = ++seq;
      pending.set(id, resolve);
      server.send({ ...m, id });
    });
    const base = `http://127.0.0.1:${port}`;
    const client = httpClient(base, connections);
    try {
      await waitReady(base, server);
      const token = await login(client, 'bench.admin', password);
      const auth = { authorization: `Bearer ${token}` };
      let cursor = 0;
      const put = (i: number): Req => {
        const id = ids[cursor++ % ids.length];
        return { method: 'PUT', path: `/api/households/${id}`, headers: auth, body: { version: version.get(id), address: `压测县生成镇${id}号院 第${i}次修改` } };
      };
      const putOk = (res: Reply) => {
        if (res.status !== 200) throw new Error(`PUT households: ${res.status} ${res.body}`);
        const row = JSON.parse(res.body) as { id: number; version: number };
        version.set(row.id, row.version);
      };
      const healthOk = (res: Reply) => {
        if (res.status !== 200) throw new Error(`health: ${res.status} ${res.body}`);
      };
      const health = () => ({ method: 'GET', path: '/api/health' });
      const auditRows = async () => Number((await h.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log`)).rows[0].n);

      // Warm-up (JIT, pools, caches), then seal what it wrote.
      await client.load(Math.min(500, writes), put, putOk);
      await client.load(Math.min(500, writes), health, healthOk);
      await call({ cmd: 'once' });
      const before = await auditRows();

      const sides = { health: newSide(), off: newSide(), on: newSide() };
      // Each round's own chain/no-chain ratio: steadier than pooled figures when the load of the machine drifts.
      const perRound = { p50: [] as number[], rps: [] as number[] };
      const seal = { during: { runs: 0, sealed: 0, busyMs: 0, maxMs: 0 }, final: { runs: 0, sealed: 0, busyMs: 0, maxMs: 0 } };
      const addStats = (into: SealStats, s: SealStats) => {
        into.runs += s.runs; into.sealed += s.sealed; into.busyMs += s.busyMs; into.maxMs = Math.max(into.maxMs, s.maxMs);
      };
      console.log(`\n(a) ${rounds} rounds x ${writes} writes per side, ${connections} connections, sealer every ${sealEvery} ms in the server process`);
      for (let r = 0; r < rounds; r++) {
        const hr = await client.load(writes, health, healthOk);
        addRound(sides.health, hr);
        const line = [`round ${r + 1}: health p50 ${ms(median(hr.latencies))} ms`];
        const got: Partial<Record<'off' | 'on', { p50: number; rps: number }>> = {};
        for (const side of r % 2 === 0 ? (['off', 'on'] as const) : (['on', 'off'] as const)) {
          if (side === 'on') await call({ cmd: 'start', every: sealEvery });
          const res = await client.load(writes, put, putOk);
          addRound(sides[side], res);
          got[side] = { p50: median(res.latencies), rps: (writes / res.wallMs) * 1000 };
          if (side === 'on') {
            const { stats } = await call({ cmd: 'stop' });
            const { stats: last } = await call({ cmd: 'once' });
            addStats(seal.during, stats!);
            addStats(seal.final, last!);
            line.push(`chain p50 ${ms(median(res.latencies))} p99 ${ms(quantile(res.latencies, 0.99))} ms ${((writes / res.wallMs) * 1000).toFixed(0)}/s, sealed ${stats!.sealed}+${last!.sealed} in ${stats!.runs}+1 runs`);
          } else {
            // Not timed: the rows of this side are sealed before the next, so each side seals only its own.
            await call({ cmd: 'once' });
            line.push(`no chain p50 ${ms(median(res.latencies))} p99 ${ms(quantile(res.latencies, 0.99))} ms ${((writes / res.wallMs) * 1000).toFixed(0)}/s`);
          }
        }
        perRound.p50.push(got.on!.p50 / got.off!.p50);
        perRound.rps.push(got.on!.rps / got.off!.rps);
        console.log(line.join(' | '));
      }
      const written = (await auditRows()) - before;
      const check = await verifyChain(h.db, auditKey);
      const unsealed = Number((await h.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE seal IS NULL`)).rows[0].n);
      if (written !== 2 * rounds * writes) throw new Error(`expected ${2 * rounds * writes} audit rows from the bench, found ${written}`);
      if (check.findings.length || unsealed) throw new Error(`chain not intact after the bench: ${JSON.stringify(check.findings)}, ${unsealed} unsealed`);

      const hs = summary(sides.health);
      const off = summary(sides.off);
      const on = summary(sides.on);
      const sealedAll = seal.during.sealed + seal.final.sealed;
      const busyAll = seal.during.busyMs + seal.final.busyMs;
      console.log(`\n(a) medians over ${rounds} rounds; ${written} audit rows written, all ${check.rows} rows of the trail sealed and verified intact`);
      console.log(`  GET /api/health                  p50 ${ms(hs.p50).padStart(6)} ms  p99 ${ms(hs.p99).padStart(6)} ms  ${hs.rps.toFixed(0).padStart(6)} req/s  (n=${hs.n})`);
      console.log(`  PUT household, no chain          p50 ${ms(off.p50).padStart(6)} ms  p99 ${ms(off.p99).padStart(6)} ms  ${off.rps.toFixed(0).padStart(6)} req/s  (n=${off.n})`);
      console.log(`  PUT household, chain sealing     p50 ${ms(on.p50).padStart(6)} ms  p99 ${ms(on.p99).padStart(6)} ms  ${on.rps.toFixed(0).padStart(6)} req/s  (n=${on.n})`);
      console.log(`  chain / no chain: p50 ${x(on.p50, off.p50)}, p99 ${x(on.p99, off.p99)}, throughput ${x(on.rps, off.rps)};` +
        ` median of the rounds' own ratios: p50 ${x(median(perRound.p50), 1)} (${perRound.p50.map((v) => v.toFixed(2)).join(' ')}), throughput ${x(median(perRound.rps), 1)}`);
      console.log(`  write / health: p50 ${x(off.p50, hs.p50)} without the chain, ${x(on.p50, hs.p50)} with it`);
      console.log(`  sealer: ${seal.during.sealed} rows in ${seal.during.runs} runs during the writes (longest run ${ms(seal.during.maxMs)} ms) + ${seal.final.sealed} in ${seal.final.runs} final seals;` +
        ` ${sealedAll} rows in ${Math.round(busyAll)} ms of sealPending = ${((sealedAll / busyAll) * 1000).toFixed(0)} rows/s`);
      table.push(
        ['GET /api/health p50 / p99', `${ms(hs.p50)} / ${ms(hs.p99)} ms`],
        [`PUT household, no chain p50 / p99`, `${ms(off.p50)} / ${ms(off.p99)} ms, ${off.rps.toFixed(0)}/s`],
        [`PUT household, chain p50 / p99`, `${ms(on.p50)} / ${ms(on.p99)} ms, ${on.rps.toFixed(0)}/s`],
        ['chain / no chain (p50, p99, throughput)', `${x(on.p50, off.p50)}, ${x(on.p99, off.p99)}, ${x(on.rps, off.rps)}`],
        ['  same, median of per-round ratios (p50, tput)', `${x(median(perRound.p50), 1)}, ${x(median(perRound.rps), 1)}`],
        ['PUT (chain) / health p50', x(on.p50, hs.p50)],
        ['sealing during writes', `${((sealedAll / busyAll) * 1000).toFixed(0)} rows/s`],
      );
    } finally {
      client.close();
      server.disconnect();
      await new Promise((r) => (server.exitCode !== null ? r(null) : server.once('exit', r)));
    }
  }

  if (!skipVerify) {
    const u2 = await h.db.execute<{ id: number }>(sql`
      INSERT INTO unions (code, name, short_name) VALUES ('BENCH2', '压测联合社二（生成数据）', '压测二')
      ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code RETURNING id`);
    const union2 = Number(u2.rows[0].id);
    const admin = await h.db.execute<{ id: number }>(sql`SELECT id FROM users WHERE username = 'bench.admin'`);
    const adminId = Number(admin.rows[0].id);
    const existing = Number((await h.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log`)).rows[0].n);
    console.log(`\n(b) inserting ${rows} audit rows over 2 unions (${existing} already there)`);
    const tIns = performance.now();
    // Household updates as the app writes them (its public row before and after, ~340 bytes
    // of JSON each), through the table's triggers and foreign keys; two batches at a time.
    const batch = 50_000;
    const insertBatch = (start: number, end: number) => h.db.execute(sql`
      INSERT INTO audit_log (union_id, user_id, username, action, resource, record_id, before, after, request_id, at)
      SELECT u, CASE WHEN u = ${unionId} THEN ${adminId}::int END, CASE WHEN u = ${unionId} THEN 'bench.admin' ELSE 'cadre.' || (g % 50) END,
             'update', 'households', (1 + g % 20000)::text, b,
             b || jsonb_build_object('address', '压测县生成镇' || g || '号院', 'version', v + 1, 'updated_at', ts),
             gen_random_uuid()::text, t
      FROM (
        SELECT g, u, v, t, to_char(t, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS ts, jsonb_build_object(
          'id', 1 + g % 20000, 'union_id', u, 'version', v, 'village_id', 1 + g % 6, 'code', 'BH-' || (1 + g % 20000),
          'head_name', (ARRAY['王','李','张','刘','陈','杨','黄','赵'])[1 + g % 8] || (ARRAY['建国','秀英','志明','桂芳','海波'])[1 + g % 5],
          'phone', '139' || lpad((g % 100000000)::text, 8, '0'), 'address', '压测县生成镇' || (g - 1) || '号院',
          'is_member', g % 8 <> 0, 'capital_contributed', ((g % 40) * 500)::text || '.00', 'joined_on', (date '2019-01-01' + g % 2500)::text,
          'created_at', '2024-03-01T08:00:00.000Z', 'updated_at', to_char(t - interval '3 days', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) AS b
        FROM (SELECT g, CASE WHEN g % 2 = 0 THEN ${unionId}::int ELSE ${union2}::int END AS u, 1 + g % 7 AS v,
                     timestamptz '2025-01-01' + g * interval '20 seconds' AS t
              FROM generate_series(${start}::int, ${end}::int) g OFFSET 0) p
        OFFSET 0) s`);
    let nextStart = 1;
    await Promise.all([0, 1].map(async () => {
      for (let start = nextStart; start <= rows; start = nextStart) {
        nextStart += batch;
        const end = Math.min(rows, start + batch - 1);
        await insertBatch(start, end);
      }
    }));
    const insertMs = performance.now() - tIns;
    const size = await h.db.execute<{ avg: number; total: string }>(sql`
      SELECT (SELECT avg(octet_length(before::text) + octet_length(after::text))::int FROM (SELECT before, after FROM audit_log ORDER BY id DESC LIMIT 1000) s) AS avg,
             pg_size_pretty(pg_total_relation_size('audit_log')) AS total`);
    console.log(`  inserted in ${Math.round(insertMs)} ms (${((rows / insertMs) * 1000).toFixed(0)} rows/s); before+after ~${size.rows[0].avg} bytes of JSON a row; audit_log ${size.rows[0].total} with indexes`);
    // As autovacuum would have done to rows written over months (it is off on this machine).
    let tv = performance.now();
    await h.db.execute(sql`VACUUM ANALYZE audit_log`);
    console.log(`  VACUUM ANALYZE in ${Math.round(performance.now() - tv)} ms`);

    const total = existing + rows;
    const tSeal = performance.now();
    const sealed = await sealPending(h.db, auditKey);
    const sealMs = performance.now() - tSeal;
    if (sealed.sealed !== rows) throw new Error(`sealPending sealed ${sealed.sealed} rows, expected ${rows}`);
    console.log(`  sealPending: ${sealed.sealed} rows in ${Math.round(sealMs)} ms (${((sealed.sealed / sealMs) * 1000).toFixed(0)} rows/s)`);
    tv = performance.now();
    await h.db.execute(sql`VACUUM ANALYZE audit_log`);
    console.log(`  VACUUM ANALYZE after sealing in ${Math.round(performance.now() - tv)} ms`);

    const countMs: number[] = [];
    for (let i = 0; i < 3; i++) {
      const tc = performance.now();
      const c = await h.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log`);
      countMs.push(performance.now() - tc);
      if (Number(c.rows[0].n) !== total) throw new Error(`count(*) = ${c.rows[0].n}, expected ${total}`);
    }
    const countMedian = median(countMs);
    console.log(`  SELECT count(*) FROM audit_log: ${countMs.map((m) => ms(m)).join(', ')} ms (median ${ms(countMedian)})`);

    const tVer = performance.now();
    const verified = await verifyChain(h.db, auditKey);
    const verifyMs = performance.now() - tVer;
    if (verified.rows !== total || verified.findings.length || verified.pending) throw new Error(`verifyChain: ${JSON.stringify({ ...verified, heads: undefined })}`);
    console.log(`  verifyChain: ${verified.rows} rows of ${verified.unions} unions in ${Math.round(verifyMs)} ms (${((verified.rows / verifyMs) * 1000).toFixed(0)} rows/s), intact`);

    const tCli = performance.now();
    const cli = await new Promise<{ code: number | null; out: string }>((resolve, reject) => {
      const child = spawn('npm', ['run', '--silent', 'audit:verify'], {
        env: { ...process.env, DATABASE_URL: url, JWT_SECRET: jwtSecret, AUDIT_KEY: auditKey, LOG_LEVEL: 'warn' },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('exit', (code) => resolve({ code, out }));
    });
    const cliMs = performance.now() - tCli;
    const checkedMs = Number(/checked \d+ row\(s\) of \d+ union\(s\) in (\d+) ms/.exec(cli.out)?.[1] ?? NaN);
    if (cli.code !== 0 || !cli.out.includes('audit trail intact')) throw new Error(`npm run audit:verify exited ${cli.code}:\n${cli.out}`);
    console.log(`  npm run audit:verify: exit ${cli.code} in ${Math.round(cliMs)} ms wall (${((total / cliMs) * 1000).toFixed(0)} rows/s), its own walk ${checkedMs} ms; it printed:`);
    for (const l of cli.out.trim().split('\n')) console.log(`    | ${l}`);

    console.log(`\n(b) ${total} audit rows over 2 unions:`);
    console.log(`  SELECT count(*)            ${ms(countMedian).padStart(8)} ms  ${((total / countMedian) * 1000).toFixed(0).padStart(10)} rows/s  1.00x`);
    console.log(`  sealPending (all ${rows})  ${ms(sealMs).padStart(8)} ms  ${((rows / sealMs) * 1000).toFixed(0).padStart(10)} rows/s  ${x(sealMs, countMedian)}`);
    console.log(`  verifyChain                ${ms(verifyMs).padStart(8)} ms  ${((total / verifyMs) * 1000).toFixed(0).padStart(10)} rows/s  ${x(verifyMs, countMedian)}`);
    console.log(`  npm run audit:verify       ${ms(cliMs).padStart(8)} ms  ${((total / cliMs) * 1000).toFixed(0).padStart(10)} rows/s  ${x(cliMs, countMedian)}`);
    table.push(
      [`insert ${rows} audit rows (SQL)`, `${(insertMs / 1000).toFixed(1)} s`],
      [`SELECT count(*) on ${total} rows`, `${ms(countMedian)} ms`],
      [`sealPending ${rows} rows`, `${(sealMs / 1000).toFixed(1)} s, ${((rows / sealMs) * 1000).toFixed(0)} rows/s`],
      [`verifyChain ${total} rows`, `${(verifyMs / 1000).toFixed(1)} s, ${((total / verifyMs) * 1000).toFixed(0)} rows/s, ${x(verifyMs, countMedian)} count(*)`],
      [`npm run audit:verify (wall)`, `${(cliMs / 1000).toFixed(1)} s, ${((total / cliMs) * 1000).toFixed(0)} rows/s, ${x(cliMs, countMedian)} count(*)`],
    );
  }
  await h.close();

  console.log(`\nsummary (one run, ${(await import('node:os')).cpus().length} cores, ${Math.round((performance.now() - tStart) / 1000)} s):`);
  const w = Math.max(...table.map(([k]) => k.length));
  for (const [k, v] of table) console.log(`  ${k.padEnd(w)}  ${v}`);
}

if (isMain(import.meta.url)) {
  if (process.argv.includes('--serve')) await serve();
  else await bench();
}
