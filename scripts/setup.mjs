// `npm ci` / `npm install` hook: build once at install time so `npm start` answers within seconds.
import { execSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (process.env.PARLEY_SKIP_BUILD === '1') process.exit(0);
execSync('node scripts/build.mjs', { cwd: root, stdio: 'inherit' });
