import { AsyncLocalStorage } from 'node:async_hooks';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { sql } from 'drizzle-orm';
import type { NodePgDatabase } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import * as relations from './relations';
import * as tables from './schema/index';

const schema = { ...tables, ...relations };

/** One drizzle type for both drivers: business code never branches on the dialect. */
export type Db = NodePgDatabase<typeof schema>;
/** A transaction handle; repositories accept either a Db or a Tx. */
export type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];
export type DbOrTx = Db | Tx;

export const migrationsFolder = resolve(dirname(fileURLToPath(import.meta.url)), 'migrations');

/** A LISTEN on one channel (see DbHandle.listen). */
export interface Listener {
  /** False while notifications may be missed (the connection is lost and not yet back). */
  readonly live: boolean;
  close(): Promise<void>;
}

export interface DbHandle {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Applies pending migrations; safe when several instances start at once. */
  migrate(): Promise<void>;
  /** True when the database answers a trivial query. */
  ping(): Promise<boolean>;
  close(): Promise<void>;
  /** An uncompressed tar of the embedded database's data folder (tests load it as a template); throws on PostgreSQL. */
  dump(): Promise<Uint8Array>;
  /**
   * Calls onNotify(payload) for each NOTIFY on channel; onLive(false) when notifications may
   * have been missed (connection lost), onLive(true) once listening again. Resolves once the
   * first LISTEN is done (`live` true) or, on PostgreSQL, once the first attempt failed
   * (`live` false, retrying); onLive reports only the changes after that.
   */
  listen(channel: string, onNotify: (payload: string) => void, onLive: (live: boolean) => void): Promise<Listener>;
}

export interface CreateDbOptions {
  /** postgres:// URL; when absent the embedded PGlite is used. */
  databaseUrl?: string;
  /**
   * The schema owner's URL, used only to migrate; afterwards it grants the server's role
   * (DATABASE_URL's) just the rights it needs. Unset: DATABASE_URL does both.
   */
  migrationUrl?: string;
  /** Folder of the embedded database; absent means in memory. */
  pgliteDir?: string;
  /** A PGlite data-dir dump to start from (tests reuse a migrated template). */
  loadDataDir?: Uint8Array;
  poolMax?: number;
}

// Serialises concurrent migrators across instances sharing one PostgreSQL.
const MIGRATION_LOCK_KEY = 727_001;

export async function createDb(opts: CreateDbOptions): Promise<DbHandle> {
  if (!opts.databaseUrl) return createEmbeddedDb(opts);
  const databaseUrl = opts.databaseUrl;
  // A database that hangs instead of refusing answers 503 after 5 s, not at the request timeout.
  const pool = new pg.Pool({ connectionString: databaseUrl, max: opts.poolMax ?? 10, connectionTimeoutMillis: 5000 });
  // An idle client that errors (server restart) must not crash the process.
  pool.on('error', () => {});
  const db = withCommitHooks(drizzlePg(pool, { schema }));
  return {
    db,
    kind: 'postgres',
    async migrate() {
      const separate = opts.migrationUrl && opts.migrationUrl !== databaseUrl;
      // Two connections: one holds the advisory lock while the migrator uses the other.
      const ownerPool = separate ? new pg.Pool({ connectionString: opts.migrationUrl, max: 2 }) : pool;
      const client = await ownerPool.connect();
      try {
        await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
        await migratePg(separate ? drizzlePg(ownerPool, { schema }) : db, { migrationsFolder });
        if (separate) {
          const { rows } = await pool.query<{ role: string }>('SELECT current_user AS role');
          await grantRuntimeRole(client, rows[0].role);
        }
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
        client.release();
        if (separate) await ownerPool.end();
      }
    },
    ping: () => ping(db),
    close: () => drainAndEnd(pool),
    async dump() {
      throw new Error('dump() is only for the embedded database');
    },
    listen: (channel, onNotify, onLive) => listenPostgres(databaseUrl, channel, onNotify, onLive),
  };
}

/** Requests whose client hung up still finish their queries: wait (bounded) for them, then end the pool. */
async function drainAndEnd(pool: pg.Pool): Promise<void> {
  for (let i = 0; i < 100 && (pool.waitingCount > 0 || pool.idleCount < pool.totalCount); i++) {
    await new Promise((r) => setTimeout(r, 50));
  }
  await pool.end();
}

