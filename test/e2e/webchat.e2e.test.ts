import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { startHub, waitFor, type Hub } from '../fixtures/hub';
import { makeWorkspace } from '../fixtures/workspace';

/**
 * The web chat channel against the built hub, with real Socket.IO clients: one plays the visitor on the
 * `/widget` namespace, agents use REST and (when it exists) the `/agents` namespace.
 */
const hub: Hub = await startHub();
const w = await makeWorkspace(hub);
afterAll(async () => { await hub?.dispose(); });

const SECRET = 'identity-secret-0123456789';
const SHOP = 'https://shop.example.com';
const mkInbox = async (name: string, config: Record<string, unknown>) => {
  const r = await w.admin.post('/api/v1/inboxes', { name, channel: 'webchat', config, memberIds: [w.a.id, w.b.id] });
  if (r.status !== 201) throw new Error(`inbox ${name}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: string; widgetToken: string; widgetSnippet: string };
};
const chat = await mkInbox('Website chat', { greeting: 'Hi! How can we help?', teamName: 'Support', color: '#4f46e5' });
const shop = await mkInbox('Shop chat', { allowedOrigins: [SHOP], identitySecret: SECRET });
const members = await mkInbox('Members chat', { identitySecret: SECRET, requireIdentity: true });

interface Session { visitorToken: string; conversationId: string | null; messages: any[]; config: any; online: boolean }
interface Visitor { socket: Socket; session: Session; events: Array<{ name: string; payload: any }>; close(): void }
const sockets: Socket[] = [];
afterAll(() => { for (const s of sockets) s.close(); });

/** A visitor tab: resolves with the `session` event, rejects with the middleware's refusal (connect_error). */
function visitor(auth: Record<string, unknown>, origin?: string): Promise<Visitor> {
  const socket = io(`${hub.url}/widget`, { auth, transports: ['websocket'], reconnection: false, forceNew: true, ...(origin ? { extraHeaders: { origin } } : {}) });
  sockets.push(socket);
  const events: Visitor['events'] = [];
  socket.onAny((name: string, payload: unknown) => { events.push({ name, payload }); });
  // The widget confirms receipt of agent replies; that is what moves them to "delivered".
  // (With connection state recovery a broadcast carries its offset as a last argument: check for a function.)
  socket.on('message.created', (_p: unknown, ack?: unknown) => { if (typeof ack === 'function') ack({ ok: true }); });
  return new Promise((resolve, reject) => {
    socket.once('session', (session: Session) => resolve({ socket, session, events, close: () => socket.close() }));
    socket.once('connect_error', (err: Error & { data?: { code?: string } }) => { socket.close(); reject(Object.assign(new Error(err.message), { code: err.data?.code })); });
  });
}
const refusal = (p: Promise<unknown>) => p.then(() => 'connected', (e: { code?: string }) => e.code ?? 'no code');
const send = (v: Visitor, payload: Record<string, unknown>) => v.socket.timeout(10_000).emitWithAck('message.send', payload) as Promise<any>;
const next = (v: Visitor, name: string, pred: (p: any) => boolean = () => true, from = 0) =>
  waitFor(() => v.events.slice(from).find((e) => e.name === name && pred(e.payload))?.payload, 10_000, `${name} on the visitor socket`);
const messagesOf = async (convId: string) => (await w.supervisor.api.get(`/api/v1/conversations/${convId}/messages`)).body.items as any[];
let seq = 0;
const cid = () => `c${Date.now().toString(36)}${seq++}`;

/** The /agents namespace is built in parallel; typing relays need it. */
async function agentSocket(token: string): Promise<Socket | null> {
  const s = io(`${hub.url}/agents`, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  sockets.push(s);
  return new Promise((resolve) => {
    s.once('connect', () => resolve(s));
    s.once('connect_error', () => { s.close(); resolve(null); });
  });
}
const probe = await agentSocket(w.a.api.token!);
const agentsNamespace = probe !== null;
probe?.close();

describe('webchat inbox', () => {
  it('returns the widget token and the snippet to paste', () => {
    expect(chat.widgetToken).toMatch(/^wt_/);
    expect(chat.widgetSnippet).toContain(`/widget.js" data-widget-token="${chat.widgetToken}"`);
  });

  it('validates its settings and never returns the identity secret', async () => {
    const bad = await w.admin.post('/api/v1/inboxes', { name: 'x', channel: 'webchat', config: { allowedOrigins: ['https://a.example/path'] } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('allowedOrigins');
    const color = await w.admin.post('/api/v1/inboxes', { name: 'x', channel: 'webchat', config: { color: 'red' } });
    expect(color.status).toBe(400);
    const got = await w.admin.get(`/api/v1/inboxes/${shop.id}`);
    expect(JSON.stringify(got.body)).not.toContain(SECRET);
  });

  it('serves the non-secret widget config publicly', async () => {
    const r = await fetch(`${hub.url}/widget/config?token=${chat.widgetToken}`);
    expect(r.status).toBe(200);
    const body = await r.json();
    expect(body.config).toMatchObject({ greeting: 'Hi! How can we help?', teamName: 'Support', color: '#4f46e5' });
    expect(typeof body.online).toBe('boolean');
    const fromShop = await fetch(`${hub.url}/widget/config?token=${shop.widgetToken}`, { headers: { origin: SHOP } });
    expect(fromShop.status).toBe(200);
    expect(JSON.stringify(await fromShop.json())).not.toContain(SECRET);
    expect((await fetch(`${hub.url}/widget/config?token=${shop.widgetToken}`, { headers: { origin: 'https://evil.example.net' } })).status).toBe(403);
    expect((await fetch(`${hub.url}/widget/config?token=wt_nope_nope_nope`)).status).toBe(404);
  });

  it('hands out no demo token on an instance without a demo inbox', async () => {
    const r = await fetch(`${hub.url}/widget/demo-token`);
    expect(r.status).toBe(404);
  });
});

