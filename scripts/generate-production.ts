import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { today as unionToday } from '../server/lib/dates';
import { generateBulk } from './generate-data';

// `npm run generate-data -- --production [--households 3000 --plantings 20000 --lots 200000 --movements 1000000]`
//
// Bulk production and storage data in the BENCH union, for the stock and harvest benchmarks:
// a dozen real vegetables, six cold rooms and stores per village, plantings on the generated
// households' plots (a year of successive crops, each taking a third of its plot so that the
// plantings overlapping at any time never exceed the plot's area), harvest lots with
// server-format codes (VILLAGE-YYYYMMDD-NNN, numbered per village and day, and the
// lot_sequences the server continues from), and a stock ledger: receives, transfers, losses,
// count adjustments, expired lots cleared, and processing runs (issues, output lots,
// genealogy). Every lot's movements are planned here first, in order, in kilograms to the
// hundredth (integers), so that no balance ever goes negative; the balances are then written
// from the plan: `stock` (one row per lot and room with kg > 0), `warehouses.stock_kg`,
// `harvest_lots.received_kg` (inserted with the lot: the table is append-only) and
// `plantings.harvested_kg`. Each room's capacity is at least the sum of the most each lot ever
// held in it, so no order of the movements in time could overfill it.
//
// Set-based: every table is written by INSERT ... SELECT FROM unnest(<column arrays>), tens of
// thousands of rows a statement, in one transaction. The records are append-only (migration
// 0008): a second run on a union that already has lots adds nothing.

export interface ProductionOptions {
  households?: number;
  plantings?: number;
  lots?: number;
  movements?: number;
  /** Processing runs (default: one per 2,000 lots). */
  runs?: number;
  seed?: number;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
  /** Redraws a progress bar on one line when true (a terminal). */
  tty?: boolean;
}

export interface ProductionResult {
  unionId: number;
  skipped: boolean;
  crops: number;
  warehouses: number;
  plantings: number;
  lots: number;
  movements: number;
  processingRuns: number;
  stockRows: number;
  ms: number;
}

/** Twelve vegetables of the base, with cold-store shelf lives (days), zones and intake prices. */
export const BENCH_CROPS = [
  { code: 'CAB', zh: '甘蓝', en: 'Cabbage', variety: '京丰一号', category: 'brassica', shelf: 60, zone: 'chilled', chill: false, fen: 160, growth: 75 },
  { code: 'BOK', zh: '上海青', en: 'Bok choy', variety: '矮抗青', category: 'leafy', shelf: 10, zone: 'chilled', chill: false, fen: 300, growth: 35 },
  { code: 'LET', zh: '生菜', en: 'Lettuce', variety: '意大利生菜', category: 'leafy', shelf: 14, zone: 'chilled', chill: false, fen: 350, growth: 45 },
  { code: 'SPN', zh: '菠菜', en: 'Spinach', variety: '大叶菠菜', category: 'leafy', shelf: 10, zone: 'chilled', chill: false, fen: 400, growth: 40 },
  { code: 'BRO', zh: '西兰花', en: 'Broccoli', variety: '优秀', category: 'brassica', shelf: 21, zone: 'chilled', chill: false, fen: 500, growth: 80 },
  { code: 'CAR', zh: '胡萝卜', en: 'Carrot', variety: '新黑田五寸', category: 'root', shelf: 120, zone: 'chilled', chill: false, fen: 220, growth: 95 },
  { code: 'CUC', zh: '黄瓜', en: 'Cucumber', variety: '津优35', category: 'cucurbit', shelf: 10, zone: 'cool', chill: true, fen: 320, growth: 55 },
  { code: 'TOM', zh: '番茄', en: 'Tomato', variety: '粉果', category: 'fruiting', shelf: 14, zone: 'cool', chill: true, fen: 400, growth: 85 },
  { code: 'PEP', zh: '辣椒', en: 'Chili pepper', variety: '线椒', category: 'fruiting', shelf: 21, zone: 'cool', chill: true, fen: 500, growth: 85 },
  { code: 'EGG', zh: '茄子', en: 'Eggplant', variety: '杭茄', category: 'fruiting', shelf: 10, zone: 'cool', chill: true, fen: 350, growth: 80 },
  { code: 'ONI', zh: '洋葱', en: 'Onion', variety: '紫皮洋葱', category: 'allium', shelf: 180, zone: 'ambient', chill: false, fen: 180, growth: 100 },
  { code: 'PUM', zh: '南瓜', en: 'Pumpkin', variety: '蜜本南瓜', category: 'cucurbit', shelf: 90, zone: 'ambient', chill: true, fen: 150, growth: 95 },
] as const;

/** Rooms of each village: four cold rooms, an ambient store and a processing hall (kept empty). */
const ROOMS = [
  { code: 'LK1', name: '冷库1号', kind: 'cold_room', zone: 'chilled', capacity: 800_000 },
  { code: 'LK2', name: '冷库2号', kind: 'cold_room', zone: 'chilled', capacity: 800_000 },
  { code: 'LK3', name: '冷库3号', kind: 'cold_room', zone: 'cool', capacity: 600_000 },
  { code: 'LK4', name: '冷库4号', kind: 'cold_room', zone: 'cool', capacity: 600_000 },
  { code: 'CK1', name: '常温库', kind: 'ambient_store', zone: 'ambient', capacity: 1_000_000 },
  { code: 'JG1', name: '加工车间', kind: 'processing_hall', zone: 'ambient', capacity: 100_000 },
] as const;

