import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { sql } from 'drizzle-orm';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DbHandle } from '../../db/client';
import { buildApp } from '../../server/app';
import { TEST_SECRET } from '../helpers/app';
import { createTestDb } from '../helpers/db';

// Drives the built console in Debian's headless Chromium against a real listening server.

const CHROMIUM = '/usr/bin/chromium';
const available = existsSync(CHROMIUM);
if (!available && process.env.REQUIRE_BROWSER) throw new Error(`REQUIRE_BROWSER is set but ${CHROMIUM} is missing`);
if (!available) console.warn(`browser test skipped: ${CHROMIUM} not found (apt-get install chromium)`);

const adminRoot = resolve('admin/dist');
let app: FastifyInstance;
let db: DbHandle;
let browser: Browser;
let base: string;

beforeAll(async () => {
  if (!available) return;
  if (!existsSync(resolve(adminRoot, 'index.html'))) execSync('npm run build:admin', { stdio: 'inherit' });
  db = await createTestDb();
  app = await buildApp({ db, config: { jwtSecret: TEST_SECRET, tokenTtlSeconds: 1800 }, adminRoot });
  await app.listen({ port: 0, host: '127.0.0.1' });
  base = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu', '--disable-dev-shm-usage'],
  });
});

afterAll(async () => {
  await browser?.close();
  await app?.close();
  await db?.close();
});

async function login(page: Page, username: string) {
  await page.goto(`${base}/#/login`);
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill('demo1234');
  await page.getByRole('button', { name: '登录' }).click();
}

describe.skipIf(!available)('console in a real browser', () => {
  it('a cooperative manager logs in, creates a plot and sees it in the list', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await login(page, 'manager.changjiang');

    await page.getByRole('menuitem', { name: '地块' }).click();
    await expect.poll(() => page.url()).toContain('#/plots');
    // The manager sees Changjiang's plots only.
    await page.getByRole('link', { name: /新建|创建/ }).first().click();
    await page.getByLabel('编号').fill('CJ-BROWSER-1');
    await page.getByLabel('名称').fill('浏览器测试大棚');
    await page.getByLabel(/面积/).fill('2.75');
    await page.getByLabel('权属').click();
    await page.getByRole('option', { name: '集体' }).click();
    await page.getByLabel('类型').click();
    await page.getByRole('option', { name: '大棚' }).click();
    await page.getByRole('button', { name: '保存' }).click();

    await page.getByRole('menuitem', { name: '地块' }).click();
    await page.getByText('浏览器测试大棚').waitFor({ timeout: 15_000 });

    const rows = await db.db.execute<{ village: string; area_mu: string }>(
      sql`SELECT v.code AS village, p.area_mu FROM plots p JOIN villages v ON v.id = p.village_id WHERE p.code = 'CJ-BROWSER-1'`,
    );
    expect(rows.rows).toEqual([{ village: 'CJ', area_mu: '2.75' }]);
    expect(errors).toEqual([]);
    await page.close();
  });
});
