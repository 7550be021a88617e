import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startHub, waitFor, type Hub } from '../fixtures/hub';
import { makeWorkspace } from '../fixtures/workspace';
import { agentClient, barrier, connect, connected, dropTransport, refusal, type AgentClient } from './realtime-helpers';

let hub: Hub;
const open: AgentClient[] = [];
const track = (c: AgentClient) => { open.push(c); return c; };

// A fast periodic socket check (role changes, expired tokens) so its effect shows within a test.
beforeAll(async () => { hub = await startHub({ env: { PARLEY_REALTIME_SWEEP_MS: '1000' } }); });
afterEach(() => { for (const c of open.splice(0)) c.close(); });
afterAll(async () => { await hub?.dispose(); });

async function setup() {
  const w = await makeWorkspace(hub);
  const [A, B, C, S] = await Promise.all([w.a, w.b, w.c, w.supervisor].map((u) => connect(hub.url, u.api.token!).then(track)));
  return { w, A: A!, B: B!, C: C!, S: S! };
}

describe('/agents: who sees what', () => {
  it('inbox members see each other\'s replies, notes, assignment and status; an outsider sees none of it', async () => {
    const { w, A, B, C, S } = await setup();

    const first = await w.incoming('rt-1', 'cust-rt-1', 'hello, anyone?');
    const convId = first.body.conversationId as string;
    for (const x of [A, B, S]) {
      await x.next('conversation.created', (p) => p.conversation.id === convId);
      await x.next('message.created', (p) => p.message.conversationId === convId && p.message.text === 'hello, anyone?');
    }

    const reply = await w.a.api.post(`/api/v1/conversations/${convId}/messages`, { text: 'Hi, Alex here' });
    expect(reply.status).toBe(201);
    expect((await B.next('message.created', (p) => p.message.id === reply.body.id)).message.author).toMatchObject({ type: 'user', id: w.a.id });

    const note = await w.b.api.post(`/api/v1/conversations/${convId}/messages`, { text: 'careful, VIP', private: true });
    expect((await A.next('message.created', (p) => p.message.id === note.body.id)).message.kind).toBe('note');

    expect((await w.a.api.post(`/api/v1/conversations/${convId}/assignment`, { assigneeId: w.a.id })).status).toBe(200);
    await B.next('conversation.updated', (p) => p.conversation.id === convId && p.conversation.assigneeId === w.a.id);

    expect((await w.b.api.post(`/api/v1/conversations/${convId}/status`, { status: 'resolved' })).status).toBe(200);
    await A.next('conversation.updated', (p) => p.conversation.id === convId && p.conversation.status === 'resolved');
    await S.next('conversation.updated', (p) => p.conversation.id === convId && p.conversation.status === 'resolved');

    // A is both an inbox member and the assignee: each event reaches A once.
    const after = await w.incoming('rt-2', 'cust-rt-1', 'still there?');
    const m = await A.next('message.created', (p) => p.message.id === after.body.messageId);
    await B.next('message.created', (p) => p.message.id === m.message.id);
    await barrier(S, w.supervisor.id, [A, B, C]);
    expect(A.of('message.created', (p) => p.message.id === m.message.id)).toHaveLength(1);
    expect(A.of('message.created', (p) => p.message.id === reply.body.id)).toHaveLength(1);

    // C, outside the inbox, got presence and nothing else.
    expect(C.events.length).toBeGreaterThan(0);
    expect(C.events.filter((e) => e.event !== 'presence.updated')).toEqual([]);
    expect(JSON.stringify(C.events)).not.toContain(convId);
  });

  it('a conversation reassigned away from an agent is removed from their view, live and on resync', async () => {
    const { w, A, C, S } = await setup();
    const r = await w.incoming('rt-away', 'cust-away', 'help me');
    const convId = r.body.conversationId as string;
    await A.next('message.created', (p) => p.message.conversationId === convId);

    expect((await w.supervisor.api.post(`/api/v1/conversations/${convId}/assignment`, { assigneeId: w.c.id })).status).toBe(200);
    const upd = await C.next('conversation.updated', (p) => p.conversation.id === convId && p.conversation.assigneeId === w.c.id);
    expect(upd.conversation.inboxId).toBe(w.inboxId);
    const n = await C.next('notification', (p) => p.conversationId === convId);
    expect(n).toMatchObject({ kind: 'assigned', conversationId: convId, id: expect.any(String) });

    const mark = C.events.length;
    expect((await w.supervisor.api.post(`/api/v1/conversations/${convId}/assignment`, { assigneeId: w.a.id })).status).toBe(200);
    await C.next('conversation.removed', (p) => p.conversationId === convId, { since: mark });
    await A.next('conversation.updated', (p) => p.conversation.id === convId && p.conversation.assigneeId === w.a.id);
    await barrier(S, w.supervisor.id, [A, C]);
    // A is member and new assignee: one update for the reassignment, and no removal.
    expect(A.of('conversation.updated', (p) => p.conversation.id === convId && p.conversation.assigneeId === w.a.id)).toHaveLength(1);
    expect(A.of('conversation.removed')).toHaveLength(0);
    expect(C.events.slice(mark).filter((e) => !['presence.updated', 'conversation.removed'].includes(e.event))).toEqual([]);

    // Away for longer: C resyncs with updatedSince and learns what left its view.
    const since = new Date(Date.now() - 1).toISOString();
    await new Promise((res) => setTimeout(res, 5));
    expect((await w.supervisor.api.post(`/api/v1/conversations/${convId}/assignment`, { assigneeId: w.c.id })).status).toBe(200);
    const seen = await w.c.api.get(`/api/v1/conversations?updatedSince=${encodeURIComponent(since)}`);
    expect(seen.body.items.map((c: any) => c.id)).toContain(convId);
    C.close();
    const t = new Date().toISOString();
    await new Promise((res) => setTimeout(res, 5));
    expect((await w.supervisor.api.post(`/api/v1/conversations/${convId}/assignment`, { assigneeId: w.b.id })).status).toBe(200);
    const sync = await w.c.api.get(`/api/v1/conversations?updatedSince=${encodeURIComponent(t)}`);
    expect(sync.status).toBe(200);
    expect(sync.body.items.map((c: any) => c.id)).not.toContain(convId);
    expect(sync.body.removed).toContain(convId);
    const aSync = await w.a.api.get(`/api/v1/conversations?updatedSince=${encodeURIComponent(t)}`);
    expect(aSync.body.items.map((c: any) => c.id)).toContain(convId);
    expect(aSync.body.removed ?? []).not.toContain(convId);
  });

  it('follows inbox membership changes without a reconnect', async () => {
    const { w, C, S } = await setup();
    const patch = await w.admin.patch(`/api/v1/inboxes/${w.inboxId}`, { memberIds: [w.a.id, w.b.id, w.c.id] });
    expect(patch.status).toBe(200);
    // The room change is applied after the PATCH answers; poll with fresh messages until one arrives.
    let i = 0;
    await waitFor(async () => {
      const r = await w.incoming(`rt-join-${i++}`, 'cust-join', 'for the newcomer');
      return C.next('message.created', (p) => p.message.id === r.body.messageId, { timeoutMs: 1_000 }).catch(() => null);
    }, 15_000, 'C to receive inbox events');
    await w.admin.patch(`/api/v1/inboxes/${w.inboxId}`, { memberIds: [w.a.id, w.b.id] });
    // Removed again: wait until a fresh message no longer reaches C (S receives everything).
    await waitFor(async () => {
      const r = await w.incoming(`rt-leave-${i++}`, 'cust-join', 'not for C');
      await S.next('message.created', (p) => p.message.id === r.body.messageId);
      await barrier(S, w.supervisor.id, [C]);
      return C.of('message.created', (p) => p.message.id === r.body.messageId).length === 0;
    }, 15_000, 'C to stop receiving inbox events');
  });
});

