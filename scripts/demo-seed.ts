import { sql } from 'drizzle-orm';
import type { Db, DbOrTx, Tx } from '../db/client';
import { seedProduction } from './demo-production';
import { seedSales } from './demo-sales';
import { buyers, cooperatives, households, people, plots, unions, users, villages } from '../db/schema/index';
import { USCC_CHARSET, usccCheckChar } from '../server/lib/uscc';
import { hashPassword } from '../server/modules/auth/auth.passwords';

// The demonstration union: Changjiang Village is real (see shared/seed); its five
// neighbours, every household, person and phone number here are invented demo data.

export const DEMO_PASSWORD = 'demo1234';

export const demoAccounts = [
  { username: 'admin', role: 'union_admin', display_name: '联合社管理员', note: 'union administrator' },
  { username: 'sales', role: 'union_sales', display_name: '销售专员', note: 'union sales staff' },
  { username: 'manager.changjiang', role: 'coop_manager', display_name: '长江村合作社经理', note: 'cooperative manager, Changjiang' },
  { username: 'cadre.changjiang', role: 'village_cadre', display_name: '长江村村干部', note: 'village cadre, Changjiang' },
  { username: 'buyer.port', role: 'buyer', display_name: '港口集团采购员', note: 'buyer, Hubei Port Group' },
  { username: 'member.changjiang', role: 'member', display_name: '长江村社员', note: 'grower household, Changjiang' },
] as const;

const villageSeeds = [
  { code: 'CJ', name: '长江村', coop: '长江村蔬菜种植专业合作社' },
  { code: 'QY', name: '青杨村', coop: '青杨村蔬菜专业合作社' },
  { code: 'LW', name: '柳湾村', coop: '柳湾村果蔬专业合作社' },
  { code: 'HT', name: '荷塘村', coop: '荷塘村蔬菜专业合作社' },
  { code: 'TY', name: '桃源村', coop: '桃源村农业专业合作社' },
  { code: 'BS', name: '白沙村', coop: '白沙村蔬菜产销专业合作社' },
];

const surnames = '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蔡蒋余杜叶程魏苏吕丁任沈姚卢'.split('');
const maleNames = ['建国', '国强', '志明', '海波', '德华', '长林', '永红', '正兵', '春生', '学军', '文斌', '光荣', '少华', '金山', '明亮'];
const femaleNames = ['秀英', '桂芳', '玉兰', '春梅', '丽华', '翠萍', '小红', '美玲', '凤英', '淑珍', '金花', '晓燕', '红霞', '雪梅', '慧敏'];
const plotWords = ['东岸', '西湾', '南垸', '北岗', '江堤', '塘边', '坡地', '大棚区', '洼地', '新垦'];

/** Small deterministic PRNG so the demo is the same on every machine. */
export function prng(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
  };
}

/**
 * A farmers' cooperative's unified social credit code (GB 32100-2015): registration
 * authority 9 (market regulation), kind 3 (farmers' cooperative), Jiangxia District
 * (420115), a nine-character organisation code whose last character is its GB 11714 check,
 * and the code's own check character.
 */
export function demoRegistrationNo(n: number): string {
  const r = prng(0x55cc + n);
  const body = 'MA4' + Array.from({ length: 5 }, () => r.pick(USCC_CHARSET.split(''))).join('');
  const w = [3, 7, 9, 10, 5, 8, 4, 2];
  // GB 11714 values letters A-Z as 10-35, unlike GB 32100's charset order.
  const sum = body.split('').reduce((acc, c, i) => acc + (c <= '9' ? Number(c) : c.charCodeAt(0) - 55) * w[i], 0);
  const c9 = 11 - (sum % 11);
  const first17 = `93420115${body}${c9 === 10 ? 'X' : String(c9 % 11)}`;
  return first17 + usccCheckChar(first17)!;
}

