// The bare baseline: what this machine does with node:http, the MongoDB driver and Socket.IO and nothing else.
// POST /incoming stores the same message document Parley stores (same fields, same unique dedupeKey) with one
// insertOne into the same database server, then emits the same `message.created` payload to every socket on
// `/agents`. POST /emit only emits (fan-out without storage). No auth, no validation beyond JSON.parse, no
// contact/conversation bookkeeping: the floor Parley's overhead is measured against.
import http from 'node:http';
import { createHash, randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { Server } from 'socket.io';

const client = await MongoClient.connect(process.env.MONGODB_URI);
const messages = client.db().collection('messages');
await messages.createIndex({ dedupeKey: 1 }, { unique: true });

const server = http.createServer();
const ioServer = new Server(server, { serveClient: false });
const agents = ioServer.of('/agents');
ioServer.of('/widget');

const readBody = (req) => new Promise((resolve, reject) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => resolve(Buffer.concat(chunks).toString()));
  req.on('error', reject);
});
const send = (res, status, body) => {
  const s = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(s) });
  res.end(s);
};

server.on('request', async (req, res) => {
  try {
    if (req.method === 'POST' && req.url === '/incoming') {
      const b = JSON.parse(await readBody(req));
      const dedupeKey = `in:baseline:${b.externalId}`;
      const id = `m${createHash('sha256').update(dedupeKey).digest('hex').slice(0, 23)}`;
      const now = new Date();
      const doc = {
        _id: id, workspaceId: 'w-baseline', conversationId: 'c-baseline', inboxId: 'i-baseline', direction: 'in', kind: 'message',
        text: String(b.text ?? ''), html: null, attachments: [], author: { type: 'contact', id: `k-${b.contact?.identifier}`, name: b.contact?.name ?? '' },
        status: 'received', error: null, externalId: b.externalId, dedupeKey, clientId: null, mentions: [], call: null, meta: {},
        createdAt: now, updatedAt: now,
      };
      try {
        await messages.insertOne(doc);
      } catch (e) {
        if (e?.code === 11000) return send(res, 200, { ok: true, duplicate: true, messageId: id });
        throw e;
      }
      agents.emit('message.created', {
        message: { id, conversationId: doc.conversationId, direction: 'in', kind: 'message', text: doc.text, attachments: [], author: doc.author, status: 'received', createdAt: now.toISOString(), externalId: b.externalId },
      });
      return send(res, 200, { ok: true, duplicate: false, conversationId: doc.conversationId, messageId: id });
    }
    if (req.method === 'POST' && req.url === '/emit') {
      const b = JSON.parse(await readBody(req));
      agents.emit('message.created', { message: { id: randomUUID(), ...b } });
      return send(res, 200, { ok: true });
    }
    if (req.method === 'GET' && req.url === '/health') return send(res, 200, { status: 'ok', sockets: agents.sockets.size + ioServer.of('/widget').sockets.size });
    send(res, 404, { error: 'not_found' });
  } catch (e) {
    send(res, 500, { error: 'internal', message: String(e) });
  }
});

server.listen(Number(process.env.PORT), '127.0.0.1', () => process.stdout.write('ready\n'));
process.on('SIGTERM', () => { ioServer.close(); server.close(); client.close().finally(() => process.exit(0)); });
