// `npm run bench [-- --quick] [-- --profile] [-- --only=ingest,scale,fanout,connections,reads,burst,profile]
//                [-- --build | --no-build]`
// Builds the embedded database and the API (dist/) when a source is newer than the build (or with --build),
// then runs the performance suite (test/bench/run.mjs) with the open-files limit raised to the hard limit:
// part 4 holds 10,000 sockets on each side.
// BENCH_MONGODB_URI=mongodb://host:27017 runs it against a real MongoDB instead of the embedded FerretDB.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const passOn = args.filter((a) => a !== '--no-build' && a !== '--build');
const main = path.join(root, 'dist/apps/api/src/main.js');
const dbBin = path.join(root, 'apps/embedded-db/bin/parley-embedded-db');

function newest(dir, re) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === 'node_modules' || e.name === 'dist' || e.name === 'bin' || e.name.startsWith('.')) continue;
    const p = path.join(dir, e.name);
    if (e.isDirectory()) t = Math.max(t, newest(p, re));
    else if (re.test(e.name) && !e.name.endsWith('.spec.ts')) t = Math.max(t, statSync(p).mtimeMs);
  }
  return t;
}

const stale = () => {
  if (!existsSync(main) || !existsSync(dbBin)) return true;
  const ts = Math.max(...['apps', 'libs', 'channels'].map((d) => newest(path.join(root, d), /\.ts$/)));
  const go = newest(path.join(root, 'apps/embedded-db'), /(\.go|go\.mod|go\.sum)$/);
  return ts > statSync(main).mtimeMs || go > statSync(dbBin).mtimeMs;
};

if (args.includes('--build') || (!args.includes('--no-build') && stale())) {
  const r = spawnSync(process.execPath, ['scripts/build.mjs', 'db', 'api'], { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    if (!existsSync(main)) process.exit(r.status ?? 1);
    console.warn('bench: the build failed; measuring the dist/ that is already there');
  }
}

// A shell raises the soft limit (Node cannot); the suite and every process it starts inherit it.
const r = spawnSync('bash', ['-c', 'ulimit -n "$(ulimit -Hn)" 2>/dev/null || ulimit -n 65536 2>/dev/null; exec "$0" "$@"', process.execPath, 'test/bench/run.mjs', ...passOn], { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
