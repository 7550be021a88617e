// The processes a bench part talks to: the embedded database, the built hub, the bare baseline server.
// Plain .mjs on purpose: nothing here imports TypeScript sources; the hub is the built dist/ as a real process.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, closeSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { io } from 'socket.io-client';
import { httpClient, sleep, pool } from './util.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const ADMIN = { email: 'owner@bench.parley', password: 'bench-owner-password-1' };
const children = new Set();
process.once('exit', () => { for (const c of children) try { c.kill('SIGKILL'); } catch { /* gone */ } });

export async function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); });
  });
}

export function benchTmp(name) {
  const base = path.join(tmpdir(), 'parley-bench');
  mkdirSync(base, { recursive: true });
  return mkdtempSync(path.join(base, `${name}-`));
}

async function waitExit(child, graceMs = 15_000) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  const t = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(t);
  children.delete(child);
}

/**
 * The database. `BENCH_MONGODB_URI` (e.g. mongodb://127.0.0.1:27017) runs the suite against a real MongoDB;
 * otherwise the embedded FerretDB binary is started with the flags the hub's own launcher uses, so the bench
 * can reach the very server the hub writes to (seeding, raw-driver queries, the baseline's database).
 */
export async function startDb() {
  if (process.env.BENCH_MONGODB_URI) {
    const uri = process.env.BENCH_MONGODB_URI.replace(/\/?$/, '/');
    return { uri, pid: null, kind: 'MongoDB', stop: async () => {}, dataDir: null };
  }
  const bin = path.join(repoRoot, 'apps/embedded-db/bin/parley-embedded-db');
  if (!existsSync(bin)) throw new Error(`embedded database binary missing: ${bin} (npm run build)`);
  const dataDir = benchTmp('db');
  const child = spawn(bin, ['--data-dir', dataDir, '--listen', '127.0.0.1:0', '--exit-with-parent'], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let err = '';
  child.stderr.on('data', (d) => { err = (err + d).slice(-4000); });
  const uri = await new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`embedded db not ready:\n${err}`)), 30_000);
    child.once('exit', (c) => { clearTimeout(t); reject(new Error(`embedded db exited ${c}:\n${err}`)); });
    createInterface({ input: child.stdout }).on('line', (l) => {
      const m = /^ready (mongodb:\/\/\S+)$/.exec(l.trim());
      if (m) { clearTimeout(t); resolve(m[1]); }
    });
  });
  return {
    uri, pid: child.pid, kind: 'FerretDB 1.24 (embedded, SQLite)', dataDir,
    stop: async () => { await waitExit(child); rmSync(dataDir, { recursive: true, force: true }); },
  };
}

/** The built hub (dist/) on a free port, its database given by URI. */
export async function startHub({ db, dbName = 'parley', env = {}, cpuProfDir = null, nodeArgs = [] }) {
  // BENCH_HUB_ROOT measures another checkout's build (e.g. before a change) with this suite.
  const hubRoot = process.env.BENCH_HUB_ROOT ? path.resolve(process.env.BENCH_HUB_ROOT) : repoRoot;
  const main = path.join(hubRoot, 'dist/apps/api/src/main.js');
  if (!existsSync(main)) throw new Error('dist/ is missing: npm run build');
  const port = await freePort();
  const dataDir = benchTmp('hub');
  const logFile = path.join(dataDir, 'hub.log');
  const fd = openSync(logFile, 'a');
  const childEnv = {
    ...process.env, PORT: String(port), HOST: '127.0.0.1', PARLEY_DATA_DIR: dataDir, PUBLIC_URL: `http://127.0.0.1:${port}`,
    PARLEY_ALLOW_PRIVATE_URLS: 'true', LOG_LEVEL: 'info', PARLEY_ADMIN_EMAIL: ADMIN.email, PARLEY_ADMIN_PASSWORD: ADMIN.password,
    MONGODB_URI: `${db.uri}${dbName}`, ...env,
  };
  delete childEnv.NODE_OPTIONS;
  const args = ['--enable-source-maps', ...nodeArgs, ...(cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] : []), main];
  const child = spawn(process.execPath, args, { cwd: hubRoot, env: childEnv, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  children.add(child);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 90_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`hub exited with ${child.exitCode}:\n${readFileSync(logFile, 'utf8').slice(-3000)}`);
    const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
    if (ok) break;
    if (Date.now() > deadline) { child.kill('SIGKILL'); throw new Error(`hub not healthy:\n${readFileSync(logFile, 'utf8').slice(-3000)}`); }
    await sleep(150);
  }
  return {
    url, port, pid: child.pid, dbPid: db.pid, logFile,
    logs: () => readFileSync(logFile, 'utf8'),
    stop: async () => { await waitExit(child, 30_000); rmSync(dataDir, { recursive: true, force: true }); },
  };
}

