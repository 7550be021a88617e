// Small helpers shared by the bench parts: histograms, /proc readings, HTTP with keep-alive, an open-loop pacer.
import http from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import hdr from 'hdr-histogram-js';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
export const nowMs = () => performance.timeOrigin + performance.now();

/** A latency histogram in microseconds (1 µs .. 1 h, 3 significant digits). */
export function histogram() {
  return hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 });
}

export const recordMs = (h, ms) => h.recordValue(Math.max(1, Math.round(ms * 1000)));

const r2 = (x) => Math.round(x * 100) / 100;
/** p50/p90/p99/max in milliseconds, the HdrHistogram way (never an average on its own). */
export function summary(h) {
  if (!h.totalCount) return { n: 0, p50: null, p90: null, p99: null, max: null };
  return {
    n: h.totalCount,
    p50: r2(h.getValueAtPercentile(50) / 1000), p90: r2(h.getValueAtPercentile(90) / 1000),
    p99: r2(h.getValueAtPercentile(99) / 1000), max: r2(h.maxValue / 1000),
  };
}

const CLK_TCK = 100; // getconf CLK_TCK on Linux

/** utime+stime of a process in ms (0 once it is gone). */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
  } catch { return 0; }
}

/** Resident set size in KiB. */
export function rssKb(pid) {
  try {
    const m = /VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch { return 0; }
}

/** Direct children of a process (the hub's embedded database, when the hub launched it). */
export function childPids(pid) {
  const out = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(d));
    } catch { /* gone */ }
  }
  return out;
}

/** CPU of a set of processes, as a snapshot to subtract later. */
export function cpuSnapshot(pids) {
  const t = nowMs();
  return { t, cpu: Object.fromEntries(Object.entries(pids).map(([k, pid]) => [k, cpuMs(pid)])) };
}
export function cpuDelta(before, pids) {
  const after = cpuSnapshot(pids);
  const d = {};
  for (const k of Object.keys(pids)) d[k] = after.cpu[k] - before.cpu[k];
  return { wallMs: after.t - before.t, cpuMs: d };
}

/** A keep-alive HTTP client for one origin: `request(method, path, body, headers)` → {status, body, ms}. */
export function httpClient(base, { maxSockets = 64 } = {}) {
  const u = new URL(base);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const request = (method, path, body, headers = {}, timeoutMs = 60_000) => new Promise((resolve) => {
    const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const t0 = nowMs();
    const req = http.request({
      agent, host: u.hostname, port: u.port, method, path,
      headers: { ...(payload !== undefined ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}), ...headers },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString();
        let parsed = text;
        try { parsed = text ? JSON.parse(text) : null; } catch { /* not JSON */ }
        resolve({ status: res.statusCode, body: parsed, ms: nowMs() - t0 });
      });
      res.on('error', (e) => resolve({ status: 0, body: String(e), ms: nowMs() - t0 }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: 0, body: String(e), ms: nowMs() - t0 }));
    if (payload !== undefined) req.write(payload);
    req.end();
  });
  return {
    request,
    get: (p, headers) => request('GET', p, undefined, headers),
    post: (p, body, headers) => request('POST', p, body ?? {}, headers),
    close: () => agent.destroy(),
  };
}

/**
 * Open loop at a fixed rate: `fire(i, intendedAt)` is started at t0 + i/rate whether or not earlier calls
 * finished, so a slow server cannot slow the load down (no coordinated omission: latency is measured from the
 * intended start). Resolves when every call settled or `drainMs` passed after the last start.
 */
export async function openLoop({ rate, durationMs, fire, drainMs = 30_000 }) {
  const total = Math.max(1, Math.round((rate * durationMs) / 1000));
  const t0 = nowMs() + 20;
  const pending = new Set();
  let started = 0;
  await new Promise((resolve) => {
    const tick = () => {
      const now = nowMs();
      while (started < total && t0 + (started * 1000) / rate <= now) {
        const intendedAt = t0 + (started * 1000) / rate;
        const p = Promise.resolve(fire(started, intendedAt)).catch(() => undefined);
        pending.add(p);
        p.finally(() => pending.delete(p));
        started++;
      }
      if (started >= total) return resolve();
      const next = t0 + (started * 1000) / rate;
      setTimeout(tick, Math.max(0, Math.min(5, next - nowMs())));
    };
    tick();
  });
  const sentAt = nowMs();
  const all = Promise.all([...pending]);
  const timedOut = await Promise.race([all.then(() => false), sleep(drainMs).then(() => true)]);
  return { total, sendWindowMs: sentAt - t0, unsettled: timedOut ? pending.size : 0 };
}

/** Runs `fn(i)` for i in [0, n) with at most `concurrency` at once. */
export async function pool(n, concurrency, fn) {
  let next = 0;
  const worker = async () => { while (next < n) { const i = next++; await fn(i); } };
  await Promise.all(Array.from({ length: Math.min(n, concurrency) }, worker));
}

export const fmt = (x, digits = 1) => (x === null || x === undefined || Number.isNaN(x) ? '–' : typeof x === 'number' ? x.toFixed(digits) : String(x));