/** Days between two ISO dates, and an ISO date plus days (UTC, so no time zone shifts a day). */
const dayMs = 86_400_000;
const daysBetween = (from: string, to: string) => Math.round((Date.parse(to) - Date.parse(from)) / dayMs);
const addDays = (from: string, days: number) => new Date(Date.parse(from) + days * dayMs).toISOString().slice(0, 10);

/** Picks from `make()` until a value not in `used` comes up (the lists are larger than a household). */
function fresh(used: Set<string>, make: () => string): string {
  for (let tries = 0; tries < 200; tries++) {
    const v = make();
    if (!used.has(v)) {
      used.add(v);
      return v;
    }
  }
  throw new Error('demo seed: no unused name left');
}

async function insertChunked<T>(db: DbOrTx, table: Parameters<Db['insert']>[0], rows: T[], size = 500) {
  for (let i = 0; i < rows.length; i += size) await db.insert(table).values(rows.slice(i, i + size) as never);
}

export interface SeedOptions {
  householdsPerVillage?: number;
  password?: string;
}

/** Seeds the demo union into an empty, migrated database, all or nothing. */
export function seedDemo(db: Db, opts: SeedOptions = {}) {
  // A start interrupted mid-seed must not leave a half demo that the next start takes as seeded.
  return db.transaction((tx) => seedInto(tx, opts));
}