describe('/agents: role changes', () => {
  it('a supervisor demoted to agent stops seeing the whole workspace without reconnecting', async () => {
    const { w, S, A } = await setup();
    const r = await w.incoming('rt-demote', 'cust-demote', 'seen by the supervisor');
    await S.next('message.created', (p) => p.message.id === r.body.messageId);
    expect((await w.admin.patch(`/api/v1/users/${w.supervisor.id}`, { role: 'agent' })).status).toBe(200);
    let i = 0;
    await waitFor(async () => {
      const m = await w.incoming(`rt-demote-${i++}`, 'cust-demote', 'not for the former supervisor');
      await A.next('message.created', (p) => p.message.id === m.body.messageId);
      await barrier(A, w.a.id, [S]);
      return S.of('message.created', (p) => p.message.id === m.body.messageId).length === 0;
    }, 15_000, 'the demoted supervisor to stop receiving');
    expect(S.socket.connected).toBe(true);
  });
});

describe('/agents: teams', () => {
  it('team members see the team\'s conversations, and stop when they leave the team', async () => {
    const { w, C, S } = await setup();
    const team = await w.admin.post('/api/v1/teams', { name: 'Escalations', memberIds: [w.c.id] });
    expect(team.status).toBe(201);
    const r = await w.incoming('rt-team', 'cust-team', 'escalate me');
    const convId = r.body.conversationId as string;
    expect((await w.supervisor.api.post(`/api/v1/conversations/${convId}/assignment`, { teamId: team.body.id })).status).toBe(200);
    await C.next('conversation.updated', (p) => p.conversation.id === convId && p.conversation.teamId === team.body.id);
    const m1 = await w.incoming('rt-team-1', 'cust-team', 'any news?');
    await C.next('message.created', (p) => p.message.id === m1.body.messageId);

    expect((await w.admin.patch(`/api/v1/teams/${team.body.id}`, { memberIds: [] })).status).toBe(200);
    let i = 0;
    await waitFor(async () => {
      const m = await w.incoming(`rt-team-x${i++}`, 'cust-team', 'not for C any more');
      await S.next('message.created', (p) => p.message.id === m.body.messageId);
      await barrier(S, w.supervisor.id, [C]);
      return C.of('message.created', (p) => p.message.id === m.body.messageId).length === 0;
    }, 15_000, 'C to stop receiving the team conversation');
  });

  it('an inbox\'s team members see its conversations through the team', async () => {
    const { w, C } = await setup();
    const team = await w.admin.post('/api/v1/teams', { name: 'Second line', memberIds: [w.c.id] });
    expect((await w.admin.patch(`/api/v1/inboxes/${w.inboxId}`, { teamId: team.body.id })).status).toBe(200);
    let i = 0;
    await waitFor(async () => {
      const m = await w.incoming(`rt-iteam-${i++}`, 'cust-iteam', 'via the inbox team');
      return C.next('message.created', (p) => p.message.id === m.body.messageId, { timeoutMs: 1_000 }).catch(() => null);
    }, 15_000, 'C to receive the inbox\'s events through its team');
  });
});