/**
 * A dedicated connection (not from the pool) that LISTENs, and after losing its connection
 * reconnects with a backoff of 250 ms doubling to 5 s.
 */
async function listenPostgres(
  url: string, channel: string, onNotify: (payload: string) => void, onLive: (live: boolean) => void,
): Promise<Listener> {
  let closed = false;
  let live = false;
  let client: pg.Client | undefined;
  let timer: NodeJS.Timeout | undefined;
  let delay = 250;
  let settled = false;

  const setLive = (v: boolean) => {
    if (live === v) return;
    live = v;
    if (settled && !closed) onLive(v);
  };
  const lost = (c: pg.Client) => {
    if (client !== c) return;
    client = undefined;
    c.end().catch(() => {});
    setLive(false);
    schedule();
  };
  const schedule = () => {
    if (closed || timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      void attempt();
    }, delay);
    delay = Math.min(delay * 2, 5000);
  };
  const attempt = async (): Promise<void> => {
    if (closed) return;
    const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true });
    c.on('error', () => lost(c));
    c.on('end', () => lost(c));
    c.on('notification', (n) => {
      if (n.channel === channel && !closed) onNotify(n.payload ?? '');
    });
    client = c;
    try {
      await c.connect();
      await c.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
    } catch {
      lost(c);
      return;
    }
    if (client !== c) return; // lost while connecting
    if (closed) {
      await c.end().catch(() => {});
      return;
    }
    delay = 250;
    setLive(true);
  };

  await attempt();
  settled = true;
  return {
    get live() {
      return live && !closed;
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      timer = undefined;
      const c = client;
      client = undefined;
      await c?.end().catch(() => {});
    },
  };
}

type WorkerReply =
  | { type: 'ready'; ms: number }
  | { type: 'failed'; message: string; stack?: string }
  | { type: 'dumped'; id: number; data: ArrayBuffer }
  | { type: 'dumpFailed'; id: number; message: string }
  | { type: 'closed' };

const workerFile = new URL('./pglite-worker.mjs', import.meta.url);

/** A private folder for the socket: Unix socket paths are limited to about 107 bytes. */
function socketFolder(): string {
  const base = tmpdir().length <= 60 ? tmpdir() : '/tmp';
  return mkdtempSync(join(base, 'coop-pg-')); // mode 0700: only this user may connect
}

/**
 * pg-pool's query() drops its connection after any error. A statement's error (a constraint,
 * a syntax error) leaves a healthy connection; with one connection to a session that outlives
 * it, dropping it costs a reconnect for nothing. This pool keeps it unless the error is the
 * connection's own.
 */
/**
 * Work run inside `withPriority` goes to the front of the embedded database's queue (behind
 * other such work): a sign-in does not wait for every list query queued before it on
 * PGlite's one connection. PostgreSQL has a connection per request and ignores it.
 */
const priority = new AsyncLocalStorage<true>();
/** Embedded databases open in this process: without one, no AsyncLocalStorage (and its cost on every promise). */
let embeddedOpen = 0;
export const withPriority = <T>(fn: () => Promise<T>): Promise<T> => (embeddedOpen ? priority.run(true, fn) : fn());
const prioritized = new WeakSet<object>();

