import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { createDb } from '../../db/client';
import { seedDemo } from '../../scripts/demo-seed';
import { adminUrl, TEMPLATE_DB, withDatabase } from './pg';

declare module 'vitest' {
  export interface ProvidedContext {
    pgliteTemplate: string;
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
    const admin = await createDb({ databaseUrl: adminUrl(url), poolMax: 1 });
    await admin.db.execute(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)` as never);
    await admin.db.execute(`CREATE DATABASE ${TEMPLATE_DB}` as never);
    const tpl = await createDb({ databaseUrl: withDatabase(url, TEMPLATE_DB), poolMax: 2 });
    await tpl.migrate();
    await seedDemo(tpl.db);
    await tpl.close();
    await admin.close();
    project.provide('pgliteTemplate', '');
    return;
  }
  const dir = resolve('.tmp');
  mkdirSync(dir, { recursive: true });
  const h = await createDb({});
  await h.migrate();
  await seedDemo(h.db);
  const dump = await h.pglite!.dumpDataDir('none');
  const file = join(dir, `pglite-template-${process.pid}.tar`);
  writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  await h.close();
  project.provide('pgliteTemplate', file);
  return () => rmSync(file, { force: true });
}