describe('/agents: collaboration', () => {
  it('viewers and typing: watchers see each other, typing goes to the other agents, never back', async () => {
    const { w, A, B, C, S } = await setup();
    const r = await w.incoming('rt-view', 'cust-view', 'question');
    const convId = r.body.conversationId as string;
    await A.next('message.created', (p) => p.message.conversationId === convId);

    expect(await A.call('conversation.watch', { conversationId: convId })).toEqual({ ok: true });
    expect(await B.call('conversation.watch', { conversationId: convId })).toEqual({ ok: true });
    const both = [w.a.id, w.b.id].sort();
    await A.next('viewers.updated', (p) => p.conversationId === convId && JSON.stringify(p.userIds) === JSON.stringify(both));
    await B.next('viewers.updated', (p) => p.conversationId === convId && JSON.stringify(p.userIds) === JSON.stringify(both));

    // C may not read it: nothing joined, nothing revealed.
    expect(await C.call('conversation.watch', { conversationId: convId })).toEqual({ ok: false, error: 'not_found' });
    expect(await C.call('typing', { conversationId: convId, isTyping: true })).toEqual({ ok: false, error: 'not_found' });
    expect(await C.call('conversation.watch', { conversationId: 'does-not-exist' })).toEqual({ ok: false, error: 'not_found' });

    expect(await A.call('typing', { conversationId: convId, isTyping: true })).toEqual({ ok: true });
    const t = await B.next('typing', (p) => p.conversationId === convId);
    expect(t).toEqual({ conversationId: convId, who: { type: 'user', id: w.a.id, name: 'agenta' }, isTyping: true });
    await S.next('typing', (p) => p.conversationId === convId && p.who.id === w.a.id);
    expect(await B.call('typing', { conversationId: convId, isTyping: true, private: true })).toEqual({ ok: true });
    const priv = await A.next('typing', (p) => p.who.id === w.b.id);
    expect(priv.private).toBe(true);
    await barrier(S, w.supervisor.id, [A, B, C]);
    expect(A.of('typing', (p) => p.who.id === w.a.id)).toEqual([]);
    expect(B.of('typing', (p) => p.who.id === w.b.id)).toEqual([]);
    expect(C.events.filter((e) => e.event !== 'presence.updated')).toEqual([]);

    // Leaving: unwatch and disconnect both update the viewers.
    const mark = A.events.length;
    expect(await B.call('conversation.unwatch', { conversationId: convId })).toEqual({ ok: true });
    await A.next('viewers.updated', (p) => p.conversationId === convId && JSON.stringify(p.userIds) === JSON.stringify([w.a.id]), { since: mark });
    expect(await B.call('conversation.watch', { conversationId: convId })).toEqual({ ok: true });
    await A.next('viewers.updated', (p) => JSON.stringify(p.userIds) === JSON.stringify(both), { since: mark });
    const mark2 = A.events.length;
    B.close();
    await A.next('viewers.updated', (p) => p.conversationId === convId && JSON.stringify(p.userIds) === JSON.stringify([w.a.id]), { since: mark2 });
  });

  it('a mention notifies exactly the mentioned user; an assignment notifies the assignee', async () => {
    const { w, A, B, C, S } = await setup();
    const r = await w.incoming('rt-mention', 'cust-mention', 'need a second opinion');
    const convId = r.body.conversationId as string;
    const note = await w.a.api.post(`/api/v1/conversations/${convId}/messages`, { text: '@agentb can you look?', private: true, mentions: [w.b.id] });
    expect(note.status).toBe(201);
    const n = await B.next('notification', (p) => p.kind === 'mention');
    expect(n).toMatchObject({ id: expect.any(String), kind: 'mention', conversationId: convId, messageId: note.body.id });

    expect((await w.supervisor.api.post(`/api/v1/conversations/${convId}/assignment`, { assigneeId: w.a.id })).status).toBe(200);
    const asg = await A.next('notification', (p) => p.kind === 'assigned');
    expect(asg).toMatchObject({ kind: 'assigned', conversationId: convId });

    await barrier(S, w.supervisor.id, [A, B, C, S]);
    expect(B.of('notification')).toHaveLength(1);
    expect(A.of('notification')).toHaveLength(1);
    expect(C.of('notification')).toHaveLength(0);
    expect(S.of('notification')).toHaveLength(0);
    const list = await w.b.api.get('/api/v1/notifications');
    expect(list.body.items.map((x: any) => x.id)).toContain(n.id);
  });

  it('validates client events: malformed payloads get invalid_request and the server carries on', async () => {
    const { w, A } = await setup();
    expect(await A.call('conversation.watch', {})).toEqual({ ok: false, error: 'invalid_request' });
    expect(await A.call('conversation.watch', { conversationId: 42 })).toEqual({ ok: false, error: 'invalid_request' });
    expect(await A.call('conversation.watch', 'nonsense')).toEqual({ ok: false, error: 'invalid_request' });
    expect(await A.call('typing', { conversationId: 'x', isTyping: 'yes' })).toEqual({ ok: false, error: 'invalid_request' });
    expect(await A.call('presence.set', { status: 'sleeping' })).toEqual({ ok: false, error: 'invalid_request' });
    expect(await A.call('conversation.unwatch', null)).toEqual({ ok: false, error: 'invalid_request' });
    A.socket.emit('typing', { conversationId: 'x', isTyping: true }); // no ack function
    A.socket.emit('conversation.watch');
    A.socket.emit('no.such.event', { a: 1 });
    expect(await A.call('presence.set', { status: 'busy' })).toEqual({ ok: true });
    expect((await fetch(`${hub.url}/health`)).status).toBe(200);
    const users = await w.a.api.get('/api/v1/users');
    expect(users.body.items.find((u: any) => u.id === w.a.id)?.presence).toBe('busy');
  });
});

