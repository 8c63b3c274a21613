import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb, migrationsFolder, type DbHandle } from '../db/client';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { demoRegistrationNo } from '../scripts/demo-seed';
import { isUnifiedSocialCreditCode, usccCheckChar } from '../server/lib/uscc';
import { createTestApp, type TestContext } from './helpers/app';
import { adminUrl, withDatabase } from './helpers/pg';

// The seeded demo union must not contradict itself or the database's rules.

let t: TestContext;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(() => t.close());

async function rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
  return (await t.db.db.execute(query)).rows as T[];
}

describe('unified social credit code (GB 32100-2015)', () => {
  it('accepts published codes', () => {
    for (const s of ['91350100M000100Y43', '9144030071526726XG', '91330100799655058B', '914403001922038216']) {
      expect(isUnifiedSocialCreditCode(s), s).toBe(true);
    }
  });

  it('refuses a wrong check character, length, case or a character outside the set', () => {
    for (const s of [
      '91350100M000100Y44', '91350100M000100Y4', '91350100M000100Y433', '91350100m000100Y43', '91350100M000100I43',
      '91350100M000100O43', '', ' 91350100M000100Y43',
    ]) {
      expect(isUnifiedSocialCreditCode(s), s).toBe(false);
    }
  });

  it('maps a remainder of 0 to check character 0', () => {
    // Sum of 17 zeros is 0: 31 - 0 = 31, which the standard maps to 0.
    expect(usccCheckChar('00000000000000000')).toBe('0');
    expect(usccCheckChar('0000000000000000')).toBeUndefined();
  });

  it('the demo generator only makes valid farmers-cooperative codes of Jiangxia', () => {
    for (let i = 0; i < 200; i++) {
      const code = demoRegistrationNo(i);
      expect(isUnifiedSocialCreditCode(code), code).toBe(true);
      expect(code.slice(0, 8)).toBe('93420115');
    }
    expect(demoRegistrationNo(3)).toBe(demoRegistrationNo(3));
  });
});

describe('the seeded demo union', () => {
  it('keeps its size: 6 villages, about 330 households, 1000 people and 675 plots', async () => {
    const [c] = await rows<Record<string, number>>(sql`
      SELECT (SELECT count(*)::int FROM villages) AS villages, (SELECT count(*)::int FROM cooperatives) AS cooperatives,
             (SELECT count(*)::int FROM households) AS households, (SELECT count(*)::int FROM people) AS people,
             (SELECT count(*)::int FROM plots) AS plots,
             (SELECT count(*)::int FROM households WHERE NOT is_member) AS non_members`);
    expect(c.villages).toBe(6);
    expect(c.cooperatives).toBe(6);
    expect(c.households).toBe(330);
    expect(c.people).toBeGreaterThan(900);
    expect(c.people).toBeLessThan(1100);
    expect(c.plots).toBeGreaterThan(620);
    expect(c.plots).toBeLessThan(730);
    // Some households are not members, so the rule below is exercised.
    expect(c.non_members).toBeGreaterThan(10);
  });

  it('non-member households have no capital and no join date; members joined after their cooperative was founded', async () => {
    expect(await rows(sql`SELECT id, code FROM households WHERE NOT is_member AND (capital_contributed <> 0 OR joined_on IS NOT NULL)`)).toEqual([]);
    expect(await rows(sql`SELECT id, code FROM households WHERE is_member AND (capital_contributed <= 0 OR joined_on IS NULL)`)).toEqual([]);
    expect(await rows(sql`
      SELECT h.code, h.joined_on, c.founded_on FROM households h JOIN cooperatives c ON c.village_id = h.village_id
      WHERE h.joined_on < c.founded_on OR h.joined_on > CURRENT_DATE`)).toEqual([]);
  });

  it('the member account belongs to a member household', async () => {
    expect(await rows(sql`
      SELECT u.username FROM users u JOIN households h ON h.id = u.household_id WHERE u.role = 'member' AND NOT h.is_member`)).toEqual([]);
  });

  it('cooperatives carry distinct, valid unified social credit codes', async () => {
    const coops = await rows<{ code: string; registration_no: string | null }>(sql`SELECT code, registration_no FROM cooperatives ORDER BY id`);
    const bad = coops.filter((c) => !c.registration_no || !isUnifiedSocialCreditCode(c.registration_no));
    expect(bad).toEqual([]);
    expect(new Set(coops.map((c) => c.registration_no)).size).toBe(coops.length);
  });

  it('no household has two people of the same name', async () => {
    expect(await rows(sql`
      SELECT household_id, name, count(*)::int AS n FROM people WHERE household_id IS NOT NULL
      GROUP BY household_id, name HAVING count(*) > 1`)).toEqual([]);
    // The head is one of the household's people.
    expect(await rows(sql`
      SELECT h.code FROM households h WHERE NOT EXISTS (SELECT 1 FROM people p WHERE p.household_id = h.id AND p.name = h.head_name)`)).toEqual([]);
  });

  it('children are born after their parents', async () => {
    // The two oldest of a household are its couple; everyone else is at least 18 years younger than both.
    expect(await rows(sql`
      WITH ranked AS (
        SELECT household_id, birth_year, row_number() OVER (PARTITION BY household_id ORDER BY birth_year, id) AS r
        FROM people WHERE household_id IS NOT NULL)
      SELECT c.household_id FROM ranked c JOIN ranked p ON p.household_id = c.household_id AND p.r <= 2
      WHERE c.r > 2 AND c.birth_year < p.birth_year + 18`)).toEqual([]);
  });

  it('no household has two plots of the same name', async () => {
    expect(await rows(sql`
      SELECT household_id, name, count(*)::int AS n FROM plots WHERE household_id IS NOT NULL
      GROUP BY household_id, name HAVING count(*) > 1`)).toEqual([]);
  });

  it('every text of the demo is Chinese: no Latin letters outside codes, usernames and hashes', async () => {
    const identifiers = new Set(['code', 'username', 'password_hash', 'registration_no', 'phone']);
    const columns = await rows<{ table_name: string; column_name: string }>(sql`
      SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = 'public' AND data_type IN ('character varying', 'text')
        AND table_name IN ('unions', 'villages', 'cooperatives', 'households', 'people', 'plots', 'buyers', 'users')
      ORDER BY table_name, column_name`);
    const checked = columns.filter((c) => !identifiers.has(c.column_name));
    expect(checked.map((c) => `${c.table_name}.${c.column_name}`)).toEqual(expect.arrayContaining(['villages.notes', 'plots.name', 'users.display_name']));
    const offenders: string[] = [];
    for (const c of checked) {
      const found = await rows<{ v: string }>(sql`
        SELECT ${sql.identifier(c.column_name)}::text AS v FROM ${sql.identifier(c.table_name)}
        WHERE ${sql.identifier(c.column_name)} ~ '[A-Za-z]' LIMIT 3`);
      offenders.push(...found.map((f) => `${c.table_name}.${c.column_name}: ${f.v}`));
    }
    expect(offenders).toEqual([]);
  });
});

