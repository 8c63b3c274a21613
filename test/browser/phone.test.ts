import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, describe, expect, it } from 'vitest';
import { available, signedInPage, TEST_MS, useConsole, type SignedInPage } from './harness';

// The console on a phone (390×844) and what each role sees of itself: lists as SimpleLists
// that never scroll sideways, the app bar's buttons on screen, 我的账号, the home card,
// the record footer, and no village filter or column for users who see one village.
// PHONE_SCREENSHOTS=1 also writes /tmp/phone-*.png (desktop 1280×800 and phone) to look at.
// Each role signs in once per screen size (the stored session, no login form: that is
// console.test.ts's) and its page serves every test here; moving between screens is a
// change of the address's #, not a page load.

const screenshots = !!process.env.PHONE_SCREENSHOTS;
const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
/** Every resource the console has a list for, in menu order. */
const RESOURCES = ['villages', 'cooperatives', 'households', 'people', 'plots', 'buyers', 'users', 'unions', 'audit-log'];

const ui = useConsole();

const pages = new Map<string, Promise<SignedInPage>>();
/**
 * The signed-in page of username at viewport, opened once for the file; errors holds what
 * went wrong since this call (pageerror and console errors; the page's first load included).
 */
async function open(username: string, viewport: { width: number; height: number }) {
  const key = `${username} ${viewport.width}`;
  const first = !pages.has(key);
  if (first) pages.set(key, signedInPage(ui, username, viewport));
  const opened = await pages.get(key)!;
  const from = first ? [0, 0] : [opened.errors.length, opened.consoleErrors.length];
  return {
    page: opened.page,
    get errors() {
      return [...opened.errors.slice(from[0]), ...opened.consoleErrors.slice(from[1])];
    },
  };
}
afterAll(async () => {
  for (const p of pages.values()) await (await p.catch(() => undefined))?.close().catch(() => {});
});

/** Back on the home page (the pages are shared: a test starts wherever the last one left). */
async function home(page: Page) {
  await page.goto(`${ui.base}/#/`);
  await page.getByText(/^欢迎/).first().waitFor();
}

/** The resources the signed-in user may read, from the stored session (a string expression: no DOM types here). */
const readable = async (page: Page): Promise<string[]> => {
  const permissions = await page.evaluate<Record<string, { read: boolean }>>(
    "JSON.parse(localStorage.getItem('lvjiang.session') || '{}').user.permissions",
  );
  return RESOURCES.filter((r) => permissions[r]?.read);
};

/** Opens a list and waits until its rows (or its empty message) are on screen. */
async function openList(page: Page, resource: string) {
  await page.goto(`${ui.base}/#/${resource}`);
  await page
    .locator('main .app-phone-list li, main table tbody tr')
    .or(page.locator('main').getByText(/^(还没有|没有找到)/))
    .first()
    .waitFor();
  await page.waitForLoadState('networkidle');
}

const shoot = async (page: Page, name: string) => {
  if (screenshots) await page.screenshot({ path: `/tmp/phone-${name}.png` });
};

/** The language and account buttons are visible and wholly inside the viewport. */
async function expectBarButtons(page: Page, where: string) {
  const buttons = {
    language: page.locator('header button[aria-controls="simple-menu"]'),
    account: page.getByRole('button', { name: '个人资料' }),
  };
  for (const [name, button] of Object.entries(buttons)) {
    expect(await button.isVisible(), `${where}: ${name} button visible`).toBe(true);
    const box = await button.boundingBox();
    expect(box, `${where}: ${name} button box`).not.toBeNull();
    expect(box!.x, `${where}: ${name} button left`).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, `${where}: ${name} button right`).toBeLessThanOrEqual(PHONE.width);
  }
}

const villageHeader = (page: Page) => page.getByRole('columnheader', { name: '所属村' });

