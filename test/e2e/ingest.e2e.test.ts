import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../fixtures/hub';
import { makeWorkspace } from '../fixtures/workspace';

let hub: Hub;
let w: Awaited<ReturnType<typeof makeWorkspace>>;

beforeAll(async () => {
  hub = await startHub();
  w = await makeWorkspace(hub, { reopenWindowDays: 7 });
});
afterAll(async () => { await hub?.dispose(); });

const messagesOf = async (convId: string) => (await w.supervisor.api.get(`/api/v1/conversations/${convId}/messages`)).body.items as any[];

describe('API channel inbound', () => {
  it('stores a customer message once, however often it is delivered', async () => {
    const first = await w.incoming('ext-1', 'cust-1', 'hello');
    expect(first.status).toBe(200);
    expect(first.body.duplicate).toBe(false);
    const again = await w.incoming('ext-1', 'cust-1', 'hello');
    expect(again.status).toBe(200);
    expect(again.body.duplicate).toBe(true);
    const msgs = await messagesOf(first.body.conversationId);
    expect(msgs.filter((m) => m.externalId === 'ext-1')).toHaveLength(1);
  });

  it('20 concurrent deliveries of one externalId give exactly one message', async () => {
    const results = await Promise.all(Array.from({ length: 20 }, () => w.incoming('ext-burst', 'cust-burst', 'same message')));
    expect(results.every((r) => r.status === 200)).toBe(true);
    expect(results.filter((r) => r.body.duplicate === false)).toHaveLength(1);
    const convIds = new Set(results.map((r) => r.body.conversationId));
    expect(convIds.size).toBe(1);
    const msgs = await messagesOf([...convIds][0]);
    expect(msgs.filter((m) => m.externalId === 'ext-burst')).toHaveLength(1);
    const list = await w.supervisor.api.get('/api/v1/conversations?q=cust-burst');
    expect(list.body.items.filter((c: any) => c.contact.name === 'Customer cust-burst')).toHaveLength(1);
  });

  it('refuses a wrong or missing inbox token and stores nothing', async () => {
    const bad = await fetch(`${hub.url}/api/v1/inboxes/${w.inboxId}/incoming`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: 'Bearer nope' }, body: JSON.stringify({ externalId: 'x-bad', contact: { identifier: 'intruder' }, text: 'hi' }) });
    expect([401, 403]).toContain(bad.status);
    const none = await fetch(`${hub.url}/api/v1/inboxes/${w.inboxId}/incoming`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ externalId: 'x-bad2', contact: { identifier: 'intruder' }, text: 'hi' }) });
    expect([401, 403]).toContain(none.status);
    const body = await none.json();
    expect(body).toMatchObject({ error: expect.any(String), message: expect.any(String) });
    const list = await w.supervisor.api.get('/api/v1/contacts?q=intruder');
    expect(list.body.items).toHaveLength(0);
  });

  it('rejects invalid input with 400 naming the fields', async () => {
    const r = await w.incoming('', 'someone', '');
    expect(r.status).toBe(400);
    expect(r.body.error).toBe('invalid_request');
    expect(Object.keys(r.body.fields)).toEqual(expect.arrayContaining(['externalId', 'text']));
  });

  it('builds the conversation summary and finds it by search', async () => {
    const r = await w.incoming('ext-sum', 'cust-sum', 'My parcel is lost', { email: 'sum@example.com' });
    const conv = (await w.a.api.get(`/api/v1/conversations/${r.body.conversationId}`)).body;
    expect(conv).toMatchObject({ id: r.body.conversationId, inboxId: w.inboxId, channel: 'api', status: 'open', priority: 'none', assigneeId: null, labels: [], unreadCount: 1 });
    expect(conv.lastMessage).toMatchObject({ text: 'My parcel is lost', direction: 'in' });
    expect(conv.contact.name).toBe('Customer cust-sum');
    const found = await w.a.api.get('/api/v1/conversations?q=parcel');
    expect(found.body.items.map((c: any) => c.id)).toContain(r.body.conversationId);
    const byEmail = await w.a.api.get('/api/v1/contacts?q=sum@example.com');
    expect(byEmail.body.items[0].identities).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'email', value: 'sum@example.com' })]));
  });
});