describe('only members contribute capital or have a join date', () => {
  const auth = async () => ({ authorization: `Bearer ${await t.tokenOf('admin')}` });
  const villageId = async () => (await rows<{ id: number }>(sql`SELECT id FROM villages WHERE code = 'CJ'`))[0].id;

  it('the API refuses a non-member with capital, naming capital_contributed', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/households', headers: await auth(),
      payload: { village_id: await villageId(), code: 'CJ-NM1', head_name: '非社员', is_member: false, capital_contributed: 500 },
    });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().errors ?? {})).toEqual(['capital_contributed']);
  });

  it('the API refuses a non-member with a join date, naming joined_on', async () => {
    const res = await t.app.inject({
      method: 'POST', url: '/api/households', headers: await auth(),
      payload: { village_id: await villageId(), code: 'CJ-NM2', head_name: '非社员', is_member: false, joined_on: '2024-01-02' },
    });
    expect(res.statusCode).toBe(400);
    expect(Object.keys(res.json().errors ?? {})).toEqual(['joined_on']);
  });

  it('a member turned non-member must give up capital and join date in the same change', async () => {
    const h = await auth();
    const created = await t.app.inject({
      method: 'POST', url: '/api/households', headers: h,
      payload: { village_id: await villageId(), code: 'CJ-NM3', head_name: '退社户', is_member: true, capital_contributed: 1000, joined_on: '2023-05-01' },
    });
    expect(created.statusCode).toBe(201);
    const { id, version } = created.json();
    const refused = await t.app.inject({ method: 'PUT', url: `/api/households/${id}`, headers: h, payload: { is_member: false, version } });
    expect(refused.statusCode).toBe(400);
    const left = await t.app.inject({
      method: 'PUT', url: `/api/households/${id}`, headers: h, payload: { is_member: false, capital_contributed: 0, joined_on: null, version },
    });
    expect(left.statusCode).toBe(200);
    expect(left.json()).toMatchObject({ is_member: false, capital_contributed: '0.00', joined_on: null });
  });

  it('the database itself refuses such a row', async () => {
    const [v] = await rows<{ id: number; union_id: number }>(sql`SELECT id, union_id FROM villages WHERE code = 'CJ'`);
    const attempt = (capital: string, joined: string | null) => t.db.db.execute(sql`
      INSERT INTO households (union_id, village_id, code, head_name, is_member, capital_contributed, joined_on)
      VALUES (${v.union_id}, ${v.id}, ${`DB-${randomBytes(3).toString('hex')}`}, '某', false, ${capital}, ${joined})`);
    await expect(attempt('500', null)).rejects.toMatchObject({ cause: { constraint: 'households_capital_members_only' } });
    await expect(attempt('0', '2024-01-01')).rejects.toMatchObject({ cause: { constraint: 'households_joined_on_members_only' } });
    await expect(attempt('0', null)).resolves.toBeDefined();
  });
});