class SessionPool extends pg.Pool {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's overloads, passed through
  override connect(...args: any[]): any {
    // pg-pool queues a waiter at the end of _pendingQueue (it has no public priority).
    const queue = (this as unknown as { _pendingQueue?: object[] })._pendingQueue;
    const before = queue?.length ?? 0;
    const result = (super.connect as (...a: unknown[]) => unknown)(...args);
    if (priority.getStore() && queue && queue.length === before + 1) {
      const item = queue.pop()!;
      let at = 0;
      while (at < queue.length && prioritized.has(queue[at])) at++;
      queue.splice(at, 0, item);
      prioritized.add(item);
    }
    return result;
  }


  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- pg's overloads, passed through
  override query(...args: any[]): any {
    if (typeof args[args.length - 1] === 'function') return (super.query as (...a: unknown[]) => unknown)(...args);
    return (async () => {
      const client = await this.connect();
      let broken: Error | undefined;
      try {
        return await (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
      } catch (err) {
        if (!(err instanceof pg.DatabaseError) || (err.severity !== 'ERROR' && err.severity !== undefined)) broken = err as Error;
        throw err;
      } finally {
        client.release(broken);
      }
    })();
  }
}

/** Callbacks to run once a transaction has committed (see afterCommit). */
const commitHooks = new WeakMap<object, (() => void)[]>();

/**
 * Runs `fn` once `tx` has committed (at once when `tx` is not a top-level transaction of a
 * database made by createDb): what others may cache must be forgotten after the commit, not
 * before, or a reader between the two would cache the old state again.
 */
export function afterCommit(tx: DbOrTx, fn: () => void) {
  const hooks = commitHooks.get(tx);
  if (hooks) hooks.push(fn);
  else fn();
}

/** db.transaction, running the afterCommit callbacks of a transaction that committed. */
function withCommitHooks(db: Db): Db {
  const transaction = db.transaction.bind(db);
  db.transaction = (async (run: (tx: Tx) => Promise<unknown>, config?: unknown) => {
    const hooks: (() => void)[] = [];
    const result = await transaction(async (tx) => {
      commitHooks.set(tx, hooks);
      return run(tx);
    }, config as never);
    for (const hook of hooks) hook();
    return result;
  }) as Db['transaction'];
  return db;
}

const heldLocks = new Set<string>();

// A process that exits without close() (a test fork torn down, an uncaught error) still
// removes its socket folders and lock files; its database thread dies with it.
const exitCleanups = new Set<() => void>();
let exitHookSet = false;
function cleanupOnExit(f: () => void): () => void {
  if (!exitHookSet) {
    exitHookSet = true;
    process.once('exit', () => {
      for (const g of exitCleanups) g();
    });
  }
  exitCleanups.add(f);
  return () => exitCleanups.delete(f);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A killed process whose parent has not reaped it yet (a zombie, state Z) still answers
  // kill(pid, 0) but holds nothing: on Linux, /proc tells.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /s.test(stat);
  } catch {
    return true;
  }
}

/** The live process holding the embedded database folder's lock, if any (`npm run seed` asks before deleting it). */
export function embeddedHolder(dir: string): number | undefined {
  let pid = NaN;
  try {
    pid = Number.parseInt(readFileSync(`${resolve(dir)}.lock`, 'utf8'), 10);
  } catch {
    return undefined;
  }
  return pid > 0 && pid !== process.pid && processAlive(pid) ? pid : undefined;
}

/**
 * PGlite does not lock its folder, and two of them on one folder corrupt it: a lock file next
 * to it (`<folder>.lock`, the owner's pid) refuses a second server or script on the same
 * DATA_DIR. A lock whose process is gone (a crash, a kill -9) is taken over. Returns the release.
 */
function lockFolder(dir: string): () => void {
  const lockPath = `${resolve(dir)}.lock`;
  if (heldLocks.has(lockPath)) throw new Error(`the embedded database ${dir} is already open in this process`);
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(lockPath, `${process.pid}\n`, { flag: 'wx', mode: 0o600 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      let pid = NaN;
      try {
        pid = Number.parseInt(readFileSync(lockPath, 'utf8'), 10);
      } catch { /* removed meanwhile */ }
      // Our own pid in a lock we do not hold: left by an earlier process that had it (a container's pid 1).
      const stale = !(pid > 0) || pid === process.pid || !processAlive(pid);
      if (!stale || attempt > 0) {
        throw new Error(`the embedded database ${dir} is in use by process ${pid} (another server or script on the same DATA_DIR): ` +
          `stop it first, or remove ${lockPath} if no such process is using it`);
      }
      rmSync(lockPath, { force: true });
    }
  }
  heldLocks.add(lockPath);
  return () => {
    heldLocks.delete(lockPath);
    rmSync(lockPath, { force: true });
  };
}

/**
 * The embedded database: PGlite runs in a worker thread (db/pglite-worker.mjs) and serves
 * the PostgreSQL wire protocol on a Unix socket in a private folder; this thread reaches it
 * with the same `pg` driver as a PostgreSQL server, so a query never blocks the event loop.
 *
 * PGlite is a single backend session and the socket server runs one protocol message at a
 * time, so two connections could interleave their unnamed statements: one connection only.
 */
