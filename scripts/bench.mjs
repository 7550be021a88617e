// `npm run bench [-- --quick] [-- --profile] [-- --only=ingest,fanout,connections,reads,burst,profile] [-- --no-build]`
// Builds the embedded database and the API (dist/), then runs the performance suite (test/bench/run.mjs) with
// the open-files limit raised to the hard limit: part 4 holds 10,000 sockets on each side.
// BENCH_MONGODB_URI=mongodb://host:27017 runs it against a real MongoDB instead of the embedded FerretDB.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const noBuild = args.includes('--no-build');
const passOn = args.filter((a) => a !== '--no-build');

if (!noBuild) {
  const r = spawnSync(process.execPath, ['scripts/build.mjs', 'db', 'api'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    if (!existsSync(path.join(root, 'dist/apps/api/src/main.js'))) process.exit(r.status ?? 1);
    console.warn('bench: the build failed; measuring the dist/ that is already there');
  }
}

// A shell raises the soft limit (Node cannot); the suite and every process it starts inherit it.
const r = spawnSync('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null; exec "$0" "$@"', process.execPath, 'test/bench/run.mjs', ...passOn], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
