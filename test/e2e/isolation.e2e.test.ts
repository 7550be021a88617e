import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, type Hub } from '../fixtures/hub';
import { makeWorkspace } from '../fixtures/workspace';

let hub: Hub;
let A: Awaited<ReturnType<typeof makeWorkspace>>;
let B: Awaited<ReturnType<typeof makeWorkspace>>;
const b: Record<string, string> = {};

beforeAll(async () => {
  hub = await startHub();
  A = await makeWorkspace(hub);
  B = await makeWorkspace(hub);
  const r = await B.incoming('b-1', 'b-customer', 'secret of B');
  b.conv = r.body.conversationId;
  b.msg = r.body.messageId;
  const conv = (await B.admin.get(`/api/v1/conversations/${b.conv}`)).body;
  b.contact = conv.contact.id;
  const up = new FormData();
  up.append('file', new Blob(['b file']), 'b.txt');
  const u = await fetch(`${hub.url}/api/v1/attachments`, { method: 'POST', headers: { authorization: `Bearer ${B.admin.token}` }, body: up });
  b.attachment = (await u.json()).id;
  await B.admin.post(`/api/v1/conversations/${b.conv}/messages`, { text: 'with file', attachmentIds: [b.attachment], private: true });
  b.team = (await B.admin.post('/api/v1/teams', { name: 'B team', memberIds: [] })).body.id;
  b.canned = (await B.admin.post('/api/v1/canned-responses', { shortcut: 'bhi', text: 'hi', scope: 'shared' })).body.id;
  b.user = B.a.id;
  await B.admin.post(`/api/v1/conversations/${b.conv}/assignment`, { assigneeId: B.supervisor.id });
  b.notification = (await B.supervisor.api.get('/api/v1/notifications')).body.items[0]?.id ?? 'none';
});
afterAll(async () => { await hub?.dispose(); });

describe('tenant isolation: an admin of workspace A reaches nothing of workspace B', () => {
  const routes: Array<[string, string, () => string, (() => unknown)?]> = [
    ['GET', 'conversation', () => `/api/v1/conversations/${b.conv}`],
    ['PATCH', 'conversation', () => `/api/v1/conversations/${b.conv}`, () => ({ labels: ['x'] })],
    ['POST', 'read', () => `/api/v1/conversations/${b.conv}/read`, () => ({})],
    ['GET', 'messages', () => `/api/v1/conversations/${b.conv}/messages`],
    ['POST', 'reply', () => `/api/v1/conversations/${b.conv}/messages`, () => ({ text: 'hijack' })],
    ['POST', 'note', () => `/api/v1/conversations/${b.conv}/messages`, () => ({ text: 'hijack', private: true })],
    ['POST', 'assignment', () => `/api/v1/conversations/${b.conv}/assignment`, () => ({ assigneeId: null })],
    ['POST', 'status', () => `/api/v1/conversations/${b.conv}/status`, () => ({ status: 'resolved' })],
    ['GET', 'contact', () => `/api/v1/contacts/${b.contact}`],
    ['PATCH', 'contact', () => `/api/v1/contacts/${b.contact}`, () => ({ name: 'pwned' })],
    ['POST', 'contact merge', () => `/api/v1/contacts/${b.contact}/merge`, () => ({ otherContactId: b.contact })],
    ['POST', 'contact block', () => `/api/v1/contacts/${b.contact}/block`, () => ({})],
    ['GET', 'attachment', () => `/api/v1/attachments/${b.attachment}`],
    ['GET', 'inbox', () => `/api/v1/inboxes/${B.inboxId}`],
    ['PATCH', 'inbox', () => `/api/v1/inboxes/${B.inboxId}`, () => ({ name: 'pwned' })],
    ['PATCH', 'user', () => `/api/v1/users/${b.user}`, () => ({ active: false })],
    ['PATCH', 'team', () => `/api/v1/teams/${b.team}`, () => ({ name: 'pwned' })],
    ['PATCH', 'canned response', () => `/api/v1/canned-responses/${b.canned}`, () => ({ text: 'pwned' })],
    ['DELETE', 'canned response', () => `/api/v1/canned-responses/${b.canned}`],
    ['POST', 'notification read', () => `/api/v1/notifications/${b.notification}/read`, () => ({})],
  ];
  for (const [method, what, path, body] of routes) {
    it(`${method} ${what} → 404`, async () => {
      const r = await A.admin.req(method, path(), body?.());
      expect(r.status, JSON.stringify(r.body)).toBe(404);
      expect(r.body.error).toBe('not_found');
    });
  }

  it('lists, searches and starts show nothing of B', async () => {
    const convs = await A.admin.get('/api/v1/conversations');
    expect(convs.body.items.map((c: any) => c.id)).not.toContain(b.conv);
    expect((await A.admin.get('/api/v1/conversations?q=secret')).body.items).toHaveLength(0);
    expect((await A.admin.get('/api/v1/contacts?q=b-customer')).body.items).toHaveLength(0);
    const users = (await A.admin.get('/api/v1/users')).body.items.map((u: any) => u.id);
    expect(users).not.toContain(b.user);
    expect((await A.admin.get('/api/v1/teams')).body.items.map((t: any) => t.id)).not.toContain(b.team);
    expect((await A.admin.get('/api/v1/inboxes')).body.items.map((i: any) => i.id)).not.toContain(B.inboxId);
    expect((await A.admin.get('/api/v1/canned-responses')).body.items.map((c: any) => c.id)).not.toContain(b.canned);
    const start = await A.admin.post('/api/v1/conversations', { inboxId: B.inboxId, to: 'x', text: 'hi' });
    expect(start.status).toBe(404);
  });

  it("B's inbox token cannot feed A's inbox, and A's admin cannot assign B's users", async () => {
    const r = await fetch(`${hub.url}/api/v1/inboxes/${A.inboxId}/incoming`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${B.inboxToken}` }, body: JSON.stringify({ externalId: 'cross', contact: { identifier: 'x' }, text: 'x' }) });
    expect([401, 403]).toContain(r.status);
    const conv = (await A.incoming('a-1', 'a-cust', 'hello')).body.conversationId;
    const assign = await A.admin.post(`/api/v1/conversations/${conv}/assignment`, { assigneeId: b.user });
    expect(assign.status).toBe(400);
    const mention = await A.admin.post(`/api/v1/conversations/${conv}/messages`, { text: 'hey', private: true, mentions: [b.user] });
    expect(mention.status).toBe(400);
  });

  it('B is untouched afterwards', async () => {
    const conv = (await B.admin.get(`/api/v1/conversations/${b.conv}`)).body;
    expect(conv.labels).toEqual([]);
    expect(conv.status).toBe('open');
    expect(conv.assigneeId).toBe(B.supervisor.id);
    const msgs = (await B.admin.get(`/api/v1/conversations/${b.conv}/messages`)).body.items;
    expect(msgs.some((m: any) => m.text === 'hijack')).toBe(false);
    expect((await B.admin.get(`/api/v1/contacts/${b.contact}`)).body.name).not.toBe('pwned');
  });
});
