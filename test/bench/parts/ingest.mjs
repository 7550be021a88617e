// Parts 1 and 2: ingest to screen at fixed rates, Parley next to the bare baseline, in the same run.
import { connectSockets, incomingRequest, makeWorkspace, probeNamespace, startBaseline, startHub } from '../lib/services.mjs';
import { cpuDelta, cpuSnapshot, histogram, httpClient, nowMs, openLoop, recordMs, sleep, summary } from '../lib/util.mjs';

const CONTACTS = 100; // customers writing in; the first message of each opens its conversation, the rest append

/**
 * One fixed-rate step: `rate` inbound requests per second for `durationMs`, open loop. Ack latency is from the
 * intended send time to the response; ingest-to-socket from the intended send time to each socket's
 * `message.created` carrying that externalId (every socket, so fan-out cost is inside the percentiles).
 */
export async function runStep(target, { rate, durationMs, sockets, tag }) {
  const http = httpClient(target.url, { maxSockets: 128 });
  const intended = new Map();
  const ack = histogram();
  const e2e = histogram();
  let delivered = 0;
  let okCount = 0;
  const statuses = {};
  const onMsg = (p) => {
    const at = intended.get(p?.message?.externalId);
    if (at === undefined) return;
    recordMs(e2e, nowMs() - at);
    delivered++;
  };
  for (const s of sockets) s.on('message.created', onMsg);
  const before = cpuSnapshot(target.pids);
  let lastAck = 0;
  let firstAt = 0;
  const run = await openLoop({
    rate, durationMs,
    fire: async (i, intendedAt) => {
      const externalId = `${tag}-${i}`;
      if (i === 0) firstAt = intendedAt;
      intended.set(externalId, intendedAt);
      const req = target.request(externalId, `cust-${i % CONTACTS}`, `Hello, this is message ${i} of ${tag}: where is my order?`);
      const r = await http.request('POST', req.path, req.body, req.headers);
      const t = nowMs();
      lastAck = Math.max(lastAck, t);
      statuses[r.status] = (statuses[r.status] ?? 0) + 1;
      if (r.status === 200 && r.body?.duplicate === false) okCount++;
      recordMs(ack, t - intendedAt);
    },
  });
  const expected = okCount * sockets.length;
  const waitUntil = nowMs() + 15_000;
  while (sockets.length && delivered < expected && nowMs() < waitUntil) await sleep(20);
  const cpu = cpuDelta(before, target.pids);
  for (const s of sockets) s.off('message.created', onMsg);
  http.close();
  const perMsg = (ms) => (okCount ? Math.round((ms / okCount) * 100) / 100 : null);
  return {
    rate, sockets: sockets.length, durationMs, sent: run.total, ok: okCount, statuses, unsettled: run.unsettled,
    achievedPerSec: lastAck > firstAt ? Math.round((okCount / ((lastAck - firstAt) / 1000)) * 10) / 10 : null,
    ack: summary(ack), ingestToSocket: sockets.length ? summary(e2e) : null,
    deliveries: sockets.length ? { got: delivered, expected } : null,
    cpuMsPerMessage: Object.fromEntries(Object.entries(cpu.cpuMs).map(([k, v]) => [k, perMsg(v)])),
    cpuMsPerMessageTotal: perMsg(Object.values(cpu.cpuMs).reduce((a, b) => a + b, 0)),
  };
}

/** Closed loop: `concurrency` requests always in flight for `durationMs`; completed requests per second. */
export async function saturate(target, { concurrency, durationMs, tag }) {
  const http = httpClient(target.url, { maxSockets: concurrency });
  const lat = histogram();
  let ok = 0; let errors = 0; let i = 0;
  const before = cpuSnapshot(target.pids);
  const end = nowMs() + durationMs;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (nowMs() < end) {
      const n = i++;
      const req = target.request(`${tag}-${n}`, `cust-${n % CONTACTS}`, `Hello, this is message ${n} of ${tag}: where is my order?`);
      const r = await http.request('POST', req.path, req.body, req.headers);
      recordMs(lat, r.ms);
      if (r.status === 200) ok++; else errors++;
    }
  }));
  const cpu = cpuDelta(before, target.pids);
  http.close();
  return {
    concurrency, durationMs, ok, errors, perSec: Math.round((ok / (cpu.wallMs / 1000)) * 10) / 10, latency: summary(lat),
    cpuMsPerMessageTotal: ok ? Math.round((Object.values(cpu.cpuMs).reduce((a, b) => a + b, 0) / ok) * 100) / 100 : null,
  };
}

const highestUnder = (steps, ms) => {
  let best = null;
  for (const s of steps) {
    const lossless = s.ok === s.sent && (!s.deliveries || s.deliveries.got >= s.deliveries.expected);
    const p99 = Math.max(s.ack.p99 ?? Infinity, s.ingestToSocket ? s.ingestToSocket.p99 ?? Infinity : 0);
    if (lossless && p99 < ms) best = Math.max(best ?? 0, s.rate); else break;
  }
  return best;
};