const GRADES = ['premium', 'first', 'second', 'processing'] as const;
const GRADE_PRICE = [1.2, 1, 0.8, 0.5];
const LOSS_REASONS = ['腐烂', '失水萎蔫', '搬运破损', '冻伤', '虫害'];
const COUNT_REASONS = ['月度盘点', '周盘点', '抽查复秤'];
const DAY = 86_400_000;

/** mulberry32: a small seeded generator (the data is the same at every run of the same size). */
function rng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hundredths (an integer) as a decimal string. */
const kg = (c: number) => `${Math.trunc(c / 100)}.${String(c % 100).padStart(2, '0')}`;
const isoDay = (t: number) => new Date(t).toISOString().slice(0, 10);

/** A PostgreSQL array literal (one parameter for a whole column). */
function arr(values: readonly (string | number | null)[]): string {
  let s = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i) s += ',';
    if (v === null) s += 'NULL';
    else if (typeof v === 'number') s += String(v);
    else s += `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  }
  return `${s}}`;
}

function progressBar(log: (l: string) => void, tty: boolean, t0: number) {
  return (label: string, done: number, total: number) => {
    const width = 30;
    const f = total ? done / total : 1;
    const bar = `${'#'.repeat(Math.round(f * width))}${'.'.repeat(width - Math.round(f * width))}`;
    const line = `  [${bar}] ${String(Math.round(f * 100)).padStart(3)}% ${label} ${done.toLocaleString('en')}/${total.toLocaleString('en')}  ${((performance.now() - t0) / 1000).toFixed(1)} s`;
    if (tty) {
      process.stdout.write(`\r${line}${done >= total ? '\n' : ''}`);
    } else log(line);
  };
}

interface Lot {
  id: number; village: number; planting: number | null; plot: number | null; household: number | null; crop: number;
  harvested: number; grade: number; qty: number; priceFen: number | null; member: boolean | null; run: number | null;
  expires: number; received: number; code: string; rooms: [number, number]; lastMove: number;
}

export async function generateProduction(db: Db, opts: ProductionOptions = {}): Promise<ProductionResult> {
  const t0 = performance.now();
  const H = opts.households ?? 3000;
  const P = opts.plantings ?? 20_000;
  const L = opts.lots ?? 200_000;
  const M = opts.movements ?? 1_000_000;
  const log = opts.log ?? (() => {});
  const bar = progressBar(log, opts.tty ?? false, t0);
  const rand = rng(opts.seed ?? 20260512);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];

  const { unionId } = await generateBulk(db, H);
  const existing = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM harvest_lots WHERE union_id = ${unionId}`);
  if (Number(existing.rows[0].n) > 0) {
    log(`  union BENCH already has ${existing.rows[0].n} lots: production data is append-only, nothing added`);
    return { unionId, skipped: true, crops: 0, warehouses: 0, plantings: 0, lots: 0, movements: 0, processingRuns: 0, stockRows: 0, ms: performance.now() - t0 };
  }

  // ---------- reference data: crops, a cooperative per village, rooms ----------
  await db.execute(sql`
    INSERT INTO crops (union_id, code, name_zh, name_en, variety, category, shelf_life_days, storage_zone, chill_sensitive)
    SELECT ${unionId}, c.code, c.zh, c.en, c.variety, c.category::crop_category, c.shelf, c.zone::temperature_zone, c.chill
    FROM json_to_recordset(${JSON.stringify(BENCH_CROPS)}::json)
      AS c(code text, zh text, en text, variety text, category text, shelf int, zone text, chill boolean)
    ON CONFLICT (union_id, code) DO NOTHING`);
  await db.execute(sql`
    INSERT INTO cooperatives (union_id, village_id, code, name)
    SELECT v.union_id, v.id, v.code || '-COOP', v.name || '蔬菜专业合作社' FROM villages v WHERE v.union_id = ${unionId}
    ON CONFLICT DO NOTHING`);
  await db.execute(sql`
    INSERT INTO warehouses (union_id, village_id, cooperative_id, code, name, kind, temperature_zone, capacity_kg)
    SELECT v.union_id, v.id, c.id, v.code || '-' || r.code, v.name || r.name, r.kind::warehouse_kind, r.zone::temperature_zone, r.capacity
    FROM villages v JOIN cooperatives c ON c.village_id = v.id
    CROSS JOIN json_to_recordset(${JSON.stringify(ROOMS)}::json) AS r(code text, name text, kind text, zone text, capacity numeric)
    WHERE v.union_id = ${unionId}
    ON CONFLICT (union_id, code) DO NOTHING`);

  const villages = (await db.execute<{ id: number; code: string }>(sql`SELECT id, code FROM villages WHERE union_id = ${unionId} ORDER BY id`)).rows
    .map((v) => ({ id: Number(v.id), code: v.code }));
  const villageCode = new Map(villages.map((v) => [v.id, v.code]));
  const crops = (await db.execute<{ id: number; code: string }>(sql`SELECT id, code FROM crops WHERE union_id = ${unionId}`)).rows;
  const cropOf = new Map(crops.map((c) => [c.code, Number(c.id)]));
  const cropList = BENCH_CROPS.map((c) => ({ ...c, id: cropOf.get(c.code)! }));
  const rooms = (await db.execute<{ id: number; village_id: number; code: string; capacity_kg: string }>(sql`
    SELECT id, village_id, code, capacity_kg FROM warehouses WHERE union_id = ${unionId} ORDER BY id`)).rows;
  const roomOf = new Map(rooms.map((r) => [`${Number(r.village_id)}/${r.code.split('-').pop()}`, Number(r.id)]));
  const hall = (v: number) => roomOf.get(`${v}/JG1`)!;
  /** The two rooms a crop may be kept in, in its village: its zone's pair (an ambient crop: the store and a cool room). */
  const roomsFor = (v: number, zone: string): [number, number] =>
    zone === 'chilled' ? [roomOf.get(`${v}/LK1`)!, roomOf.get(`${v}/LK2`)!]
      : zone === 'cool' ? [roomOf.get(`${v}/LK3`)!, roomOf.get(`${v}/LK4`)!]
        : [roomOf.get(`${v}/CK1`)!, roomOf.get(`${v}/LK3`)!];

  const hh = (await db.execute<{ id: number; village_id: number; is_member: boolean; plot_id: number; area_mu: string }>(sql`
    SELECT h.id, h.village_id, h.is_member, p.id AS plot_id, p.area_mu
    FROM (SELECT id, village_id, is_member FROM households WHERE union_id = ${unionId} ORDER BY id LIMIT ${H}) h
    JOIN LATERAL (SELECT id, area_mu FROM plots WHERE household_id = h.id ORDER BY id LIMIT 1) p ON true
    ORDER BY h.id`)).rows;
  if (!hh.length) throw new Error('no households with plots in union BENCH');
  // Dates as the server sees them: the union's today (Asia/Shanghai); times up to a minute ago.
  const clock = (await db.execute<{ now_ms: string }>(sql`SELECT (extract(epoch FROM now()) * 1000)::bigint AS now_ms`)).rows[0];
  const now = Number(clock.now_ms) - 60_000;
  const today = Date.parse(`${unionToday(new Date(now))}T00:00:00Z`);
  log(`  reference data: ${cropList.length} crops, ${rooms.length} rooms, ${hh.length} households  ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // ---------- ids reserved in blocks (the rows are inserted with them) ----------
  const R = opts.runs ?? Math.floor(L / 2000);
  const Lh = L - R;
  if (Lh < 1 || P < 1) throw new Error('need at least one planting and one harvest lot');
  const reserve = async (table: string, n: number) => {
    if (n === 0) return 0;
    const r = await db.execute<{ last: string }>(sql`
      SELECT setval(pg_get_serial_sequence(${table}, 'id'), nextval(pg_get_serial_sequence(${table}, 'id')) + ${n - 1}) AS last`);
    return Number(r.rows[0].last) - n + 1;
  };

  // ---------- plantings: a year of successive crops on each plot ----------
  const rounds = Math.ceil(P / hh.length);
  const plantings: { id: number; village: number; plot: number; household: number; crop: number; area: number; planted: number;
    from: number; to: number; finished: boolean; harvested: number; member: boolean; zone: string; shelf: number; fen: number }[] = [];
  const firstPlanting = await reserve('plantings', P);
  for (let i = 0; i < P; i++) {
    const h = hh[i % hh.length];
    const round = Math.floor(i / hh.length);
    const crop = pick(cropList);
    // Harvests start 55 days apart on a plot (the last round's 22–31 days ago, its lots up to
    // 20 days later); each planting takes a third of the plot: at most three periods (≤ 120
    // days long) overlap. All but the last round are finished.
    const from = today - (22 + Math.floor(rand() * 10) + (rounds - 1 - round) * 55) * DAY;
    const to = from + 20 * DAY;
    const area = Math.max(1, Math.floor((Math.round(Number(h.area_mu) * 100)) / 3));
    plantings.push({
      id: firstPlanting + i, village: Number(h.village_id), plot: Number(h.plot_id), household: Number(h.id), crop: crop.id, area,
      planted: from - crop.growth * DAY, from, to, finished: round < rounds - 1, harvested: 0, member: Boolean(h.is_member),
      zone: crop.zone, shelf: crop.shelf, fen: crop.fen,
    });
  }

  // ---------- lots ----------
  const firstLot = await reserve('harvest_lots', L);
  const lots: Lot[] = [];
  for (let i = 0; i < Lh; i++) {
    const p = plantings[i % P];
    const k = Math.floor(i / P);
    const harvested = p.from + ((k * 2) % 21) * DAY;
    const r = rand();
    const grade = r < 0.15 ? 0 : r < 0.65 ? 1 : r < 0.95 ? 2 : 3;
    const qty = 5000 + Math.floor(rand() * 45_000);
    p.harvested += qty;
    const rs = roomsFor(p.village, p.zone);
    lots.push({
      id: firstLot + i, village: p.village, planting: p.id, plot: p.plot, household: p.household, crop: p.crop, harvested, grade, qty,
      priceFen: Math.round(p.fen * GRADE_PRICE[grade]), member: p.member, run: null, expires: harvested + p.shelf * DAY, received: 0, code: '',
      rooms: rand() < 0.5 ? rs : [rs[1], rs[0]], lastMove: harvested,
    });
  }

  // ---------- processing runs: 2–3 recent lots of one crop and village in, one packed lot out ----------
  const firstRun = await reserve('processing_runs', R);
  const runs: { id: number; village: number; crop: number; on: number; inputs: Lot[]; output: Lot; loss: number }[] = [];
  const budget = (i: number) => Math.floor((M - R) / Lh) + (i < (M - R) % Lh ? 1 : 0);
  if (R > 0) {
    // Candidates: lots still fresh today (their output is in stock), with room in their budget for the issues.
    const byKey = new Map<string, Lot[]>();
    for (let i = 0; i < Lh; i++) {
      const lot = lots[i];
      if (lot.expires < today + 3 * DAY || budget(i) < 3) continue;
      const key = `${lot.village}/${lot.crop}`;
      byKey.set(key, [...(byKey.get(key) ?? []), lot]);
    }
    const groups = [...byKey.values()].filter((g) => g.length >= 3);
    for (let r = 0; r < R && groups.length; r++) {
      const g = groups[r % groups.length];
      const n = 2 + (r % 2);
      if (g.length < n) continue;
      const inputs = g.splice(0, n);
      const on = Math.min(today, Math.max(...inputs.map((l) => l.harvested)) + DAY);
      const lot: Lot = {
        id: firstLot + Lh + runs.length, village: inputs[0].village, planting: null, plot: null, household: null, crop: inputs[0].crop,
        harvested: on, grade: 1, qty: 0, priceFen: null, member: null, run: firstRun + runs.length,
        expires: Math.min(...inputs.map((l) => l.expires)), received: 0, code: '', rooms: inputs[0].rooms, lastMove: on,
      };
      runs.push({ id: firstRun + runs.length, village: lot.village, crop: lot.crop, on, inputs, output: lot, loss: 0 });
    }
  }
  const inputRun = new Map<number, (typeof runs)[number]>();
  for (const run of runs) for (const l of run.inputs) inputRun.set(l.id, run);

  // ---------- the ledger, lot by lot, in order ----------
  const mv = {
    kind: [] as string[], lot: [] as number[], village: [] as number[], from: [] as (number | null)[], to: [] as (number | null)[],
    qty: [] as string[], counted: [] as (string | null)[], run: [] as (number | null)[], reason: [] as (string | null)[], at: [] as string[],
  };
  const push = (kind: string, lot: Lot, from: number | null, to: number | null, q: number, at: number, extra: { counted?: number; run?: number; reason?: string } = {}) => {
    mv.kind.push(kind); mv.lot.push(lot.id); mv.village.push(lot.village); mv.from.push(from); mv.to.push(to); mv.qty.push(kg(q));
    mv.counted.push(extra.counted === undefined ? null : kg(extra.counted)); mv.run.push(extra.run ?? null); mv.reason.push(extra.reason ?? null);
    mv.at.push(new Date(at).toISOString());
    lot.lastMove = Math.max(lot.lastMove, at);
  };
  /** Final balance per lot and room, and the most each lot ever held in each room (for capacities). */
  const balances: { lot: Lot; room: number; kg: number }[] = [];
  const peak = new Map<number, number>();
  const issuedOf = new Map<number, number>();
  for (let i = 0; i < Lh; i++) {
    const lot = lots[i];
    const n = budget(i);
    if (n === 0) continue;
    const run = inputRun.get(lot.id);
    // An expired lot is cleared (its remains written off); a processing input is issued whole.
    const terminal: 'loss' | 'issue' | null = run ? 'issue' : lot.expires < today - 3 * DAY ? 'loss' : null;
    const start = lot.harvested + (2 + rand() * 6) * 3_600_000;
    const end = run ? run.on + 2 * 3_600_000 : terminal ? Math.min(now, lot.expires + (1 + rand() * 4) * DAY) : Math.min(now, lot.harvested + Math.max(1, Math.min(lot.expires - lot.harvested, now - lot.harvested) / DAY) * DAY * 0.9);
    const at = (s: number) => Math.min(now, start + ((end - start) * s) / Math.max(1, n));
    const [a, b] = lot.rooms;
    const bal = new Map<number, number>([[a, lot.qty], [b, 0]]);
    const max = new Map<number, number>([[a, lot.qty], [b, 0]]);
    push('receive', lot, null, a, lot.qty, start);
    lot.received = lot.qty;
    for (let s = 1; s < n; s++) {
      const left = n - s;
      const full = [a, b].filter((r) => bal.get(r)! > 0);
      if (full.length === 0) break;
      if (terminal && left <= full.length) {
        const r = full[0];
        if (terminal === 'issue') {
          push('issue', lot, r, null, bal.get(r)!, run!.on + 3 * 3_600_000, { run: run!.id });
          issuedOf.set(lot.id, (issuedOf.get(lot.id) ?? 0) + bal.get(r)!);
        } else push('loss', lot, r, null, bal.get(r)!, at(s), { reason: '过期报损' });
        bal.set(r, 0);
        continue;
      }
      const src = pick(full);
      const dst = src === a ? b : a;
      const x = rand();
      if (x < 0.4 || bal.get(src)! < 200) {
        // A transfer: the whole lot, or (when the budget leaves room to clear both rooms) part of it.
        const part = rand() < 0.4 && bal.get(src)! >= 200 && (!terminal || left - 1 >= 2);
        const q = part ? Math.floor(bal.get(src)! * (0.3 + rand() * 0.4)) : bal.get(src)!;
        push('transfer', lot, src, dst, q, at(s), { reason: part ? '分拣分库' : '倒库' });
        bal.set(src, bal.get(src)! - q);
        bal.set(dst, bal.get(dst)! + q);
      } else if (x < 0.7) {
        const q = Math.max(1, Math.floor(bal.get(src)! * (0.005 + rand() * 0.045)));
        push('loss', lot, src, null, q, at(s), { reason: pick(LOSS_REASONS) });
        bal.set(src, bal.get(src)! - q);
      } else {
        // A count: mostly a little less than the book (water loss), now and then a little more.
        const up = rand() < 0.2;
        const d = Math.max(1, Math.floor(bal.get(src)! * (up ? 0.001 + rand() * 0.004 : 0.001 + rand() * 0.019)));
        const counted = bal.get(src)! + (up ? d : -d);
        push('adjust', lot, up ? null : src, up ? src : null, d, at(s), { counted, reason: pick(COUNT_REASONS) });
        bal.set(src, counted);
      }
      for (const r of [a, b]) max.set(r, Math.max(max.get(r)!, bal.get(r)!));
    }
    for (const r of [a, b]) {
      if (bal.get(r)! > 0) balances.push({ lot, room: r, kg: bal.get(r)! });
      peak.set(r, (peak.get(r) ?? 0) + max.get(r)!);
    }
  }
  // Processing: what the inputs had left, issued; 94–98 % of it out as one packed lot.
  for (const run of runs) {
    const issued = run.inputs.map((l) => issuedOf.get(l.id) ?? 0);
    const total = issued.reduce((s, q) => s + q, 0);
    const out = Math.max(1, Math.floor(total * (0.94 + rand() * 0.04)));
    run.output.qty = out;
    run.loss = total - out;
    run.output.received = out;
    const room = run.output.rooms[0];
    push('output', run.output, null, room, out, run.on + 5 * 3_600_000, { run: run.id });
    balances.push({ lot: run.output, room, kg: out });
    peak.set(room, (peak.get(room) ?? 0) + out);
    (run as typeof run & { issued: number[] }).issued = issued;
    lots.push(run.output);
  }

  // Codes: village code, date, sequence per village and day (in id order, as the server numbers them).
  const seq = new Map<string, number>();
  for (const lot of lots) {
    const day = isoDay(lot.harvested);
    const key = `${lot.village}/${day}`;
    const n = (seq.get(key) ?? 0) + 1;
    seq.set(key, n);
    lot.code = `${villageCode.get(lot.village)}-${day.replace(/-/g, '')}-${String(n).padStart(3, '0')}`;
  }
  log(`  planned ${plantings.length.toLocaleString('en')} plantings, ${lots.length.toLocaleString('en')} lots, ${mv.lot.length.toLocaleString('en')} movements, ${runs.length} processing runs  ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  // ---------- write ----------
  const written = await db.transaction(async (tx) => {
    // Rooms: at least the sum of each lot's most in them (no order of the movements overfills one).
    const caps = rooms.map((r) => ({ id: Number(r.id), cap: Math.max(Math.round(Number(r.capacity_kg) * 100), Math.ceil((peak.get(Number(r.id)) ?? 0) / 10_000_000) * 10_000_000) }));
    await tx.execute(sql`
      UPDATE warehouses w SET capacity_kg = c.cap / 100.0
      FROM unnest(${arr(caps.map((c) => c.id))}::int[], ${arr(caps.map((c) => c.cap))}::bigint[]) AS c(id, cap)
      WHERE w.id = c.id AND w.capacity_kg < c.cap / 100.0`);

    const step = 20_000;
    for (let s = 0; s < plantings.length; s += step) {
      const ps = plantings.slice(s, s + step);
      await tx.execute(sql`
        INSERT INTO plantings (id, union_id, village_id, plot_id, household_id, crop_id, area_mu, planted_on, expected_harvest_from,
          expected_harvest_to, expected_yield_kg, status, finished_on, harvested_kg, notes)
        OVERRIDING SYSTEM VALUE
        SELECT t.id, ${unionId}, t.village, t.plot, t.household, t.crop, t.area / 100.0, t.planted, t.hfrom, t.hto, t.yld / 100.0,
               t.status::planting_status, CASE WHEN t.status = 'finished' THEN t.hto END, t.harvested / 100.0, NULL
        FROM unnest(${arr(ps.map((p) => p.id))}::int[], ${arr(ps.map((p) => p.village))}::int[], ${arr(ps.map((p) => p.plot))}::int[],
                    ${arr(ps.map((p) => p.household))}::int[], ${arr(ps.map((p) => p.crop))}::int[], ${arr(ps.map((p) => p.area))}::int[],
                    ${arr(ps.map((p) => isoDay(p.planted)))}::date[], ${arr(ps.map((p) => isoDay(p.from)))}::date[], ${arr(ps.map((p) => isoDay(p.to)))}::date[],
                    ${arr(ps.map((p) => Math.round(p.harvested * 1.05)))}::bigint[], ${arr(ps.map((p) => (p.finished ? 'finished' : 'harvesting')))}::text[],
                    ${arr(ps.map((p) => p.harvested))}::bigint[])
          AS t(id, village, plot, household, crop, area, planted, hfrom, hto, yld, status, harvested)`);
      bar('plantings', Math.min(plantings.length, s + step), plantings.length);
    }

    if (runs.length) {
      await tx.execute(sql`
        INSERT INTO processing_runs (id, union_id, village_id, warehouse_id, kind, crop_id, run_on, input_kg, output_kg, loss_kg, notes)
        OVERRIDING SYSTEM VALUE
        SELECT t.id, ${unionId}, t.village, t.hall, 'packing', t.crop, t.run_on, (t.out + t.loss) / 100.0, t.out / 100.0, t.loss / 100.0, '分级包装（生成数据）'
        FROM unnest(${arr(runs.map((r) => r.id))}::int[], ${arr(runs.map((r) => r.village))}::int[], ${arr(runs.map((r) => hall(r.village)))}::int[],
                    ${arr(runs.map((r) => r.crop))}::int[], ${arr(runs.map((r) => isoDay(r.on)))}::date[], ${arr(runs.map((r) => r.output.qty))}::bigint[],
                    ${arr(runs.map((r) => r.loss))}::bigint[]) AS t(id, village, hall, crop, run_on, out, loss)`);
    }

    const lotStep = 25_000;
    for (let s = 0; s < lots.length; s += lotStep) {
      const ls = lots.slice(s, s + lotStep);
      await tx.execute(sql`
        INSERT INTO harvest_lots (id, union_id, village_id, code, source, planting_id, plot_id, household_id, crop_id, harvested_on, grade,
          quantity_kg, intake_price, is_member, processing_run_id, expires_on, received_kg, created_at, updated_at)
        OVERRIDING SYSTEM VALUE
        SELECT t.id, ${unionId}, t.village, t.code, CASE WHEN t.run IS NULL THEN 'harvest' ELSE 'processing' END::lot_source, t.planting, t.plot,
               t.household, t.crop, t.harvested, t.grade::lot_grade, t.qty / 100.0, t.price / 100.0, t.is_mem, t.run, t.expires, t.received / 100.0,
               t.harvested + time '18:00', t.lastmove
        FROM unnest(${arr(ls.map((l) => l.id))}::int[], ${arr(ls.map((l) => l.village))}::int[], ${arr(ls.map((l) => l.code))}::text[],
                    ${arr(ls.map((l) => l.planting))}::int[], ${arr(ls.map((l) => l.plot))}::int[], ${arr(ls.map((l) => l.household))}::int[],
                    ${arr(ls.map((l) => l.crop))}::int[], ${arr(ls.map((l) => isoDay(l.harvested)))}::date[], ${arr(ls.map((l) => GRADES[l.grade]))}::text[],
                    ${arr(ls.map((l) => l.qty))}::bigint[], ${arr(ls.map((l) => l.priceFen))}::int[],
                    ${arr(ls.map((l) => (l.member === null ? null : l.member ? 'true' : 'false')))}::boolean[], ${arr(ls.map((l) => l.run))}::int[],
                    ${arr(ls.map((l) => isoDay(l.expires)))}::date[], ${arr(ls.map((l) => l.received))}::bigint[],
                    ${arr(ls.map((l) => new Date(l.lastMove).toISOString()))}::timestamptz[])
          AS t(id, village, code, planting, plot, household, crop, harvested, grade, qty, price, is_mem, run, expires, received, lastmove)`);
      bar('harvest lots', Math.min(lots.length, s + lotStep), lots.length);
    }
    // The server numbers the next lot of a village and day after these.
    const days = [...seq.entries()].map(([k, n]) => ({ village: Number(k.split('/')[0]), day: k.split('/')[1], n }));
    await tx.execute(sql`
      INSERT INTO lot_sequences (village_id, day, last_seq)
      SELECT * FROM unnest(${arr(days.map((d) => d.village))}::int[], ${arr(days.map((d) => d.day))}::date[], ${arr(days.map((d) => d.n))}::int[])
      ON CONFLICT (village_id, day) DO UPDATE SET last_seq = greatest(lot_sequences.last_seq, EXCLUDED.last_seq)`);

    const mvStep = 100_000;
    const total = mv.lot.length;
    for (let s = 0; s < total; s += mvStep) {
      const e = Math.min(total, s + mvStep);
      await tx.execute(sql`
        INSERT INTO stock_movements (union_id, village_id, kind, lot_id, from_warehouse_id, to_warehouse_id, quantity_kg, counted_kg,
          processing_run_id, reason, moved_at)
        SELECT ${unionId}, t.village, t.kind::movement_kind, t.lot, t.from_id, t.to_id, t.qty, t.counted, t.run, t.reason, t.moved
        FROM unnest(${arr(mv.village.slice(s, e))}::int[], ${arr(mv.kind.slice(s, e))}::text[], ${arr(mv.lot.slice(s, e))}::int[],
                    ${arr(mv.from.slice(s, e))}::int[], ${arr(mv.to.slice(s, e))}::int[], ${arr(mv.qty.slice(s, e))}::numeric[],
                    ${arr(mv.counted.slice(s, e))}::numeric[], ${arr(mv.run.slice(s, e))}::int[], ${arr(mv.reason.slice(s, e))}::text[],
                    ${arr(mv.at.slice(s, e))}::timestamptz[])
          AS t(village, kind, lot, from_id, to_id, qty, counted, run, reason, moved)`);
      bar('stock movements', e, total);
    }

    // Genealogy: each output's kg split over its inputs in proportion, to the 0.01 kg, largest remainder.
    const parents: { child: number; parent: number; run: number; kg: number }[] = [];
    for (const run of runs) {
      const issued = (run as typeof run & { issued: number[] }).issued;
      const total = issued.reduce((a, q) => a + q, 0);
      const exact = issued.map((q) => (run.output.qty * q) / total);
      const share = exact.map(Math.floor);
      let rest = run.output.qty - share.reduce((a, q) => a + q, 0);
      for (const j of exact.map((x, j) => j).sort((p, q) => (exact[q] - share[q]) - (exact[p] - share[p]))) if (rest-- > 0) share[j]++;
      run.inputs.forEach((l, j) => share[j] > 0 && parents.push({ child: run.output.id, parent: l.id, run: run.id, kg: share[j] }));
    }
    if (parents.length) {
      await tx.execute(sql`
        INSERT INTO lot_parents (union_id, child_lot_id, parent_lot_id, processing_run_id, quantity_kg)
        SELECT ${unionId}, t.child, t.parent, t.run, t.kg / 100.0
        FROM unnest(${arr(parents.map((p) => p.child))}::int[], ${arr(parents.map((p) => p.parent))}::int[], ${arr(parents.map((p) => p.run))}::int[],
                    ${arr(parents.map((p) => p.kg))}::bigint[]) AS t(child, parent, run, kg)`);
    }

    const stockStep = 50_000;
    for (let s = 0; s < balances.length; s += stockStep) {
      const bs = balances.slice(s, s + stockStep);
      await tx.execute(sql`
        INSERT INTO stock (union_id, village_id, warehouse_id, lot_id, lot_code, crop_id, grade, expires_on, quantity_kg, updated_at)
        SELECT ${unionId}, t.village, t.room, t.lot, t.code, t.crop, t.grade::lot_grade, t.expires, t.kg / 100.0, t.moved
        FROM unnest(${arr(bs.map((b) => b.lot.village))}::int[], ${arr(bs.map((b) => b.room))}::int[], ${arr(bs.map((b) => b.lot.id))}::int[],
                    ${arr(bs.map((b) => b.lot.code))}::text[], ${arr(bs.map((b) => b.lot.crop))}::int[], ${arr(bs.map((b) => GRADES[b.lot.grade]))}::text[],
                    ${arr(bs.map((b) => isoDay(b.lot.expires)))}::date[], ${arr(bs.map((b) => b.kg))}::bigint[],
                    ${arr(bs.map((b) => new Date(b.lot.lastMove).toISOString()))}::timestamptz[])
          AS t(village, room, lot, code, crop, grade, expires, kg, moved)`);
      bar('stock balances', Math.min(balances.length, s + stockStep), balances.length);
    }
    await tx.execute(sql`
      UPDATE warehouses w SET stock_kg = s.kg, updated_at = now()
      FROM (SELECT warehouse_id, sum(quantity_kg) AS kg FROM stock WHERE union_id = ${unionId} GROUP BY warehouse_id) s
      WHERE w.id = s.warehouse_id`);
    return { movements: total, stockRows: balances.length };
  });

  // As autovacuum would leave tables that have settled: statistics and the visibility map.
  for (const t of ['plantings', 'harvest_lots', 'lot_sequences', 'processing_runs', 'lot_parents', 'stock_movements', 'stock', 'warehouses']) {
    await db.execute(sql.raw(`VACUUM ANALYZE ${t}`));
  }
  log(`  vacuumed and analyzed  ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return {
    unionId, skipped: false, crops: cropList.length, warehouses: rooms.length, plantings: plantings.length, lots: lots.length,
    movements: written.movements, processingRuns: runs.length, stockRows: written.stockRows, ms: performance.now() - t0,
  };
}

export interface BalanceCheck {
  movements: number;
  stockRows: number;
  /** (lot, room) pairs whose stock row differs from the sum of their movements (a missing row counts as 0). */
  mismatched: number;
  /** (lot, room) pairs whose movements sum below zero, and stock rows below or at zero. */
  negative: number;
  /** Rooms whose stock_kg differs from the sum of their stock rows. */
  roomMismatched: number;
  overCapacity: number;
  /** Lots whose received_kg differs from their receives and outputs (less the receives reversed). */
  receivedMismatched: number;
  /** Stock rows whose code, crop, grade or expiry differ from their lot's. */
  copiedMismatched: number;
  duplicateCodes: number;
}

/**
 * The stock ledger's invariants, from the tables alone: every balance equals the sum of its
 * movements (in: to_warehouse_id, out: from_warehouse_id, whatever the kind; a count that
 * raises the balance names the room as to_warehouse_id, one that lowers it as
 * from_warehouse_id), none is negative, each room's total is its rows' and within capacity.
 */
export async function checkStockBalances(db: Db, unionId?: number): Promise<BalanceCheck> {
  const u = unionId ?? null;
  const r = await db.execute<Record<keyof BalanceCheck, number>>(sql`
    WITH m AS (
      SELECT lot_id, warehouse_id, sum(kg) AS kg FROM (
        SELECT lot_id, to_warehouse_id AS warehouse_id, quantity_kg AS kg FROM stock_movements
        WHERE to_warehouse_id IS NOT NULL AND (${u}::int IS NULL OR union_id = ${u}::int)
        UNION ALL
        SELECT lot_id, from_warehouse_id, -quantity_kg FROM stock_movements
        WHERE from_warehouse_id IS NOT NULL AND (${u}::int IS NULL OR union_id = ${u}::int)
      ) x GROUP BY lot_id, warehouse_id
    ),
    s AS (SELECT * FROM stock WHERE ${u}::int IS NULL OR union_id = ${u}::int),
    pairs AS (
      SELECT coalesce(m.kg, 0) AS ledger, coalesce(s.quantity_kg, 0) AS balance, s.id AS stock_id
      FROM m FULL JOIN s ON s.lot_id = m.lot_id AND s.warehouse_id = m.warehouse_id
    ),
    rooms AS (
      SELECT w.id, w.stock_kg, w.capacity_kg, coalesce(sum(s.quantity_kg), 0) AS rows_kg
      FROM warehouses w LEFT JOIN s ON s.warehouse_id = w.id
      WHERE ${u}::int IS NULL OR w.union_id = ${u}::int GROUP BY w.id
    ),
    received AS (
      SELECT l.id, l.received_kg, coalesce(sum(CASE WHEN sm.kind IN ('receive', 'output') THEN sm.quantity_kg END), 0)
             - coalesce(sum(CASE WHEN sm.kind = 'reversal' AND rv.kind = 'receive' THEN sm.quantity_kg END), 0) AS kg
      FROM harvest_lots l
      LEFT JOIN stock_movements sm ON sm.lot_id = l.id AND sm.kind IN ('receive', 'output', 'reversal')
      LEFT JOIN stock_movements rv ON rv.id = sm.reverses_id
      WHERE ${u}::int IS NULL OR l.union_id = ${u}::int GROUP BY l.id
    )
    SELECT
      (SELECT count(*)::int FROM stock_movements WHERE ${u}::int IS NULL OR union_id = ${u}::int) AS movements,
      (SELECT count(*)::int FROM s) AS "stockRows",
      (SELECT count(*)::int FROM pairs WHERE ledger <> balance) AS mismatched,
      (SELECT count(*)::int FROM pairs WHERE ledger < 0 OR (stock_id IS NOT NULL AND balance <= 0)) AS negative,
      (SELECT count(*)::int FROM rooms WHERE stock_kg <> rows_kg) AS "roomMismatched",
      (SELECT count(*)::int FROM rooms WHERE stock_kg > capacity_kg OR stock_kg < 0) AS "overCapacity",
      (SELECT count(*)::int FROM received WHERE received_kg <> kg) AS "receivedMismatched",
      (SELECT count(*)::int FROM s JOIN harvest_lots l ON l.id = s.lot_id
        WHERE (s.lot_code, s.crop_id, s.grade, s.expires_on) IS DISTINCT FROM (l.code, l.crop_id, l.grade, l.expires_on)) AS "copiedMismatched",
      (SELECT count(*)::int FROM (SELECT 1 FROM harvest_lots WHERE ${u}::int IS NULL OR union_id = ${u}::int GROUP BY union_id, code HAVING count(*) > 1) d) AS "duplicateCodes"`);
  const row = r.rows[0];
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [k, Number(v)])) as unknown as BalanceCheck;
}

export const balancesHold = (c: BalanceCheck) =>
  c.mismatched === 0 && c.negative === 0 && c.roomMismatched === 0 && c.overCapacity === 0 && c.receivedMismatched === 0
  && c.copiedMismatched === 0 && c.duplicateCodes === 0;