describe('/agents: presence', () => {
  it('online while any socket is connected, away/busy by choice, offline after a grace period', async () => {
    const w = await makeWorkspace(hub);
    const S = track(await connect(hub.url, w.supervisor.api.token!));
    const presenceOf = async (id: string) => (await w.supervisor.api.get('/api/v1/users')).body.items.find((u: any) => u.id === id)?.presence;
    expect(await presenceOf(w.a.id)).toBe('offline');

    const tab1 = track(await connect(hub.url, w.a.api.token!));
    const tab2 = track(await connect(hub.url, w.a.api.token!));
    await S.next('presence.updated', (p) => p.userId === w.a.id && p.status === 'online');
    expect(await presenceOf(w.a.id)).toBe('online');

    expect(await tab1.call('presence.set', { status: 'away' })).toEqual({ ok: true });
    await S.next('presence.updated', (p) => p.userId === w.a.id && p.status === 'away');
    expect(await presenceOf(w.a.id)).toBe('away');
    expect(await tab2.call('presence.set', { status: 'online' })).toEqual({ ok: true });
    await S.next('presence.updated', (p) => p.userId === w.a.id && p.status === 'online', { since: S.events.findLastIndex((e) => e.payload?.status === 'away') });

    tab1.close();
    // A reload: the last tab goes and a new one comes within the grace period; no offline in between.
    tab2.close();
    const tab3 = track(await connect(hub.url, w.a.api.token!));
    await new Promise((r) => setTimeout(r, 6_000));
    expect(await presenceOf(w.a.id)).toBe('online');
    expect(S.of('presence.updated', (p) => p.userId === w.a.id && p.status === 'offline')).toHaveLength(0);

    tab3.close();
    await S.next('presence.updated', (p) => p.userId === w.a.id && p.status === 'offline', { timeoutMs: 15_000 });
    expect(await presenceOf(w.a.id)).toBe('offline');
  }, 40_000);
});

