import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startHub, type Hub } from '../fixtures/hub';
import { makeWorkspace } from '../fixtures/workspace';

let hub: Hub;
let w: Awaited<ReturnType<typeof makeWorkspace>>;

beforeAll(async () => {
  hub = await startHub();
  w = await makeWorkspace(hub);
});
afterAll(async () => { await hub?.dispose(); });

async function upload(token: string, name: string, type: string, data: string | Uint8Array<ArrayBuffer>) {
  const fd = new FormData();
  fd.append('file', new Blob([data], { type }), name);
  const r = await fetch(`${hub.url}/api/v1/attachments`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: fd });
  return { status: r.status, body: await r.json() };
}

describe('attachments', () => {
  it('uploads, attaches to a reply and serves safely to those who may see the conversation', async () => {
    const conv = (await w.incoming('att-1', 'att-cust', 'send me the invoice')).body.conversationId;
    const html = await upload(w.a.api.token!, 'evil.html', 'text/html', '<script>alert(1)</script>');
    expect(html.status).toBe(201);
    expect(html.body).toMatchObject({ id: expect.any(String), name: 'evil.html', contentType: 'text/html', size: 25 });
    const png = await upload(w.a.api.token!, 'pixel.png', 'image/png', new Uint8Array([137, 80, 78, 71]));
    const msg = await w.a.api.post(`/api/v1/conversations/${conv}/messages`, { text: 'here', attachmentIds: [html.body.id, png.body.id], private: true });
    expect(msg.status).toBe(201);
    expect(msg.body.attachments.map((a: any) => a.name)).toEqual(['evil.html', 'pixel.png']);
    const get = (url: string, token: string) => fetch(`${hub.url}${url}`, { headers: { authorization: `Bearer ${token}` } });
    const h = await get(msg.body.attachments[0].url, w.b.api.token!);
    expect(h.status).toBe(200);
    expect(h.headers.get('x-content-type-options')).toBe('nosniff');
    expect(h.headers.get('content-disposition')).toMatch(/^attachment/);
    expect(h.headers.get('content-type')).not.toMatch(/html/);
    expect(await h.text()).toBe('<script>alert(1)</script>');
    const p = await get(msg.body.attachments[1].url, w.b.api.token!);
    expect(p.headers.get('content-disposition')).toMatch(/^inline/);
    expect(p.headers.get('content-type')).toBe('image/png');
    expect((await get(msg.body.attachments[0].url, w.c.api.token!)).status).toBe(404);
    expect((await fetch(`${hub.url}${msg.body.attachments[0].url}`)).status).toBe(401);
    const link = await w.b.api.get(`/api/v1/attachments/${png.body.id}/link`);
    expect(link.status).toBe(200);
    const signed = await fetch(`${hub.url}${link.body.url}`);
    expect(signed.status).toBe(200);
    expect(signed.headers.get('content-type')).toBe('image/png');
    const tampered = link.body.url.replace(/sig=(.)/, (_m: string, c: string) => `sig=${c === 'A' ? 'B' : 'A'}`);
    expect((await fetch(`${hub.url}${tampered}`)).status).toBe(404);
    expect((await fetch(`${hub.url}/api/v1/attachments/${html.body.id}?${link.body.url.split('?')[1]}`)).status).toBe(404);
    expect((await w.c.api.get(`/api/v1/attachments/${png.body.id}/link`)).status).toBe(404);
    const reuse = await w.b.api.post(`/api/v1/conversations/${conv}/messages`, { text: 'steal', attachmentIds: [html.body.id], private: true });
    expect(reuse.status).toBe(400);
  });

  it('refuses an upload over the size limit with 413', async () => {
    const big = await upload(w.a.api.token!, 'big.bin', 'application/octet-stream', new Uint8Array(26 * 1024 * 1024));
    expect(big.status).toBe(413);
    expect(big.body.error).toBe('too_large');
  });
});

describe('notes, mentions and notifications', () => {
  it('a note mentioning B notifies exactly B; B marks it read', async () => {
    const conv = (await w.incoming('men-1', 'men-cust', 'complicated case')).body.conversationId;
    const note = await w.a.api.post(`/api/v1/conversations/${conv}/messages`, { text: '@B can you look?', private: true, mentions: [w.b.id] });
    expect(note.status).toBe(201);
    expect(note.body).toMatchObject({ kind: 'note', mentions: [w.b.id] });
    const bn = (await w.b.api.get('/api/v1/notifications')).body.items.filter((n: any) => n.messageId === note.body.id);
    expect(bn).toHaveLength(1);
    expect(bn[0]).toMatchObject({ kind: 'mention', conversationId: conv, readAt: null });
    for (const other of [w.a.api, w.c.api, w.supervisor.api]) {
      expect((await other.get('/api/v1/notifications')).body.items.some((n: any) => n.messageId === note.body.id)).toBe(false);
    }
    expect((await w.b.api.post(`/api/v1/notifications/${bn[0].id}/read`)).status).toBe(200);
    expect((await w.b.api.get('/api/v1/notifications')).body.items.find((n: any) => n.id === bn[0].id).readAt).not.toBeNull();
    expect((await w.a.api.post(`/api/v1/notifications/${bn[0].id}/read`)).status).toBe(404);
  });

  it('mentions on a public reply are refused', async () => {
    const conv = (await w.incoming('men-2', 'men-cust2', 'x')).body.conversationId;
    expect((await w.a.api.post(`/api/v1/conversations/${conv}/messages`, { text: 'hi', mentions: [w.b.id] })).status).toBe(400);
  });
});

