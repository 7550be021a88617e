import { rmSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startCluster, type Cluster } from '../fixtures/cluster';
import { Api, login, startHub, type Hub } from '../fixtures/hub';
import { makeWorkspace } from '../fixtures/workspace';
import { barrier, connect, type AgentClient } from './realtime-helpers';

/**
 * Role and team changes reach open sockets as they happen. The periodic socket check is pushed out of reach
 * (an hour) so that nothing here can pass because of it.
 */
const NO_SWEEP = { PARLEY_REALTIME_SWEEP_MS: '3600000' };

let hub: Hub;
const open: AgentClient[] = [];
const track = (c: AgentClient) => { open.push(c); return c; };

beforeAll(async () => { hub = await startHub({ env: NO_SWEEP }); });
afterEach(() => { for (const c of open.splice(0)) c.close(); });
afterAll(async () => { await hub?.dispose(); });

type Workspace = Awaited<ReturnType<typeof makeWorkspace>>;

/** One more agent of the workspace, in no inbox and no team. */
async function extraAgent(on: Hub, w: Workspace, name: string): Promise<{ id: string; api: Api }> {
  const r = await w.admin.post('/api/v1/users', { name, email: `${name}-${w.tag}@t.parley`, password: 'password-123', role: 'agent' });
  if (r.status !== 201) throw new Error(`user: ${r.status} ${JSON.stringify(r.body)}`);
  return { id: r.body.id as string, api: await login(on, `${name}-${w.tag}@t.parley`, 'password-123') };
}

async function team(w: Workspace, name: string, memberIds: string[]): Promise<string> {
  const r = await w.admin.post('/api/v1/teams', { name, memberIds });
  expect(r.status).toBe(201);
  return r.body.id as string;
}

async function toTeam(w: Workspace, convId: string, teamId: string | null): Promise<void> {
  expect((await w.supervisor.api.post(`/api/v1/conversations/${convId}/assignment`, { teamId })).status).toBe(200);
}

const ids = (list: any[]) => list.map((c) => c.id as string);
const sinceNow = async () => {
  const t = new Date(Date.now() - 1).toISOString();
  await new Promise((r) => setTimeout(r, 5));
  return encodeURIComponent(t);
};