describe.skipIf(!available)('console on a phone, and what each role sees of itself', () => {
  for (const username of ['admin', 'member.changjiang']) {
    it(`${username}: every list at 390 px is a SimpleList that does not scroll sideways, with the bar's buttons on screen`, async () => {
      const ctx = await open(username, PHONE);
      const { page } = ctx;
      await home(page);
      await expectBarButtons(page, 'home');
      await shoot(page, `${username}-home`);
      const lists = await readable(page);
      // Lists the role cannot read are not declared; every role reads a few.
      expect(lists.length).toBeGreaterThan(2);
      for (const resource of lists) {
        await openList(page, resource);
        expect(await page.locator('main table').count(), `${resource}: no table on a phone`).toBe(0);
        const empty = await page.locator('main').getByText(/^(还没有|没有找到)/).count();
        if (!empty) expect(await page.locator('main .app-phone-list li').count(), `${resource}: simple list rows`).toBeGreaterThan(0);
        const { scrollWidth, clientWidth } = await page.evaluate<{ scrollWidth: number; clientWidth: number }>(
          '({ scrollWidth: document.documentElement.scrollWidth, clientWidth: document.documentElement.clientWidth })',
        );
        expect(scrollWidth, `${resource}: page width`).toBeLessThanOrEqual(clientWidth);
        await expectBarButtons(page, resource);
        // No untranslated keys in the rows either.
        expect(await page.locator('main').innerText(), resource).not.toMatch(/\b(resources|ra|app|choices)\.[a-z_]+\.[a-z_.]+/);
        await shoot(page, `${username}-${resource}`);
      }
      // A show page with a long title (the union's full name): the title gives way, not the buttons.
      await page.goto(`${ui.base}/#/unions/1/show`);
      await page.getByTestId('record-meta').waitFor();
      await expectBarButtons(page, 'unions/1/show');
      await shoot(page, `${username}-unions-show`);
      // A row opens the record's page.
      await openList(page, 'plots');
      await page.locator('main .app-phone-list li a').first().click();
      await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/plots\/\d+\/show$/);
      expect(ctx.errors).toEqual([]);
    }, TEST_MS);
  }

  it('plot rows on a phone show name, code and area in mu', async () => {
    const { page } = await open('admin', PHONE);
    const plot = await ui.db.db.execute<{ name: string; code: string; area_mu: string }>(
      sql`SELECT name, code, area_mu FROM plots ORDER BY code LIMIT 1`,
    );
    const { name, code, area_mu } = plot.rows[0];
    await openList(page, 'plots');
    const first = await page.locator('main .app-phone-list li').first().innerText();
    expect(first).toContain(name);
    expect(first).toContain(code);
    expect(first).toContain(`${Number(area_mu).toFixed(2)} 亩`);
  }, TEST_MS);

  it('我的账号 in the user menu opens one\'s own account', async () => {
    for (const username of ['member.changjiang', 'admin']) {
      const ctx = await open(username, DESKTOP);
      const { page } = ctx;
      await home(page);
      const me = await ui.db.db.execute<{ id: number }>(sql`SELECT id FROM users WHERE username = ${username}`);
      await page.getByRole('button', { name: '个人资料' }).click();
      await page.getByRole('menuitem', { name: '我的账号' }).click();
      // Both may edit their own account (name, phone): its edit page opens.
      await expect.poll(() => new URL(page.url()).hash).toBe(`#/users/${me.rows[0].id}`);
      await expect.poll(() => page.getByLabel(/^用户名/).inputValue()).toBe(username);
      expect(ctx.errors).toEqual([]);
    }
  }, TEST_MS);

  it('the home card says what the account is attached to, in the terms of its role', async () => {
    // The card's references load after the page: wait until the expected line is there.
    const homeCard = async (username: string, expected: string) => {
      const { page } = await open(username, DESKTOP);
      await home(page);
      await expect.poll(() => page.locator('main').innerText()).toContain(expected);
      await shoot(page, `desktop-${username}-home`);
      return page.locator('main').innerText();
    };
    const union = await ui.db.db.execute<{ name: string }>(sql`SELECT name FROM unions ORDER BY id LIMIT 1`);
    const unionName = union.rows[0].name;

    const household = await ui.db.db.execute<{ code: string; head_name: string }>(
      sql`SELECT h.code, h.head_name FROM users u JOIN households h ON h.id = u.household_id WHERE u.username = 'member.changjiang'`,
    );
    const member = await homeCard('member.changjiang', `我的农户：${household.rows[0].code} ${household.rows[0].head_name}`);
    expect(member).not.toContain('管理范围');

    const buyer = await homeCard('buyer.port', '所属采购方：湖北省港口集团有限公司');
    expect(buyer).not.toContain('管理范围');

    await homeCard('admin', `管理范围：${unionName}（全联合社）`);
    await homeCard('cadre.changjiang', '管理范围：村 长江村');
  }, TEST_MS);

  it('show pages carry version and timestamps in one footer line, not as fields', async () => {
    const ctx = await open('admin', DESKTOP);
    const { page } = ctx;
    for (const screen of ['plots/1/show', 'households/1/show', 'villages/1/show', 'unions/1/show']) {
      await page.goto(`${ui.base}/#/${screen}`);
      const footer = page.getByTestId('record-meta');
      await expect.poll(() => footer.innerText()).toMatch(/^ID 1 · 版本 \d+ · 创建于 .+ · 更新于 .+/);
      const main = await page.locator('main').innerText();
      expect(main, screen).not.toContain('创建时间');
      expect(main, screen).not.toContain('更新时间');
    }
    await shoot(page, 'desktop-admin-unions-show');
    expect(ctx.errors).toEqual([]);
  }, TEST_MS);

  it('no village filter or column for a user who sees one village; the administrator has both', async () => {
    const filterMenu = async (page: Page) => {
      const add = page.getByRole('button', { name: '添加筛选' });
      // react-admin leaves the button out when every filter is always on (nothing to add).
      if ((await add.count()) === 0) return [];
      await add.click();
      // The filter menu is a popover of menuitemcheckboxes (the side menu's items are menuitems).
      const popover = page.locator('.MuiPopover-root [role^="menuitem"]:visible');
      await popover.first().waitFor();
      const items = await popover.allInnerTexts();
      await page.keyboard.press('Escape');
      await popover.first().waitFor({ state: 'detached' });
      return items.map((s) => s.trim());
    };
    for (const [username, oneVillage] of [['admin', false], ['manager.changjiang', true], ['member.changjiang', true]] as const) {
      const ctx = await open(username, DESKTOP);
      const { page } = ctx;
      const lists = (await readable(page)).filter((r) => ['cooperatives', 'households', 'people', 'plots'].includes(r));
      expect(lists.length, username).toBeGreaterThan(0);
      for (const resource of lists) {
        await openList(page, resource);
        expect(await villageHeader(page).count(), `${username} ${resource}: village column`).toBe(oneVillage ? 0 : 1);
        expect((await filterMenu(page)).includes('所属村'), `${username} ${resource}: village filter`).toBe(!oneVillage);
        if (resource === 'households') await shoot(page, `desktop-${username}-households`);
        if (oneVillage && resource === 'plots') {
          // Without the column, the rows still are Changjiang's only (their codes start with CJ-).
          const codes = await page.locator('main table tbody tr td:first-child').allInnerTexts();
          expect(codes.length).toBeGreaterThan(0);
          expect(codes.filter((c) => !c.startsWith('CJ-')), `${username}: plots of other villages`).toEqual([]);
        }
      }
      expect(ctx.errors).toEqual([]);
    }
  }, TEST_MS);
});