describe('/widget handshake', () => {
  it('refuses an unknown widget token', async () => {
    expect(await refusal(visitor({ widgetToken: 'wt_does_not_exist_123' }))).toBe('unknown_widget');
    expect(await refusal(visitor({}))).toBe('unknown_widget');
  });

  it('refuses an origin outside allowedOrigins and admits a listed one', async () => {
    expect(await refusal(visitor({ widgetToken: shop.widgetToken }, 'https://evil.example.net'))).toBe('origin_not_allowed');
    expect(await refusal(visitor({ widgetToken: shop.widgetToken }))).toBe('origin_not_allowed');
    const ok = await visitor({ widgetToken: shop.widgetToken }, SHOP);
    expect(ok.session.visitorToken).toMatch(/^vt_/);
    ok.close();
  });

  it('refuses a wrong identity hash, and anonymous visitors when identity is required', async () => {
    const hash = createHmac('sha256', SECRET).update('user-42').digest('hex');
    expect(await refusal(visitor({ widgetToken: shop.widgetToken, identity: { id: 'user-42', hash: '0'.repeat(64) } }, SHOP))).toBe('bad_identity');
    expect(await refusal(visitor({ widgetToken: shop.widgetToken, identity: { id: 'user-43', hash } }, SHOP))).toBe('bad_identity');
    expect(await refusal(visitor({ widgetToken: members.widgetToken }))).toBe('identity_required');
    const ok = await visitor({ widgetToken: members.widgetToken, identity: { id: 'user-42', hash } });
    expect(ok.session.conversationId).toBeNull();
    ok.close();
  });

  it('a verified identity is one contact on every device, and stays with that identity', async () => {
    const hash = createHmac('sha256', SECRET).update('user-77').digest('hex');
    const laptop = await visitor({ widgetToken: shop.widgetToken, identity: { id: 'user-77', hash, name: 'Pat Member' } }, SHOP);
    const ack = await send(laptop, { text: 'from my laptop', clientId: cid() });
    expect(ack.ok).toBe(true);
    laptop.close();
    const phone = await visitor({ widgetToken: shop.widgetToken, identity: { id: 'user-77', hash } }, SHOP);
    expect(phone.session.conversationId).toBe(ack.message.conversationId);
    expect(phone.session.messages.map((m: any) => m.text)).toContain('from my laptop');
    phone.close();
    // After the site logs them out, the token they were given does not open their conversation anonymously.
    const loggedOut = await visitor({ widgetToken: shop.widgetToken, visitorToken: phone.session.visitorToken }, SHOP);
    expect(loggedOut.session.conversationId).toBeNull();
    expect(loggedOut.session.messages).toEqual([]);
    loggedOut.close();
    const conv = await w.a.api.get(`/api/v1/conversations/${ack.message.conversationId}`);
    expect(conv.body.contact.name).toBe('Pat Member');
  });

  it('gives a first-time visitor a token and an empty session', async () => {
    const v = await visitor({ widgetToken: chat.widgetToken });
    expect(v.session).toMatchObject({ conversationId: null, messages: [] });
    expect(v.session.visitorToken).toMatch(/^vt_a\./);
    expect(v.session.config).toMatchObject({ greeting: 'Hi! How can we help?' });
    await next(v, 'availability');
    v.close();
  });

  it('ignores a forged visitor token and starts a new visitor', async () => {
    const v = await visitor({ widgetToken: chat.widgetToken });
    const forged = v.session.visitorToken.replace(/\.[^.]+$/, `.${'A'.repeat(43)}`);
    v.close();
    const again = await visitor({ widgetToken: chat.widgetToken, visitorToken: forged });
    expect(again.session.visitorToken).not.toBe(v.session.visitorToken);
    again.close();
  });
});