async function seedInto(db: DbOrTx, opts: SeedOptions) {
  const perVillage = opts.householdsPerVillage ?? 55;
  const rnd = prng(20261126);

  const [union] = await db.insert(unions).values({
    code: 'LJZH', name: '武汉绿江之航农业专业合作社联合社', short_name: '绿江之航联合社', is_demo: true,
  }).returning();

  const vRows = await db.insert(villages).values(villageSeeds.map((v) => ({
    union_id: union.id, code: v.code, name: v.name, township: '金口街道',
    notes: v.code === 'CJ' ? '长江蔬菜基地联合党委牵头村（示例数据）' : '示例数据：虚构的相邻村',
  }))).returning();

  const cRows = await db.insert(cooperatives).values(vRows.map((v, i) => ({
    union_id: union.id, village_id: v.id, code: `COOP-${v.code}`, name: villageSeeds[i].coop,
    registration_no: demoRegistrationNo(i), legal_representative: `${rnd.pick(surnames)}${rnd.pick(maleNames)}`,
    phone: `027-8${rnd.int(1000000, 9999999)}`, founded_on: `2019-0${rnd.int(3, 9)}-1${rnd.int(0, 9)}`,
  }))).returning();

  // Households, each with its people and plots. Members joined their village's cooperative
  // after it was founded; a non-member household has no capital and no join date.
  const lastJoin = '2025-12-31';
  const hhValues = vRows.flatMap((v, vi) => Array.from({ length: perVillage }, (_, i) => {
    const male = rnd.next() < 0.8;
    const surname = rnd.pick(surnames);
    const isMember = rnd.next() < 0.88;
    const founded = cRows[vi].founded_on!;
    return {
      union_id: union.id, village_id: v.id, code: `${v.code}-${String(i + 1).padStart(3, '0')}`,
      head_name: surname + rnd.pick(male ? maleNames : femaleNames),
      phone: `13${rnd.int(0, 9)}${String(rnd.int(0, 99999999)).padStart(8, '0')}`,
      address: `${v.name}${rnd.int(1, 9)}组${rnd.int(1, 60)}号`,
      is_member: isMember,
      capital_contributed: isMember ? String(rnd.int(2, 40) * 500) + '.00' : '0.00',
      joined_on: isMember ? addDays(founded, rnd.int(0, daysBetween(founded, lastJoin))) : null,
    };
  }));
  const hhRows: { id: number; village_id: number; head_name: string; code: string; is_member: boolean }[] = [];
  for (let i = 0; i < hhValues.length; i += 500) {
    hhRows.push(...(await db.insert(households).values(hhValues.slice(i, i + 500)).returning({
      id: households.id, village_id: households.village_id, head_name: households.head_name, code: households.code,
      is_member: households.is_member,
    })));
  }

  const peopleValues: (typeof people.$inferInsert)[] = [];
  const plotValues: (typeof plots.$inferInsert)[] = [];
  let experts = 0;
  let reps = 0;
  for (const hh of hhRows) {
    const surname = hh.head_name[0];
    const headMale = maleNames.includes(hh.head_name.slice(1));
    const headRoles = ['grower'];
    const isChangjiang = hh.village_id === vRows[0].id;
    if (experts < 12 && rnd.next() < 0.08) { headRoles.push('small_expert'); experts++; }
    else if (!isChangjiang && reps < 36 && rnd.next() < 0.16) { headRoles.push(reps % 3 === 0 ? 'group_leader' : 'class_rep'); reps++; }
    if (rnd.next() < 0.1) headRoles.push('party_member');
    // No two people of a household share a name; children are born to parents aged 20-42.
    const names = new Set([hh.head_name]);
    const headBorn = rnd.int(1955, 1985);
    const spouseBorn = Math.min(1988, headBorn + rnd.int(-4, 4));
    peopleValues.push({
      union_id: union.id, village_id: hh.village_id, household_id: hh.id, name: hh.head_name, gender: headMale ? 'male' : 'female',
      birth_year: headBorn, phone: null, roles: headRoles,
    });
    peopleValues.push({
      union_id: union.id, village_id: hh.village_id, household_id: hh.id,
      name: fresh(names, () => rnd.pick(surnames) + rnd.pick(headMale ? femaleNames : maleNames)),
      gender: headMale ? 'female' : 'male', birth_year: spouseBorn, roles: rnd.next() < 0.6 ? ['grower'] : [],
    });
    const firstChild = Math.max(headBorn, spouseBorn) + 20;
    const lastChild = Math.min(2015, Math.min(headBorn, spouseBorn) + 42);
    for (let k = rnd.int(0, 2); k > 0; k--) {
      const male = rnd.next() < 0.5;
      peopleValues.push({
        union_id: union.id, village_id: hh.village_id, household_id: hh.id,
        name: fresh(names, () => surname + rnd.pick(male ? maleNames : femaleNames)),
        gender: male ? 'male' : 'female', birth_year: rnd.int(firstChild, lastChild), roles: [],
      });
    }
    // Each plot of a household is named after its own place, so no two share a name.
    const places = new Set<string>();
    for (let k = rnd.int(1, 3); k > 0; k--) {
      const greenhouse = rnd.next() < 0.35;
      const place = fresh(places, () => rnd.pick(plotWords));
      plotValues.push({
        union_id: union.id, village_id: hh.village_id, household_id: hh.id, tenure: 'household',
        code: `${hh.code}-P${k}`, name: `${hh.head_name}家${place}${greenhouse ? '大棚' : '地'}`,
        area_mu: (rnd.int(5, 60) / 10).toFixed(2), kind: greenhouse ? 'greenhouse' : 'open_field',
        location: `${place}片区`,
      });
    }
  }
  vRows.forEach((v, i) => {
    for (let k = 1; k <= 3; k++) {
      plotValues.push({
        union_id: union.id, village_id: v.id, household_id: null, tenure: 'collective', code: `${v.code}-C${k}`,
        name: `${v.name}集体${k === 1 ? '连栋大棚' : '蔬菜基地'}${k}号`, area_mu: String(rnd.int(20, 120)) + '.00',
        kind: k === 1 ? 'greenhouse' : 'open_field', location: `${villageSeeds[i].name}${rnd.pick(plotWords)}`,
      });
    }
  });
  await insertChunked(db, people, peopleValues);
  await insertChunked(db, plots, plotValues);

  const bRows = await db.insert(buyers).values([
    { union_id: union.id, code: 'PORT', name: '湖北省港口集团有限公司', kind: 'state_enterprise', contact_name: '采购部', phone: '027-80000001', address: '武汉市' },
    { union_id: union.id, code: 'SM-JX', name: '江夏惠民超市（示例）', kind: 'supermarket', contact_name: '生鲜部', phone: '027-80000002' },
    { union_id: union.id, code: 'WM-BS', name: '白沙洲农副产品大市场（示例）', kind: 'wholesale_market', contact_name: '蔬菜区', phone: '027-80000003' },
    { union_id: union.id, code: 'CT-JK', name: '金口街道机关食堂（示例）', kind: 'canteen', contact_name: '食堂管理员', phone: '027-80000004' },
  ]).returning();

  const password = opts.password ?? DEMO_PASSWORD;
  const passwordHash = await hashPassword(password);
  const changjiang = vRows[0];
  // The member account belongs to a household that is a member.
  const memberHousehold = hhRows.find((h) => h.village_id === changjiang.id && h.is_member)!;
  const scope: Record<string, Partial<typeof users.$inferInsert>> = {
    'manager.changjiang': { cooperative_id: cRows[0].id, village_id: changjiang.id },
    'cadre.changjiang': { village_id: changjiang.id },
    'buyer.port': { buyer_id: bRows[0].id },
    'member.changjiang': { household_id: memberHousehold.id, village_id: changjiang.id },
  };
  const accounts = await db.insert(users).values(demoAccounts.map((a) => ({
    union_id: union.id, username: a.username, password_hash: passwordHash, display_name: a.display_name, role: a.role,
    ...scope[a.username],
  }))).returning();

  const admin = accounts.find((a) => a.role === 'union_admin')!;
  const production = await seedProduction(db as Tx, {
    unionId: union.id, villages: vRows, cooperatives: cRows, memberHouseholdId: memberHousehold.id,
    admin: {
      id: admin.id, union_id: union.id, username: admin.username, display_name: admin.display_name, role: 'union_admin',
      cooperative_id: null, village_id: null, household_id: null, buyer_id: null,
    },
  }, rnd);
  const sales = await seedSales(db as Tx, {
    unionId: union.id, buyerIds: bRows.map((b) => b.id),
    admin: {
      id: admin.id, union_id: union.id, username: admin.username, display_name: admin.display_name, role: 'union_admin',
      cooperative_id: null, village_id: null, household_id: null, buyer_id: null,
    },
  });

  const counts = await db.execute<{ households: number; people: number; plots: number }>(sql`
    SELECT (SELECT count(*)::int FROM households) AS households, (SELECT count(*)::int FROM people) AS people,
           (SELECT count(*)::int FROM plots) AS plots`);
  return { union, villages: vRows, cooperatives: cRows, buyers: bRows, counts: counts.rows[0], production, sales };
}

