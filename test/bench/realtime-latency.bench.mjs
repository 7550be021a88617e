// Real-time latency: customer message in through the API channel → `message.created` on agent sockets.
//
//   npm run build            (once; the bench runs the built hub in dist/)
//   node test/bench/realtime-latency.bench.mjs [--sizes 10,100] [--rate 20] [--seconds 10] [--redis]
//
// Starts the built hub on a free loopback port with its own embedded database in a temporary directory,
// creates agents that are members of one API inbox, connects N `/agents` sockets, then ingests messages at a
// steady (open-loop) rate with `POST /api/v1/inboxes/:id/incoming` and records, per socket and message, the
// time from the start of the ingest request to the socket's receipt, and the time until the ingest request
// was answered. `--redis` runs the hub with REDIS_URL (the Redis streams adapter, one process) to show its
// cost. Bounded: it stops by itself and removes what it created. Numbers, not pass/fail.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import hdr from 'hdr-histogram-js';
import { Redis } from 'ioredis';
import { io } from 'socket.io-client';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(`--${name}`); return i >= 0 ? args[i + 1] : def; };
const SIZES = opt('sizes', '10,100').split(',').map(Number).filter((n) => n > 0 && n <= 500);
const RATE = Math.min(Number(opt('rate', '20')), 200);
const SECONDS = Math.min(Number(opt('seconds', '10')), 60);
const REDIS = args.includes('--redis');
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const WARMUP = 20;
const MAX_IN_FLIGHT = 200;
const ADMIN = { email: 'bench-admin@bench.parley', password: 'bench-password-1' };
const hardStop = setTimeout(() => { console.error('bench: hard time limit reached'); cleanup().finally(() => process.exit(2)); }, 10 * 60_000);
hardStop.unref();

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const freePort = () => new Promise((resolve, reject) => {
  const s = createServer();
  s.once('error', reject);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
});

let hubProc = null;
let redisPrefix = null;
let dataDir = null;
const sockets = [];

async function cleanup() {
  for (const s of sockets.splice(0)) s.disconnect();
  if (hubProc && hubProc.exitCode === null) {
    const exited = new Promise((r) => hubProc.once('exit', r));
    hubProc.kill('SIGTERM');
    await Promise.race([exited, sleep(10_000)]);
    if (hubProc.exitCode === null) hubProc.kill('SIGKILL');
  }
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  if (redisPrefix) {
    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
    const keys = await redis.keys(`${redisPrefix}*`).catch(() => []);
    if (keys.length) await redis.del(...keys).catch(() => 0);
    redis.disconnect();
  }
}

async function startHub() {
  dataDir = mkdtempSync(path.join(tmpdir(), 'parley-bench-'));
  const port = await freePort();
  const env = {
    ...process.env, PORT: String(port), HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, PUBLIC_URL: `http://127.0.0.1:${port}`,
    PARLEY_ADMIN_EMAIL: ADMIN.email, PARLEY_ADMIN_PASSWORD: ADMIN.password, LOG_LEVEL: 'warn',
  };
  delete env.MONGODB_URI;
  if (REDIS) {
    redisPrefix = `parley-bench-${randomBytes(4).toString('hex')}`;
    Object.assign(env, { REDIS_URL, PARLEY_REDIS_PREFIX: redisPrefix });
  }
  else delete env.REDIS_URL;
  hubProc = spawn(process.execPath, [path.join(root, 'dist/apps/api/src/main.js')], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  hubProc.stdout.on('data', (d) => { out += d; });
  hubProc.stderr.on('data', (d) => { out += d; });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (hubProc.exitCode !== null) throw new Error(`hub exited (${hubProc.exitCode}); did you run npm run build?\n${out.slice(-2000)}`);
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) return url;
    if (Date.now() > deadline) throw new Error(`hub did not become healthy:\n${out.slice(-2000)}`);
    await sleep(150);
  }
}

async function call(url, method, p, body, token) {
  const res = await fetch(`${url}${p}`, {
    method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  const json = text ? JSON.parse(text) : null;
  if (res.status >= 300) throw new Error(`${method} ${p}: ${res.status} ${text}`);
  return json;
}

const histogram = () => hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 120_000_000, numberOfSignificantValueDigits: 3 });
const ms = (us) => (us / 1000).toFixed(2);

