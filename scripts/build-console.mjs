// Builds the console before `npm start` when it is missing or older than its sources,
// so a fresh clone needs only `npm install` and `npm start`.
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const built = 'admin/dist/index.html';
// Two runs at once (two test runs, a start beside a test run) must not build into one
// folder together: the first takes the lock, the others wait for it and find it built.
const lock = 'admin/.build-lock';

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

function stale() {
  const sources = ['admin/src', 'admin/index.html', 'admin/vite.config.ts'].filter(existsSync);
  const sourceTime = Math.max(...sources.map((s) => (statSync(s).isDirectory() ? newest(s) : statSync(s).mtimeMs)));
  return !existsSync(built) || statSync(built).mtimeMs < sourceTime;
}

function alive(pid) {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return err.code === 'EPERM'; // another user's process: alive
  }
  try {
    return !/^\d+ \(.*\) [ZX] /s.test(readFileSync(`/proc/${pid}/stat`, 'utf8')); // a zombie holds nothing
  } catch {
    return true;
  }
}

// A build takes seconds: a lock held this long belongs to a builder that is stuck or gone.
const LOCK_PATIENCE_MS = 5 * 60_000;

function takeLock() {
  const giveUpAt = Date.now() + LOCK_PATIENCE_MS;
  for (;;) {
    try {
      mkdirSync(lock);
      writeFileSync(join(lock, 'pid'), String(process.pid));
      return;
    } catch {
      let holder = 0;
      try {
        holder = Number(readFileSync(join(lock, 'pid'), 'utf8'));
      } catch { /* being written */ }
      // A builder that died left its lock behind.
      if ((holder && !alive(holder)) || Date.now() > giveUpAt) rmSync(lock, { recursive: true, force: true });
      else Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 200);
    }
  }
}

if (stale()) {
  takeLock();
  try {
    if (stale()) {
      console.log('Building the console (once, a few seconds)...');
      // Always a production build, even when a test runner (NODE_ENV=test) asks for it.
      execSync('npm run build:admin', { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
    }
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}