export async function hasAnyUnion(db: Db): Promise<boolean> {
  const res = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM unions`);
  return Number(res.rows[0]?.n) > 0;
}

/** True when the database holds the demo union (the start banner then prints the demo logins). */
export async function hasDemoUnion(db: Db): Promise<boolean> {
  const res = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM unions WHERE is_demo`);
  return Number(res.rows[0]?.n) > 0;
}

export function demoBanner(
  baseUrl: string,
  opts: {
    /** The demo accounts still on DEMO_PASSWORD; absent: all (a fresh seed). The others print "(password changed)". */
    unchanged?: ReadonlySet<string>;
    /** Listening on loopback only: say so, and how to expose it. */
    localOnly?: boolean;
  } = {},
): string {
  const lines = demoAccounts.map((a) => {
    const still = !opts.unchanged || opts.unchanged.has(a.username);
    return `    ${a.username.padEnd(20)} ${(still ? DEMO_PASSWORD : '(password changed)').padEnd(18)} ${a.note}`;
  });
  return [
    '',
    `  Console:  ${baseUrl}/`,
    `  API docs: ${baseUrl}/docs`,
    ...(opts.localOnly
      ? ['  Listening on this machine only (127.0.0.1). To expose the demo to other machines: HOST=0.0.0.0 npm start']
      : []),
    '  Demo logins (embedded demo database only):',
    ...lines,
    '',
  ].join('\n');
}
