import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../fixtures/cluster';
import { waitFor, type Hub } from '../fixtures/hub';
import { makeWorkspace } from '../fixtures/workspace';

/**
 * The web chat across two API processes sharing one database and one Redis: process 1 runs the dispatcher,
 * the visitor is connected to process 2. Everything the channel sends goes through namespace rooms, so it
 * must arrive anyway.
 */
let cluster: Cluster;
let hub1: Hub;
let hub2: Hub;
const sockets: Socket[] = [];

beforeAll(async () => {
  cluster = await startCluster();
  ({ hub1, hub2 } = cluster);
});
afterAll(async () => {
  for (const s of sockets) s.close();
  await cluster?.dispose();
});

interface Visitor { socket: Socket; session: { visitorToken: string }; events: Array<{ name: string; payload: any }> }
function visitor(url: string, auth: Record<string, unknown>): Promise<Visitor> {
  const socket = io(`${url}/widget`, { auth, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(socket);
  const events: Visitor['events'] = [];
  socket.onAny((name: string, payload: unknown) => { events.push({ name, payload }); });
  socket.on('message.created', (_p: unknown, ack?: unknown) => { if (typeof ack === 'function') ack({ ok: true }); });
  return new Promise((resolve, reject) => {
    socket.once('session', (session: Visitor['session']) => resolve({ socket, session, events }));
    socket.once('connect_error', (e) => reject(e));
  });
}
const seen = (v: Visitor, name: string, pred: (p: any) => boolean) =>
  waitFor(() => v.events.find((e) => e.name === name && pred(e.payload))?.payload, 15_000, `${name} on the visitor`);

describe('/widget across two API processes sharing Redis', () => {
  it('an agent reply dispatched by process 1 reaches the visitor on process 2 and comes back delivered', async () => {
    const w = await makeWorkspace(hub1);
    const inbox = await w.admin.post('/api/v1/inboxes', { name: 'Chat', channel: 'webchat', config: {}, memberIds: [w.a.id] });
    expect(inbox.status).toBe(201);
    const v = await visitor(hub2.url, { widgetToken: inbox.body.widgetToken });
    const ack = await v.socket.timeout(10_000).emitWithAck('message.send', { text: 'hello from process 2', clientId: 'k1' });
    expect(ack.ok).toBe(true);
    const convId = ack.message.conversationId as string;

    // A second tab of the same visitor, on the other process, sees the message too.
    const tab2 = await visitor(hub1.url, { widgetToken: inbox.body.widgetToken, visitorToken: v.session.visitorToken });
    const again = await v.socket.timeout(10_000).emitWithAck('message.send', { text: 'second message', clientId: 'k2' });
    await seen(tab2, 'message.created', (p) => p.message.id === again.message.id);

    const reply = await w.a.api.post(`/api/v1/conversations/${convId}/messages`, { text: 'answer from process 1' });
    expect(reply.status).toBe(201);
    await seen(v, 'message.created', (p) => p.message.id === reply.body.id && p.message.text === 'answer from process 1');
    await seen(tab2, 'message.created', (p) => p.message.id === reply.body.id);
    await waitFor(async () => (await w.a.api.get(`/api/v1/conversations/${convId}/messages`)).body.items
      .find((m: { id: string; status: string }) => m.id === reply.body.id)?.status === 'delivered', 15_000, 'delivered');
    await seen(v, 'message.updated', (p) => p.message.id === reply.body.id && p.message.status === 'delivered');
  });
});