describe('conversation views', () => {
  it('filters by status, assignee, label and paginates newest activity first', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await w.incoming(`pg-${i}`, `pg-cust-${i}`, `page ${i}`)).body.conversationId);
    await w.a.api.patch(`/api/v1/conversations/${ids[0]}`, { labels: ['VIP', 'billing'], priority: 'high' });
    await w.a.api.post(`/api/v1/conversations/${ids[1]}/assignment`, { assigneeId: w.a.id });
    const first = await w.a.api.get('/api/v1/conversations?limit=2');
    expect(first.body.items).toHaveLength(2);
    expect(first.body.nextCursor).toEqual(expect.any(String));
    const second = await w.a.api.get(`/api/v1/conversations?limit=2&cursor=${first.body.nextCursor}`);
    const seen = [...first.body.items, ...second.body.items].map((c: any) => c.id);
    expect(new Set(seen).size).toBe(4);
    const times = [...first.body.items, ...second.body.items].map((c: any) => Date.parse(c.lastMessage.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const vip = await w.a.api.get('/api/v1/conversations?label=vip');
    expect(vip.body.items.map((c: any) => c.id)).toEqual([ids[0]]);
    expect(vip.body.items[0]).toMatchObject({ labels: ['vip', 'billing'], priority: 'high' });
    const mine = await w.a.api.get('/api/v1/conversations?assigneeId=me');
    expect(mine.body.items.map((c: any) => c.id)).toEqual([ids[1]]);
    const none = await w.a.api.get('/api/v1/conversations?assigneeId=none&limit=100');
    expect(none.body.items.map((c: any) => c.id)).not.toContain(ids[1]);
    expect((await w.a.api.get('/api/v1/conversations?status=bogus')).status).toBe(400);
  });

  it('updatedSince returns what changed and lists conversations that left the view in removed', async () => {
    const conv = (await w.incoming('us-1', 'us-cust', 'hello')).body.conversationId;
    await w.supervisor.api.post(`/api/v1/conversations/${conv}/assignment`, { assigneeId: w.a.id });
    const since = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    await w.supervisor.api.post(`/api/v1/conversations/${conv}/assignment`, { assigneeId: w.b.id });
    const r = await w.a.api.get(`/api/v1/conversations?assigneeId=me&updatedSince=${encodeURIComponent(since)}`);
    expect(r.status).toBe(200);
    expect(r.body.items.map((c: any) => c.id)).not.toContain(conv);
    expect(r.body.removed).toContain(conv);
  });

  it('unreadCount counts inbound messages until the assignee reads', async () => {
    const first = await w.incoming('ur-1', 'ur-cust', 'one');
    const conv = first.body.conversationId;
    await w.incoming('ur-2', 'ur-cust', 'two');
    expect((await w.a.api.get(`/api/v1/conversations/${conv}`)).body.unreadCount).toBe(2);
    await w.supervisor.api.post(`/api/v1/conversations/${conv}/assignment`, { assigneeId: w.a.id });
    await w.b.api.post(`/api/v1/conversations/${conv}/read`);
    expect((await w.a.api.get(`/api/v1/conversations/${conv}`)).body.unreadCount).toBe(2);
    await w.a.api.post(`/api/v1/conversations/${conv}/read`);
    expect((await w.a.api.get(`/api/v1/conversations/${conv}`)).body.unreadCount).toBe(0);
  });

  it('starts an outbound conversation', async () => {
    const r = await w.a.api.post('/api/v1/conversations', { inboxId: w.inboxId, to: 'new-cust-77', text: 'We have news for you' });
    expect(r.status).toBe(201);
    expect(r.body.conversation).toMatchObject({ inboxId: w.inboxId, status: 'open', assigneeId: w.a.id });
    expect(r.body.id).toBe(r.body.conversation.id);
    const got = await w.a.api.get(`/api/v1/conversations/${r.body.id}`);
    expect(got.body.contact).toMatchObject({ id: r.body.conversation.contact.id, identities: [expect.objectContaining({ type: 'api', value: 'new-cust-77' })] });
    expect(r.body.message).toMatchObject({ direction: 'out', status: 'queued', text: 'We have news for you' });
  });
});

