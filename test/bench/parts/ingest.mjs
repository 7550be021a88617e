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

/**
 * A fresh system for one step: `open()` starts the server on a database of its own, prepares it and returns
 * {target, connect(n), close()}. Every (sockets, rate) step starts from the same state, so rates compare
 * with each other and with the baseline (the database's growth is part 5's and the scale probe's subject).
 */
async function sweep(open, { rates, socketCounts, durationMs, warmupMs, log, label }) {
  const out = [];
  for (const n of socketCounts) {
    const steps = [];
    let saturated = false;
    let connected = null;
    for (const rate of rates) {
      if (saturated) { steps.push({ rate, sockets: n, skipped: 'a lower rate already saturated (p99 > 5 s or losses)' }); continue; }
      const sys = await open(`${n}_${rate}`);
      try {
        const conn = sys.connect ? await sys.connect(n) : { sockets: [] };
        if (sys.connect && conn.sockets.length < n) log(`  ${label}: only ${conn.sockets.length}/${n} sockets connected (${conn.error})`);
        connected = conn.sockets.length;
        // Warm-up: JIT, connection pools, and the first conversation of most customers (not recorded).
        await runStep(sys.target, { rate: 50, durationMs: warmupMs, sockets: conn.sockets, tag: `warm-${label}-${n}-${rate}` });
        await sleep(300);
        const st = await runStep(sys.target, { rate, durationMs, sockets: conn.sockets, tag: `${label}-${n}-${rate}-${Date.now().toString(36)}` });
        log(`  ${label.padEnd(8)} ${String(n).padStart(3)} sockets ${String(rate).padStart(3)}/s: ack p50 ${st.ack.p50} p99 ${st.ack.p99} ms; to socket p50 ${st.ingestToSocket?.p50 ?? '–'} p99 ${st.ingestToSocket?.p99 ?? '–'} ms; done ${st.ok}/${st.sent} (${st.achievedPerSec}/s); cpu ${st.cpuMsPerMessageTotal} ms/msg`);
        steps.push(st);
        if ((st.ack.p99 ?? 0) > 5000 || st.ok < st.sent * 0.9) saturated = true;
        for (const x of conn.sockets) x.close();
      } finally {
        await sys.close();
      }
    }
    const measured = steps.filter((x) => !x.skipped);
    out.push({ sockets: n, socketsConnected: connected, steps, highestRateP99Under500ms: highestUnder(measured, 500) });
  }
  return out;
}

export async function ingestPart({ db, quick, log }) {
  // 25/s sits below what the embedded database sustains on a 2-core machine, so there is an unsaturated point.
  const rates = quick ? [25, 100] : [25, 50, 100, 200, 400];
  const socketCounts = quick ? [100] : [10, 100];
  const durationMs = quick ? 2_000 : 10_000;
  const satMs = quick ? 2_000 : 8_000;
  const agents = quick ? 4 : 10;
  const result = { rates, socketCounts, durationMs, warmupMessages: quick ? 50 : 100, contacts: CONTACTS, freshDatabasePerStep: true };

  const openParley = async (key) => {
    const hub = await startHub({ db, dbName: `parley_ingest_${key}` });
    try {
      const w = await makeWorkspace(hub, { agents });
      result.agentsNamespace ??= await probeNamespace(hub.url, '/agents', { token: w.agents[0].token });
      const target = {
        name: 'parley', url: hub.url, pids: { hub: hub.pid, ...(hub.dbPid ? { db: hub.dbPid } : {}) },
        request: (externalId, identifier, text) => incomingRequest(w, externalId, identifier, text),
      };
      const connect = result.agentsNamespace.available ? (n) => connectSockets(hub.url, '/agents', n, (i) => ({ token: w.agents[i % w.agents.length].token })) : null;
      return { target, connect, close: () => hub.stop() };
    } catch (e) { await hub.stop(); throw e; }
  };
  const openBaseline = async (key) => {
    const base = await startBaseline({ db, dbName: `baseline_ingest_${key}` });
    const target = {
      name: 'baseline', url: base.url, pids: { app: base.pid, ...(base.dbPid ? { db: base.dbPid } : {}) },
      request: (externalId, identifier, text) => ({ path: '/incoming', body: { externalId, contact: { identifier, name: `Customer ${identifier}` }, text }, headers: {} }),
    };
    const connect = result.agentsNamespace?.available ? (n) => connectSockets(base.url, '/agents', n, () => ({})) : null;
    return { target, connect, close: () => base.stop() };
  };

  const warmupMs = quick ? 1_000 : 2_000;
  result.parley = await sweep(openParley, { rates, socketCounts, durationMs, warmupMs, log, label: 'parley' });
  if (!result.agentsNamespace.available) log(`  /agents: ${result.agentsNamespace.reason} — ingest-to-socket not available, acknowledgement only`);
  result.baseline = await sweep(openBaseline, { rates, socketCounts, durationMs, warmupMs, log, label: 'baseline' });

  for (const [key, open] of [['parleySaturation', openParley], ['baselineSaturation', openBaseline]]) {
    const sys = await open('sat');
    try {
      await runStep(sys.target, { rate: 50, durationMs: warmupMs, sockets: [], tag: `warm-${key}` });
      const sat = await saturate(sys.target, { concurrency: 16, durationMs: satMs, tag: `${key}-${Date.now().toString(36)}` });
      log(`  ${key.replace('Saturation', '').padEnd(8)} saturation (16 in flight, no sockets): ${sat.perSec}/s, p50 ${sat.latency.p50} p99 ${sat.latency.p99} ms, ${sat.cpuMsPerMessageTotal} ms CPU/msg`);
      result[key] = sat;
    } finally {
      await sys.close();
    }
  }

  // Ratios: throughput at saturation, latency at each (sockets, rate) both measured.
  result.ratio = {
    throughput: result.baselineSaturation.perSec ? Math.round((result.parleySaturation.perSec / result.baselineSaturation.perSec) * 1000) / 1000 : null,
    latency: result.parley.flatMap((p, k) => p.steps.filter((x) => !x.skipped).map((x) => {
      const b = result.baseline[k]?.steps.find((y) => y.rate === x.rate && !y.skipped);
      if (!b) return null;
      const div = (u, v) => (u != null && v ? Math.round((u / v) * 10) / 10 : null);
      return { sockets: p.sockets, rate: x.rate, ackP50: div(x.ack.p50, b.ack.p50), ackP99: div(x.ack.p99, b.ack.p99), toSocketP50: div(x.ingestToSocket?.p50, b.ingestToSocket?.p50), toSocketP99: div(x.ingestToSocket?.p99, b.ingestToSocket?.p99) };
    }).filter(Boolean)),
  };
  return result;
}
