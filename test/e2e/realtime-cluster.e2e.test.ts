import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../fixtures/cluster';
import { Api, waitFor, type Hub } from '../fixtures/hub';
import { makeWorkspace } from '../fixtures/workspace';
import { barrier, connect, dropTransport, type AgentClient } from './realtime-helpers';

/**
 * Two API processes on one database and one Redis: process 1 runs the workers, process 2 does not. A unique
 * key prefix keeps parallel runs (and other tests) out of each other's streams.
 */
let cluster: Cluster;
let hub1: Hub;
let hub2: Hub;
const open: AgentClient[] = [];
const track = (c: AgentClient) => { open.push(c); return c; };

beforeAll(async () => {
  cluster = await startCluster();
  ({ hub1, hub2 } = cluster);
});
afterEach(() => { for (const c of open.splice(0)) c.close(); });
afterAll(async () => { await cluster?.dispose(); });

const presenceOn = async (api: Api, id: string) =>
  (await api.get('/api/v1/users')).body.items.find((u: any) => u.id === id)?.presence as string | undefined;

describe('/agents across two API processes sharing Redis', () => {
  it('an event on process 1 reaches an agent on process 2, once, and not an outsider', async () => {
    const w = await makeWorkspace(hub1);
    const A = track(await connect(hub2.url, w.a.api.token!));
    const B = track(await connect(hub1.url, w.b.api.token!));
    const C = track(await connect(hub2.url, w.c.api.token!));
    const S = track(await connect(hub2.url, w.supervisor.api.token!));

    const r = await w.incoming('cl-1', 'cust-cl', 'hello from process 1');
    const convId = r.body.conversationId as string;
    for (const x of [A, B, S]) await x.next('message.created', (p) => p.message.id === r.body.messageId);
    await A.next('conversation.created', (p) => p.conversation.id === convId);

    // A reply through process 2 reaches B on process 1.
    const reply = await new Api(hub2.url, w.a.api.token).post(`/api/v1/conversations/${convId}/messages`, { text: 'answered via hub 2' });
    expect(reply.status).toBe(201);
    await B.next('message.created', (p) => p.message.id === reply.body.id);

    await barrier(S, w.supervisor.id, [A, B, C]);
    expect(A.of('message.created', (p) => p.message.id === r.body.messageId)).toHaveLength(1);
    expect(C.events.filter((e) => e.event !== 'presence.updated')).toEqual([]);
  });

  it('presence and viewers agree on both processes', async () => {
    const w = await makeWorkspace(hub1);
    const on1 = w.supervisor.api;
    const on2 = new Api(hub2.url, on1.token);
    const S1 = track(await connect(hub1.url, w.supervisor.api.token!));
    const A = track(await connect(hub2.url, w.a.api.token!));
    const B = track(await connect(hub1.url, w.b.api.token!));
    await S1.next('presence.updated', (p) => p.userId === w.a.id && p.status === 'online');
    for (const api of [on1, on2]) {
      expect(await waitFor(async () => (await presenceOn(api, w.a.id)) === 'online', 10_000, 'A online')).toBe(true);
      expect(await waitFor(async () => (await presenceOn(api, w.b.id)) === 'online', 10_000, 'B online')).toBe(true);
    }

    expect(await A.call('presence.set', { status: 'busy' })).toEqual({ ok: true });
    await B.next('presence.updated', (p) => p.userId === w.a.id && p.status === 'busy');
    for (const api of [on1, on2]) await waitFor(async () => (await presenceOn(api, w.a.id)) === 'busy', 10_000, 'A busy everywhere');

    const r = await w.incoming('cl-view', 'cust-view', 'who is on it?');
    const convId = r.body.conversationId as string;
    expect(await A.call('conversation.watch', { conversationId: convId })).toEqual({ ok: true });
    expect(await B.call('conversation.watch', { conversationId: convId })).toEqual({ ok: true });
    const both = JSON.stringify([w.a.id, w.b.id].sort());
    await A.next('viewers.updated', (p) => p.conversationId === convId && JSON.stringify(p.userIds) === both);
    await B.next('viewers.updated', (p) => p.conversationId === convId && JSON.stringify(p.userIds) === both);

    // Typing on process 2 reaches process 1.
    expect(await A.call('typing', { conversationId: convId, isTyping: true })).toEqual({ ok: true });
    await B.next('typing', (p) => p.conversationId === convId && p.who.id === w.a.id);

    // B opens a second tab on process 2 and closes the first: still online, still viewing from nowhere.
    const B2 = track(await connect(hub2.url, w.b.api.token!));
    const mark = A.events.length;
    B.close();
    await A.next('viewers.updated', (p) => p.conversationId === convId && JSON.stringify(p.userIds) === JSON.stringify([w.a.id]), { since: mark });
    await new Promise((res) => setTimeout(res, 6_500));
    for (const api of [on1, on2]) expect(await presenceOn(api, w.b.id)).toBe('online');
    expect(S1.of('presence.updated', (p) => p.userId === w.b.id && p.status === 'offline')).toHaveLength(0);

    B2.close();
    await S1.next('presence.updated', (p) => p.userId === w.b.id && p.status === 'offline', { timeoutMs: 15_000 });
    for (const api of [on1, on2]) await waitFor(async () => (await presenceOn(api, w.b.id)) === 'offline', 10_000, 'B offline everywhere');
  }, 60_000);

  it('recovers a dropped transport through the Redis stream', async () => {
    const w = await makeWorkspace(hub1);
    const A = track(await connect(hub2.url, w.a.api.token!));
    const r0 = await w.incoming('cl-rec-0', 'cust-rec', 'before');
    await A.next('message.created', (p) => p.message.id === r0.body.messageId);
    const sent = await dropTransport(A, async () => {
      const ids: string[] = [];
      for (const i of [1, 2, 3]) ids.push((await w.incoming(`cl-rec-${i}`, 'cust-rec', `missed ${i}`)).body.messageId);
      return ids;
    });
    expect(A.socket.recovered).toBe(true);
    for (const id of sent) await A.next('message.created', (p) => p.message.id === id, { timeoutMs: 3_000 });
    expect(A.of('message.created', (p) => sent.includes(p.message.id))).toHaveLength(3);
  });

  it('deactivating a user on process 1 drops their sockets on process 2 at once', async () => {
    const w = await makeWorkspace(hub1);
    const S = track(await connect(hub1.url, w.supervisor.api.token!));
    const b = await connect(hub2.url, w.b.api.token!);
    await S.next('presence.updated', (p) => p.userId === w.b.id && p.status === 'online');
    const down = new Promise<string>((r) => b.socket.once('disconnect', (reason) => r(reason)));
    expect((await w.admin.patch(`/api/v1/users/${w.b.id}`, { active: false })).status).toBe(200);
    expect(await down).toBe('io server disconnect');
    await S.next('presence.updated', (p) => p.userId === w.b.id && p.status === 'offline', { timeoutMs: 3_000 });
  });
});
