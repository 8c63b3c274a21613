import { resolve } from 'node:path';
import closeWithGrace from 'close-with-grace';
import { pino } from 'pino';
import { createDb, pgliteDirOf } from '../db/client';
import { listenHost, parseEnv, type Config } from './config';
import { loadOrCreateSecret } from './lib/secrets';

// The only place that reads the environment, listens and schedules jobs.
// The database opens and migrates first (the embedded one in its own thread) while this
// thread loads the application's modules, which are imported below for that reason.

async function main() {
  const started = performance.now();
  let env;
  try {
    env = parseEnv(process.env);
  } catch (err) {
    console.error((err as Error).message);
    process.exit(1);
  }
  const pretty = process.argv.includes('--pretty');
  const logger = pino({
    level: env.LOG_LEVEL,
    ...(pretty && { transport: { target: 'pino-pretty', options: { translateTime: 'HH:MM:ss', ignore: 'pid,hostname' } } }),
  });

  const dataDir = resolve(env.DATA_DIR);
  const config: Config = {
    port: env.PORT,
    host: listenHost(env),
    databaseUrl: env.DATABASE_URL,
    dataDir,
    jwtSecret: env.JWT_SECRET ?? loadOrCreateSecret(dataDir, 'jwt-secret'),
    auditKey: env.AUDIT_KEY ?? loadOrCreateSecret(dataDir, 'audit-key'),
    migrationDatabaseUrl: env.MIGRATION_DATABASE_URL,
    logLevel: env.LOG_LEVEL,
    embedded: !env.DATABASE_URL,
    tokenTtlSeconds: 30 * 60,
    sessionMaxSeconds: Math.round(env.SESSION_MAX_HOURS * 3600),
    trustProxy: env.TRUST_PROXY,
  };

  const opening = createDb({
    databaseUrl: config.databaseUrl,
    migrationUrl: config.migrationDatabaseUrl,
    pgliteDir: config.embedded ? pgliteDirOf(dataDir) : undefined,
  }).then(async (handle) => {
    try {
      await handle.migrate();
      return handle;
    } catch (err) {
      await handle.close().catch(() => {});
      throw err;
    }
  });
  opening.catch(() => {}); // awaited below: not an unhandled rejection while the modules load
  const [{ DEMO_PASSWORD, demoAccounts, demoBanner, hasAnyUnion, hasDemoUnion, seedDemo }, { buildApp }, { scheduleJobs },
    { demoAccountsStillOnPassword }, { appModules }] = await Promise.all([
    import('../scripts/demo-seed'), import('./app'), import('./jobs/index'), import('./modules/auth/auth.service'), import('./modules/index'),
  ]);
  const db = await opening;
  // An empty embedded database (new, or left empty by an interrupted first start) gets the demo.
  const seeding = config.embedded && !(await hasAnyUnion(db.db));
  if (seeding) {
    logger.info('empty data folder: seeding the demo union');
    const seeded = await seedDemo(db.db);
    const { crops, rooms, plantings, lots, blocked, readings, work_records } = seeded.production;
    logger.info({ ...seeded.counts, crops, rooms, plantings, lots, plantings_inside_an_interval: blocked, readings, work_records }, 'demo union seeded');
  }

  // Before listening, so the banner follows "ready" at once: the demo accounts still on the
  // demo password (just seeded: all of them; otherwise an Argon2 check each, off this thread,
  // while the app is built); the others print "(password changed)".
  const demoUsernames = demoAccounts.map((a) => a.username);
  const demoCheck = (async () => {
    if (seeding) return { unchanged: new Set(demoUsernames) };
    if (!config.embedded || !(await hasDemoUnion(db.db))) return undefined;
    return { unchanged: await demoAccountsStillOnPassword(db.db, demoUsernames, DEMO_PASSWORD) };
  })();
  demoCheck.catch(() => {}); // awaited below

  const app = await buildApp({ db, config, logger, modules: appModules });
  const jobs = scheduleJobs({ db: db.db, logger, auditKey: config.auditKey });
  closeWithGrace({ delay: 10_000, logger }, async ({ signal, err }) => {
    if (err) logger.error({ err }, 'shutting down after an error');
    else logger.info({ signal }, 'shutting down: finishing in-flight requests');
    await jobs.stop();
    await app.close();
    await db.close();
  });

  const demo = await demoCheck;
  await app.listen({ port: config.port, host: config.host });
  const shownHost = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const baseUrl = `http://${shownHost}:${(app.server.address() as { port: number }).port}`;
  logger.info({ ms: Math.round(performance.now() - started), database: db.kind }, `ready on ${baseUrl}`);
  // The demo (embedded) listens on 127.0.0.1 unless HOST says otherwise.
  if (demo) console.log(demoBanner(baseUrl, { unchanged: demo.unchanged, localOnly: !env.HOST }));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
