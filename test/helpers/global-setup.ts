import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../db/client';
import { seedDemo } from '../../scripts/demo-seed';
import { adminUrl, withDatabase } from './pg';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
    /** The PostgreSQL template database of this run (one per run, so two runs can share a server). */
    pgTemplate: string;
  }
}

/**
 * Migrates and seeds one template database for the whole run; each test file then starts
 * from a copy (PGlite: loadDataDir of a dump; PostgreSQL: CREATE DATABASE ... TEMPLATE).
 */
export default async function setup(project: TestProject) {
  // The browser tests drive the built console: rebuild it here, once, when it is missing or
  // older than its sources (as npm start does), rather than in each browser file at once.
  if (existsSync('/usr/bin/chromium')) execSync('node scripts/build-console.mjs', { stdio: 'inherit' });
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `coop_test_template_${process.pid}`;
    const admin = await createDb({ databaseUrl: adminUrl(url), poolMax: 1 });
    await admin.db.execute(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)` as never);
    await admin.db.execute(`CREATE DATABASE ${template}` as never);
    const tpl = await createDb({ databaseUrl: withDatabase(url, template), poolMax: 2 });
    await tpl.migrate();
    await seedDemo(tpl.db);
    await tpl.close();
    await admin.close();
    project.provide('pgliteTemplate', '');
    project.provide('pgTemplate', template);
    return async () => {
      const a = await createDb({ databaseUrl: adminUrl(url), poolMax: 1 });
      await a.db.execute(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)` as never).catch(() => {});
      await a.close();
    };
  }
  project.provide('pgTemplate', '');
  const dir = resolve('.tmp');
  mkdirSync(dir, { recursive: true });
  const h = await createDb({});
  await h.migrate();
  await seedDemo(h.db);
  const file = join(dir, `pglite-template-${process.pid}.tar`);
  writeFileSync(file, await h.dump());
  await h.close();
  project.provide('pgliteTemplate', file);
  return () => rmSync(file, { force: true });
}