describe('contacts', () => {
  it('searches, edits and merges contacts; the merged identities route to one person', async () => {
    const c1 = (await w.incoming('ct-1', 'ct-web-1', 'hi from web', { email: 'jane@example.com' })).body;
    const c2 = (await w.incoming('ct-2', 'ct-app-2', 'hi from app')).body;
    const conv1 = (await w.a.api.get(`/api/v1/conversations/${c1.conversationId}`)).body;
    const conv2 = (await w.a.api.get(`/api/v1/conversations/${c2.conversationId}`)).body;
    expect(conv1.contactDetails.email).toBe('jane@example.com');
    const edited = await w.a.api.patch(`/api/v1/contacts/${conv2.contact.id}`, { name: 'Jane Doe', phone: '+14155550123' });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ name: 'Jane Doe', phone: '+14155550123' });
    expect((await w.a.api.patch(`/api/v1/contacts/${conv1.contact.id}`, { phone: 'not a phone' })).status).toBe(400);
    const found = await w.a.api.get('/api/v1/contacts?q=jane');
    expect(found.body.items.map((c: any) => c.id)).toEqual(expect.arrayContaining([conv1.contact.id, conv2.contact.id]));
    const merged = await w.a.api.post(`/api/v1/contacts/${conv1.contact.id}/merge`, { otherContactId: conv2.contact.id });
    expect(merged.status).toBe(200);
    expect(merged.body.identities.map((i: any) => i.value)).toEqual(expect.arrayContaining(['ct-web-1', 'ct-app-2', 'jane@example.com', '+14155550123']));
    expect((await w.a.api.get(`/api/v1/contacts/${conv2.contact.id}`)).status).toBe(404);
    const detail = await w.a.api.get(`/api/v1/contacts/${conv1.contact.id}`);
    expect(detail.body.conversations.map((c: any) => c.id)).toEqual(expect.arrayContaining([c1.conversationId, c2.conversationId]));
    const next = (await w.incoming('ct-3', 'ct-app-2', 'again')).body;
    expect((await w.a.api.get(`/api/v1/conversations/${next.conversationId}`)).body.contact.id).toBe(conv1.contact.id);
  });
});

describe('canned responses', () => {
  it('personal ones are private to their owner; shared ones need a supervisor', async () => {
    const mine = await w.a.api.post('/api/v1/canned-responses', { shortcut: 'thanks', text: 'Thanks for reaching out!', scope: 'personal' });
    expect(mine.status).toBe(201);
    expect((await w.a.api.post('/api/v1/canned-responses', { shortcut: 'hello', text: 'Hi', scope: 'shared' })).status).toBe(403);
    const shared = await w.supervisor.api.post('/api/v1/canned-responses', { shortcut: 'hello', text: 'Hello there', scope: 'shared' });
    expect(shared.status).toBe(201);
    expect((await w.a.api.get('/api/v1/canned-responses')).body.items.map((c: any) => c.shortcut)).toEqual(['hello', 'thanks']);
    expect((await w.b.api.get('/api/v1/canned-responses')).body.items.map((c: any) => c.shortcut)).toEqual(['hello']);
    expect((await w.a.api.post('/api/v1/canned-responses', { shortcut: 'thanks', text: 'dup', scope: 'personal' })).status).toBe(409);
    expect((await w.a.api.patch(`/api/v1/canned-responses/${mine.body.id}`, { text: 'Thank you!' })).body.text).toBe('Thank you!');
    expect((await w.b.api.del(`/api/v1/canned-responses/${mine.body.id}`)).status).toBe(404);
    expect((await w.a.api.del(`/api/v1/canned-responses/${mine.body.id}`)).status).toBe(204);
  });
});

describe('process', () => {
  it('refuses bad configuration with one line per problem', () => {
    const r = spawnSync(process.execPath, [path.resolve(__dirname, '../../dist/apps/api/src/main.js')], {
      env: { ...process.env, PORT: 'abc', MONGODB_URI: 'http://nope', PARLEY_ADMIN_EMAIL: 'not-an-email' }, encoding: 'utf8', timeout: 20_000,
    });
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/PORT/);
    expect(r.stderr).toMatch(/MONGODB_URI/);
    expect(r.stderr).toMatch(/PARLEY_ADMIN_EMAIL/);
  });

  it('refuses a second embedded database on the same data directory', async () => {
    const second = await startHub({ dataDir: hub.dataDir }).then(() => 'started', (e: Error) => e.message);
    expect(second).toMatch(/another|lock|held|in use/i);
    expect((await fetch(`${hub.url}/health`)).status).toBe(200);
  });
});
