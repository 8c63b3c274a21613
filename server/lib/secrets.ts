import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * A secret kept in the data folder (embedded mode): generated on first use, readable by
 * the owner only. `jwt-secret` signs tokens; `audit-key` seals the audit trail.
 */
export function loadOrCreateSecret(dataDir: string, name: 'jwt-secret' | 'audit-key'): string {
  const file = join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  writeFileSync(file, secret, { mode: 0o600 });
  return secret;
}
