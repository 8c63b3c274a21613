// Builds the console before `npm start` when it is missing or older than its sources,
// so a fresh clone needs only `npm install` and `npm start`.
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

const built = 'admin/dist/index.html';

function newest(dir) {
  let t = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    t = Math.max(t, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

const sources = ['admin/src', 'admin/index.html', 'admin/vite.config.ts'].filter(existsSync);
const sourceTime = Math.max(...sources.map((s) => (statSync(s).isDirectory() ? newest(s) : statSync(s).mtimeMs)));
if (!existsSync(built) || statSync(built).mtimeMs < sourceTime) {
  console.log('Building the console (once, a few seconds)...');
  // Always a production build, even when a test runner (NODE_ENV=test) asks for it.
  execSync('npm run build:admin', { stdio: 'inherit', env: { ...process.env, NODE_ENV: 'production' } });
}
