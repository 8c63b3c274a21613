/**
 * A generation number bumped by every write: by this process when it writes (see
 * writeAudit), and when another instance's write is announced (NOTIFY, see
 * server/plugins/auth.ts). Cached counts carry the generation they were taken at, so a
 * write makes them stale at once.
 */
let generation = 0;

export const writeGeneration = () => generation;
export function bumpWriteGeneration() {
  generation++;
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