describe('talking', () => {
  let v: Visitor;
  let convId: string;
  beforeAll(async () => { v = await visitor({ widgetToken: chat.widgetToken, pageUrl: 'https://www.example.com/pricing' }); });

  it('stores a visitor message once per clientId and shows it to agents', async () => {
    const clientId = cid();
    const ack = await send(v, { text: 'Hello, is anyone there?', clientId });
    expect(ack.ok).toBe(true);
    expect(ack.message).toMatchObject({ text: 'Hello, is anyone there?', direction: 'in', clientId, kind: 'message' });
    convId = ack.message.conversationId;
    const again = await send(v, { text: 'Hello, is anyone there?', clientId });
    expect(again.message.id).toBe(ack.message.id);
    const msgs = await messagesOf(convId);
    expect(msgs.filter((m) => m.text === 'Hello, is anyone there?')).toHaveLength(1);
    const list = await w.a.api.get(`/api/v1/conversations?inboxId=${chat.id}`);
    expect(list.body.items.map((c: any) => c.id)).toContain(convId);
    expect(list.body.items.find((c: any) => c.id === convId).channel).toBe('webchat');
  });

  it('pushes an agent reply live and marks it delivered when the widget confirms', async () => {
    const from = v.events.length;
    const r = await w.a.api.post(`/api/v1/conversations/${convId}/messages`, { text: 'Hi! Alex here, how can I help?' });
    expect(r.status).toBe(201);
    const got = await next(v, 'message.created', (p) => p.message.id === r.body.id, from);
    expect(got.message).toMatchObject({ text: 'Hi! Alex here, how can I help?', direction: 'out', author: { type: 'user', name: expect.any(String) } });
    expect(got.message.author.id).toBeUndefined();
    await waitFor(async () => (await messagesOf(convId)).find((m) => m.id === r.body.id)?.status === 'delivered', 10_000, 'delivered status');
    await next(v, 'message.updated', (p) => p.message.id === r.body.id && p.message.status === 'delivered', from);
  });

  it('never sends private notes to the visitor', async () => {
    const from = v.events.length;
    const note = await w.a.api.post(`/api/v1/conversations/${convId}/messages`, { text: 'internal: VIP customer', private: true });
    expect(note.status).toBe(201);
    const reply = await w.a.api.post(`/api/v1/conversations/${convId}/messages`, { text: 'Let me check that for you.' });
    // The note is stored first; had it been relayed, it would arrive before the reply.
    await next(v, 'message.created', (p) => p.message.id === reply.body.id, from);
    const seen = v.events.slice(from).filter((e) => e.name.startsWith('message.')).map((e) => JSON.stringify(e.payload));
    expect(seen.join('\n')).not.toContain('VIP customer');
  });

  it('shows HTML typed by a visitor as the same literal text to agents', async () => {
    const text = '<img src=x onerror=alert(1)> <script>alert(2)</script>';
    const ack = await send(v, { text, clientId: cid() });
    expect(ack.ok).toBe(true);
    const stored = (await messagesOf(convId)).find((m) => m.id === ack.message.id);
    expect(stored.text).toBe(text);
    expect(stored.html).toBeUndefined();
  });

  it('gives the history back to a returning visitor, without notes', async () => {
    const back = await visitor({ widgetToken: chat.widgetToken, visitorToken: v.session.visitorToken });
    expect(back.session.conversationId).toBe(convId);
    expect(back.session.visitorToken).toBe(v.session.visitorToken);
    const texts = back.session.messages.map((m: any) => m.text);
    expect(texts).toEqual(expect.arrayContaining(['Hello, is anyone there?', 'Hi! Alex here, how can I help?', 'Let me check that for you.']));
    expect(texts.join('\n')).not.toContain('VIP customer');
    expect(back.session.messages.every((m: any) => m.kind === 'message')).toBe(true);
    back.close();
  });

  it('relays a message sent from one tab to the visitor\'s other tabs', async () => {
    const other = await visitor({ widgetToken: chat.widgetToken, visitorToken: v.session.visitorToken });
    const ack = await send(v, { text: 'sent from tab one', clientId: cid() });
    await next(other, 'message.created', (p) => p.message.id === ack.message.id);
    other.close();
  });

  it('updates the contact from the pre-chat form', async () => {
    const r = await v.socket.timeout(10_000).emitWithAck('prechat', { name: 'Dana Visitor', email: 'dana@example.com' });
    expect(r).toMatchObject({ ok: true });
    const conv = await w.a.api.get(`/api/v1/conversations/${convId}`);
    const contact = await w.a.api.get(`/api/v1/contacts/${conv.body.contact.id}`);
    expect(contact.body).toMatchObject({ name: 'Dana Visitor', email: 'dana@example.com' });
    const bad = await v.socket.timeout(10_000).emitWithAck('prechat', { email: 'not an email' });
    expect(bad.ok).toBe(false);
  });

  it('refuses a message over 5,000 characters and stores nothing', async () => {
    const before = (await messagesOf(convId)).length;
    const ack = await send(v, { text: 'x'.repeat(5_001), clientId: cid() });
    expect(ack).toMatchObject({ ok: false, code: 'too_long' });
    expect(ack.error).toMatch(/5,000/);
    const empty = await send(v, { text: '   ', clientId: cid() });
    expect(empty.ok).toBe(false);
    const noId = await send(v, { text: 'hi' });
    expect(noId.ok).toBe(false);
    expect((await messagesOf(convId)).length).toBe(before);
  });
});

