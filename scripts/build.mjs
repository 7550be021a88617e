// Builds everything `npm start` and the tests run: the embedded database (Go), the API (tsc), the web apps (vite).
import { execSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd) => { console.log(`> ${cmd}`); execSync(cmd, { cwd: root, stdio: 'inherit' }); };
const only = process.argv.slice(2);
const want = (part) => only.length === 0 || only.includes(part);

if (want('db')) run('bash apps/embedded-db/build.sh');
if (want('api')) {
  run('npx tsc -p tsconfig.build.json');
  run('npx tsc-alias -p tsconfig.build.json');
}
if (want('web')) {
  for (const app of ['agent', 'widget']) {
    if (existsSync(path.join(root, 'web', app, 'vite.config.ts'))) run(`npx vite build --config web/${app}/vite.config.ts --logLevel warn`);
  }
}