describe('conversation lifecycle', () => {
  it('a customer message reopens a snoozed conversation', async () => {
    const r = await w.incoming('lc-1', 'cust-lc1', 'first');
    const until = new Date(Date.now() + 3600_000).toISOString();
    const s = await w.a.api.post(`/api/v1/conversations/${r.body.conversationId}/status`, { status: 'snoozed', snoozeUntil: until });
    expect(s.status).toBe(200);
    expect(s.body.status).toBe('snoozed');
    const again = await w.incoming('lc-2', 'cust-lc1', 'are you there?');
    expect(again.body.conversationId).toBe(r.body.conversationId);
    expect((await w.a.api.get(`/api/v1/conversations/${r.body.conversationId}`)).body.status).toBe('open');
  });

  it('a snooze ends by itself at snoozeUntil', async () => {
    const r = await w.incoming('lc-snz', 'cust-snz', 'ping');
    await w.a.api.post(`/api/v1/conversations/${r.body.conversationId}/status`, { status: 'snoozed', snoozeUntil: new Date(Date.now() + 1500).toISOString() });
    const deadline = Date.now() + 10_000;
    let status = 'snoozed';
    while (Date.now() < deadline && status !== 'open') {
      await new Promise((res) => setTimeout(res, 300));
      status = (await w.a.api.get(`/api/v1/conversations/${r.body.conversationId}`)).body.status;
    }
    expect(status).toBe('open');
  });

  it('a customer message reopens a recently resolved conversation', async () => {
    const r = await w.incoming('lc-3', 'cust-lc3', 'question');
    await w.a.api.post(`/api/v1/conversations/${r.body.conversationId}/status`, { status: 'resolved' });
    const again = await w.incoming('lc-4', 'cust-lc3', 'one more thing');
    expect(again.body.conversationId).toBe(r.body.conversationId);
    expect((await w.a.api.get(`/api/v1/conversations/${r.body.conversationId}`)).body.status).toBe('open');
  });

  it('after the reopen window a customer message starts a new conversation', async () => {
    const patched = await w.admin.patch(`/api/v1/inboxes/${w.inboxId}`, { reopenWindowDays: 0 });
    expect(patched.status).toBe(200);
    try {
      const r = await w.incoming('lc-5', 'cust-lc5', 'old issue');
      await w.a.api.post(`/api/v1/conversations/${r.body.conversationId}/status`, { status: 'resolved' });
      const again = await w.incoming('lc-6', 'cust-lc5', 'new issue');
      expect(again.body.conversationId).not.toBe(r.body.conversationId);
      expect((await w.a.api.get(`/api/v1/conversations/${r.body.conversationId}`)).body.status).toBe('resolved');
      expect((await w.a.api.get(`/api/v1/conversations/${again.body.conversationId}`)).body.status).toBe('open');
    } finally {
      await w.admin.patch(`/api/v1/inboxes/${w.inboxId}`, { reopenWindowDays: 7 });
    }
  });

  it('a blocked contact\'s messages are kept but open nothing', async () => {
    const r = await w.incoming('bl-1', 'cust-bl', 'hi');
    await w.a.api.post(`/api/v1/conversations/${r.body.conversationId}/status`, { status: 'resolved' });
    const conv = (await w.a.api.get(`/api/v1/conversations/${r.body.conversationId}`)).body;
    const blocked = await w.a.api.post(`/api/v1/contacts/${conv.contact.id}/block`, {});
    expect(blocked.status).toBe(200);
    expect(blocked.body.blocked).toBe(true);
    const again = await w.incoming('bl-2', 'cust-bl', 'spam spam');
    expect(again.status).toBe(200);
    const after = (await w.a.api.get(`/api/v1/conversations/${r.body.conversationId}`)).body;
    expect(after.status).toBe('resolved');
    const msgs = await messagesOf(again.body.conversationId);
    expect(msgs.some((m) => m.text === 'spam spam')).toBe(true);
    const reply = await w.a.api.post(`/api/v1/conversations/${r.body.conversationId}/messages`, { text: 'no' });
    expect(reply.status).toBe(422);
  });
});
