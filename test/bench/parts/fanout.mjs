// Part 3: fan-out. One inbound message reaching rooms of 100 and 1,000 agent sockets, next to a plain
// Socket.IO emit to the same number of sockets. Messages go one at a time (the next after every socket got
// the previous), so each figure is the cost of one fan-out, not of a queue.
import { connectSockets, incomingRequest, makeWorkspace, probeNamespace, startBaseline, startHub } from '../lib/services.mjs';
import { histogram, httpClient, nowMs, recordMs, sleep, summary } from '../lib/util.mjs';

async function fanout({ url, sockets, messages, send }) {
  const total = histogram(); // request sent → last socket got it
  const spread = histogram(); // first socket → last socket
  const rates = [];
  let incomplete = 0;
  for (let k = 0; k < messages; k++) {
    const key = `fan-${Date.now().toString(36)}-${k}`;
    let got = 0; let first = 0; let last = 0;
    const done = new Promise((resolve) => {
      const on = (p) => {
        if (p?.message?.externalId !== key) return;
        const t = nowMs();
        if (!got) first = t;
        got++; last = t;
        if (got === sockets.length) resolve();
      };
      for (const s of sockets) s.on('message.created', on);
      sockets.__off = () => { for (const s of sockets) s.off('message.created', on); };
    });
    const t0 = nowMs();
    const r = await send(key);
    if (r.status !== 200) throw new Error(`fan-out send failed: ${r.status} ${JSON.stringify(r.body)}`);
    await Promise.race([done, sleep(30_000)]);
    sockets.__off();
    if (got < sockets.length) { incomplete++; continue; }
    recordMs(total, last - t0);
    recordMs(spread, last - first);
    rates.push(sockets.length / ((last - t0) / 1000));
    await sleep(50);
  }
  rates.sort((a, b) => a - b);
  return {
    sockets: sockets.length, messages, incomplete,
    deliveriesPerSecMedian: rates.length ? Math.round(rates[Math.floor(rates.length / 2)]) : null,
    // The fan-out alone (first socket to last), without the time it took to get there.
    fanoutDeliveriesPerSec: spread.totalCount ? Math.round(sockets.length / (spread.getValueAtPercentile(50) / 1e6)) : null,
    sendToLastSocket: summary(total), firstToLastSocket: summary(spread),
  };
}

export async function fanoutPart({ db, quick, log }) {
  const sizes = [100, 1000];
  const messages = quick ? 4 : 20;
  const pause = quick ? 300 : 1000;
  const result = { sizes, messagesPerSize: messages };
  const hub = await startHub({ db, dbName: 'parley_fanout' });
  try {
    const w = await makeWorkspace(hub, { agents: quick ? 4 : 20 });
    const probe = await probeNamespace(hub.url, '/agents', { token: w.agents[0].token });
    result.agentsNamespace = probe;
    if (!probe.available) {
      log(`  /agents: ${probe.reason} — fan-out not available`);
      result.parley = null;
    } else {
      const http = httpClient(hub.url);
      result.parley = [];
      for (const n of sizes) {
        const conn = await connectSockets(hub.url, '/agents', n, (i) => ({ token: w.agents[i % w.agents.length].token }));
        if (conn.sockets.length < n) log(`  parley: ${conn.sockets.length}/${n} sockets (${conn.error})`);
        await sleep(pause);
        const send = (key) => { const q = incomingRequest(w, key, `fan-${key}`, `Fan-out check ${key}`); return http.request('POST', q.path, q.body, q.headers); };
        const r = await fanout({ url: hub.url, sockets: conn.sockets, messages, send });
        log(`  parley   ${String(n).padStart(4)} sockets: ${r.deliveriesPerSecMedian} deliveries/s; request→last socket p50 ${r.sendToLastSocket.p50} p99 ${r.sendToLastSocket.p99} ms; first→last p50 ${r.firstToLastSocket.p50} ms`);
        result.parley.push(r);
        for (const s of conn.sockets) s.close();
        await sleep(pause);
      }
      http.close();
    }
  } finally {
    await hub.stop();
  }
  const base = await startBaseline({ db, dbName: 'baseline_fanout' });
  try {
    const http = httpClient(base.url);
    result.baseline = [];
    for (const n of sizes) {
      const conn = await connectSockets(base.url, '/agents', n, () => ({}));
      await sleep(pause);
      const send = (key) => http.request('POST', '/emit', { externalId: key, conversationId: 'c-baseline', direction: 'in', kind: 'message', text: `Fan-out check ${key}`, attachments: [], author: { type: 'contact', id: 'k', name: 'Customer' }, status: 'received', createdAt: new Date().toISOString() });
      const r = await fanout({ url: base.url, sockets: conn.sockets, messages, send });
      log(`  baseline ${String(n).padStart(4)} sockets: ${r.deliveriesPerSecMedian} deliveries/s; request→last socket p50 ${r.sendToLastSocket.p50} p99 ${r.sendToLastSocket.p99} ms; first→last p50 ${r.firstToLastSocket.p50} ms`);
      result.baseline.push(r);
      for (const s of conn.sockets) s.close();
      await sleep(500);
    }
    http.close();
  } finally {
    await base.stop();
  }
  result.ratio = result.parley ? result.parley.map((p, i) => ({
    sockets: p.sockets,
    deliveriesPerSec: result.baseline[i].deliveriesPerSecMedian ? Math.round((p.deliveriesPerSecMedian / result.baseline[i].deliveriesPerSecMedian) * 1000) / 1000 : null,
  })) : null;
  return result;
}