async function sweep(target, { rates, socketCounts, durationMs, connect, log, label }) {
  const out = [];
  for (const n of socketCounts) {
    const conn = connect ? await connect(n) : { sockets: [], note: 'no /agents namespace: acknowledgement only' };
    if (connect && conn.sockets.length < n) log(`  ${label}: only ${conn.sockets.length}/${n} sockets connected (${conn.error})`);
    const steps = [];
    let saturated = false;
    for (const rate of rates) {
      if (saturated) { steps.push({ rate, sockets: conn.sockets.length, skipped: 'previous rate already saturated (p99 > 5 s or losses)' }); continue; }
      const s = await runStep(target, { rate, durationMs, sockets: conn.sockets, tag: `${label}-${n}-${rate}-${Date.now().toString(36)}` });
      log(`  ${label} ${String(n).padStart(3)} sockets ${String(rate).padStart(3)}/s: ack p50 ${s.ack.p50} p99 ${s.ack.p99} ms; to socket p50 ${s.ingestToSocket?.p50 ?? '–'} p99 ${s.ingestToSocket?.p99 ?? '–'} ms; ok ${s.ok}/${s.sent}; cpu ${s.cpuMsPerMessageTotal} ms/msg`);
      steps.push(s);
      if ((s.ack.p99 ?? 0) > 5000 || s.ok < s.sent * 0.9) saturated = true;
      await sleep(500);
    }
    for (const s of conn.sockets) s.close();
    const measured = steps.filter((s) => !s.skipped);
    out.push({ sockets: n, socketsConnected: conn.sockets.length, steps, highestRateP99Under500ms: highestUnder(measured, 500) });
    await sleep(500);
  }
  return out;
}

export async function ingestPart({ db, quick, log }) {
  const rates = quick ? [50, 200] : [50, 100, 200, 400];
  const socketCounts = [10, 100];
  const durationMs = quick ? 3_000 : 10_000;
  const satMs = quick ? 3_000 : 8_000;
  const result = { rates, socketCounts, durationMs, contacts: CONTACTS };

  // Parley
  const hub = await startHub({ db, dbName: 'parley_ingest' });
  try {
    const w = await makeWorkspace(hub, { agents: 10 });
    const probe = await probeNamespace(hub.url, '/agents', { token: w.agents[0].token });
    result.agentsNamespace = probe;
    if (!probe.available) log(`  /agents: ${probe.reason} — ingest-to-socket not available, acknowledgement only`);
    const target = {
      name: 'parley', url: hub.url, pids: { hub: hub.pid, ...(hub.dbPid ? { db: hub.dbPid } : {}) },
      request: (externalId, identifier, text) => incomingRequest(w, externalId, identifier, text),
    };
    const connect = probe.available ? (n) => connectSockets(hub.url, '/agents', n, (i) => ({ token: w.agents[i % w.agents.length].token })) : null;
    result.parley = await sweep(target, { rates, socketCounts, durationMs, connect, log, label: 'parley' });
    const sat = await saturate(target, { concurrency: 16, durationMs: satMs, tag: `parley-sat-${Date.now().toString(36)}` });
    log(`  parley saturation (16 in flight, no sockets): ${sat.perSec}/s, p50 ${sat.latency.p50} p99 ${sat.latency.p99} ms`);
    result.parleySaturation = sat;
  } finally {
    await hub.stop();
  }

  // Baseline, same database server, its own database
  const base = await startBaseline({ db, dbName: 'baseline_ingest' });
  try {
    const target = {
      name: 'baseline', url: base.url, pids: { app: base.pid, ...(base.dbPid ? { db: base.dbPid } : {}) },
      request: (externalId, identifier, text) => ({ path: '/incoming', body: { externalId, contact: { identifier, name: `Customer ${identifier}` }, text }, headers: {} }),
    };
    const connect = result.agentsNamespace.available ? (n) => connectSockets(base.url, '/agents', n, () => ({})) : null;
    result.baseline = await sweep(target, { rates, socketCounts, durationMs, connect, log, label: 'baseline' });
    const sat = await saturate(target, { concurrency: 16, durationMs: satMs, tag: `base-sat-${Date.now().toString(36)}` });
    log(`  baseline saturation (16 in flight, no sockets): ${sat.perSec}/s, p50 ${sat.latency.p50} p99 ${sat.latency.p99} ms`);
    result.baselineSaturation = sat;
  } finally {
    await base.stop();
  }

  // Ratios: throughput at saturation, latency at each (sockets, rate) both measured.
  result.ratio = {
    throughput: result.baselineSaturation.perSec ? Math.round((result.parleySaturation.perSec / result.baselineSaturation.perSec) * 1000) / 1000 : null,
    latency: result.parley.flatMap((p, k) => p.steps.filter((s) => !s.skipped).map((s) => {
      const b = result.baseline[k]?.steps.find((x) => x.rate === s.rate && !x.skipped);
      if (!b) return null;
      const div = (x, y) => (x != null && y ? Math.round((x / y) * 10) / 10 : null);
      return { sockets: p.sockets, rate: s.rate, ackP50: div(s.ack.p50, b.ack.p50), ackP99: div(s.ack.p99, b.ack.p99), toSocketP50: div(s.ingestToSocket?.p50, b.ingestToSocket?.p50), toSocketP99: div(s.ingestToSocket?.p99, b.ingestToSocket?.p99) };
    }).filter(Boolean)),
  };
  return result;
}
