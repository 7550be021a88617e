import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticator } from 'otplib';
import { Api, login, startHub, type Hub } from '../fixtures/hub';
import { makeWorkspace } from '../fixtures/workspace';

let hub: Hub;
let w: Awaited<ReturnType<typeof makeWorkspace>>;

beforeAll(async () => {
  hub = await startHub();
  w = await makeWorkspace(hub);
});
afterAll(async () => { await hub?.dispose(); });

describe('login and tokens', () => {
  it('logs in, answers 401 invalid_credentials for a wrong password, and logs out', async () => {
    const bad = await new Api(hub.url).post('/api/v1/auth/login', { email: `agenta-${w.tag}@t.parley`, password: 'wrong-password' });
    expect(bad.status).toBe(401);
    expect(bad.body.error).toBe('invalid_credentials');
    const api = await login(hub, `agenta-${w.tag}@t.parley`, 'password-123');
    expect((await api.get('/api/v1/me')).status).toBe(200);
    expect((await api.post('/api/v1/auth/logout')).status).toBe(200);
    const after = await api.get('/api/v1/conversations');
    expect(after.status).toBe(401);
    expect(after.body.error).toBe('unauthenticated');
  });

  it('a missing or bad bearer token is 401', async () => {
    expect((await new Api(hub.url).get('/api/v1/conversations')).status).toBe(401);
    expect((await new Api(hub.url, 'pat_nonsense').get('/api/v1/conversations')).status).toBe(401);
  });

  it('repeated failures are throttled with 429', async () => {
    const anon = new Api(hub.url);
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await anon.post('/api/v1/auth/login', { email: `agentc-${w.tag}@t.parley`, password: `guess-${i}` })).status);
    expect(statuses.slice(0, 5).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
    const right = await anon.post('/api/v1/auth/login', { email: `agentc-${w.tag}@t.parley`, password: 'password-123' });
    expect(right.status).toBe(429);
    expect(right.body.error).toBe('rate_limited');
  });

  it('2FA: setup, enable, otp_required, login with a code, disable', async () => {
    const email = `agentb-${w.tag}@t.parley`;
    const api = await login(hub, email, 'password-123');
    const setup = await api.post('/api/v1/me/2fa/setup');
    expect(setup.status).toBe(200);
    const secret = new URL(setup.body.otpauthUrl).searchParams.get('secret')!;
    expect((await api.post('/api/v1/me/2fa/enable', { otp: '000000' })).status).toBe(400);
    expect((await api.post('/api/v1/me/2fa/enable', { otp: authenticator.generate(secret) })).status).toBe(200);
    const anon = new Api(hub.url);
    const need = await anon.post('/api/v1/auth/login', { email, password: 'password-123' });
    expect(need.status).toBe(401);
    expect(need.body.error).toBe('otp_required');
    const ok = await anon.post('/api/v1/auth/login', { email, password: 'password-123', otp: authenticator.generate(secret) });
    expect(ok.status).toBe(200);
    const api2 = new Api(hub.url, ok.body.accessToken);
    expect((await api2.post('/api/v1/me/2fa/disable', { otp: authenticator.generate(secret) })).status).toBe(200);
    expect((await anon.post('/api/v1/auth/login', { email, password: 'password-123' })).status).toBe(200);
  });

  it('API tokens: created once, usable, listed without the secret, revocable', async () => {
    const created = await w.admin.post('/api/v1/api-tokens', { name: 'ci' });
    expect(created.status).toBe(201);
    const tokenApi = new Api(hub.url, created.body.token);
    expect((await tokenApi.get('/api/v1/conversations')).status).toBe(200);
    const list = await w.admin.get('/api/v1/api-tokens');
    expect(JSON.stringify(list.body)).not.toContain(created.body.token);
    expect(list.body.items.map((t: any) => t.id)).toContain(created.body.id);
    expect((await w.admin.del(`/api/v1/api-tokens/${created.body.id}`)).status).toBe(204);
    expect((await tokenApi.get('/api/v1/conversations')).status).toBe(401);
    expect((await w.a.api.post('/api/v1/api-tokens', { name: 'nope' })).status).toBe(403);
  });
});

