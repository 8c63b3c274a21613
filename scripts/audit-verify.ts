import { resolve } from 'node:path';
import { parseEnv } from '../server/config';
import { loadOrCreateSecret } from '../server/lib/secrets';
import { sealPending, verifyChain } from '../server/modules/audit/audit.service';
import { openConfiguredDb } from './cli';

// `npm run audit:verify`: seals what is pending, then walks every union's audit chain and
// names the first row that was altered, removed or inserted out of order. Exit 1 on a finding.

const env = parseEnv(process.env);
const key = env.AUDIT_KEY ?? loadOrCreateSecret(resolve(env.DATA_DIR), 'audit-key');
const { handle } = await openConfiguredDb();
try {
  const t0 = performance.now();
  const { sealed } = await sealPending(handle.db, key);
  const t1 = performance.now();
  const result = await verifyChain(handle.db, key);
  const t2 = performance.now();
  console.log(`sealed ${sealed} pending row(s) in ${Math.round(t1 - t0)} ms`);
  console.log(`checked ${result.rows} row(s) of ${result.unions} union(s) in ${Math.round(t2 - t1)} ms`);
  for (const h of result.heads) console.log(`  union ${h.union_id}: chain head row ${h.id}, seal ${h.seal.slice(0, 16)}…`);
  if (result.pending) console.log(`  ${result.pending} union(s) have rows written during the check, not yet sealed`);
  if (result.findings.length) {
    for (const f of result.findings) console.error(`TAMPERED union ${f.union_id}, row ${f.row_id} (${f.problem}): ${f.message}`);
    process.exitCode = 1;
  } else {
    console.log('audit trail intact');
  }
} finally {
  await handle.close();
}