describe('/agents: team membership changes', () => {
  it('a new team member gets the team\'s conversations with the very next event', async () => {
    const w = await makeWorkspace(hub);
    const C = track(await connect(hub.url, w.c.api.token!));
    const S = track(await connect(hub.url, w.supervisor.api.token!));
    const t = await team(w, 'Billing', []);
    const r = await w.incoming('tm-join', 'cust-tm-join', 'a billing question');
    const convId = r.body.conversationId as string;
    await toTeam(w, convId, t);
    await S.next('conversation.updated', (p) => p.conversation.id === convId && p.conversation.teamId === t);

    expect((await w.admin.patch(`/api/v1/teams/${t}`, { memberIds: [w.c.id] })).status).toBe(200);
    // No polling: the first message after the PATCH answered already reaches the newcomer.
    const m = await w.incoming('tm-join-1', 'cust-tm-join', 'anyone from billing?');
    await C.next('message.created', (p) => p.message.id === m.body.messageId);
    expect(await C.call('conversation.watch', { conversationId: convId })).toEqual({ ok: true });
  });

  it('an agent removed from a team loses its conversations at once: removed from what they watch, later watch and typing refused', async () => {
    const w = await makeWorkspace(hub);
    const t = await team(w, 'Escalations', [w.c.id]);
    const r = await w.incoming('tm-leave', 'cust-tm-leave', 'escalate me');
    const convId = r.body.conversationId as string;
    await toTeam(w, convId, t);
    const [A, C, C2, S] = await Promise.all([w.a, w.c, w.c, w.supervisor].map((u) => connect(hub.url, u.api.token!).then(track)));
    expect(await A.call('conversation.watch', { conversationId: convId })).toEqual({ ok: true });
    expect(await C.call('conversation.watch', { conversationId: convId })).toEqual({ ok: true });
    const both = JSON.stringify([w.a.id, w.c.id].sort());
    await A.next('viewers.updated', (p) => p.conversationId === convId && JSON.stringify(p.userIds) === both);
    // Typing access is cached per socket for a burst: the change must reach that cache too.
    expect(await C.call('typing', { conversationId: convId, isTyping: true })).toEqual({ ok: true });

    const mark = A.events.length;
    expect((await w.admin.patch(`/api/v1/teams/${t}`, { memberIds: [] })).status).toBe(200);
    // Every tab of C learns it, including one that was not watching.
    await C.next('conversation.removed', (p) => p.conversationId === convId);
    await C2.next('conversation.removed', (p) => p.conversationId === convId);
    await A.next('viewers.updated', (p) => p.conversationId === convId && JSON.stringify(p.userIds) === JSON.stringify([w.a.id]), { since: mark });

    expect(await C.call('conversation.watch', { conversationId: convId })).toEqual({ ok: false, error: 'not_found' });
    expect(await C.call('typing', { conversationId: convId, isTyping: false })).toEqual({ ok: false, error: 'not_found' });
    const m = await w.incoming('tm-leave-1', 'cust-tm-leave', 'not for C any more');
    await A.next('message.created', (p) => p.message.id === m.body.messageId);
    await barrier(S, w.supervisor.id, [C, C2]);
    expect(C.of('message.created', (p) => p.message.id === m.body.messageId)).toEqual([]);
    expect(C2.of('message.created', (p) => p.message.id === m.body.messageId)).toEqual([]);
    // Inbox members and supervisors still see it: nothing was removed for them.
    expect(A.of('conversation.removed')).toEqual([]);
    expect(S.of('conversation.removed')).toEqual([]);
  });

  it('a member who stays in another team of the conversation\'s inbox keeps it', async () => {
    const w = await makeWorkspace(hub);
    const inboxTeam = await team(w, 'Inbox team', [w.c.id]);
    expect((await w.admin.patch(`/api/v1/inboxes/${w.inboxId}`, { teamId: inboxTeam })).status).toBe(200);
    const other = await team(w, 'Other', [w.c.id]);
    const r = await w.incoming('tm-stay', 'cust-tm-stay', 'hello');
    const convId = r.body.conversationId as string;
    await toTeam(w, convId, other);
    const C = track(await connect(hub.url, w.c.api.token!));
    const S = track(await connect(hub.url, w.supervisor.api.token!));
    expect(await C.call('conversation.watch', { conversationId: convId })).toEqual({ ok: true });

    expect((await w.admin.patch(`/api/v1/teams/${other}`, { memberIds: [] })).status).toBe(200);
    const m = await w.incoming('tm-stay-1', 'cust-tm-stay', 'still here');
    await C.next('message.created', (p) => p.message.id === m.body.messageId);
    await barrier(S, w.supervisor.id, [C]);
    expect(C.of('conversation.removed')).toEqual([]);
    expect(await C.call('conversation.watch', { conversationId: convId })).toEqual({ ok: true });
  });
});

describe('/agents: a conversation moved to another team', () => {
  it('leaves the old team\'s view, live and on resync, and stays with whoever still sees it', async () => {
    const w = await makeWorkspace(hub);
    const d = await extraAgent(hub, w, 'agentd');
    const e = await extraAgent(hub, w, 'agente');
    const t1 = await team(w, 'First line', [w.c.id, d.id]);
    const t2 = await team(w, 'Second line', [d.id]);
    const r = await w.incoming('tm-move', 'cust-tm-move', 'please help');
    const convId = r.body.conversationId as string;
    await toTeam(w, convId, t1);
    const [A, C, D, E, S] = await Promise.all([w.a, w.c, d, e, w.supervisor].map((u) => connect(hub.url, u.api.token!).then(track)));
    expect(await C.call('conversation.watch', { conversationId: convId })).toEqual({ ok: true });
    expect(await D.call('conversation.watch', { conversationId: convId })).toEqual({ ok: true });
    const since = await sinceNow();

    await toTeam(w, convId, t2);
    await C.next('conversation.removed', (p) => p.conversationId === convId);
    await D.next('conversation.updated', (p) => p.conversation.id === convId && p.conversation.teamId === t2);
    await A.next('conversation.updated', (p) => p.conversation.id === convId && p.conversation.teamId === t2);
    await barrier(S, w.supervisor.id, [A, C, D, E]);
    expect(C.of('conversation.updated', (p) => p.conversation.id === convId && p.conversation.teamId === t2)).toEqual([]);
    for (const x of [A, D, E, S]) expect(x.of('conversation.removed')).toEqual([]);
    expect(E.events.filter((x) => x.event !== 'presence.updated')).toEqual([]);
    expect(await C.call('conversation.watch', { conversationId: convId })).toEqual({ ok: false, error: 'not_found' });
    expect(await D.call('conversation.watch', { conversationId: convId })).toEqual({ ok: true });

    // Resync after a long gap: the old team's member is told, the others are not; nothing leaks to an outsider.
    const sync = async (api: Api) => (await api.get(`/api/v1/conversations?updatedSince=${since}`)).body;
    const c = await sync(w.c.api);
    expect(ids(c.items)).not.toContain(convId);
    expect(c.removed).toContain(convId);
    const dd = await sync(d.api);
    expect(ids(dd.items)).toContain(convId);
    expect(dd.removed ?? []).not.toContain(convId);
    const a = await sync(w.a.api);
    expect(ids(a.items)).toContain(convId);
    expect(a.removed ?? []).not.toContain(convId);
    const ee = await sync(e.api);
    expect(ids(ee.items)).not.toContain(convId);
    expect(ee.removed ?? []).not.toContain(convId);

    // Out of every team: the second team's member loses it the same way.
    const since2 = await sinceNow();
    await toTeam(w, convId, null);
    await D.next('conversation.removed', (p) => p.conversationId === convId);
    const d2 = (await d.api.get(`/api/v1/conversations?updatedSince=${since2}`)).body;
    expect(d2.removed).toContain(convId);
    expect(ids(d2.items)).not.toContain(convId);
  });
});

