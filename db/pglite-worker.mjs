// The embedded database's thread: opens PGlite and serves it over the PostgreSQL wire
// protocol on a Unix socket (never TCP), so the main thread talks to it with `pg` as it
// would to a PostgreSQL server and its event loop is never blocked by a query.
//
// Plain JavaScript on purpose: a Worker started under vitest does not get the tsx loader.
//
// workerData: { dataDir?: string, socketPath: string, loadDataDir?: Uint8Array }
// to the parent:   { type: 'ready', ms } | { type: 'failed', message, stack } |
//                  { type: 'dumped', id, data: ArrayBuffer } | { type: 'dumpFailed', id, message } |
//                  { type: 'closed' }
// from the parent: { type: 'dump', id } | { type: 'close' }
import { parentPort, workerData } from 'node:worker_threads';

const started = performance.now();
const { dataDir, socketPath, loadDataDir } = workerData;

/** @type {import('@electric-sql/pglite').PGlite | undefined} */
let db;
/** @type {import('@electric-sql/pglite-socket').PGLiteSocketServer | undefined} */
let server;

// A stray rejection in the socket layer (a client dropping mid-message, say) must not take
// the whole database down with it; it is reported and the server goes on.
process.on('unhandledRejection', (err) => {
  console.error('[pglite worker] unhandled rejection:', err);
});

function fail(err) {
  parentPort.postMessage({
    type: 'failed',
    message: err instanceof Error ? err.message : String(err),
    stack: err instanceof Error ? err.stack : undefined,
  });
}

try {
  // Loaded here rather than statically so that a missing or broken package is reported as
  // a failure to open, not as a worker that dies without a word.
  const [{ PGlite }, { pg_trgm }, { PGLiteSocketServer }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
    import('@electric-sql/pglite-socket'),
  ]);
  db = await PGlite.create({
    dataDir,
    loadDataDir: loadDataDir ? new Blob([loadDataDir]) : undefined,
    extensions: { pg_trgm },
  });
  // One pool connection is used at a time; a second slot lets a reconnect in while the
  // dropped one is still being cleaned up.
  server = new PGLiteSocketServer({ db, path: socketPath, maxConnections: 4 });
  await server.start();
  parentPort.postMessage({ type: 'ready', ms: Math.round(performance.now() - started) });
} catch (err) {
  fail(err);
  await db?.close().catch(() => {});
  process.exit(1);
}

let closing;
parentPort.on('message', async (msg) => {
  if (msg?.type === 'dump') {
    try {
      const file = await db.dumpDataDir('none');
      const data = await file.arrayBuffer();
      parentPort.postMessage({ type: 'dumped', id: msg.id, data }, [data]);
    } catch (err) {
      parentPort.postMessage({ type: 'dumpFailed', id: msg.id, message: err instanceof Error ? err.message : String(err) });
    }
  } else if (msg?.type === 'close') {
    closing ??= (async () => {
      try {
        await server.stop();
      } catch (err) {
        console.error('[pglite worker] stopping the socket server:', err);
      }
      // Flushes the data folder: after this a new start finds everything committed.
      await db.close();
    })();
    try {
      await closing;
      parentPort.postMessage({ type: 'closed' });
    } catch (err) {
      fail(err);
    }
  }
});
