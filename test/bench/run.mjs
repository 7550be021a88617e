// The performance suite: runs every part against the built hub and the bare baseline on this machine, in one
// run, and writes test/bench/results.json. Started by scripts/bench.mjs (`npm run bench [-- --quick]`).
import { execSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startDb, repoRoot } from './lib/services.mjs';
import { renderMarkdown } from './report.mjs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const profile = argv.includes('--profile');
const only = (argv.find((a) => a.startsWith('--only=')) ?? '').slice(7).split(',').filter(Boolean);
const outArg = argv.find((a) => a.startsWith('--out='));
const out = outArg ? path.resolve(outArg.slice(6)) : path.join(repoRoot, 'test/bench/results.json');
const want = (p) => only.length === 0 || only.includes(p);
const t0 = Date.now();
const log = (m) => process.stdout.write(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)}s] ${m}\n`);

const PARTS = [
  ['ingest', 'parts 1+2: ingest to screen, Parley next to the bare baseline', () => import('./parts/ingest.mjs').then((m) => m.ingestPart)],
  ['scale', 'part 1b: ingest once the database holds 10k and 100k messages', () => import('./parts/scale.mjs').then((m) => m.scalePart)],
  ['fanout', 'part 3: fan-out to rooms of 100 and 1,000 sockets', () => import('./parts/fanout.mjs').then((m) => m.fanoutPart)],
  ['connections', 'part 4: idle authenticated sockets, memory per socket', () => import('./parts/connections.mjs').then((m) => m.connectionsPart)],
  ['reads', 'part 5: inbox reads at 10k and 100k conversations', () => import('./parts/reads.mjs').then((m) => m.readsPart)],
  ['burst', 'part 6: webhook burst with repeats', () => import('./parts/burst.mjs').then((m) => m.burstPart)],
  ['profile', 'where the time goes: --cpu-prof of the hub under ingest', () => import('./parts/profile.mjs').then((m) => m.profilePart)],
];

const gitRev = (() => { try { return execSync('git rev-parse --short HEAD', { cwd: repoRoot }).toString().trim(); } catch { return null; } })();
const gitDirty = (() => { try { return execSync('git status --porcelain -- libs apps channels', { cwd: repoRoot }).toString().trim().length > 0; } catch { return null; } })();

const results = {
  command: `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`,
  date: new Date().toISOString(),
  node: process.version,
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? null, memGiB: Math.round(os.totalmem() / 2 ** 30), loadAvgAtStart: os.loadavg().map((x) => Math.round(x * 100) / 100) },
  git: { rev: gitRev, uncommittedChangesInSources: gitDirty },
  hubRoot: process.env.BENCH_HUB_ROOT ?? null,
  quick,
  database: null,
  parts: {},
};

const db = await startDb();
results.database = db.kind;
log(`database: ${db.kind}; node ${process.version}; ${quick ? 'quick' : 'full'} run`);
try {
  for (const [key, title, load] of PARTS) {
    if (!want(key)) continue;
    if (key === 'profile' && !profile && !only.includes('profile')) continue;
    log(`${title}`);
    const started = Date.now();
    try {
      const fn = await load();
      results.parts[key] = { ...(await fn({ db, quick, log })), seconds: Math.round((Date.now() - started) / 1000) };
    } catch (e) {
      log(`  FAILED: ${e?.stack ?? e}`);
      results.parts[key] = { error: String(e?.message ?? e), seconds: Math.round((Date.now() - started) / 1000) };
    }
    writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
  }
} finally {
  await db.stop();
}
results.seconds = Math.round((Date.now() - t0) / 1000);
results.machine.loadAvgAtEnd = os.loadavg().map((x) => Math.round(x * 100) / 100);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
process.stdout.write(`\n${renderMarkdown(results)}\n`);
log(`wrote ${path.relative(process.cwd(), out)} in ${results.seconds} s`);
process.exit(0);