async function createEmbeddedDb(opts: CreateDbOptions): Promise<DbHandle> {
  const where = opts.pgliteDir ?? 'memory';
  const load = opts.loadDataDir;
  if (opts.pgliteDir) mkdirSync(opts.pgliteDir, { recursive: true });
  const unlock = opts.pgliteDir ? lockFolder(opts.pgliteDir) : () => {};
  let socketDir: string;
  try {
    socketDir = socketFolder();
  } catch (err) {
    unlock();
    throw err;
  }
  let cleaned = false;
  const cleanup = () => {
    if (cleaned) return;
    cleaned = true;
    embeddedOpen--;
    forget();
    rmSync(socketDir, { recursive: true, force: true });
    unlock();
  };
  const forget = cleanupOnExit(cleanup);
  embeddedOpen++;

  let worker: Worker;
  try {
    worker = new Worker(workerFile, {
      workerData: { dataDir: opts.pgliteDir, socketPath: join(socketDir, '.s.PGSQL.5432'), loadDataDir: load },
      // Copied to the thread (structured clone): the caller keeps its bytes.
      // Plain JavaScript: without the parent's flags (`--import tsx`), the thread starts sooner.
      execArgv: [],
      stderr: false,
      stdout: false,
    });
  } catch (err) {
    cleanup();
    throw new Error(`the embedded database (${where}) could not start its thread: ${(err as Error).message}`, { cause: err });
  }

  let alive = true;
  let closing = false;
  let lastError: Error | undefined;
  const onDeath = new Set<() => void>();
  const pendingDumps = new Map<number, { resolve: (b: Uint8Array) => void; reject: (e: Error) => void }>();
  let closedReply: (() => void) | undefined;

  const ready = new Promise<void>((resolveReady, rejectReady) => {
    worker.on('message', (m: WorkerReply) => {
      if (m.type === 'ready') resolveReady();
      else if (m.type === 'failed') {
        lastError = new Error(`the embedded database (${where}) failed: ${m.message}`);
        if (m.stack) lastError.stack = `${lastError.message}\n(in the database thread) ${m.stack}`;
        rejectReady(lastError);
      } else if (m.type === 'dumped' || m.type === 'dumpFailed') {
        const p = pendingDumps.get(m.id);
        pendingDumps.delete(m.id);
        if (m.type === 'dumped') p?.resolve(new Uint8Array(m.data));
        else p?.reject(new Error(`dumping the embedded database failed: ${m.message}`));
      } else if (m.type === 'closed') closedReply?.();
    });
    worker.on('error', (err) => {
      lastError ??= new Error(`the embedded database (${where}) thread crashed: ${err.message}`, { cause: err });
      rejectReady(lastError);
    });
    worker.on('exit', (code) => {
      alive = false;
      const err = lastError ?? new Error(`the embedded database (${where}) thread stopped (exit code ${code})`);
      rejectReady(err);
      for (const p of pendingDumps.values()) p.reject(err);
      pendingDumps.clear();
      closedReply?.();
      if (!closing) for (const f of onDeath) f();
    });
  });

  try {
    await ready;
  } catch (err) {
    await worker.terminate().catch(() => {});
    cleanup();
    throw err;
  }
  // From here the thread does not keep the process alive by itself (as PGlite on the main
  // thread did not): the pool's connection does while a query runs, and dump/close ref it.
  worker.unref();

  // LISTEN state belongs to PGlite's one session, and a NOTIFY reaches whichever connection
  // ran the statement that committed it: every pool connection dispatches notifications, and
  // a new connection (after one was dropped) LISTENs again before it is used.
  const channels = new Map<string, Set<(payload: string) => void>>();
  const pool = new SessionPool({
    host: socketDir,
    port: 5432,
    user: 'postgres',
    database: 'postgres', // PGlite has one database, whatever the name asked for
    max: 1,
    // The one connection is kept; and no wait limit, as a query queued behind a slow one is
    // not a database that cannot be reached.
    idleTimeoutMillis: 0,
    allowExitOnIdle: true,
    onConnect: async (c) => {
      c.on('notification', (n) => {
        for (const f of channels.get(n.channel) ?? []) f(n.payload ?? '');
      });
      // The session outlives a connection: a new one starts from a clean session, as on a new
      // backend (a dropped connection's named statements would clash with this one's).
      await c.query('DISCARD ALL');
      for (const ch of channels.keys()) await c.query(`LISTEN ${pg.escapeIdentifier(ch)}`);
    },
  });
  pool.on('error', () => {});
  let poolEnd: Promise<void> | undefined;
  const endPool = () => (poolEnd ??= pool.end().catch(() => {}));
  // A thread that dies is not restarted: the pool is ended, so each query fails at once with
  // an error read as "database unavailable" (503), not with the socket's ENOENT.
  onDeath.add(() => {
    console.error(`${(lastError ?? new Error(`the embedded database (${where}) thread stopped`)).message}: answering "database unavailable" from now on`);
    void endPool();
  });

  const db = withCommitHooks(drizzlePg(pool, { schema }));
  let dumpSeq = 0;
  let closed: Promise<void> | undefined;

  return {
    db,
    kind: 'pglite',
    async migrate() {
      await migratePg(db, { migrationsFolder });
    },
    ping: () => ping(db),
    async dump() {
      if (!alive) throw lastError ?? new Error('the embedded database is closed');
      const id = ++dumpSeq;
      worker.ref();
      try {
        return await new Promise<Uint8Array>((res, rej) => {
          pendingDumps.set(id, { resolve: res, reject: rej });
          worker.postMessage({ type: 'dump', id });
        });
      } finally {
        if (pendingDumps.size === 0 && alive) worker.unref();
      }
    },
    async listen(channel, onNotify, onLive) {
      let set = channels.get(channel);
      const fresh = !set;
      if (!set) channels.set(channel, (set = new Set()));
      set.add(onNotify);
      if (fresh) {
        try {
          await pool.query(`LISTEN ${pg.escapeIdentifier(channel)}`);
        } catch (err) {
          set.delete(onNotify);
          if (set.size === 0) channels.delete(channel);
          throw err;
        }
      }
      let open = true;
      const died = () => {
        if (open) onLive(false);
      };
      onDeath.add(died);
      return {
        get live() {
          return open && alive;
        },
        async close() {
          if (!open) return;
          open = false;
          onDeath.delete(died);
          const s = channels.get(channel);
          s?.delete(onNotify);
          if (s && s.size === 0) {
            channels.delete(channel);
            if (alive && !closing) await pool.query(`UNLISTEN ${pg.escapeIdentifier(channel)}`).catch(() => {});
          }
        },
      };
    },
    close() {
      closed ??= (async () => {
        closing = true;
        try {
          if (!poolEnd) {
            // Requests whose client hung up still finish their queries: wait (bounded) for them.
            for (let i = 0; i < 100 && (pool.waitingCount > 0 || pool.idleCount < pool.totalCount); i++) {
              await new Promise((r) => setTimeout(r, 50));
            }
          }
          await endPool();
        } finally {
          if (alive) {
            worker.ref();
            // PGlite's close flushes the data folder; bounded, so a stuck thread cannot hold a shutdown forever.
            const done = new Promise<void>((r) => (closedReply = r));
            worker.postMessage({ type: 'close' });
            let timeout: NodeJS.Timeout | undefined;
            await Promise.race([done, new Promise((r) => (timeout = setTimeout(r, 30_000)))]);
            clearTimeout(timeout);
          }
          await worker.terminate().catch(() => {});
          cleanup();
        }
      })();
      return closed;
    },
  };
}

/**
 * The server's role owns nothing: it reads and writes rows, uses sequences, and on the
 * audit trail may only insert and seal (it cannot alter, delete, truncate, or touch the
 * triggers and functions that guard it, which only an owner can).
 */
export async function grantRuntimeRole(client: pg.PoolClient | pg.Client, role: string): Promise<void> {
  const r = pg.escapeIdentifier(role);
  await client.query(`
    GRANT USAGE ON SCHEMA public TO ${r};
    GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${r};
    GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${r};
    REVOKE UPDATE, DELETE, TRUNCATE ON audit_log FROM ${r};
    GRANT UPDATE (seal, seal_prev_id) ON audit_log TO ${r};`);
}

async function ping(db: Db): Promise<boolean> {
  try {
    await db.execute(sql`SELECT 1`);
    return true;
  } catch {
    return false;
  }
}

export function pgliteDirOf(dataDir: string): string {
  return join(dataDir, 'pglite');
}

/** The same server's URL for another database (`postgres` for CREATE/DROP DATABASE). */
export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}
