import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { addDays, today } from '../../server/lib/dates';
import { available, signedInPage, TEST_MS, useConsole, type SignedInPage } from './harness';

// The manager of Changjiang on a phone (390×844): the quick harvest form refuses a planting
// inside a pesticide's pre-harvest interval in plain words, records a harvest typed in 斤
// (a dropped answer retried with the same Idempotency-Key makes one lot, not two), the lot
// is received into a cold room with the movement form, and the room's stock shows it.
// What the demo data lacks (a harvestable or a blocked planting) is made through the API.

const PHONE = { width: 390, height: 844 };
const DESKTOP = { width: 1280, height: 800 };
/** HARVEST_SCREENSHOTS=1 writes /tmp/harvest-*.png to look at. */
const shoot = async (page: Page, name: string) => {
  if (process.env.HARVEST_SCREENSHOTS) await page.screenshot({ path: `/tmp/harvest-${name}.png`, fullPage: true });
};
const MANAGER = 'manager.changjiang';

const ui = useConsole();
let opened: SignedInPage | undefined;
let token = '';
let villageId = 0;
afterAll(async () => {
  await opened?.close().catch(() => {});
});

const api = async (method: string, path: string, body?: unknown) => {
  const res = await fetch(`${ui.base}/api/${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
};

type Planting = {
  id: number;
  crop_id: number;
  chill_sensitive: boolean;
};

/** An active Changjiang planting, harvestable today or not, most recently planted first. */
async function findPlanting(blocked: boolean): Promise<Planting | undefined> {
  const day = today();
  const rows = await ui.db.db.execute<Planting>(sql`
    SELECT p.id, p.crop_id, c.chill_sensitive FROM plantings p JOIN crops c ON c.id = p.crop_id
    WHERE p.village_id = ${villageId} AND p.status IN ('planned', 'growing', 'harvesting') AND p.planted_on <= ${day}
      AND ${blocked ? sql`p.harvestable_from > ${day}` : sql`(p.harvestable_from IS NULL OR p.harvestable_from <= ${day})`}
    ORDER BY p.planted_on DESC, p.id LIMIT 1`);
  return rows.rows[0];
}

/** A new planting on the first Changjiang plot with room for it (a tiny area), through the API. */
async function createPlanting(): Promise<Planting> {
  const plots = await ui.db.db.execute<{ id: number }>(sql`SELECT id FROM plots WHERE village_id = ${villageId} ORDER BY id`);
  const crop = await ui.db.db.execute<{ id: number }>(sql`SELECT id FROM crops WHERE NOT chill_sensitive ORDER BY id LIMIT 1`);
  for (const plot of plots.rows) {
    const body = { plot_id: plot.id, crop_id: crop.rows[0].id, area_mu: '0.01', planted_on: addDays(today(), -40), status: 'growing' };
    const res = await api('POST', 'plantings', body);
    if (res.status === 201) return { id: Number(res.json.id), crop_id: crop.rows[0].id, chill_sensitive: false };
  }
  throw new Error('no Changjiang plot takes a new planting');
}

async function ensurePlanting(blocked: boolean): Promise<Planting> {
  const found = await findPlanting(blocked);
  if (found) return found;
  const made = await createPlanting();
  if (blocked) {
    const body = {
      planting_id: made.id, kind: 'pesticide', product: '吡虫啉', dose: '20', dose_unit: 'g/亩',
      applied_on: today(), applied_by: '测试', pre_harvest_interval_days: 7,
    };
    const res = await api('POST', 'input-applications', body);
    if (res.status !== 201) throw new Error(`application: ${res.status} ${JSON.stringify(res.json)}`);
  }
  return made;
}

/** Fills the quick form for a planting: kg typed in 斤, a grade, a price. */
async function fillHarvest(page: Page, planting: Planting, jin: string) {
  await page.getByTestId(`planting-${planting.id}`).click();
  await page.getByRole('textbox', { name: '重量' }).fill(jin);
  await page.getByRole('button', { name: '斤', exact: true }).click();
  await page.getByRole('button', { name: '特级' }).click();
  await page.getByLabel('收购价（元/公斤）').fill('2.40');
}

/** CSV import: a bad row in the middle refuses the whole file, naming its line and field; the fixed file imports every row. */
async function importLots(page: Page) {
  const planting = await ensurePlanting(false);
  const count = async () => (await ui.db.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM harvest_lots`)).rows[0].n;
  const before = await count();
  const row = (kg: string) => `${planting.id},,${today()},first,${kg},2.40,,`;
  const csv = (kgs: string[]) => `planting_id,household_id,harvested_on,grade,quantity_kg,intake_price,warehouse_id,notes\n${kgs.map(row).join('\n')}\n`;
  await page.goto(`${ui.base}/#/harvest-lots/import`);
  await page.getByText('全部成功才导入', { exact: false }).waitFor();
  const file = page.getByTestId('import-file');
  await file.setInputFiles({ name: 'lots.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(['10', '0', '12'])) });
  const errors = page.getByTestId('import-errors').locator('tbody tr');
  await errors.first().waitFor();
  expect(await errors.allInnerTexts()).toEqual([expect.stringMatching(/^3\s+重量（kg）\s+\S+/)]);
  await shoot(page, 'admin-import-refused');
  expect(await count(), 'nothing imported').toBe(before);
  await file.setInputFiles({ name: 'lots.csv', mimeType: 'text/csv', buffer: Buffer.from(csv(['10', '5', '12'])) });
  await expect.poll(() => page.getByTestId('import-done').innerText()).toContain('已导入 3 个批次');
  expect(await count()).toBe(before + 3);
}

/** CSV export of the harvest lots: every lot (more than one page of 100), translated headers. */
async function exportLots(page: Page) {
  const total = (await ui.db.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM harvest_lots`)).rows[0].n;
  await page.goto(`${ui.base}/#/harvest-lots`);
  await page.locator('main table tbody tr').first().waitFor();
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出' }).click()]);
  const text = readFileSync(await download.path(), 'utf8').replace(/^\ufeff/, '');
  const lines = text.trim().split(/\r?\n/);
  expect(lines[0]).toMatch(/^批次号,所属村,所属村名称,来源,/);
  expect(lines.length - 1, 'every lot, not one page').toBe(total);
}

beforeAll(async () => {
  if (!available) return;
  const login = await fetch(`${ui.base}/api/auth/login`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: MANAGER, password: 'demo1234' }),
  });
  const session = (await login.json()) as { token: string; user: { village_id: number } };
  token = session.token;
  villageId = session.user.village_id;
});

