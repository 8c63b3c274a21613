import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { available, login as signIn, newPage, signedInPage, TEST_MS, useConsole } from './harness';

// Drives the built console in Debian's headless Chromium against a real listening server.
// The first test signs in through the login form; the others start signed in (the session
// the form stores), and the last one signs out and in again through the form.

const ui = useConsole();

const login = (page: Page, username: string) => signIn(page, ui.base, username);

/** The token of the console's stored session (a string expression: the tests have no DOM types). */
const storedToken = (page: Page) => page.evaluate<string>("JSON.parse(localStorage.getItem('lvjiang.session') || '{}').token");

describe.skipIf(!available)('console in a real browser', () => {
  it('a cooperative manager logs in, creates a plot and sees it in the list', async () => {
    const page = await newPage(ui);
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
    await page.getByText('CJ-BROWSER-1').first().waitFor();
    await page.getByRole('menuitem', { name: '地块' }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/plots');
    // Sorted by code, the new plot is pages away: find it as a user would, with the search box.
    await page.getByPlaceholder('搜索').fill('BROWSER');
    await page.getByRole('cell', { name: '浏览器测试大棚' }).waitFor();
    await page.getByPlaceholder('搜索').fill('');
    await page.getByRole('cell', { name: 'CJ-001-P1' }).waitFor();
    // Only Changjiang's plots are listed for its manager, who sees one village and so gets
    // no 所属村 column: the rows' codes are Changjiang's (CJ-…).
    expect(await page.getByRole('columnheader', { name: '所属村' }).count()).toBe(0);
    const codes = await page.locator('main table tbody tr td:first-child').allInnerTexts();
    expect(codes.length).toBeGreaterThan(0);
    expect(codes.filter((c) => !c.startsWith('CJ-'))).toEqual([]);

    const rows = await ui.db.db.execute<{ village: string; area_mu: string }>(
      sql`SELECT v.code AS village, p.area_mu FROM plots p JOIN villages v ON v.id = p.village_id WHERE p.code = 'CJ-BROWSER-1'`,
    );
    expect(rows.rows).toEqual([{ village: 'CJ', area_mu: '2.75' }]);
    expect(errors).toEqual([]);
    await page.close();
  }, TEST_MS);

  it('shows the server validation message under the input, and switches to English', async () => {
    const { page, close } = await signedInPage(ui, 'manager.changjiang');
    await page.goto(`${ui.base}/#/plots/create`);
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
    }, { timeout: 15_000 }).toContain('已存在，不能重复'); // app.field_error.already_exists, from the code
    const count = await ui.db.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM plots WHERE name = '重复编号'`);
    expect(Number(count.rows[0].n)).toBe(0);

    // The app bar hides while the form is scrolled: switch language from the top of the list.
    await page.getByRole('menuitem', { name: '地块' }).click();
    await page.mouse.wheel(0, -10_000);
    await page.locator('button[aria-controls="simple-menu"]').click(); // react-admin's locale menu
    await page.getByRole('menuitem', { name: 'English' }).click();
    await page.getByRole('menuitem', { name: 'Plots' }).waitFor();
    await close();
  }, TEST_MS);

  it('opens every screen of the administrator, translated, without errors', async () => {
    const { page, errors, consoleErrors, close } = await signedInPage(ui, 'admin');
    const me = await ui.db.db.execute<{ id: number }>(sql`SELECT id FROM users WHERE username = 'admin'`);
    const lastAudit = await ui.db.db.execute<{ id: number }>(sql`SELECT max(id)::int AS id FROM audit_log`);
    const screens = [
      'villages', 'villages/create', 'cooperatives', 'cooperatives/create', 'households', 'households/create', 'households/1/show',
      'people', 'people/create', 'plots', 'plots/1/show', 'buyers', 'buyers/create', 'users', 'users/create', `users/${me.rows[0].id}`, 'unions/1/show', 'audit-log',
      `audit-log/${lastAudit.rows[0].id}/show`, 'change-password',
    ];
    for (const screen of screens) {
      await page.goto(`${ui.base}/#/${screen}`);
      await page.locator('main').getByText(/./).first().waitFor();
      await page.waitForLoadState('networkidle');
      const text = await page.locator('body').innerText();
      // An untranslated label shows its key (resources.x.fields.y, ra.action.z).
      expect(text, screen).not.toMatch(/\b(resources|ra|app|choices)\.[a-z_]+\.[a-z_.]+/);
    }
    expect([...errors, ...consoleErrors]).toEqual([]);
    await close();
  }, TEST_MS);

  it('a member changes their own password on its screen, against the current one, and stays signed in', async () => {
    const { page, errors, close } = await signedInPage(ui, 'member.changjiang');
    const me = await ui.db.db.execute<{ id: number }>(sql`SELECT id FROM users WHERE username = 'member.changjiang'`);
    const id = me.rows[0].id;
    const oldToken = await storedToken(page);

    // Their own profile: the role is shown but cannot be changed, and there is no password
    // input any more, only the way to the change-password screen.
    await page.goto(`${ui.base}/#/users/${id}`);
    await expect.poll(() => page.getByLabel(/^角色/).isDisabled()).toBe(true);
    expect(await page.getByLabel(/^密码/).count()).toBe(0);
    await page.getByRole('link', { name: '前往修改密码' }).waitFor();
    // Their name and phone they still edit here.
    await page.getByLabel(/^电话/).fill('13800000001');
    await page.getByRole('button', { name: '保存' }).click();
    await page.getByText('13800000001').waitFor();
    await page.goto(`${ui.base}/#/users/${id}`);
    await expect.poll(() => page.getByLabel(/^电话/).inputValue()).toBe('13800000001');

    // The screen opens from the user menu, top right.
    await page.getByRole('button', { name: '个人资料' }).click();
    await page.getByRole('menuitem', { name: '修改密码' }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe('#/change-password');
    const current = page.getByLabel(/^当前密码/);
    const next = page.getByLabel(/^新密码/);
    const confirm = page.getByLabel(/^确认新密码/);
    const helperOf = async (input: typeof current) => {
      const described = await input.getAttribute('aria-describedby');
      return described ? page.locator(`[id="${described}"]`).innerText() : '';
    };
    const submit = page.getByRole('button', { name: '修改密码' });

    // The two new passwords must match: checked before anything is sent.
    await current.fill('demo1234');
    await next.fill('a-new-password-1');
    await confirm.fill('a-new-password-2');
    await submit.click();
    await expect.poll(() => helperOf(confirm)).toContain('两次输入的新密码不一致');

    // A wrong current password: the server's answer shows under that input.
    await current.fill('not-my-password');
    await confirm.fill('a-new-password-1');
    await submit.click();
    await expect.poll(() => helperOf(current)).toContain('当前密码不正确');
    expect(new URL(page.url()).hash).toBe('#/change-password');

    // The right one: changed, still signed in (with the fresh session), back where they came from.
    await current.fill('demo1234');
    await submit.click();
    await page.getByText('密码已修改').waitFor();
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/users/${id}`);
    const newToken = await storedToken(page);
    expect(newToken).not.toBe(oldToken);
    const meWith = (token: string) => fetch(`${ui.base}/api/auth/me`, { headers: { authorization: `Bearer ${token}` } });
    expect((await meWith(oldToken)).status).toBe(401);
    expect((await meWith(newToken)).status).toBe(200);
    await page.getByRole('menuitem', { name: '村', exact: true }).click();
    await page.getByRole('cell', { name: '长江村' }).waitFor();

    // Sign out, and in again with the new password; the old one is refused.
    await page.getByRole('button', { name: '个人资料' }).click();
    await page.getByRole('menuitem', { name: '退出登录' }).click();
    await page.getByRole('button', { name: '登录' }).waitFor();
    await page.getByLabel('用户名').fill('member.changjiang');
    await page.getByLabel(/^密码/).fill('a-new-password-1');
    await page.getByRole('button', { name: '登录' }).click();
    await page.getByText(/^欢迎/).first().waitFor();
    const old = await fetch(`${ui.base}/api/auth/login`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'member.changjiang', password: 'demo1234' }),
    });
    expect(old.status).toBe(401);
    expect(errors).toEqual([]);
    await close();
  }, TEST_MS);
});

