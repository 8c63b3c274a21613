import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db } from '../db/client';
import { writeAudit } from '../server/lib/audit';
import { sealPending, verifyChain } from '../server/modules/audit/audit.service';
import { createTestApp, type TestContext } from './helpers/app';
import { makeUnion } from './helpers/factories';

// The audit trail is sealed into a per-union HMAC chain shortly after commit; verify names
// the first row altered, removed or slipped in by someone with database rights.

const KEY = 'test-audit-key-that-is-long-enough-0123456789';
const onPostgres = Boolean(process.env.DATABASE_URL);
let t: TestContext;
let db: Db;
let union: number;

const write = (u: number, n: number | string, tx: Db = db) =>
  writeAudit(tx, { union_id: u, user: null, system: 'test' }, { action: 'update', resource: 'probes', record_id: n, after: { n } });
const ids = async (u: number) =>
  (await db.execute<{ id: number }>(sql`SELECT id FROM audit_log WHERE union_id = ${u} ORDER BY id`)).rows.map((r) => Number(r.id));
/** Superuser SQL with the append-only guard switched off, as an attacker with the owner's rights would. */
const tamper = (statement: ReturnType<typeof sql>) =>
  db.transaction(async (tx) => {
    await tx.execute(sql`ALTER TABLE audit_log DISABLE TRIGGER USER`);
    await tx.execute(statement);
    await tx.execute(sql`ALTER TABLE audit_log ENABLE TRIGGER USER`);
  });
/** A union of its own, with n sealed rows. */
async function sealedUnion(n: number): Promise<{ u: number; rows: number[] }> {
  const u = (await makeUnion(db)).id;
  for (let i = 0; i < n; i++) await write(u, i);
  await sealPending(db, KEY);
  return { u, rows: await ids(u) };
}
const findingsOf = async (u: number) => (await verifyChain(db, KEY)).findings.filter((f) => f.union_id === u);

beforeAll(async () => {
  t = await createTestApp();
  db = t.db.db;
  union = (await makeUnion(db)).id;
});
afterAll(() => t.close());