describe('migration 0004 on a database that breaks the rule', () => {
  /** A copy of db/migrations holding only the migrations before `tag`. */
  function migrationsBefore(tag: string): string {
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    cpSync(migrationsFolder, dir, { recursive: true });
    const journalFile = join(dir, 'meta', '_journal.json');
    const journal = JSON.parse(readFileSync(journalFile, 'utf8'));
    const at = journal.entries.findIndex((e: { tag: string }) => e.tag.startsWith(tag));
    expect(at).toBeGreaterThan(0);
    journal.entries = journal.entries.slice(0, at);
    writeFileSync(journalFile, JSON.stringify(journal));
    return dir;
  }

  it('clears the capital and join date of non-members, then adds the constraints', async () => {
    const older = migrationsBefore('0004_');
    const url = process.env.DATABASE_URL;
    const name = `coop_test_mig_${randomBytes(6).toString('hex')}`;
    let handle: DbHandle;
    let migrateTo: (folder: string) => Promise<unknown>;
    if (url) {
      const admin = await createDb({ databaseUrl: adminUrl(url), poolMax: 1 });
      await admin.db.execute(`CREATE DATABASE ${name}` as never);
      await admin.close();
      handle = await createDb({ databaseUrl: withDatabase(url, name), poolMax: 2 });
      migrateTo = (folder) => migratePg(handle.db, { migrationsFolder: folder });
    } else {
      handle = await createDb({});
      migrateTo = (folder) => migratePglite(handle.db as never, { migrationsFolder: folder });
    }
    try {
      await migrateTo(older);
      const db = handle.db;
      await db.execute(sql`INSERT INTO unions (code, name) VALUES ('MIG', '迁移测试联合社')`);
      await db.execute(sql`INSERT INTO villages (union_id, code, name) SELECT id, 'V', '迁移村' FROM unions`);
      await db.execute(sql`
        INSERT INTO households (union_id, village_id, code, head_name, is_member, capital_contributed, joined_on)
        SELECT v.union_id, v.id, x.code, '某', x.is_member, x.capital, x.joined::date
        FROM villages v, (VALUES ('NM-CAP', false, 800, NULL), ('NM-DATE', false, 0, '2022-02-02'),
                                 ('NM-OK', false, 0, NULL), ('M', true, 1500, '2021-01-01')) AS x(code, is_member, capital, joined)`);
      await migrateTo(migrationsFolder);
      const after = (await db.execute(sql`
        SELECT code, is_member, capital_contributed::text AS capital, joined_on::text AS joined, version
        FROM households ORDER BY code`)).rows;
      expect(after).toEqual([
        { code: 'M', is_member: true, capital: '1500.00', joined: '2021-01-01', version: 1 },
        { code: 'NM-CAP', is_member: false, capital: '0.00', joined: null, version: 2 },
        { code: 'NM-DATE', is_member: false, capital: '0.00', joined: null, version: 2 },
        { code: 'NM-OK', is_member: false, capital: '0.00', joined: null, version: 1 },
      ]);
      await expect(db.execute(sql`UPDATE households SET capital_contributed = 1 WHERE code = 'NM-OK'`))
        .rejects.toMatchObject({ cause: { constraint: 'households_capital_members_only' } });
    } finally {
      await handle.close();
      rmSync(older, { recursive: true, force: true });
      if (url) {
        const admin = await createDb({ databaseUrl: adminUrl(url), poolMax: 1 });
        await admin.db.execute(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)` as never).catch(() => {});
        await admin.close();
      }
    }
  });
});

// Last: it adds a village to the seeded union, which the checks above count.
describe('a cooperative\'s registration number through the API', () => {
  it('refuses one with a wrong check character and keeps a valid one, upper-cased', async () => {
    const token = await t.tokenOf('admin');
    const [{ id: union }] = (await t.db.db.execute<{ id: number }>(sql`SELECT union_id AS id FROM users WHERE username = 'admin'`)).rows;
    const village = (await t.db.db.execute<{ id: number }>(sql`
      INSERT INTO villages (union_id, code, name) VALUES (${union}, 'RN1', '登记村') RETURNING id`)).rows[0].id;
    const valid = demoRegistrationNo(901);
    const wrong = valid.slice(0, 17) + (valid[17] === '0' ? '1' : '0');
    const post = (registration_no: string) => t.app.inject({
      method: 'POST', url: '/api/cooperatives', headers: { authorization: `Bearer ${token}` },
      payload: { village_id: village, code: `RN-${registration_no.slice(-3)}`, name: '登记合作社', registration_no },
    });
    const bad = await post(wrong);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().errors).toHaveProperty('registration_no');
    const ok = await post(` ${valid.toLowerCase()} `);
    expect(ok.statusCode, ok.body).toBe(201);
    expect(ok.json().registration_no).toBe(valid);
  });
});
