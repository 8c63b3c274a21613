import { sql } from 'drizzle-orm';
import type { Db } from '../db/client';
import { flag, isMain, openConfiguredDb } from './cli';
// (A cycle: generate-production builds on generateBulk; function declarations, so either may load first.)
import { balancesHold, checkStockBalances, generateProduction } from './generate-production';

// `npm run generate-data -- --households 100000`: bulk, realistic-sized data for benchmarks,
// in its own union (code BENCH) so it never mixes with real records. With `--production`
// (`--households 3000 --plantings 20000 --lots 200000 --movements 1000000`): crops, rooms,
// plantings, harvest lots and a stock ledger with its balances (scripts/generate-production.ts).

export async function generateBulk(db: Db, households: number): Promise<{ unionId: number; households: number }> {
  const u = await db.execute<{ id: number }>(sql`
    INSERT INTO unions (code, name, short_name) VALUES ('BENCH', '压测联合社（生成数据）', '压测')
    ON CONFLICT (code) DO UPDATE SET code = EXCLUDED.code RETURNING id`);
  const unionId = Number(u.rows[0].id);
  await db.execute(sql`
    INSERT INTO villages (union_id, code, name, township)
    SELECT ${unionId}, 'BV' || g, '压测' || g || '村', '生成' FROM generate_series(1, 6) g
    ON CONFLICT DO NOTHING`);
  const have = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM households WHERE union_id = ${unionId}`);
  const from = Number(have.rows[0].n) + 1;
  if (from > households) return { unionId, households: from - 1 };
  const batch = 50_000;
  for (let start = from; start <= households; start += batch) {
    const end = Math.min(households, start + batch - 1);
    await db.execute(sql`
      WITH v AS (SELECT array_agg(id ORDER BY id) AS ids FROM villages WHERE union_id = ${unionId}),
      h AS (
        INSERT INTO households (union_id, village_id, code, head_name, phone, is_member, capital_contributed, joined_on)
        SELECT ${unionId}, v.ids[1 + g % 6], 'BH-' || g,
               (ARRAY['王','李','张','刘','陈','杨','黄','赵'])[1 + g % 8] || (ARRAY['建国','秀英','志明','桂芳','海波'])[1 + g % 5],
               '139' || lpad((g % 100000000)::text, 8, '0'), g % 8 <> 0,
               -- Only members have capital and a join date (households_*_members_only).
               CASE WHEN g % 8 <> 0 THEN (g % 40) * 500 ELSE 0 END, CASE WHEN g % 8 <> 0 THEN date '2019-01-01' + (g % 2500) END
        FROM generate_series(${start}::int, ${end}::int) g, v
        RETURNING id, village_id, head_name, code
      ),
      p AS (
        INSERT INTO people (union_id, village_id, household_id, name, gender, birth_year, roles)
        SELECT ${unionId}, h.village_id, h.id, h.head_name, CASE WHEN h.id % 5 = 0 THEN 'female' ELSE 'male' END::gender,
               1950 + h.id % 40, ARRAY['grower'] FROM h
        RETURNING 1
      )
      INSERT INTO plots (union_id, village_id, household_id, tenure, code, name, area_mu, kind)
      SELECT ${unionId}, h.village_id, h.id, 'household', h.code || '-P1', h.head_name || '家地', 0.5 + (h.id % 50) / 10.0,
             CASE WHEN h.id % 3 = 0 THEN 'greenhouse' ELSE 'open_field' END::plot_kind FROM h`);
    console.log(`  households ${start}..${end}`);
  }
  // As autovacuum would leave a table that has settled: statistics, and the visibility map
  // that lets index-only scans skip the heap.
  await db.execute(sql`VACUUM ANALYZE households`);
  await db.execute(sql`VACUUM ANALYZE people`);
  await db.execute(sql`VACUUM ANALYZE plots`);
  return { unionId, households };
}

if (isMain(import.meta.url)) {
  const { handle } = await openConfiguredDb();
  const t0 = performance.now();
  if (process.argv.includes('--production')) {
    // Production and storage data (scripts/generate-production.ts), on 3,000 households unless told.
    const num = (name: string, fallback: string) => Number(flag(name, fallback));
    const res = await generateProduction(handle.db, {
      households: num('households', '3000'), plantings: num('plantings', '20000'), lots: num('lots', '200000'),
      movements: num('movements', '1000000'), ...(flag('runs') !== undefined && { runs: num('runs', '0') }),
      log: (l) => console.log(l), tty: process.stdout.isTTY,
    });
    if (!res.skipped) {
      console.log(`Union BENCH (id ${res.unionId}): ${res.crops} crops, ${res.warehouses} rooms, ${res.plantings} plantings, ${res.lots} lots `
        + `(${res.processingRuns} from processing runs), ${res.movements} stock movements, ${res.stockRows} stock rows; loaded in ${Math.round(res.ms)} ms.`);
    }
    const t1 = performance.now();
    const check = await checkStockBalances(handle.db, res.unionId);
    console.log(`check (${Math.round(performance.now() - t1)} ms): ${JSON.stringify(check)}`);
    console.log(balancesHold(check) ? 'balances = sum of movements, none negative, no room over capacity, received_kg = receipts, codes unique: OK'
      : 'BALANCE CHECK FAILED');
    await handle.close();
    if (!balancesHold(check)) process.exit(1);
  } else {
    const n = Number(flag('households', '100000'));
    const res = await generateBulk(handle.db, n);
    console.log(`Union BENCH (id ${res.unionId}) has ${res.households} households; ${Math.round(performance.now() - t0)} ms.`);
    await handle.close();
  }
}