describe('typing', () => {
  it.skipIf(!agentsNamespace)('relays the visitor typing to agents and an agent\'s reply typing (not a note\'s) to the visitor', async () => {
    const v = await visitor({ widgetToken: chat.widgetToken });
    const ack = await send(v, { text: 'typing test', clientId: cid() });
    const convId = ack.message.conversationId as string;
    const agent = (await agentSocket(w.a.api.token!))!;
    const agentEvents: any[] = [];
    agent.on('typing', (p: unknown) => agentEvents.push(p));
    await agent.timeout(10_000).emitWithAck('conversation.watch', { conversationId: convId });

    v.socket.emit('typing', { isTyping: true });
    await waitFor(() => agentEvents.find((e) => e.conversationId === convId && e.who.type === 'contact' && e.isTyping === true), 10_000, 'visitor typing on /agents');

    const from = v.events.length;
    await agent.timeout(10_000).emitWithAck('typing', { conversationId: convId, isTyping: true, private: true });
    await agent.timeout(10_000).emitWithAck('typing', { conversationId: convId, isTyping: false });
    // Had the note's typing crossed over, it would be the first typing event the visitor saw.
    const first = await next(v, 'typing', () => true, from);
    expect(first.isTyping).toBe(false);
    await agent.timeout(10_000).emitWithAck('typing', { conversationId: convId, isTyping: true });
    const shown = await next(v, 'typing', (p) => p.isTyping === true, from);
    expect(shown.who).toMatchObject({ type: 'user', name: expect.any(String) });
    agent.close();
    v.close();
  });

  it.skipIf(!agentsNamespace)('tells visitors when an agent of the inbox comes online, but not outside business hours', async () => {
    // A week without opening ranges: always closed, whoever is online.
    const closed = (await w.admin.post('/api/v1/inboxes', { name: 'Closed chat', channel: 'webchat', config: { awayMessage: 'We are closed' }, memberIds: [w.b.id], businessHours: { timezone: 'Europe/Berlin', weekly: {} } })).body;
    const v = await visitor({ widgetToken: chat.widgetToken });
    const agent = (await agentSocket(w.b.api.token!))!;
    await next(v, 'availability', (p) => p.online === true);
    const after = await visitor({ widgetToken: chat.widgetToken });
    expect(after.session.online).toBe(true);
    const shut = await visitor({ widgetToken: closed.widgetToken });
    expect(shut.session.online).toBe(false);
    expect(shut.session.config.awayMessage).toBe('We are closed');
    expect((await (await fetch(`${hub.url}/widget/config?token=${closed.widgetToken}`)).json()).online).toBe(false);
    agent.close();
    for (const x of [v, after, shut]) x.close();
  });
});