describe('/agents: role changes', () => {
  it('a promoted agent joins the supervisors\' room at once', async () => {
    const w = await makeWorkspace(hub);
    const C = track(await connect(hub.url, w.c.api.token!));
    const r = await w.incoming('rl-up', 'cust-rl-up', 'before the promotion');
    const convId = r.body.conversationId as string;
    expect(await C.call('conversation.watch', { conversationId: convId })).toEqual({ ok: false, error: 'not_found' });

    expect((await w.admin.patch(`/api/v1/users/${w.c.id}`, { role: 'supervisor' })).status).toBe(200);
    const m = await w.incoming('rl-up-1', 'cust-rl-up', 'after the promotion');
    await C.next('message.created', (p) => p.message.id === m.body.messageId);
    expect(await C.call('conversation.watch', { conversationId: convId })).toEqual({ ok: true });
    expect(C.socket.connected).toBe(true);
  });

  it('a demoted supervisor leaves it at once and drops the conversations they watched but may no longer read', async () => {
    const w = await makeWorkspace(hub);
    const inboxConv = (await w.incoming('rl-down', 'cust-rl-down', 'in the inbox')).body.conversationId as string;
    const mine = (await w.incoming('rl-down-mine', 'cust-rl-mine', 'for the supervisor')).body.conversationId as string;
    expect((await w.admin.post(`/api/v1/conversations/${mine}/assignment`, { assigneeId: w.supervisor.id })).status).toBe(200);
    const [A, S, S2] = await Promise.all([w.a, w.supervisor, w.supervisor].map((u) => connect(hub.url, u.api.token!).then(track)));
    expect(await S.call('conversation.watch', { conversationId: inboxConv })).toEqual({ ok: true });
    expect(await S.call('conversation.watch', { conversationId: mine })).toEqual({ ok: true });

    expect((await w.admin.patch(`/api/v1/users/${w.supervisor.id}`, { role: 'agent' })).status).toBe(200);
    // No polling: the first inbox message after the PATCH answered no longer reaches them.
    const m = await w.incoming('rl-down-1', 'cust-rl-down', 'not for the former supervisor');
    await A.next('message.created', (p) => p.message.id === m.body.messageId);
    await S.next('conversation.removed', (p) => p.conversationId === inboxConv);
    await S2.next('conversation.removed', (p) => p.conversationId === inboxConv);
    await barrier(A, w.a.id, [S, S2]);
    expect(S.of('message.created', (p) => p.message.id === m.body.messageId)).toEqual([]);
    expect(S2.of('message.created', (p) => p.message.id === m.body.messageId)).toEqual([]);
    expect(S.of('conversation.removed', (p) => p.conversationId === mine)).toEqual([]);
    expect(await S.call('conversation.watch', { conversationId: inboxConv })).toEqual({ ok: false, error: 'not_found' });
    expect(await S.call('conversation.watch', { conversationId: mine })).toEqual({ ok: true });
    expect(S.socket.connected).toBe(true);
  });
});

