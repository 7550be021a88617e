// `npm test`: installs what the suite needs and is missing (Debian packages, Redis running, the builds), then
// runs every vitest project. Works on a fresh clone.
import { execSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sh = (cmd, opts = {}) => execSync(cmd, { cwd: root, stdio: 'inherit', ...opts });
const has = (cmd) => spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;

if (process.getuid?.() === 0 && existsSync(path.join(root, '.ci/install-deps.sh'))) sh('bash .ci/install-deps.sh');
if (has('redis-cli') && spawnSync('redis-cli', ['-h', '127.0.0.1', 'ping'], { stdio: 'ignore' }).status !== 0 && has('redis-server')) {
  sh('redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no');
}
sh('node scripts/build.mjs');


const extra = process.argv.slice(2);
let failed = false;
// Type-aware lint is part of the suite: a floating promise fails the build like a failing test.
if (spawnSync('npx', ['eslint', 'apps', 'libs', 'channels'], { cwd: root, stdio: 'inherit' }).status !== 0) {
  console.error('lint failed');
  failed = true;
}
const projects = [['vitest.config.ts'], ...['web/agent/vitest.config.ts', 'web/widget/vitest.config.ts'].filter((c) => existsSync(path.join(root, c))).map((c) => [c])];
for (const [config] of projects) {
  const r = spawnSync('npx', ['vitest', 'run', '--config', config, ...extra], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) failed = true;
}
process.exit(failed ? 1 : 0);