describe.skipIf(!available)('harvest on a phone', () => {
  it('the manager logs a harvest with the quick form, receives it into a cold room, and sees it in that room\'s stock', async () => {
    const blocked = await ensurePlanting(true);
    const good = await ensurePlanting(false);
    opened = await signedInPage(ui, MANAGER, PHONE);
    const { page } = opened;
    await page.goto(`${ui.base}/#/quick-harvest`);

    // Inside the interval: refused, in plain words, with nothing written.
    const lotsBefore = await ui.db.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM harvest_lots`);
    await fillHarvest(page, blocked, '20');
    await page.getByTestId('harvest-submit').click();
    await expect
      .poll(() => page.getByTestId('harvest-error').innerText())
      .toMatch(/^不能采收：\d+月\d+日施用的「.+」安全间隔期\d+天未满，\d+月\d+日起可采收$/);
    await shoot(page, 'refused');

    // 50 斤 is 25 kg. The first answer is lost on the way back: the retry sends the same key.
    await fillHarvest(page, good, '50');
    await expect.poll(() => page.getByTestId('kg-preview').innerText()).toBe('= 25 kg（50 斤）');
    let dropped = false;
    await page.route('**/api/harvest-lots', async (route) => {
      if (route.request().method() !== 'POST' || dropped) return route.continue();
      dropped = true;
      await route.fetch();
      await route.abort('failed');
    });
    await page.getByTestId('harvest-submit').click();
    await expect.poll(() => page.getByTestId('harvest-error').innerText()).toContain('重新提交');
    await page.getByTestId('harvest-submit').click();
    const code = (await page.getByTestId('lot-code').innerText()).trim();
    await shoot(page, 'saved');
    await page.unroute('**/api/harvest-lots');
    expect(code).toMatch(/^CJ-\d{8}-\d{3}$/);
    const lots = await ui.db.db.execute<{ id: number; quantity_kg: string; grade: string }>(
      sql`SELECT id, quantity_kg, grade FROM harvest_lots WHERE planting_id = ${good.id} AND code = ${code}`,
    );
    expect(lots.rows).toEqual([{ id: expect.any(Number), quantity_kg: '25.00', grade: 'premium' }]);
    const lotsAfter = await ui.db.db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM harvest_lots`);
    expect(lotsAfter.rows[0].n, 'one lot for the refusal and the retried harvest together').toBe(lotsBefore.rows[0].n + 1);

    // Receive it into a cold room of its zone, from the lot's page.
    const zone = good.chill_sensitive ? 'cool' : 'chilled';
    const rooms = await ui.db.db.execute<{ id: number; name: string }>(sql`
      SELECT id, name FROM warehouses WHERE village_id = ${villageId} AND kind = 'cold_room' AND temperature_zone = ${zone}
        AND capacity_kg - stock_kg >= 25 ORDER BY id LIMIT 1`);
    const room = rooms.rows[0];
    expect(room, `a ${zone} room in Changjiang`).toBeDefined();
    await page.getByRole('link', { name: '查看批次' }).click();
    await expect.poll(() => new URL(page.url()).hash).toBe(`#/harvest-lots/${lots.rows[0].id}/show`);
    await page.getByRole('link', { name: '入库' }).click();
    await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/stock-movements\/create/);
    await expect.poll(() => page.getByRole('combobox', { name: '批次' }).inputValue()).toBe(code);
    const to = page.getByRole('combobox', { name: '调入仓库' });
    await to.click();
    await to.fill(room.name);
    await page.getByRole('option', { name: room.name }).click();
    await page.getByLabel('重量（kg）').fill('25');
    await page.getByRole('button', { name: '保存' }).click();
    await expect.poll(() => new URL(page.url()).hash).toMatch(/^#\/stock-movements\/\d+\/show$/);

    // The room's stock, first-expiry-first-out, shows the lot with its kg and 斤.
    await page.goto(`${ui.base}/#/warehouses/${room.id}/show`);
    const row = page.locator('main table tbody tr', { hasText: code });
    await expect.poll(() => row.innerText()).toContain('25 kg（50 斤）');
    const inRoom = await ui.db.db.execute<{ lot_code: string; d: string }>(sql`
      SELECT lot_code, to_char(expires_on, 'YYYY-MM-DD') AS d FROM stock WHERE warehouse_id = ${room.id}`);
    const expiry = new Map(inRoom.rows.map((r) => [r.lot_code, r.d]));
    const shown = (await page.locator('main table tbody tr td:first-child').allInnerTexts()).map((s) => s.trim());
    expect(shown.length).toBe(Math.min(50, inRoom.rows.length));
    const shownExpiry = shown.map((c) => expiry.get(c));
    expect(shownExpiry, 'first expiry first').toEqual([...shownExpiry].sort());
    expect(await page.getByTestId('room-fill').innerText()).toMatch(/%/);
    await shoot(page, 'room');

    expect(opened.errors).toEqual([]);
    // The browser logs the refused (409) and the dropped request; nothing else may go wrong.
    expect(opened.consoleErrors.filter((e) => !/status of 409|net::ERR_FAILED/.test(e))).toEqual([]);
  }, TEST_MS);

  it('every production and storage list, its first record, the labels and the import page open without errors or untranslated keys', async () => {
    const LISTS = ['crops', 'plantings', 'input-applications', 'harvest-lots', 'residue-tests', 'work-records', 'warehouses', 'stock', 'stock-movements', 'temperature-readings', 'processing-runs'];
    for (const [username, viewport] of [['admin', DESKTOP], ['member.changjiang', PHONE]] as const) {
      const signed = await signedInPage(ui, username, viewport);
      const { page } = signed;
      try {
        const permissions = await page.evaluate<Record<string, { read: boolean }>>(
          "JSON.parse(localStorage.getItem('lvjiang.session') || '{}').user.permissions",
        );
        for (const resource of LISTS.filter((r) => permissions[r]?.read)) {
          await page.goto(`${ui.base}/#/${resource}`);
          const rows = page.locator('main .app-phone-list li a, main table tbody tr');
          await rows.or(page.locator('main').getByText(/^(还没有|没有找到)/)).first().waitFor();
          await page.waitForLoadState('networkidle');
          await shoot(page, `${username}-${resource}`);
          expect(await page.locator('main').innerText(), resource).not.toMatch(/\b(resources|ra|app|choices)\.[a-z_-]+\.[a-z_.]+/);
          if ((await rows.count()) === 0) continue;
          // The row's first column (a cell of a referenced record would open that record instead).
          const table = (await page.locator('main table tbody tr').count()) > 0;
          await (table ? rows.first().locator('td[class*="column-"]').first() : rows.first()).click();
          await expect.poll(() => new URL(page.url()).hash).toMatch(new RegExp(`^#/${resource}/\\d+/show`));
          await page.waitForLoadState('networkidle');
          await shoot(page, `${username}-${resource}-show`);
          expect(await page.locator('main').innerText(), `${resource} show`).not.toMatch(/\b(resources|ra|app|choices)\.[a-z_-]+\.[a-z_.]+/);
        }
        const lots = await ui.db.db.execute<{ id: number }>(sql`SELECT id FROM harvest_lots ORDER BY id LIMIT 3`);
        await page.goto(`${ui.base}/#/labels?ids=${lots.rows.map((r) => r.id).join(',')}`);
        await expect.poll(() => page.getByTestId('lot-label').count()).toBe(lots.rows.length);
        await expect.poll(() => page.locator('.lot-label img').count()).toBe(lots.rows.length);
        await shoot(page, `${username}-labels`);
        if (username === 'admin') {
          await importLots(page);
          await exportLots(page);
        }
        expect(signed.errors, username).toEqual([]);
        // The import's refusal (400) is logged by the browser; nothing else may go wrong.
        expect(signed.consoleErrors.filter((e) => !/status of 400/.test(e)), username).toEqual([]);
      } finally {
        await signed.close();
      }
    }
  }, TEST_MS);
});
