// A MongoDB wire-protocol tap: a TCP proxy between the hub and its database that times every command
// (request → reply, matched on responseTo) and groups them by command, collection and filter shape. It answers
// "where does the database time go" without touching the hub: point MONGODB_URI at the tap.
import net from 'node:net';
import { BSON } from 'mongodb';

const OP_MSG = 2013;

const isPlain = (v) => v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !v._bsontype;

/** The keys of a filter, values dropped: `{_id,workspaceId}`, `{status,snoozeUntil:{$lte}}`. */
function shape(v, depth = 0) {
  if (!isPlain(v) || depth > 3) return '';
  return `{${Object.keys(v).map((k) => {
    const x = v[k];
    if (k === '$and' || k === '$or' || k === '$nor') return `${k}[${(x ?? []).map((y) => shape(y, depth + 1)).join(',')}]`;
    if (isPlain(x) && Object.keys(x).length && Object.keys(x).every((q) => q.startsWith('$'))) return `${k}:{${Object.keys(x).join(',')}}`;
    return k;
  }).join(',')}}`;
}

function describe(body) {
  const cmd = Object.keys(body)[0];
  const coll = typeof body[cmd] === 'string' ? body[cmd] : '';
  let filter = '';
  if (cmd === 'find' || cmd === 'count' || cmd === 'countDocuments') filter = shape(body.filter ?? body.query);
  else if (cmd === 'findAndModify') filter = shape(body.query);
  else if (cmd === 'aggregate') filter = shape(body.pipeline?.[0]?.$match);
  else if (cmd === 'update') filter = shape(body.updates?.[0]?.q);
  else if (cmd === 'delete') filter = shape(body.deletes?.[0]?.q);
  return `${cmd} ${coll} ${filter}`.trim();
}

function parseOpMsg(buf) {
  // header (16) + flagBits (4) + section kind 0 (1) + BSON document
  if (buf.readInt32LE(12) !== OP_MSG || buf[20] !== 0) return null;
  const len = buf.readInt32LE(21);
  const body = BSON.deserialize(buf.subarray(21, 21 + len), { promoteValues: true });
  // kind 1 sections (documents sequences, e.g. insert's documents) follow; the command name is enough
  return body;
}

/** Splits a byte stream into whole wire messages. */
function framer(onMessage) {
  let pending = Buffer.alloc(0);
  return (chunk) => {
    pending = pending.length ? Buffer.concat([pending, chunk]) : chunk;
    while (pending.length >= 4) {
      const len = pending.readInt32LE(0);
      if (pending.length < len) break;
      onMessage(pending.subarray(0, len));
      pending = pending.subarray(len);
    }
  };
}

export async function startWireTap(targetUri) {
  const target = new URL(targetUri);
  const stats = new Map();
  const inflight = new Map();
  let enabled = true;
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port), target.hostname);
    client.on('data', framer((msg) => {
      if (enabled) {
        try {
          const body = parseOpMsg(msg);
          if (body) inflight.set(msg.readInt32LE(4), { key: describe(body), t: performance.now() });
        } catch { /* not decodable: pass through */ }
      }
      upstream.write(msg);
    }));
    upstream.on('data', framer((msg) => {
      const req = inflight.get(msg.readInt32LE(8));
      if (req) {
        inflight.delete(msg.readInt32LE(8));
        const ms = performance.now() - req.t;
        const s = stats.get(req.key) ?? { n: 0, ms: 0, max: 0 };
        s.n++; s.ms += ms; s.max = Math.max(s.max, ms);
        stats.set(req.key, s);
      }
      client.write(msg);
    }));
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on('error', end); upstream.on('error', end); client.on('close', end); upstream.on('close', end);
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address();
  return {
    uri: `mongodb://127.0.0.1:${port}/`,
    reset: () => stats.clear(),
    pause: () => { enabled = false; }, resume: () => { enabled = true; },
    /** Commands by total time, heaviest first: [{command, n, totalMs, meanMs, maxMs, share}]. */
    top: (n = 15) => {
      const rows = [...stats.entries()].filter(([k]) => !/^(hello|isMaster|ismaster|ping|endSessions|buildInfo)\b/.test(k));
      const total = rows.reduce((a, [, s]) => a + s.ms, 0);
      return rows.sort((a, b) => b[1].ms - a[1].ms).slice(0, n).map(([command, s]) => ({
        command, n: s.n, totalMs: Math.round(s.ms), meanMs: Math.round((s.ms / s.n) * 100) / 100, maxMs: Math.round(s.max * 10) / 10, share: total ? Math.round((s.ms / total) * 1000) / 10 : 0,
      }));
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}
