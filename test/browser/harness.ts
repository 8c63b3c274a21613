import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { DbHandle } from '../../db/client';
import { buildApp } from '../../server/app';
import { appModules } from '../../server/modules/index';
import { DEMO_PASSWORD, TEST_SECRET } from '../helpers/app';
import { createTestDb } from '../helpers/db';

// What the browser tests share: Debian's Chromium, the built console (test/helpers/global-setup.ts
// builds it once before any file runs), and a real listening server on a test database.

export const CHROMIUM = '/usr/bin/chromium';
export const available = existsSync(CHROMIUM);
if (!available && process.env.REQUIRE_BROWSER) throw new Error(`REQUIRE_BROWSER is set but ${CHROMIUM} is missing`);
if (!available) console.warn(`browser test skipped: ${CHROMIUM} not found (apt-get install chromium)`);

export interface ConsoleUnderTest {
  app: FastifyInstance;
  db: DbHandle;
  browser: Browser;
  /** http://127.0.0.1:<port> */
  base: string;
  close(): Promise<void>;
}

export async function startConsole(): Promise<ConsoleUnderTest> {
  const db = await createTestDb();
  const app = await buildApp({
    db, config: { jwtSecret: TEST_SECRET, tokenTtlSeconds: 1800 }, modules: appModules, adminRoot: resolve('admin/dist'),
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  const base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'],
  });
  return {
    app, db, browser, base,
    async close() {
      await browser.close();
      await app.close();
      await db.close();
    },
  };
}

/** Signs in through the login form and waits for the home page. */
export async function login(page: Page, base: string, username: string, password = DEMO_PASSWORD) {
  await page.goto(`${base}/#/login`);
  await page.getByLabel('用户名').fill(username);
  // The eye button is labelled 显示密码: anchor on the start of the label.
  await page.getByLabel(/^密码/).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByText(/^欢迎/).first().waitFor({ timeout: 15_000 });
}

/**
 * Starts the console before a browser test file and stops it after: the returned object is
 * filled in by beforeAll (left empty when Chromium is missing and the file skips).
 */
export function useConsole(): ConsoleUnderTest {
  const ui = {} as ConsoleUnderTest;
  beforeAll(async () => {
    if (available) Object.assign(ui, await startConsole());
  });
  afterAll(async () => {
    await ui.close?.();
  });
  return ui;
}