describe('/agents: chosen presence is kept', () => {
  it('away/busy survives a restart of the hub; GET /users shows it', async () => {
    const own = await startHub({ env: NO_SWEEP });
    let h = own;
    try {
      const w = await makeWorkspace(h);
      const A = await connect(h.url, w.a.api.token!);
      expect(await A.call('presence.set', { status: 'busy' })).toEqual({ ok: true });
      A.close();
      await h.stop();
      h = await h.restart();

      const presenceOf = async (id: string) => (await new Api(h.url, w.supervisor.api.token).get('/api/v1/users')).body.items.find((u: any) => u.id === id)?.presence;
      expect(await presenceOf(w.a.id)).toBe('offline');
      const S = track(await connect(h.url, w.supervisor.api.token!));
      const back = track(await connect(h.url, w.a.api.token!));
      await S.next('presence.updated', (p) => p.userId === w.a.id && p.status === 'busy');
      expect(S.of('presence.updated', (p) => p.userId === w.a.id && p.status === 'online')).toEqual([]);
      expect(await presenceOf(w.a.id)).toBe('busy');

      // Choosing online again is kept too.
      expect(await back.call('presence.set', { status: 'online' })).toEqual({ ok: true });
      await S.next('presence.updated', (p) => p.userId === w.a.id && p.status === 'online');
      back.close();
      await h.stop();
      h = await h.restart();
      const S2 = track(await connect(h.url, w.supervisor.api.token!));
      track(await connect(h.url, w.a.api.token!));
      await S2.next('presence.updated', (p) => p.userId === w.a.id && p.status === 'online');
      expect(await presenceOf(w.a.id)).toBe('online');
    } finally {
      for (const c of open.splice(0)) c.close();
      await h.dispose();
      rmSync(own.dataDir, { recursive: true, force: true }); // a restarted hub leaves its (shared) data directory
    }
  }, 90_000);
});

/** Two API processes on one database and one Redis, as in realtime-cluster.e2e.test.ts. */
describe('/agents: role and team changes across two API processes', () => {
  let cluster: Cluster;
  let hub1: Hub;
  let hub2: Hub;

  beforeAll(async () => {
    cluster = await startCluster({ env: NO_SWEEP });
    ({ hub1, hub2 } = cluster);
  });
  afterAll(async () => { await cluster?.dispose(); });

  it('a change made on process 1 moves the sockets on process 2', async () => {
    const w = await makeWorkspace(hub1); // every REST call and inbound message goes through process 1
    const C = track(await connect(hub2.url, w.c.api.token!));
    const S = track(await connect(hub2.url, w.supervisor.api.token!));
    const r = await w.incoming('cl-rl', 'cust-cl-rl', 'hello');
    const convId = r.body.conversationId as string;
    await S.next('message.created', (p) => p.message.id === r.body.messageId);

    // Promotion: the next inbox event reaches C on process 2, and process 2 lets C watch.
    expect((await w.admin.patch(`/api/v1/users/${w.c.id}`, { role: 'supervisor' })).status).toBe(200);
    const m1 = await w.incoming('cl-rl-1', 'cust-cl-rl', 'for the new supervisor');
    await C.next('message.created', (p) => p.message.id === m1.body.messageId);
    expect(await C.call('conversation.watch', { conversationId: convId })).toEqual({ ok: true });

    // Demotion: C on process 2 drops the watched conversation and may not watch it again.
    expect((await w.admin.patch(`/api/v1/users/${w.c.id}`, { role: 'agent' })).status).toBe(200);
    await C.next('conversation.removed', (p) => p.conversationId === convId);
    expect(await C.call('conversation.watch', { conversationId: convId })).toEqual({ ok: false, error: 'not_found' });

    // Team: joining on process 1 shows the team's conversation on process 2; leaving removes it.
    const t = await team(w, 'Cluster team', []);
    await toTeam(w, convId, t);
    expect((await w.admin.patch(`/api/v1/teams/${t}`, { memberIds: [w.c.id] })).status).toBe(200);
    const m2 = await w.incoming('cl-rl-2', 'cust-cl-rl', 'for the team');
    await C.next('message.created', (p) => p.message.id === m2.body.messageId);
    expect(await C.call('conversation.watch', { conversationId: convId })).toEqual({ ok: true });
    const mark = C.events.length;
    expect((await w.admin.patch(`/api/v1/teams/${t}`, { memberIds: [] })).status).toBe(200);
    await C.next('conversation.removed', (p) => p.conversationId === convId, { since: mark });
    expect(await C.call('conversation.watch', { conversationId: convId })).toEqual({ ok: false, error: 'not_found' });
  }, 60_000);
});