describe('roles', () => {
  it('an agent cannot create users or inboxes', async () => {
    const u = await w.a.api.post('/api/v1/users', { name: 'x', email: `x-${w.tag}@t.parley`, password: 'password-123', role: 'admin' });
    expect(u.status).toBe(403);
    expect(u.body.error).toBe('forbidden');
    const i = await w.a.api.post('/api/v1/inboxes', { name: 'x', channel: 'api', config: {} });
    expect(i.status).toBe(403);
    expect((await w.supervisor.api.post('/api/v1/inboxes', { name: 'x', channel: 'api', config: {} })).status).toBe(403);
    expect((await w.admin.get('/api/v1/users')).body.items.some((x: any) => x.email === `x-${w.tag}@t.parley`)).toBe(false);
  });

  it('an agent takes an unassigned conversation but not someone else\'s; a supervisor reassigns', async () => {
    const conv = (await w.incoming('rbac-1', 'rbac-cust', 'help')).body.conversationId;
    const take = await w.a.api.post(`/api/v1/conversations/${conv}/assignment`, { assigneeId: w.a.id });
    expect(take.status).toBe(200);
    expect(take.body.assigneeId).toBe(w.a.id);
    const steal = await w.b.api.post(`/api/v1/conversations/${conv}/assignment`, { assigneeId: w.b.id });
    expect(steal.status).toBe(403);
    const giveAway = await w.a.api.post(`/api/v1/conversations/${conv}/assignment`, { assigneeId: w.b.id });
    expect(giveAway.status).toBe(403);
    const re = await w.supervisor.api.post(`/api/v1/conversations/${conv}/assignment`, { assigneeId: w.b.id });
    expect(re.status).toBe(200);
    expect(re.body.assigneeId).toBe(w.b.id);
    const notes = (await w.b.api.get('/api/v1/notifications')).body.items;
    expect(notes.some((n: any) => n.kind === 'assigned' && n.conversationId === conv)).toBe(true);
  });

  it('an agent outside the inbox sees nothing of it', async () => {
    const conv = (await w.incoming('rbac-2', 'rbac-cust2', 'hi')).body.conversationId;
    expect((await w.c.api.get(`/api/v1/conversations/${conv}`)).status).toBe(404);
    expect((await w.c.api.get('/api/v1/conversations')).body.items.map((c: any) => c.id)).not.toContain(conv);
    expect((await w.c.api.post(`/api/v1/conversations/${conv}/assignment`, { assigneeId: w.c.id })).status).toBe(404);
  });

  it("a deactivated user's token stops working at once and their open conversations return to the queue", async () => {
    const conv = (await w.incoming('rbac-3', 'rbac-cust3', 'hi')).body.conversationId;
    await w.supervisor.api.post(`/api/v1/conversations/${conv}/assignment`, { assigneeId: w.c.id });
    expect((await w.c.api.get('/api/v1/conversations')).status).toBe(200);
    const off = await w.admin.patch(`/api/v1/users/${w.c.id}`, { active: false });
    expect(off.status).toBe(200);
    expect((await w.c.api.get('/api/v1/conversations')).status).toBe(401);
    const relogin = await new Api(hub.url).post('/api/v1/auth/login', { email: `agentc-${w.tag}@t.parley`, password: 'password-123' });
    expect([401, 429]).toContain(relogin.status);
    let assignee: string | null = w.c.id;
    for (let i = 0; i < 40 && assignee; i++) {
      assignee = (await w.supervisor.api.get(`/api/v1/conversations/${conv}`)).body.assigneeId;
      if (assignee) await new Promise((r) => setTimeout(r, 100));
    }
    expect(assignee).toBeNull();
  });
});

describe('errors at the edge', () => {
  it('invalid JSON → 400, a body over the limit → 413, both in the contract shape', async () => {
    const bad = await w.a.api.req('POST', '/api/v1/conversations', '{not json');
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ error: 'invalid_request', message: expect.any(String) });
    const big = await w.a.api.req('POST', '/api/v1/conversations', JSON.stringify({ inboxId: w.inboxId, to: 'x', text: 'x'.repeat(2_000_000) }));
    expect(big.status).toBe(413);
    expect(big.body.error).toBe('too_large');
  });

  it('unknown ids → 404 not_found; bad fields → 400 with fields', async () => {
    const r = await w.a.api.get('/api/v1/conversations/does-not-exist');
    expect(r.status).toBe(404);
    expect(r.body).toMatchObject({ error: 'not_found', message: expect.any(String) });
    const v = await w.admin.post('/api/v1/users', { name: '', email: 'not-an-email', password: 'short', role: 'boss' });
    expect(v.status).toBe(400);
    expect(Object.keys(v.body.fields)).toEqual(expect.arrayContaining(['name', 'email', 'password', 'role']));
  });

  it('serves health and the OpenAPI document', async () => {
    const h = await fetch(`${hub.url}/health`);
    expect(h.status).toBe(200);
    expect(await h.json()).toMatchObject({ status: 'ok', db: 'up' });
    const o = await (await fetch(`${hub.url}/api/v1/openapi.json`)).json();
    expect(o.openapi).toMatch(/^3\./);
    expect(Object.keys(o.paths)).toEqual(expect.arrayContaining(['/api/v1/conversations', '/api/v1/auth/login']));
  });
});