describe('/agents: auth and session', () => {
  it('refuses a missing, bad or revoked token with connect_error data.code', async () => {
    const w = await makeWorkspace(hub);
    expect((await refusal(hub.url, {})).data?.code).toBe('unauthenticated');
    expect((await refusal(hub.url, { token: 'pat_nonsense' })).data?.code).toBe('unauthenticated');
    expect((await refusal(hub.url, { token: 42 })).data?.code).toBe('unauthenticated');
    const c = await connect(hub.url, w.c.api.token!);
    const down = new Promise<string>((r) => c.socket.once('disconnect', (reason) => r(reason)));
    expect((await w.c.api.post('/api/v1/auth/logout')).status).toBeLessThan(300);
    expect(await down).toBe('io server disconnect');
    expect((await refusal(hub.url, { token: w.c.api.token })).data?.code).toBe('unauthenticated');
  });

  it('drops a deactivated agent\'s sockets at once', async () => {
    const w = await makeWorkspace(hub);
    const S = track(await connect(hub.url, w.supervisor.api.token!));
    const b1 = await connect(hub.url, w.b.api.token!);
    const b2 = await connect(hub.url, w.b.api.token!);
    await S.next('presence.updated', (p) => p.userId === w.b.id && p.status === 'online');
    const reasons = Promise.all([b1, b2].map((c) => new Promise<string>((r) => c.socket.once('disconnect', (reason) => r(reason)))));
    expect((await w.admin.patch(`/api/v1/users/${w.b.id}`, { active: false })).status).toBe(200);
    expect(await reasons).toEqual(['io server disconnect', 'io server disconnect']);
    // No grace period for a deactivated user.
    await S.next('presence.updated', (p) => p.userId === w.b.id && p.status === 'offline', { timeoutMs: 3_000 });
    expect((await refusal(hub.url, { token: w.b.api.token })).data?.code).toBe('unauthenticated');
  });

  it('recovers a dropped transport with every event it missed', async () => {
    const { w, A } = await setup();
    const r0 = await w.incoming('rt-rec-0', 'cust-rec', 'before the drop');
    const convId = r0.body.conversationId as string;
    await A.next('message.created', (p) => p.message.id === r0.body.messageId);

    const sent = await dropTransport(A, async () => {
      const ids: string[] = [];
      for (const i of [1, 2, 3]) ids.push((await w.incoming(`rt-rec-${i}`, 'cust-rec', `missed ${i}`)).body.messageId);
      return ids;
    });
    expect(A.socket.recovered).toBe(true);
    for (const id of sent) await A.next('message.created', (p) => p.message.id === id && p.message.conversationId === convId, { timeoutMs: 3_000 });
    expect(A.of('message.created', (p) => sent.includes(p.message.id))).toHaveLength(3);
  });

  it('does not recover a session whose token was revoked during the gap', async () => {
    const { w, A } = await setup();
    const r0 = await w.incoming('rt-rev-0', 'cust-rev', 'before');
    await A.next('message.created', (p) => p.message.id === r0.body.messageId);
    A.socket.io.reconnectionDelay(1_500);
    A.socket.io.reconnectionDelayMax(1_500);
    const refused = new Promise<any>((resolve) => A.socket.once('connect_error', (e) => resolve(e)));
    A.socket.io.engine.close();
    await w.incoming('rt-rev-1', 'cust-rev', 'after the logout');
    expect((await w.a.api.post('/api/v1/auth/logout')).status).toBeLessThan(300);
    const err = await refused;
    expect(err.data?.code).toBe('unauthenticated');
    A.socket.disconnect();
    expect(A.of('message.created', (p) => p.message.text === 'after the logout')).toHaveLength(0);
  });

  it('a client that connects later still gets events once connected (rooms are joined before connect)', async () => {
    const { w } = await setup();
    const late = track(await connected(agentClient(hub.url, w.b.api.token!)));
    const r = await w.incoming('rt-late', 'cust-late', 'right after connect');
    await late.next('message.created', (p) => p.message.id === r.body.messageId);
  });
});
