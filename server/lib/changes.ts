/**
 * What other parts of this process have cached and a write makes stale: small counts (per
 * resource, see crud.repository) and accounts (see server/plugins/auth.ts). A write made here
 * is applied after its commit (writeAudit); one made elsewhere (another instance, SQL) when
 * its NOTIFY arrives: `write:<resource>` from the audit trail, `account:<id>` from users.
 */
const generations = new Map<string, number>();
let everything = 0;
/** False while notifications could be missed (the listening connection is down): cache nothing. */
let live = false;

export const writeGeneration = (resource: string) => `${everything}.${generations.get(resource) ?? 0}`;
export function bumpWriteGeneration(resource?: string) {
  if (resource === undefined) everything++;
  else generations.set(resource, (generations.get(resource) ?? 0) + 1);
}
export const changesLive = () => live;
export function setChangesLive(value: boolean) {
  live = value;
  bumpWriteGeneration();
}

/** This process's account caches, told at once of an account change made here. */
const accountListeners = new Set<(id: number) => void>();
export function onAccountChange(fn: (id: number) => void): () => void {
  accountListeners.add(fn);
  return () => accountListeners.delete(fn);
}
export function accountChanged(id: number) {
  for (const fn of accountListeners) fn(id);
}
