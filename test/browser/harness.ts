import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import type { DbHandle } from '../../db/client';
import { buildTestApp, DEMO_PASSWORD } from '../helpers/app';
import { createTestDb } from '../helpers/db';

// What the browser tests share: Debian's Chromium, the built console (test/helpers/global-setup.ts
// builds it once before any file runs), and a real listening server on a test database.

export const CHROMIUM = '/usr/bin/chromium';
/**
 * How long a wait on the page may take (Playwright's actions and waitFor): a cap for a busy
 * machine, far above what any step takes. Waits are on conditions, never on time.
 */
export const WAIT_MS = 60_000;
/** The cap of a whole browser test: many such steps. */
export const TEST_MS = 300_000;
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
  const app = await buildTestApp(db, { adminRoot: resolve('admin/dist') });
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

/** A page in a fresh browser context (nothing stored), with the generous default wait. */
export async function newPage(ui: ConsoleUnderTest, viewport = { width: 1280, height: 720 }): Promise<Page> {
  const context = await ui.browser.newContext({ viewport });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  page.on('close', () => void context.close());
  return page;
}

/** Signs in through the login form and waits for the home page. */
export async function login(page: Page, base: string, username: string, password = DEMO_PASSWORD) {
  await page.goto(`${base}/#/login`);
  await page.getByLabel('用户名').fill(username);
  // The eye button is labelled 显示密码: anchor on the start of the label.
  await page.getByLabel(/^密码/).fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByText(/^欢迎/).first().waitFor();
}

export interface SignedInPage {
  page: Page;
  /** Uncaught page errors, as they come. */
  errors: string[];
  /** Errors logged to the console, with the address they came from, as they come. */
  consoleErrors: string[];
  close(): Promise<void>;
}

/**
 * A page of its own browser context, already signed in as username: the session the login
 * form would store (the login answer, in localStorage) is put there before the console loads,
 * so a test that is not about signing in skips the form. Opens on the home page.
 */
export async function signedInPage(
  ui: ConsoleUnderTest, username: string, viewport = { width: 1280, height: 720 }, password = DEMO_PASSWORD,
): Promise<SignedInPage> {
  const res = await fetch(`${ui.base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }),
  });
  if (res.status !== 200) throw new Error(`login ${username}: ${res.status} ${await res.text()}`);
  const context = await ui.browser.newContext({
    viewport,
    storageState: { cookies: [], origins: [{ origin: ui.base, localStorage: [{ name: 'lvjiang.session', value: await res.text() }] }] },
  });
  context.setDefaultTimeout(WAIT_MS);
  const page = await context.newPage();
  const errors: string[] = [];
  const consoleErrors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && consoleErrors.push(`${page.url()}: ${m.text()} ${m.location().url}`));
  await page.goto(`${ui.base}/#/`);
  await page.getByText(/^欢迎/).first().waitFor();
  return { page, errors, consoleErrors, close: () => context.close() };
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