describe('rate limit', () => {
  it('allows 20 messages a minute per visitor, refuses the 21st and stores nothing for it', async () => {
    const v = await visitor({ widgetToken: chat.widgetToken });
    const acks = [];
    for (let i = 0; i < 20; i++) acks.push(await send(v, { text: `burst ${i}`, clientId: cid() }));
    expect(acks.every((a) => a.ok)).toBe(true);
    const over = await send(v, { text: 'one too many', clientId: cid() });
    expect(over).toMatchObject({ ok: false, code: 'rate_limited' });
    // A resend of a message we already have is not a new message: it still answers.
    const resend = await send(v, { text: 'burst 0', clientId: acks[0].message.clientId });
    expect(resend).toMatchObject({ ok: true, message: { id: acks[0].message.id } });
    const msgs = await messagesOf(acks[0].message.conversationId);
    expect(msgs.filter((m) => m.text.startsWith('burst '))).toHaveLength(20);
    expect(msgs.some((m) => m.text === 'one too many')).toBe(false);
    // Another visitor has a budget of their own.
    const other = await visitor({ widgetToken: chat.widgetToken });
    expect((await send(other, { text: 'hello', clientId: cid() })).ok).toBe(true);
    v.close();
    other.close();
  });
});

describe('visitor uploads', () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d4944415478da63f8cfc0f01f0005000201a5d5d1a50000000049454e44ae426082', 'hex');
  const upload = (headers: Record<string, string>, name: string, type: string, data: Buffer) => {
    const form = new FormData();
    form.append('file', new Blob([new Uint8Array(data)], { type }), name);
    return fetch(`${hub.url}/widget/uploads`, { method: 'POST', body: form, headers });
  };

  it('takes an image, attaches it to a message and serves it through a signed link', async () => {
    const v = await visitor({ widgetToken: chat.widgetToken });
    const h = { 'x-widget-token': chat.widgetToken, 'x-visitor-token': v.session.visitorToken };
    const r = await upload(h, 'screenshot.png', 'image/png', PNG);
    expect(r.status).toBe(201);
    const { id } = await r.json();
    expect(id).toEqual(expect.any(String));
    const ack = await send(v, { text: 'see screenshot', attachmentIds: [id], clientId: cid() });
    expect(ack.ok).toBe(true);
    expect(ack.message.attachments).toHaveLength(1);
    const att = ack.message.attachments[0];
    expect(att).toMatchObject({ name: 'screenshot.png', contentType: 'image/png', size: PNG.length });
    expect(att.url).toMatch(/^\/widget\/files\//);
    const file = await fetch(`${hub.url}${att.url}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(Buffer.from(await file.arrayBuffer()).equals(PNG)).toBe(true);
    expect((await fetch(`${hub.url}${att.url.replace(/sig=[^&]+/, 'sig=forged')}`)).status).toBe(404);
    // The agent sees the attachment on the message.
    const stored = (await messagesOf(ack.message.conversationId)).find((m) => m.id === ack.message.id);
    expect(stored.attachments[0]).toMatchObject({ name: 'screenshot.png', contentType: 'image/png' });
    // An upload is used once.
    const reuse = await send(v, { text: 'again', attachmentIds: [id], clientId: cid() });
    expect(reuse.ok).toBe(false);
    v.close();
  });

  it('refuses a wrong type, a disguised file, an oversized file and a bad visitor token', async () => {
    const v = await visitor({ widgetToken: chat.widgetToken });
    const h = { 'x-widget-token': chat.widgetToken, 'x-visitor-token': v.session.visitorToken };
    const html = await upload(h, 'page.html', 'text/html', Buffer.from('<script>alert(1)</script>'));
    expect(html.status).toBe(400);
    expect(await html.json()).toMatchObject({ error: 'invalid_request', message: expect.any(String) });
    const fake = await upload(h, 'photo.png', 'image/png', Buffer.from('<svg onload=alert(1)>'));
    expect(fake.status).toBe(400);
    const big = await upload(h, 'big.pdf', 'application/pdf', Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(10 * 1024 * 1024)]));
    expect(big.status).toBe(413);
    expect(await big.json()).toMatchObject({ error: 'too_large' });
    const anon = await upload({ 'x-widget-token': chat.widgetToken }, 'a.png', 'image/png', PNG);
    expect(anon.status).toBe(401);
    const wrongInbox = await upload({ 'x-widget-token': members.widgetToken, 'x-visitor-token': v.session.visitorToken }, 'a.png', 'image/png', PNG);
    expect(wrongInbox.status).toBe(401);
    const badOrigin = await upload({ 'x-widget-token': shop.widgetToken, 'x-visitor-token': v.session.visitorToken, origin: 'https://evil.example.net' }, 'a.png', 'image/png', PNG);
    expect(badOrigin.status).toBe(403);
    v.close();
  });

  it('answers the CORS preflight of an upload from another site', async () => {
    const r = await fetch(`${hub.url}/widget/uploads`, { method: 'OPTIONS', headers: { origin: SHOP, 'access-control-request-method': 'POST', 'access-control-request-headers': 'x-widget-token,x-visitor-token' } });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe(SHOP);
    expect(r.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('x-visitor-token');
  });
});
