// Part 5: inbox reads. The conversation list as the console asks for it, at 10,000 and 100,000 conversations,
// next to the same query sent raw through the MongoDB driver to the same database. Conversations are seeded
// straight into the hub's database in the shape ConversationStore writes them (seeding 100k through the API
// would take hours on the embedded database).
import { randomBytes } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { makeWorkspace, startHub } from '../lib/services.mjs';
import { histogram, httpClient, nowMs, recordMs, summary } from '../lib/util.mjs';

const WORDS = 'order delivery refund invoice parcel late broken size exchange payment card address tracking warranty return discount coupon account password login shipping'.split(' ');

/** One conversation as ConversationStore.create + IngestService leave it after a customer message. */
export function conversation(i, { workspaceId, inboxId, supervisorId, agentIds, now, rand }) {
  const at = new Date(now - Math.floor(rand() * 60 * 86_400_000));
  const created = new Date(at.getTime() - Math.floor(rand() * 3 * 86_400_000));
  const r = rand();
  const status = r < 0.5 ? 'open' : r < 0.6 ? 'pending' : r < 0.65 ? 'snoozed' : 'resolved';
  const a = rand();
  const assigneeId = a < 0.1 ? supervisorId : a < 0.7 ? agentIds[Math.floor(rand() * agentIds.length)] : null;
  const name = `Customer ${i}`;
  const words = Array.from({ length: 12 }, () => WORDS[Math.floor(rand() * WORDS.length)]);
  const text = `Hello, about my ${words.slice(0, 6).join(' ')}: ${words.slice(6).join(' ')}?`;
  const contactTerms = ['customer', 'cu', 'cus', 'cust', 'custo', 'custom', 'custome', String(i), `cust-${i}`, 'cust'];
  return {
    _id: `${at.getTime().toString(36).padStart(9, '0')}${(i % 46656).toString(36).padStart(3, '0')}${randomBytes(6).toString('hex')}`,
    workspaceId, inboxId, channel: 'api', contactId: `k${i.toString(36).padStart(8, '0')}`, contactName: name,
    status, priority: 'none', assigneeId, teamId: null, labels: rand() < 0.2 ? ['vip'] : [], subject: null,
    lastMessage: { text, at, direction: 'in' }, lastActivityAt: at, unreadCount: Math.floor(rand() * 4),
    readBy: {}, waitingSince: status === 'resolved' ? null : at,
    snoozeUntil: status === 'snoozed' ? new Date(now + 30 * 86_400_000) : null, resolvedAt: status === 'resolved' ? at : null,
    pastAssigneeIds: [], meta: {}, terms: [...new Set([...contactTerms, ...words, 'hello', 'about', 'my'])], createdAt: created, updatedAt: at,
  };
}

export async function readsPart({ db, quick, log }) {
  const sizes = quick ? [1_000, 5_000] : [10_000, 100_000];
  // A list request scans every conversation on the embedded database: at 100k that is tens of seconds each.
  const repsFor = (size) => (quick ? 3 : size >= 50_000 ? 5 : 20);
  const dbName = 'parley_reads';
  const hub = await startHub({ db, dbName });
  const client = await MongoClient.connect(`${db.uri}${dbName}`, { maxPoolSize: 1 });
  const coll = client.db().collection('conversations');
  const result = { sizes, repetitions: Object.fromEntries(sizes.map((x) => [x, repsFor(x)])), points: [] };
  try {
    const w = await makeWorkspace(hub, { agents: 2 });
    const http = httpClient(hub.url, { maxSockets: 1 });
    const auth = { authorization: `Bearer ${w.supervisor.token}` };
    let seed = 7;
    const rand = () => { seed = (seed * 1103515245 + 12345) & 0x7fffffff; return seed / 0x7fffffff; };
    const ctx = { workspaceId: w.workspaceId, inboxId: w.inboxId, supervisorId: w.supervisor.id, agentIds: w.agents.map((a) => a.id), now: Date.now(), rand };
    let have = 0;
    // The filters ConversationService.list builds for a supervisor (AccessService.filter is {} for them).
    const queries = [
      { name: 'status=open', path: '/api/v1/conversations?status=open&limit=25', filter: { $and: [{ status: 'open' }], workspaceId: w.workspaceId } },
      { name: 'status=open&assigneeId=me', path: '/api/v1/conversations?status=open&assigneeId=me&limit=25', filter: { $and: [{ status: 'open' }, { assigneeId: w.supervisor.id }], workspaceId: w.workspaceId } },
    ];
    for (const size of sizes) {
      const t0 = nowMs();
      while (have < size) {
        const batch = [];
        for (let k = 0; k < 1000 && have < size; k++) batch.push(conversation(have++, ctx));
        await coll.insertMany(batch, { ordered: false });
      }
      const seedMs = Math.round(nowMs() - t0);
      log(`  seeded ${size} conversations (${seedMs} ms)`);
      const reps = repsFor(size);
      for (const q of queries) {
        const api = histogram();
        const raw = histogram();
        let items = null;
        // Alternate so both see the same machine; the first round of each is a warm-up.
        for (let i = 0; i <= reps; i++) {
          const r = await http.request('GET', q.path, undefined, auth, 600_000);
          if (r.status !== 200) throw new Error(`${q.path}: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
          items = r.body.items.length;
          const t = nowMs();
          await coll.find(q.filter).sort({ lastActivityAt: -1, _id: -1 }).limit(26).toArray();
          const rawMs = nowMs() - t;
          if (i > 0) { recordMs(api, r.ms); recordMs(raw, rawMs); }
        }
        const point = { conversations: size, query: q.name, repetitions: reps, items, api: summary(api), raw: summary(raw) };
        log(`  ${String(size).padStart(6)} ${q.name.padEnd(26)} API p50 ${point.api.p50} p99 ${point.api.p99} ms | raw driver p50 ${point.raw.p50} p99 ${point.raw.p99} ms`);
        result.points.push(point);
      }
    }
    http.close();
    const growth = (q, k) => {
      const [a, b] = sizes.map((s) => result.points.find((p) => p.conversations === s && p.query === q)?.[k]?.p99);
      return a && b ? Math.round((b / a) * 10) / 10 : null;
    };
    result.p99Growth = queries.map((q) => ({ query: q.name, from: sizes[0], to: sizes[1], api: growth(q.name, 'api'), raw: growth(q.name, 'raw') }));
    return result;
  } finally {
    await client.close();
    await hub.stop();
  }
}
