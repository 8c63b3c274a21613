import cron from 'node-cron';
import type { FastifyBaseLogger } from 'fastify';
import type { Db } from '../../db/client';
import { isDatabaseUnavailable } from '../plugins/errors';
import { expireIdempotencyKeysJob } from './expire-idempotency-keys';
import { foldSupplyStockJob } from './fold-supply-stock';
import { sealAuditJob } from './seal-audit';

export interface JobDeps {
  db: Db;
  logger: FastifyBaseLogger;
  auditKey: string;
}

/** Schedules the server's jobs (main.ts only); each run is skipped while the previous one is busy. */
export function scheduleJobs(deps: JobDeps) {
  const log = deps.logger.child({ component: 'jobs' });
  const run = (name: string, fn: () => Promise<unknown>) => async () => {
    try {
      const result = await fn();
      log.debug({ job: name, result }, 'job done');
    } catch (err) {
      // The errors plugin already says once that the database is down; no line every tick.
      if (isDatabaseUnavailable(err)) log.debug({ job: name }, 'job skipped: database unavailable');
      else log.error({ err, job: name }, 'job failed');
    }
  };
  const tasks = [
    // Every 5 seconds: "shortly after commit", without a lock on any writer.
    cron.schedule('*/5 * * * * *', run('seal-audit', () => sealAuditJob(deps.db, deps.auditKey)), { name: 'seal-audit', noOverlap: true }),
    // Every 10 seconds: supply listings add the changes not folded yet, so this only keeps them few.
    cron.schedule('*/10 * * * * *', run('fold-supply-stock', () => foldSupplyStockJob(deps.db)), { name: 'fold-supply-stock', noOverlap: true }),
    cron.schedule('17 * * * *', run('expire-idempotency-keys', () => expireIdempotencyKeysJob(deps.db)), { name: 'expire-idempotency-keys', noOverlap: true }),
  ];
  return {
    async stop() {
      for (const t of tasks) await t.stop();
    },
  };
}
