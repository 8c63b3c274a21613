import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { available, signedInPage, TEST_MS, useConsole, type SignedInPage } from './harness';

// Selling and tracing in the console, on the demo data (scripts/demo-sales.ts): the port
// group's buyer sees what is offered with its 14-day forecast and orders a listed crop; the
// sales clerk confirms and allocates it from the order's page and sees the line-by-line
// result; the buyer then sees the order allocated. The trace and recall screens of a demo
// lot open without errors or untranslated keys.

/** SALES_SCREENSHOTS=1 writes /tmp/sales-*.png to look at. */
const shoot = async (page: Page, name: string) => {
  if (process.env.SALES_SCREENSHOTS) await page.screenshot({ path: `/tmp/sales-${name}.png`, fullPage: true });
};
const UNTRANSLATED = /\b(resources|ra|app|choices)\.[a-z_-]+\.[a-z_.]+/;

const ui = useConsole();

async function tokenOf(username: string): Promise<string> {
  const res = await fetch(`${ui.base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'demo1234' }),
  });
  return ((await res.json()) as { token: string }).token;
}

const noProblems = (signed: SignedInPage, allowed: RegExp = /$^/) => {
  expect(signed.errors).toEqual([]);
  expect(signed.consoleErrors.filter((e) => !allowed.test(e))).toEqual([]);
};

describe.skipIf(!available)('selling', () => {
  it('a buyer orders from the supply list; sales confirms and allocates it; the buyer sees it allocated', async () => {
    // The listing with the most on hand, so that the order can be allocated in full.
    const token = await tokenOf('buyer.port');
    const res = await fetch(`${ui.base}/api/supply-listings`, { headers: { authorization: `Bearer ${token}` } });
    const supply = (await res.json()) as { id: number; crop_id: number; grade: string; min_order_kg: string; available_kg: string }[];
    expect(supply.length).toBeGreaterThan(0);
    const listing = [...supply].sort((a, b) => Number(b.available_kg) - Number(a.available_kg))[0];
    expect(Number(listing.available_kg)).toBeGreaterThanOrEqual(Number(listing.min_order_kg));

    const buyer = await signedInPage(ui, 'buyer.port');
    let orderId = 0;
    try {
      const { page } = buyer;
      // The buyer's menu: supply, my orders, payments, and nothing of production.
      const menu = page.locator('.RaSidebar-fixed, .RaMenu-open, [class*="RaMenu"]').first();
      await menu.getByText('我的订单').waitFor();
      const menuText = await menu.innerText();
      expect(menuText).toContain('供应');
      expect(menuText).toContain('收款');
      expect(menuText).not.toMatch(/作物|采收批次|种植|冷库|地块|追溯|召回/);

      await page.goto(`${ui.base}/#/supply-listings`);
      await page.locator('main table tbody tr').first().waitFor();
      await expect.poll(() => page.getByTestId('forecast-chart').count()).toBe(Math.min(25, supply.length));
      await expect.poll(() => page.locator('[data-testid="forecast-chart"] svg').count()).toBeGreaterThan(0);
      expect(await page.locator('main').innerText()).not.toMatch(UNTRANSLATED);
      await shoot(page, 'supply');

      // 下单 from the listing's page: its crop and grade are on the first line, its price and minimum shown.
      await page.goto(`${ui.base}/#/supply-listings/${listing.id}/show`);
      await page.getByTestId('forecast-chart').waitFor();
      await page.getByRole('link', { name: '下单' }).click();
      await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/orders\/create/);
      await expect.poll(() => page.getByTestId('line-hint').innerText()).toMatch(/元\/kg，起订/);
      await page.getByLabel('数量（kg）').fill(String(Number(listing.min_order_kg)));
      await page.getByLabel('订单参考号').fill('E2E-PORT-1');
      await shoot(page, 'order-form');
      await page.getByRole('button', { name: '保存' }).click();
      await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/orders\/\d+\/show$/);
      orderId = Number(/#\/orders\/(\d+)\/show/.exec(page.url())![1]);
      await expect.poll(() => page.getByTestId('order-status').first().innerText()).toBe('已提交');
      await page.getByTestId('order-lines').locator('tbody tr').first().waitFor();
      // A buyer may withdraw a submitted order, but not confirm or allocate it.
      expect(await page.getByTestId('order-confirm').count()).toBe(0);
      expect(await page.getByTestId('order-allocate').count()).toBe(0);
      await page.getByTestId('order-cancel').first().waitFor();
      expect(await page.locator('main').innerText()).not.toMatch(UNTRANSLATED);
      noProblems(buyer);
    } finally {
      await buyer.close();
    }
    const row = await ui.db.db.execute<{ status: string; buyer_id: number }>(sql`SELECT status::text, buyer_id FROM orders WHERE id = ${orderId}`);
    expect(row.rows[0].status).toBe('submitted');

    const sales = await signedInPage(ui, 'sales');
    try {
      const { page } = sales;
      await page.goto(`${ui.base}/#/orders/${orderId}/show`);
      await page.getByTestId('order-confirm').first().click();
      await expect.poll(() => page.getByTestId('order-status').first().innerText()).toBe('已确认');
      await page.getByTestId('order-allocate').first().click();
      const result = page.getByTestId('allocate-result');
      await result.waitFor();
      await expect.poll(() => result.innerText()).toContain('全部分配完毕');
      expect(await result.getByTestId('allocate-line').count()).toBe(1);
      await shoot(page, 'allocated');
      await page.getByRole('button', { name: '关闭' }).click();
      await expect.poll(() => page.getByTestId('order-status').first().innerText()).toBe('已分配');
      await page.getByTestId('order-allocations').locator('tbody tr').first().waitFor();
      expect(await page.locator('main').innerText()).not.toMatch(UNTRANSLATED);

      // A part payment, from the order's page (the form sends an Idempotency-Key).
      await page.getByRole('link', { name: '登记收款' }).click();
      await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/payments\/create/);
      await expect.poll(() => page.getByRole('combobox', { name: '订单' }).inputValue()).toContain('E2E-PORT-1');
      await page.getByLabel('金额（元）').fill('10');
      await page.getByRole('button', { name: '保存' }).click();
      await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/payments\/\d+\/show$/);
      const paid = await ui.db.db.execute<{ amount: string }>(sql`SELECT amount::text FROM payments WHERE order_id = ${orderId}`);
      expect(paid.rows).toEqual([{ amount: '10.00' }]);

      // The lists of the sales clerk, each with its export.
      for (const resource of ['listings', 'supply-listings', 'orders', 'payments', 'allocations']) {
        await page.goto(`${ui.base}/#/${resource}`);
        await page.locator('main table tbody tr').first().waitFor();
        await page.waitForLoadState('networkidle');
        expect(await page.locator('main').innerText(), resource).not.toMatch(UNTRANSLATED);
        await page.getByRole('button', { name: '导出' }).waitFor();
      }
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出' }).click()]);
      expect(readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '')).toMatch(/^ID,订单,/);
      noProblems(sales);
    } finally {
      await sales.close();
    }

    const again = await signedInPage(ui, 'buyer.port');
    try {
      await again.page.goto(`${ui.base}/#/orders/${orderId}/show`);
      await expect.poll(() => again.page.getByTestId('order-status').first().innerText()).toBe('已分配');
      await expect.poll(() => again.page.locator('main').innerText()).toContain('部分付款');
      // Allocated: a buyer can no longer withdraw it.
      expect(await again.page.getByTestId('order-cancel').count()).toBe(0);
      noProblems(again);
    } finally {
      await again.close();
    }
  }, TEST_MS);

  it('the trace screen of a demo lot and the recall screen open without errors or untranslated keys', async () => {
    // A processed lot when the demo has one (its genealogy has links), else any lot.
    const lots = await ui.db.db.execute<{ id: number; code: string }>(sql`
      SELECT id, code FROM harvest_lots ORDER BY (source = 'processing') DESC, id LIMIT 1`);
    const lot = lots.rows[0];
    const signed = await signedInPage(ui, 'sales');
    try {
      const { page } = signed;
      await page.goto(`${ui.base}/#/harvest-lots/${lot.id}/show`);
      await page.getByRole('link', { name: '追溯' }).first().click();
      await expect.poll(() => new URL(page.url()).hash).toBe(`#/trace/${lot.code}`);
      await page.getByTestId('trace-view').waitFor();
      await page.getByTestId('trace-backward').getByRole('link', { name: lot.code }).first().waitFor();
      await page.waitForLoadState('networkidle');
      expect(await page.locator('main').innerText()).not.toMatch(UNTRANSLATED);
      const [epcis] = await Promise.all([page.waitForEvent('download'), page.getByTestId('trace-epcis').click()]);
      expect(JSON.parse(readFileSync(await epcis.path(), 'utf8')).type).toBe('EPCISDocument');
      expect(await page.getByRole('link', { name: '公开追溯页' }).getAttribute('href')).toBe(`/t/${lot.code}`);
      await shoot(page, 'trace');

      await page.goto(`${ui.base}/#/recall`);
      const input = page.getByRole('combobox', { name: '批次', exact: true });
      await input.click();
      await input.fill(lot.code);
      await page.getByRole('option', { name: lot.code }).click();
      await page.getByTestId('recall-run').click();
      const result = page.getByTestId('recall-result');
      await result.waitFor();
      await result.getByRole('link', { name: lot.code }).first().waitFor();
      expect(await page.locator('main').innerText()).not.toMatch(UNTRANSLATED);
      const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('recall-csv').click()]);
      expect(readFileSync(await csv.path(), 'utf8').replace(/^\ufeff/, '')).toMatch(/^event,lot_code,/);
      await shoot(page, 'recall');
      noProblems(signed);
    } finally {
      await signed.close();
    }
  }, TEST_MS);
  it('sales dispatches the demo allocated order and opens its certificate; the buyer records receipt', async () => {
    const orders = await ui.db.db.execute<{ id: number; buyer_id: number }>(sql`
      SELECT id, buyer_id FROM orders WHERE status = 'allocated' AND coalesce(reference, '') NOT LIKE 'E2E-%' ORDER BY id LIMIT 1`);
    expect(orders.rows.length).toBe(1);
    const order = orders.rows[0];
    const users = await ui.db.db.execute<{ username: string }>(sql`SELECT username FROM users WHERE buyer_id = ${order.buyer_id} ORDER BY id LIMIT 1`);
    const buyerName = users.rows[0].username;

    let deliveryId = 0;
    const sales = await signedInPage(ui, 'sales');
    try {
      const { page } = sales;
      await page.goto(`${ui.base}/#/orders/${order.id}/show`);
      await page.getByTestId('order-dispatch').first().click();
      await page.getByLabel('车辆').fill('辽A12345');
      await page.getByLabel('司机').fill('王师傅');
      await page.getByRole('button', { name: '确认' }).click();
      await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/deliveries\/\d+\/show$/);
      deliveryId = Number(/#\/deliveries\/(\d+)\/show/.exec(page.url())![1]);
      await page.getByTestId('delivery-lines').locator('tbody tr').first().waitFor();
      const cert = await ui.db.db.execute<{ number: string }>(sql`SELECT number FROM certificates WHERE delivery_id = ${deliveryId}`);
      const number = cert.rows[0].number;
      await page.getByTestId('delivery-certificates').getByRole('link', { name: number }).click();
      await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/certificates\/\d+\/show$/);
      await expect.poll(() => page.locator('main').innerText()).toContain(number);
      await page.getByTestId('certificate-qr').waitFor();
      await page.getByTestId('certificate-print').waitFor();
      await page.getByTestId('certificate-supersede').waitFor();
      expect(await page.locator('main').innerText()).not.toMatch(UNTRANSLATED);
      await shoot(page, 'certificate');
      for (const resource of ['deliveries', 'certificates']) {
        await page.goto(`${ui.base}/#/${resource}`);
        await page.locator('main table tbody tr').first().waitFor();
        await page.waitForLoadState('networkidle');
        expect(await page.locator('main').innerText(), resource).not.toMatch(UNTRANSLATED);
        await page.getByRole('button', { name: '导出' }).waitFor();
      }
      noProblems(sales);
    } finally {
      await sales.close();
    }

    const buyer = await signedInPage(ui, buyerName);
    try {
      const { page } = buyer;
      const menu = page.locator('.RaSidebar-fixed, .RaMenu-open, [class*="RaMenu"]').first();
      await menu.getByText('我的发货').waitFor();
      await page.goto(`${ui.base}/#/deliveries/${deliveryId}/show`);
      await page.getByTestId('receive-form').waitFor();
      await page.getByLabel('收货人').fill('李四');
      await page.getByTestId('delivery-receive').click();
      await expect.poll(async () => {
        const r = await ui.db.db.execute<{ status: string }>(sql`SELECT status::text FROM deliveries WHERE id = ${deliveryId}`);
        return r.rows[0].status;
      }).toBe('delivered');
      await expect.poll(() => page.getByTestId('receive-form').count()).toBe(0);
      noProblems(buyer);
    } finally {
      await buyer.close();
    }
  }, TEST_MS);
});
