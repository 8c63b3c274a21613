import { appModules } from '../../server/modules/index';
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
  // Rebuilds the console when it is missing or older than its sources, as npm start does.
  execSync('node scripts/ensure-admin.mjs', { stdio: 'inherit' });
  db = await createTestDb();
  app = await buildApp({ db, config: { jwtSecret: TEST_SECRET, tokenTtlSeconds: 1800 }, modules: appModules, adminRoot });
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
  // The eye button is labelled 显示密码: anchor on the start of the label.
  await page.getByLabel(/^密码/).fill('demo1234');
  await page.getByRole('button', { name: '登录' }).click();
  await page.getByText(/^欢迎/).first().waitFor({ timeout: 15_000 });
}

describe.skipIf(!available)('console in a real browser', () => {
  it('a cooperative manager logs in, creates a plot and sees it in the list', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await login(page, 'manager.changjiang');

    await page.getByRole('menuitem', { name: '地块' }).click();
    await expect.poll(() => page.url()).toContain('#/plots');
    await page.getByRole('link', { name: '新建' }).first().click();
    await page.getByLabel(/^编号/).fill('CJ-BROWSER-1');
    await page.getByLabel(/^名称/).fill('浏览器测试大棚');
    // A manager's new records start in their own village.
    await expect.poll(() => page.getByLabel(/^所属村/).inputValue()).toBe('长江村');
    await page.getByLabel(/^村集体/).check();
    await page.getByLabel(/^面积/).fill('2.75');
    await page.getByLabel(/^类型/).click();
    await page.getByRole('option', { name: '大棚' }).click();
    await page.getByRole('button', { name: '保存' }).click();

    // Saved: the show page opens. Back to the list, where the new plot is a row.
    await page.getByText('CJ-BROWSER-1').first().waitFor({ timeout: 15_000 });
    await page.getByRole('menuitem', { name: '地块' }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/plots');
    // Sorted by code, the new plot is pages away: find it as a user would, with the search box.
    await page.getByPlaceholder('搜索').fill('BROWSER');
    await page.getByRole('cell', { name: '浏览器测试大棚' }).waitFor({ timeout: 15_000 });
    await page.getByPlaceholder('搜索').fill('');
    await page.getByRole('cell', { name: 'CJ-001-P1' }).waitFor({ timeout: 15_000 });
    // Only Changjiang's plots are listed for its manager.
    const villages = await page.getByRole('cell', { name: /村$/ }).allInnerTexts();
    expect(villages.length).toBeGreaterThan(0);
    expect(new Set(villages)).toEqual(new Set(['长江村']));

    const rows = await db.db.execute<{ village: string; area_mu: string }>(
      sql`SELECT v.code AS village, p.area_mu FROM plots p JOIN villages v ON v.id = p.village_id WHERE p.code = 'CJ-BROWSER-1'`,
    );
    expect(rows.rows).toEqual([{ village: 'CJ', area_mu: '2.75' }]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the server validation message under the input, and switches to English', async () => {
    const page = await browser.newPage();
    await login(page, 'manager.changjiang');
    await page.goto(`${base}/#/plots/create`);
    await page.getByLabel(/^编号/).fill('CJ-C1'); // a collective plot already has this code
    await page.getByLabel(/^名称/).fill('重复编号');
    // A manager's new records start in their own village.
    await expect.poll(() => page.getByLabel(/^所属村/).inputValue()).toBe('长江村');
    await page.getByLabel(/^村集体/).check();
    await page.getByLabel(/^面积/).fill('1');
    await page.getByLabel(/^类型/).click();
    await page.getByRole('option', { name: '露地' }).click();
    await page.getByRole('button', { name: '保存' }).click();
    // MUI ties the helper text to its input through aria-describedby.
    const code = page.getByLabel(/^编号/);
    await expect.poll(async () => {
      const id = await code.getAttribute('aria-describedby');
      return id ? page.locator(`[id="${id}"]`).innerText() : '';
    }, { timeout: 15_000 }).toContain('已存在');
    const count = await db.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM plots WHERE name = '重复编号'`);
    expect(Number(count.rows[0].n)).toBe(0);

    // The app bar hides while the form is scrolled: switch language from the top of the list.
    await page.getByRole('menuitem', { name: '地块' }).click();
    await page.mouse.wheel(0, -10_000);
    await page.locator('button[aria-controls="simple-menu"]').click(); // react-admin's locale menu
    await page.getByRole('menuitem', { name: 'English' }).click();
    await page.getByRole('menuitem', { name: 'Plots' }).waitFor({ timeout: 15_000 });
    await page.close();
  }, 90_000);

  it('opens every screen of the administrator, translated, without errors', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    let current = '';
    page.on('console', (m) => m.type() === 'error' && errors.push(`${current}: ${m.text()} ${m.location().url}`));
    await login(page, 'admin');
    const screens = [
      'villages', 'villages/create', 'cooperatives', 'cooperatives/create', 'households', 'households/create', 'households/1/show',
      'people', 'people/create', 'plots', 'plots/1/show', 'buyers', 'buyers/create', 'users', 'users/create', 'unions/1/show', 'audit-log',
    ];
    for (const screen of screens) {
      current = screen;
      await page.goto(`${base}/#/${screen}`);
      await page.locator('main').getByText(/./).first().waitFor();
      await page.waitForLoadState('networkidle');
      const text = await page.locator('body').innerText();
      // An untranslated label shows its key (resources.x.fields.y, ra.action.z).
      expect(text, screen).not.toMatch(/\b(resources|ra|app|choices)\.[a-z_]+\.[a-z_.]+/);
    }
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);

  it('a member changes their own password, is sent back to the login page, and signs in with the new one', async () => {
    const page = await browser.newPage();
    await login(page, 'member.changjiang');
    const me = await db.db.execute<{ id: number }>(sql`SELECT id FROM users WHERE username = 'member.changjiang'`);
    await page.goto(`${base}/#/users/${me.rows[0].id}`);
    // Their own profile: the role is shown but cannot be changed.
    await expect.poll(() => page.getByLabel(/^角色/).isDisabled()).toBe(true);
    await page.getByLabel(/^密码/).fill('a-new-password-1');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByRole('button', { name: '登录' }).waitFor({ timeout: 15_000 });
    await page.getByLabel('用户名').fill('member.changjiang');
    await page.getByLabel(/^密码/).fill('a-new-password-1');
    await page.getByRole('button', { name: '登录' }).click();
    // Signed in again: back in the console, wherever it returns to.
    await page.getByRole('menuitem', { name: '首页' }).waitFor({ timeout: 15_000 });
    const old = await fetch(`${base}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'member.changjiang', password: 'demo1234' }),
    });
    expect(old.status).toBe(401);
    await page.close();
  }, 60_000);
});