/** The bare baseline (test/bench/baseline-server.mjs) as its own process, so its CPU and memory are its own. */
export async function startBaseline({ db, dbName = 'baseline' }) {
  const port = await freePort();
  const child = spawn(process.execPath, [path.join(repoRoot, 'test/bench/baseline-server.mjs')], {
    cwd: repoRoot, env: { ...process.env, PORT: String(port), MONGODB_URI: `${db.uri}${dbName}` }, stdio: ['ignore', 'pipe', 'inherit'],
  });
  children.add(child);
  await new Promise((resolve, reject) => {
    child.once('exit', (c) => reject(new Error(`baseline exited ${c}`)));
    createInterface({ input: child.stdout }).on('line', (l) => { if (l.startsWith('ready')) resolve(); });
  });
  return { url: `http://127.0.0.1:${port}`, port, pid: child.pid, dbPid: db.pid, stop: () => waitExit(child) };
}

/**
 * A workspace for the bench, made through the public API as an integrator would: its admin, a supervisor,
 * `agents` agents who are members of one API inbox. Returns tokens and an `incoming()` client.
 */
export async function makeWorkspace(hub, { agents = 2, tag = Date.now().toString(36) } = {}) {
  const api = httpClient(hub.url, { maxSockets: 8 });
  const login = async (email, password) => {
    const r = await api.post('/api/v1/auth/login', { email, password });
    if (r.status !== 200) throw new Error(`login ${email}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body.accessToken;
  };
  const auth = (t) => ({ authorization: `Bearer ${t}` });
  const owner = await login(ADMIN.email, ADMIN.password);
  const pw = 'bench-password-123';
  const ws = await api.post('/api/v1/workspaces', { name: `Bench ${tag}`, admin: { name: 'Admin', email: `admin-${tag}@bench.parley`, password: pw } }, auth(owner));
  if (ws.status !== 201) throw new Error(`workspace: ${ws.status} ${JSON.stringify(ws.body)}`);
  const admin = await login(`admin-${tag}@bench.parley`, pw);
  const mkUser = async (name, role) => {
    const email = `${name}-${tag}@bench.parley`;
    const r = await api.post('/api/v1/users', { name, email, password: pw, role }, auth(admin));
    if (r.status !== 201) throw new Error(`user: ${r.status} ${JSON.stringify(r.body)}`);
    return { id: r.body.id, token: await login(email, pw) };
  };
  const supervisor = await mkUser('sup', 'supervisor');
  const agentList = new Array(agents);
  await pool(agents, 4, async (i) => { agentList[i] = await mkUser(`agent${i}`, 'agent'); });
  const inbox = await api.post('/api/v1/inboxes', { name: 'API', channel: 'api', config: {}, memberIds: agentList.map((a) => a.id) }, auth(admin));
  if (inbox.status !== 201) throw new Error(`inbox: ${inbox.status} ${JSON.stringify(inbox.body)}`);
  api.close();
  return { workspaceId: ws.body.id, admin, supervisor, agents: agentList, inboxId: inbox.body.id, inboxToken: inbox.body.inboxToken, tag };
}

/** The API channel's inbound request, as an integrator sends it. */
export function incomingRequest(w, externalId, identifier, text) {
  return {
    path: `/api/v1/inboxes/${w.inboxId}/incoming`,
    body: { externalId, contact: { identifier, name: `Customer ${identifier}` }, text },
    headers: { authorization: `Bearer ${w.inboxToken}` },
  };
}

/**
 * Connects `n` sockets to a namespace (websocket transport, no reconnection), `authFor(i)` giving each its
 * auth payload. Resolves {sockets, failed, error} — `error` is the first connect_error's message.
 */
export async function connectSockets(url, nsp, n, authFor, { concurrency = 50, localAddress, timeoutMs = 20_000, extra = {} } = {}) {
  const sockets = new Array(n);
  let failed = 0;
  let error = null;
  let errorData = null;
  await pool(n, concurrency, (i) => new Promise((resolve) => {
    const s = io(`${url}${nsp}`, {
      auth: authFor(i), transports: ['websocket'], forceNew: true, reconnection: false, timeout: timeoutMs,
      ...(localAddress ? { localAddress: localAddress(i) } : {}), ...extra,
    });
    const done = (ok, e) => {
      if (ok) sockets[i] = s;
      else { failed++; error ??= e?.message ?? String(e); errorData ??= e?.data ?? null; s.close(); }
      resolve();
    };
    s.once('connect', () => done(true));
    s.once('connect_error', (e) => done(false, e));
  }));
  return { sockets: sockets.filter(Boolean), failed, error, errorData };
}

/** Is the `/agents` namespace served? Distinguishes "not built yet" from "refused my token". */
export async function probeNamespace(url, nsp, auth) {
  const r = await connectSockets(url, nsp, 1, () => auth, { timeoutMs: 5_000 });
  for (const s of r.sockets) s.close();
  if (r.sockets.length) return { available: true };
  return { available: false, reason: r.error === 'Invalid namespace' ? `namespace ${nsp} is not served by this build` : `connect_error: ${r.error} ${r.errorData ? JSON.stringify(r.errorData) : ''}`.trim() };
}
