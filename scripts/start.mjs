// `npm start`: builds what is missing, then runs the hub (embedded database unless MONGODB_URI is set).
import { execSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const main = path.join(root, 'dist/apps/api/src/main.js');
if (!existsSync(main) || !existsSync(path.join(root, 'apps/embedded-db/bin/parley-embedded-db'))) {
  execSync('node scripts/build.mjs', { cwd: root, stdio: 'inherit' });
}
const child = spawn(process.execPath, ['--enable-source-maps', main], { cwd: root, stdio: 'inherit' });
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