describe('sealing', () => {
  it('seals a backlog larger than one batch, a batch per transaction, in order', async () => {
    const u = (await makeUnion(db)).id;
    for (let i = 0; i < 7; i++) await write(u, i);
    expect((await sealPending(db, KEY, { batch: 3 })).sealed).toBeGreaterThanOrEqual(7);
    expect(await findingsOf(u)).toEqual([]);
  });

  it('seals a backlog of several unions over several batches, leaving none of them behind', async () => {
    const small = (await makeUnion(db)).id;
    const large = (await makeUnion(db)).id;
    await write(small, 0);
    for (let i = 0; i < 8; i++) await write(large, i);
    await write(small, 1);
    const { sealed } = await sealPending(db, KEY, { batch: 3 });
    expect(sealed).toBeGreaterThanOrEqual(10);
    const left = await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE seal IS NULL AND union_id IN (${small}, ${large})`);
    expect(Number(left.rows[0].n)).toBe(0);
    expect(await findingsOf(small)).toEqual([]);
    expect(await findingsOf(large)).toEqual([]);
  });

  it('seals every committed row in id order per union, linking each to the one before', async () => {
    const other = (await makeUnion(db)).id;
    for (let i = 0; i < 5; i++) {
      await write(union, i);
      await write(other, i);
    }
    const { sealed } = await sealPending(db, KEY);
    expect(sealed).toBeGreaterThanOrEqual(10);
    const rows = (await db.execute<{ id: number; seal: string; seal_prev_id: number | null }>(
      sql`SELECT id, seal, seal_prev_id FROM audit_log WHERE union_id = ${union} ORDER BY id`)).rows;
    expect(rows.map((r) => r.seal)).toEqual(rows.map(() => expect.stringMatching(/^[0-9a-f]{64}$/)));
    expect(rows.map((r) => (r.seal_prev_id === null ? null : Number(r.seal_prev_id)))).toEqual([null, ...rows.slice(0, -1).map((r) => Number(r.id))]);
    const result = await verifyChain(db, KEY);
    expect(result.findings).toEqual([]);
    expect(result.heads.find((h) => h.union_id === union)).toMatchObject({ id: Number(rows.at(-1)!.id) });
    expect((await sealPending(db, KEY)).sealed).toBe(0);
  });

  it('a sealed row cannot be changed through the application\'s own statements, nor born sealed', async () => {
    const { u, rows } = await sealedUnion(2);
    await expect(db.execute(sql`UPDATE audit_log SET after = '{"n":"forged"}' WHERE id = ${rows[0]}`)).rejects.toThrow();
    await expect(db.execute(sql`UPDATE audit_log SET seal = ${'0'.repeat(64)} WHERE id = ${rows[0]}`)).rejects.toThrow();
    await expect(db.execute(sql`DELETE FROM audit_log WHERE id = ${rows[0]}`)).rejects.toThrow();
    await db.execute(sql`INSERT INTO audit_log (union_id, action, resource, record_id, seal, seal_prev_id)
      VALUES (${u}, 'update', 'probes', 'x', ${'f'.repeat(64)}, ${rows[1]})`);
    const [born] = (await db.execute<{ seal: string | null }>(sql`SELECT seal FROM audit_log WHERE union_id = ${u} ORDER BY id DESC LIMIT 1`)).rows;
    expect(born.seal).toBeNull();
    await sealPending(db, KEY);
    expect(await findingsOf(u)).toEqual([]);
  });
});

describe('the append-only guard', () => {
  it('lets sealing set only the seal: content of an unsealed row cannot move with it', async () => {
    const u = (await makeUnion(db)).id;
    await write(u, 'fresh');
    const [id] = await ids(u);
    await expect(db.execute(sql`UPDATE audit_log SET after = '{"n":"forged"}', seal = ${'0'.repeat(64)} WHERE id = ${id}`)).rejects.toThrow();
    await expect(db.execute(sql`UPDATE audit_log SET username = 'someone' WHERE id = ${id}`)).rejects.toThrow();
    await expect(db.execute(sql`UPDATE audit_log SET at = now() - interval '1 day', seal = ${'0'.repeat(64)} WHERE id = ${id}`)).rejects.toThrow();
  });

  it('compares every column of audit_log but the seal\'s (a new column must join the trigger\'s list)', async () => {
    const columns = (await db.execute<{ c: string }>(sql`
      SELECT column_name AS c FROM information_schema.columns WHERE table_name = 'audit_log' AND table_schema = 'public'`)).rows.map((r) => r.c);
    const [{ src }] = (await db.execute<{ src: string }>(sql`SELECT prosrc AS src FROM pg_proc WHERE proname = 'audit_log_refuse_change'`)).rows;
    for (const c of columns.filter((c) => !['seal', 'seal_prev_id'].includes(c))) {
      // Whole names: a column named record is not found in NEW.record_id.
      expect(src, c).toMatch(new RegExp(`\\bNEW\\.${c}\\b`));
      expect(src, c).toMatch(new RegExp(`\\bOLD\\.${c}\\b`));
    }
  });
});

describe('audit:verify finds tampering', () => {
  it('names a sealed row altered with superuser SQL', async () => {
    const { u, rows } = await sealedUnion(4);
    expect(await findingsOf(u)).toEqual([]);
    await tamper(sql`UPDATE audit_log SET after = '{"n":"rewritten"}' WHERE id = ${rows[2]}`);
    expect(await findingsOf(u)).toEqual([{ union_id: u, row_id: rows[2], problem: 'altered', message: expect.stringContaining(String(rows[2])) }]);
  });

  it('names the row after one that was removed', async () => {
    const { u, rows } = await sealedUnion(4);
    await tamper(sql`DELETE FROM audit_log WHERE id = ${rows[1]}`);
    const [finding] = await findingsOf(u);
    expect(finding).toMatchObject({ row_id: rows[2], problem: 'removed' });
    expect(finding.message).toContain(String(rows[1]));
  });

  it('names the first row removed from the start of a chain', async () => {
    const { u, rows } = await sealedUnion(3);
    await tamper(sql`DELETE FROM audit_log WHERE id = ${rows[0]}`);
    expect(await findingsOf(u)).toMatchObject([{ row_id: rows[1], problem: 'removed' }]);
  });

  it('names a row slipped in later below the chain, sealed or not', async () => {
    const { u } = await sealedUnion(1);
    // A write that rolls back leaves a gap in the ids, where a forged row can be put later.
    await db.transaction(async (tx) => {
      await write(u, 'rolled back', tx as unknown as Db);
      tx.rollback();
    }).catch(() => {});
    await write(u, 'after the gap');
    await sealPending(db, KEY);
    const rows = await ids(u);
    const gap = rows[1] - 1;
    expect(gap).toBeGreaterThan(rows[0]);
    await tamper(sql`INSERT INTO audit_log (id, union_id, action, resource, record_id) OVERRIDING SYSTEM VALUE
      VALUES (${gap}, ${u}, 'delete', 'probes', 'forged')`);
    expect(await findingsOf(u)).toMatchObject([{ row_id: gap, problem: 'inserted' }]);
    // The same row with a forged seal and link is found too.
    await tamper(sql`UPDATE audit_log SET seal = ${'a'.repeat(64)}, seal_prev_id = ${rows[0]} WHERE id = ${gap}`);
    expect(await findingsOf(u)).toMatchObject([{ row_id: gap, problem: 'inserted' }]);
  });

  it('does not accept a chain sealed with another key', async () => {
    const { u, rows } = await sealedUnion(2);
    const result = await verifyChain(db, 'another-key-that-is-long-enough-000000000');
    expect(result.findings.find((f) => f.union_id === u)).toMatchObject({ row_id: rows[0], problem: 'altered' });
  });
});

describe.skipIf(!onPostgres)('sealing beside concurrent writers (PostgreSQL)', () => {
  let client: pg.Client;
  beforeAll(async () => {
    const url = new URL(process.env.DATABASE_URL!);
    const name = (await db.execute<{ d: string }>(sql`SELECT current_database() AS d`)).rows[0].d;
    url.pathname = `/${name}`;
    client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
  });
  afterAll(() => client?.end());

  it('never seals past a row still uncommitted below the newest, and seals it in order once committed', async () => {
    const u = (await makeUnion(db)).id;
    await write(u, 'first');
    await sealPending(db, KEY);
    // A slow transaction takes an id, then a quick one takes a higher id and commits first.
    await client.query('BEGIN');
    await client.query(`INSERT INTO audit_log (union_id, action, resource, record_id)
      SELECT $1, 'update', 'probes', 'slow' WHERE pg_current_xact_id() IS NOT NULL`, [u]);
    await write(u, 'quick');
    const held = await sealPending(db, KEY, { waitMs: 200 });
    expect(held).toEqual({ sealed: 0, waited: true });
    await client.query('COMMIT');
    await sealPending(db, KEY);
    const rows = (await db.execute<{ record_id: string; seal: string | null }>(
      sql`SELECT record_id, seal FROM audit_log WHERE union_id = ${u} ORDER BY id`)).rows;
    expect(rows.map((r) => r.record_id)).toEqual(['first', 'slow', 'quick']);
    expect(rows.every((r) => r.seal !== null)).toBe(true);
    expect(await findingsOf(u)).toEqual([]);
  });

  it('does not hold up writers: 200 concurrent audited writes while sealers run, then an intact chain', async () => {
    const u = (await makeUnion(db)).id;
    let sealing = true;
    const sealer = (async () => {
      while (sealing) await sealPending(db, KEY, { waitMs: 2000 });
    })();
    const sealer2 = (async () => {
      while (sealing) await sealPending(db, KEY, { waitMs: 2000 });
    })();
    await Promise.all(Array.from({ length: 200 }, (_, i) => db.transaction(async (tx) => write(u, i, tx as unknown as Db))));
    sealing = false;
    await Promise.all([sealer, sealer2]);
    await sealPending(db, KEY);
    const unsealed = (await db.execute<{ n: number }>(sql`SELECT count(*)::int AS n FROM audit_log WHERE union_id = ${u} AND seal IS NULL`)).rows[0];
    expect(unsealed.n).toBe(0);
    expect((await ids(u)).length).toBe(200);
    expect(await findingsOf(u)).toEqual([]);
  });
});
