import { resolve } from 'node:path';
import type { Db } from '../db/client';
import { parseEnv } from '../server/config';
import { loadOrCreateSecret } from '../server/lib/secrets';
import { sealPending, verifyChain } from '../server/modules/audit/audit.service';
import { isMain, openConfiguredDb } from './cli';

// `npm run audit:verify`: seals what is pending, then walks every union's audit chain and
// names the first row that was altered, removed or inserted out of order. Exit 1 on a finding.

/** The audit key as the server finds it: AUDIT_KEY, or the generated one under DATA_DIR. */
export function auditKeyOf(env: NodeJS.ProcessEnv): string {
  const parsed = parseEnv(env);
  return parsed.AUDIT_KEY ?? loadOrCreateSecret(resolve(parsed.DATA_DIR), 'audit-key');
}

/** The command's work on an open database: prints to out/err, returns the exit code (1 on a finding). */
export async function auditVerify(db: Db, key: string, out = console.log, err = console.error): Promise<number> {
  const t0 = performance.now();
  const { sealed } = await sealPending(db, key);
  const t1 = performance.now();
  const result = await verifyChain(db, key);
  const t2 = performance.now();
  out(`sealed ${sealed} pending row(s) in ${Math.round(t1 - t0)} ms`);
  out(`checked ${result.rows} row(s) of ${result.unions} union(s) in ${Math.round(t2 - t1)} ms`);
  for (const h of result.heads) out(`  union ${h.union_id}: chain head row ${h.id}, seal ${h.seal.slice(0, 16)}…`);
  if (result.pending) out(`  ${result.pending} union(s) have rows written during the check, not yet sealed`);
  if (result.findings.length) {
    for (const f of result.findings) err(`TAMPERED union ${f.union_id}, row ${f.row_id} (${f.problem}): ${f.message}`);
    return 1;
  }
  out('audit trail intact');
  return 0;
}

async function main() {
  const key = auditKeyOf(process.env);
  const { handle } = await openConfiguredDb();
  try {
    process.exitCode = await auditVerify(handle.db, key);
  } finally {
    await handle.close();
  }
}

// Run as a command (tsx scripts/audit-verify.ts); imported by the tests, it only exports.
if (isMain(import.meta.url)) await main();