async function main() {
  const url = await startHub();
  const admin = (await call(url, 'POST', '/api/v1/auth/login', ADMIN)).accessToken;
  const maxSockets = Math.max(...SIZES);
  // One agent per socket, all members of the inbox (a busy floor), logged in once each.
  const agents = [];
  for (let i = 0; i < maxSockets; i++) {
    const email = `agent${i}@bench.parley`;
    const u = await call(url, 'POST', '/api/v1/users', { name: `Agent ${i}`, email, password: 'bench-password-1', role: 'agent' }, admin);
    agents.push({ id: u.id, email });
  }
  const inbox = await call(url, 'POST', '/api/v1/inboxes', { name: 'Bench API', channel: 'api', config: {}, memberIds: agents.map((a) => a.id) }, admin);
  for (const a of agents) a.token = (await call(url, 'POST', '/api/v1/auth/login', { email: a.email, password: 'bench-password-1' })).accessToken;

  const results = [];
  let seq = 0;
  for (const size of SIZES) {
    for (const s of sockets.splice(0)) s.disconnect();
    const sent = new Map(); // externalId → t0 (µs)
    const delivery = histogram();
    const ack = histogram();
    const spread = histogram(); // first → last socket, per message: the fan-out's own cost
    const firstAt = new Map();
    let received = 0;
    let recording = false;
    const expected = new Map(); // externalId → sockets still to receive it
    for (let i = 0; i < size; i++) {
      const s = io(`${url}/agents`, { auth: { token: agents[i].token }, transports: ['websocket'], forceNew: true, reconnection: false });
      s.on('message.created', ({ message }) => {
        const t1 = performance.now() * 1000;
        const t0 = sent.get(message.externalId);
        if (t0 === undefined) return;
        if (recording) delivery.recordValue(Math.max(1, Math.round(t1 - t0)));
        received++;
        if (!firstAt.has(message.externalId)) firstAt.set(message.externalId, t1);
        const left = (expected.get(message.externalId) ?? 1) - 1;
        if (left <= 0) {
          expected.delete(message.externalId);
          if (recording) spread.recordValue(Math.max(1, Math.round(t1 - firstAt.get(message.externalId))));
        } else expected.set(message.externalId, left);
      });
      sockets.push(s);
    }
    await Promise.all(sockets.map((s) => new Promise((resolve, reject) => { s.once('connect', resolve); s.once('connect_error', reject); })));

    let inFlight = 0;
    let failed = 0;
    const ingest = async (record) => {
      const externalId = `bench-${size}-${seq++}`;
      const t0 = performance.now() * 1000;
      sent.set(externalId, t0);
      expected.set(externalId, size);
      inFlight++;
      try {
        const res = await fetch(`${url}/api/v1/inboxes/${inbox.id}/incoming`, {
          method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${inbox.inboxToken}` },
          body: JSON.stringify({ externalId, contact: { identifier: `customer-${seq % 25}`, name: `Customer ${seq % 25}` }, text: `bench message ${externalId}` }),
        });
        await res.arrayBuffer();
        if (!res.ok) { failed++; expected.delete(externalId); return; }
        if (record) ack.recordValue(Math.max(1, Math.round(performance.now() * 1000 - t0)));
      } catch {
        failed++;
        expected.delete(externalId);
      } finally {
        inFlight--;
      }
    };

    // Warm-up (JIT, first conversations), not recorded.
    await Promise.all(Array.from({ length: WARMUP }, () => ingest(false)));
    await waitDrained(expected, 15_000);
    recording = true;
    received = 0;
    const total = RATE * SECONDS;
    const interval = 1000 / RATE;
    const start = performance.now();
    const pending = [];
    let skipped = 0;
    for (let i = 0; i < total; i++) {
      const due = start + i * interval;
      const wait = due - performance.now();
      if (wait > 0) await sleep(wait);
      if (inFlight >= MAX_IN_FLIGHT) { skipped++; continue; }
      pending.push(ingest(true));
    }
    await Promise.all(pending);
    const drained = await waitDrained(expected, 20_000);
    const elapsed = (performance.now() - start) / 1000;
    const sentCount = total - skipped;
    results.push({
      sockets: size, rateTarget: RATE, messages: sentCount, failed, skipped, seconds: +elapsed.toFixed(1),
      deliveries: received, missing: drained ? 0 : [...expected.values()].reduce((a, b) => a + b, 0),
      deliveryMs: { p50: ms(delivery.getValueAtPercentile(50)), p90: ms(delivery.getValueAtPercentile(90)), p99: ms(delivery.getValueAtPercentile(99)), max: ms(delivery.maxValue) },
      fanoutSpreadMs: { p50: ms(spread.getValueAtPercentile(50)), p99: ms(spread.getValueAtPercentile(99)) },
      ingestAckMs: { p50: ms(ack.getValueAtPercentile(50)), p90: ms(ack.getValueAtPercentile(90)), p99: ms(ack.getValueAtPercentile(99)), max: ms(ack.maxValue) },
    });
  }

  const env = `node ${process.version}, ${process.platform}/${process.arch}, embedded DB (FerretDB/SQLite), ${REDIS ? 'Redis streams adapter' : 'in-memory adapter'}`;
  console.log(`\nRealtime latency: ingest → message.created on every agent socket (${RATE} msg/s for ${SECONDS}s per run; ${env})\n`);
  console.log('sockets  msgs  deliveries  missing   delivery p50 / p90 / p99 / max (ms)    ingest ack p50 / p90 / p99 / max (ms)   fan-out spread p50 / p99 (ms)');
  for (const r of results) {
    const d = r.deliveryMs;
    const a = r.ingestAckMs;
    const f = r.fanoutSpreadMs;
    console.log(`${String(r.sockets).padStart(7)}  ${String(r.messages).padStart(4)}  ${String(r.deliveries).padStart(10)}  ${String(r.missing).padStart(7)}   ${`${d.p50} / ${d.p90} / ${d.p99} / ${d.max}`.padEnd(36)}   ${`${a.p50} / ${a.p90} / ${a.p99} / ${a.max}`.padEnd(38)}   ${f.p50} / ${f.p99}`);
  }
  console.log(`load average at the end: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')} on ${(await import('node:os')).cpus().length} CPUs`);
  console.log(`\n${JSON.stringify({ bench: 'realtime-latency', redis: REDIS, results })}`);
}

async function waitDrained(expected, timeoutMs) {
  const end = Date.now() + timeoutMs;
  while (expected.size > 0 && Date.now() < end) await sleep(20);
  return expected.size === 0;
}

main().then(
  async () => { await cleanup(); process.exit(0); },
  async (e) => { console.error(e); await cleanup(); process.exit(1); },
);
