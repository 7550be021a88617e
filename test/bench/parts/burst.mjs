// Part 6: webhook burst. 2,000 API-channel inbound requests (authenticated with the inbox's bearer token) in
// 10 seconds, 20% of them repeats of a message already sent — half fired at the same moment as the original
// (a provider's retry racing its first delivery), half a random earlier one. Then the database is read back:
// every distinct message must be stored exactly once.
import { MongoClient } from 'mongodb';
import { incomingRequest, makeWorkspace, startHub } from '../lib/services.mjs';
import { histogram, httpClient, openLoop, recordMs, summary } from '../lib/util.mjs';

export async function burstPart({ db, quick, log }) {
  const total = quick ? 300 : 2000;
  const durationMs = quick ? 3_000 : 10_000;
  const repeatShare = 0.2;
  const dbName = 'parley_burst';
  const hub = await startHub({ db, dbName });
  const client = await MongoClient.connect(`${db.uri}${dbName}`);
  try {
    const w = await makeWorkspace(hub, { agents: 2 });
    const http = httpClient(hub.url, { maxSockets: 256 });
    // The plan: which externalId each request carries. Deterministic, so a run is repeatable.
    let seed = 42;
    const rand = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
    const plan = [];
    const tag = `burst-${Date.now().toString(36)}`;
    let unique = 0;
    for (let i = 0; i < total; i++) {
      const repeat = i > 0 && rand() < repeatShare;
      if (!repeat) { plan.push(`${tag}-${unique++}`); continue; }
      plan.push(rand() < 0.5 ? plan[i - 1] : plan[Math.floor(rand() * i)]);
    }
    const ack = histogram();
    const statuses = {};
    const firstSeen = new Map(); // externalId → how many answers said duplicate:false
    const run = await openLoop({
      rate: total / (durationMs / 1000), durationMs, drainMs: 180_000,
      fire: async (i, intendedAt) => {
        const id = plan[i];
        const q = incomingRequest(w, id, `cust-${Number(id.split('-').pop()) % 200}`, `Order question ${id}`);
        const r = await http.request('POST', q.path, q.body, q.headers, 170_000);
        recordMs(ack, performance.timeOrigin + performance.now() - intendedAt);
        statuses[r.status] = (statuses[r.status] ?? 0) + 1;
        if (r.status === 200 && r.body?.duplicate === false) firstSeen.set(id, (firstSeen.get(id) ?? 0) + 1);
      },
    });
    http.close();
    // Read back what was stored (externalId ∈ this burst) straight from the database.
    const rows = await client.db().collection('messages').find({ inboxId: w.inboxId, externalId: { $regex: `^${tag}-` } }, { projection: { externalId: 1 } }).toArray();
    const stored = new Map();
    for (const r of rows) stored.set(r.externalId, (stored.get(r.externalId) ?? 0) + 1);
    const distinct = new Set(plan);
    let duplicatesStored = 0;
    let lost = 0;
    for (const id of distinct) {
      const n = stored.get(id) ?? 0;
      if (n === 0) lost++;
      if (n > 1) duplicatesStored += n - 1;
    }
    const acceptedTwice = [...firstSeen.values()].filter((n) => n > 1).length;
    const result = {
      channel: 'api (Authorization: Bearer <inboxToken>)', requests: total, durationMs, distinctMessages: distinct.size, repeats: total - distinct.size,
      statuses, unsettled: run.unsettled, ack: summary(ack), storedRows: rows.length, duplicatesStored, lost, acceptedAsNewTwice: acceptedTwice,
    };
    log(`  ${total} requests in ${durationMs / 1000} s (${result.repeats} repeats): ack p50 ${result.ack.p50} p99 ${result.ack.p99} ms; statuses ${JSON.stringify(statuses)}; stored ${rows.length}/${distinct.size}, duplicates ${duplicatesStored}, lost ${lost}`);
    return result;
  } finally {
    await client.close();
    await hub.stop();
  }
}
