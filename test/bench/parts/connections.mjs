// Part 4: idle authenticated sockets up to 10,000 — agents on `/agents` (bearer token), visitors on `/widget`
// (widget token) — and the server's resident memory per socket, next to a plain Socket.IO server holding the
// same number of idle sockets. Clients live in their own process (conn-clients.mjs) and are spread over
// several 127.0.0.x source addresses so ephemeral ports never run short.
import { fork } from 'node:child_process';
import path from 'node:path';
import { makeWorkspace, probeNamespace, repoRoot, startBaseline, startHub } from '../lib/services.mjs';
import { httpClient, rssKb, sleep } from '../lib/util.mjs';

const SOURCES = ['127.0.0.1', '127.0.0.2', '127.0.0.3', '127.0.0.4'];

function clients() {
  const child = fork(path.join(repoRoot, 'test/bench/conn-clients.mjs'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const replies = [];
  const waiters = [];
  child.on('message', (m) => { const w = waiters.shift(); if (w) w(m); else replies.push(m); });
  const next = () => new Promise((r) => { const m = replies.shift(); if (m) r(m); else waiters.push(r); });
  return {
    ready: next(),
    open: (args) => { child.send({ cmd: 'open', ...args }); return next(); },
    close: () => new Promise((r) => { child.once('exit', r); child.send({ cmd: 'close' }); setTimeout(() => child.kill('SIGKILL'), 10_000).unref(); }),
  };
}

/** Median of a few RSS samples (KiB): a single reading catches allocator noise. */
async function steadyRss(pid, samples = 5) {
  const xs = [];
  for (let i = 0; i < samples; i++) { xs.push(rssKb(pid)); await sleep(250); }
  return xs.sort((a, b) => a - b)[Math.floor(samples / 2)];
}

async function ramp({ label, url, nsp, auth, checkpoints, pids, log, settleMs = 3000 }) {
  const c = clients();
  await c.ready;
  const samples = settleMs < 3000 ? 3 : 5;
  await sleep(settleMs / 2);
  const rss0 = await steadyRss(pids.server, samples);
  const db0 = pids.db ? await steadyRss(pids.db, samples) : null;
  const points = [];
  for (const n of checkpoints) {
    const r = await c.open({ url, nsp, upTo: n, auth, concurrency: 100, sources: SOURCES });
    await sleep(settleMs);
    const rss = await steadyRss(pids.server, samples);
    const point = {
      target: n, open: r.open, failed: r.failed, error: r.error, connectMs: r.ms,
      serverRssMiB: Math.round(rss / 102.4) / 10, kibPerSocket: r.open ? Math.round(((rss - rss0) / r.open) * 10) / 10 : null,
      dbRssMiB: pids.db ? Math.round((await steadyRss(pids.db, samples)) / 102.4) / 10 : null,
    };
    log(`  ${label.padEnd(16)} ${String(r.open).padStart(5)} open (${r.failed} refused${r.error ? `: ${r.error}` : ''}): server RSS ${point.serverRssMiB} MiB, ${point.kibPerSocket} KiB/socket`);
    points.push(point);
    if (r.open < n * 0.9) break;
  }
  await c.close();
  return { label, nsp, serverRssBeforeMiB: Math.round(rss0 / 102.4) / 10, dbRssBeforeMiB: db0 ? Math.round(db0 / 102.4) / 10 : null, points };
}

export async function connectionsPart({ db, quick, log }) {
  const checkpoints = quick ? [500] : [1_000, 5_000, 10_000];
  const result = { checkpoints, sources: SOURCES, runs: [] };
  const settleMs = quick ? 1000 : 3000;

  // Parley, /agents: 20 agents, each with many tabs open (sockets cycle over their tokens)
  let hub = await startHub({ db, dbName: 'parley_conn_agents' });
  try {
    const w = await makeWorkspace(hub, { agents: quick ? 4 : 20 });
    const probe = await probeNamespace(hub.url, '/agents', { token: w.agents[0].token });
    if (!probe.available) { log(`  /agents: ${probe.reason}`); result.runs.push({ label: 'parley /agents', unavailable: probe.reason }); }
    else result.runs.push(await ramp({ label: 'parley /agents', url: hub.url, nsp: '/agents', auth: w.agents.map((a) => ({ token: a.token })), checkpoints, pids: { server: hub.pid, db: hub.dbPid }, log, settleMs }));
  } finally {
    await hub.stop();
  }

  // Parley, /widget: anonymous visitors of one web chat inbox
  hub = await startHub({ db, dbName: 'parley_conn_widget' });
  try {
    const w = await makeWorkspace(hub, { agents: 2 });
    const api = httpClient(hub.url);
    const inbox = await api.post('/api/v1/inboxes', { name: 'Chat', channel: 'webchat', config: {}, memberIds: w.agents.map((a) => a.id) }, { authorization: `Bearer ${w.admin}` });
    api.close();
    const widgetToken = inbox.status === 201 ? inbox.body.widgetToken : null;
    const probe = widgetToken ? await probeNamespace(hub.url, '/widget', { widgetToken }) : { available: false, reason: `web chat inbox could not be created: ${inbox.status} ${JSON.stringify(inbox.body).slice(0, 200)}` };
    if (!probe.available) { log(`  /widget: ${probe.reason}`); result.runs.push({ label: 'parley /widget', unavailable: probe.reason }); }
    else result.runs.push(await ramp({ label: 'parley /widget', url: hub.url, nsp: '/widget', auth: [{ widgetToken }], checkpoints, pids: { server: hub.pid, db: hub.dbPid }, log, settleMs }));
  } finally {
    await hub.stop();
  }

  // Baseline: a plain Socket.IO server, no auth, idle sockets
  const base = await startBaseline({ db, dbName: 'baseline_conn' });
  try {
    result.runs.push(await ramp({ label: 'baseline socket.io', url: base.url, nsp: '/agents', auth: [{}], checkpoints, pids: { server: base.pid }, log, settleMs }));
  } finally {
    await base.stop();
  }
  return result;
}
