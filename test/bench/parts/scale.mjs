// Ingest at scale: the same inbound request once the database already holds 10,000 and 100,000 messages
// (with their external refs, and a conversation per 10 messages) — what "messages minutes late" looks like.
// Messages go one at a time, so each figure is service time, not queueing. The hub talks to its database
// through the wire tap, so the slowest commands are named.
import { createHash, randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { connectSockets, incomingRequest, makeWorkspace, probeNamespace, startHub } from '../lib/services.mjs';
import { startWireTap } from '../lib/wire-tap.mjs';
import { histogram, httpClient, nowMs, recordMs, sleep, summary } from '../lib/util.mjs';
import { conversation } from './reads.mjs';

const messageIdFor = (dedupeKey) => `m${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 23)}`;

export async function scalePart({ db, quick, log }) {
  const sizes = quick ? [5_000] : [10_000, 100_000];
  const perSize = quick ? 6 : 20;
  const dbName = 'parley_scale';
  const tap = await startWireTap(db.uri);
  const hub = await startHub({ db: { ...db, uri: tap.uri }, dbName });
  const client = await MongoClient.connect(`${db.uri}${dbName}`, { maxPoolSize: 1 });
  const result = { sizes, messagesPerSize: perSize, conversationsPerMessage: 0.1, points: [] };
  try {
    const w = await makeWorkspace(hub, { agents: 2 });
    const probe = await probeNamespace(hub.url, '/agents', { token: w.agents[0].token });
    const conn = probe.available ? await connectSockets(hub.url, '/agents', 10, (i) => ({ token: w.agents[i % 2].token })) : { sockets: [] };
    const http = httpClient(hub.url, { maxSockets: 1 });
    let seed = 11;
    const rand = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
    const ctx = { workspaceId: w.workspaceId, inboxId: w.inboxId, supervisorId: w.supervisor.id, agentIds: w.agents.map((a) => a.id), now: Date.now(), rand };
    const convIds = [];
    let have = 0;
    for (const size of sizes) {
      const t0 = nowMs();
      while (have < size) {
        const convs = []; const msgs = []; const refs = [];
        for (let k = 0; k < 1000 && have < size; k++, have++) {
          if (have % 10 === 0) { const c = conversation(convIds.length, ctx); convIds.push(c._id); convs.push(c); }
          const externalId = `seed-${have}`;
          const dedupeKey = `in:${w.inboxId}:${externalId}`;
          const _id = messageIdFor(dedupeKey);
          const at = new Date(ctx.now - (size - have) * 1000);
          const conversationId = convIds[convIds.length - 1];
          msgs.push({
            _id, workspaceId: w.workspaceId, conversationId, inboxId: w.inboxId, direction: 'in', kind: 'message',
            text: `Hello, a question about my order ${have} ${randomBytes(8).toString('hex')}`, html: null, attachments: [],
            author: { type: 'contact', id: `k${have}`, name: `Customer ${have}` }, status: 'received', error: null, externalId, dedupeKey,
            clientId: null, mentions: [], call: null, meta: {}, createdAt: at, updatedAt: at,
          });
          refs.push({ _id: `${w.inboxId}:${externalId}`, workspaceId: w.workspaceId, conversationId, messageId: _id });
        }
        if (convs.length) await client.db().collection('conversations').insertMany(convs, { ordered: false });
        await client.db().collection('messages').insertMany(msgs, { ordered: false });
        await client.db().collection('external_refs').insertMany(refs, { ordered: false });
      }
      log(`  seeded ${size} messages, ${convIds.length} conversations (${Math.round(nowMs() - t0)} ms)`);
      const ack = histogram(); const e2e = histogram();
      tap.reset();
      // Half from new customers (new conversation), then the same customers again (existing conversation).
      for (let i = 0; i < perSize; i++) {
        const externalId = `scale-${size}-${i}`;
        let seen = null;
        let off = () => {};
        const got = new Promise((resolve) => {
          const on = (p) => { if (p?.message?.externalId === externalId) { seen = nowMs(); resolve(); } };
          conn.sockets[0]?.on('message.created', on);
          setTimeout(resolve, 120_000).unref();
          off = () => conn.sockets[0]?.off('message.created', on);
        });
        const q = incomingRequest(w, externalId, `scale-${size}-cust-${i % Math.ceil(perSize / 2)}`, `Is my parcel ${i} on its way?`);
        const t = nowMs();
        const r = await http.request('POST', q.path, q.body, q.headers, 600_000);
        if (r.status !== 200) throw new Error(`ingest at scale: ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
        recordMs(ack, r.ms);
        if (conn.sockets.length) { await got; if (seen) recordMs(e2e, seen - t); }
        off();
        await sleep(20);
      }
      const point = { messages: size, conversations: convIds.length, ack: summary(ack), ingestToSocket: conn.sockets.length ? summary(e2e) : null, dbCommands: tap.top(8) };
      log(`  ${String(size).padStart(6)} messages in the database: ack p50 ${point.ack.p50} p99 ${point.ack.p99} ms; to socket p50 ${point.ingestToSocket?.p50 ?? '–'} ms; slowest command ${point.dbCommands[0]?.command} ${point.dbCommands[0]?.meanMs} ms`);
      result.points.push(point);
    }
    for (const s of conn.sockets) s.close();
    http.close();
    return result;
  } finally {
    await client.close();
    await hub.stop();
    await tap.close();
  }
}
