import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, waitFor, type Hub } from '../fixtures/hub';
import { startCallbackServer } from '../fixtures/callback-server';
import { makeWorkspace } from '../fixtures/workspace';

let hub: Hub;
let token: string | undefined;
let mode: (n: number, body: any) => number | 'hang' = () => 200;
let cb: Awaited<ReturnType<typeof startCallbackServer>>;
let w: Awaited<ReturnType<typeof makeWorkspace>>;

beforeAll(async () => {
  cb = await startCallbackServer(() => token, (n, body) => mode(n, body));
  hub = await startHub();
  w = await makeWorkspace(hub, { callbackUrl: cb.url });
  token = w.inboxToken;
});
afterAll(async () => { await hub?.dispose(); await cb?.close(); });

const statusOf = async (convId: string, msgId: string) =>
  ((await w.a.api.get(`/api/v1/conversations/${convId}/messages`)).body.items as any[]).find((m) => m.id === msgId);

describe('API channel outbound', () => {
  it('a reply is stored queued, POSTed signed to the callback and marked sent', async () => {
    mode = () => 200;
    const conv = (await w.incoming('o-1', 'out-cust', 'hello')).body.conversationId;
    const r = await w.a.api.post(`/api/v1/conversations/${conv}/messages`, { text: 'Hi, how can I help?', clientId: 'c-1' });
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ direction: 'out', kind: 'message', status: 'queued', text: 'Hi, how can I help?' });
    const got = await waitFor(() => cb.received.find((x) => x.body?.message?.id === r.body.id), 10_000, 'callback');
    expect(got.validSignature).toBe(true);
    expect(got.body).toMatchObject({ inboxId: w.inboxId, conversationId: conv, contact: { identifier: 'out-cust' }, message: { id: r.body.id, text: 'Hi, how can I help?' } });
    expect(typeof got.body.deliveryId).toBe('string');
    expect(Math.abs(Number(got.headers['x-parley-timestamp']) - Date.now() / 1000)).toBeLessThan(30);
    await waitFor(async () => (await statusOf(conv, r.body.id))?.status === 'sent', 10_000, 'sent');
  });

  it('the same clientId twice returns the first message and sends once', async () => {
    mode = () => 200;
    const conv = (await w.incoming('o-2', 'out-cust2', 'hello')).body.conversationId;
    const first = await w.a.api.post(`/api/v1/conversations/${conv}/messages`, { text: 'once', clientId: 'dbl' });
    const second = await w.a.api.post(`/api/v1/conversations/${conv}/messages`, { text: 'once', clientId: 'dbl' });
    expect(second.status).toBe(201);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.body.id).toBe(first.body.id);
    await waitFor(async () => (await statusOf(conv, first.body.id))?.status === 'sent', 10_000, 'sent');
    await new Promise((r) => setTimeout(r, 500));
    expect(cb.received.filter((x) => x.body?.message?.id === first.body.id)).toHaveLength(1);
  });

  it('private notes never leave Parley', async () => {
    const conv = (await w.incoming('o-3', 'out-cust3', 'hello')).body.conversationId;
    const note = await w.a.api.post(`/api/v1/conversations/${conv}/messages`, { text: 'internal only', private: true });
    expect(note.status).toBe(201);
    expect(note.body.kind).toBe('note');
    await new Promise((r) => setTimeout(r, 800));
    expect(cb.received.some((x) => x.body?.message?.text === 'internal only')).toBe(false);
  });

  it('retries with backoff: a callback that fails twice is delivered on the third attempt', async () => {
    const seen = new Map<string, number>();
    mode = (_n, body) => {
      const k = body?.message?.id;
      const c = (seen.get(k) ?? 0) + 1;
      seen.set(k, c);
      return c <= 2 ? 503 : 200;
    };
    const conv = (await w.incoming('o-4', 'out-cust4', 'hello')).body.conversationId;
    const r = await w.a.api.post(`/api/v1/conversations/${conv}/messages`, { text: 'third time lucky' });
    await waitFor(async () => (await statusOf(conv, r.body.id))?.status === 'sent', 20_000, 'sent after retries');
    const attempts = cb.received.filter((x) => x.body?.message?.id === r.body.id);
    expect(attempts).toHaveLength(3);
    expect(new Set(attempts.map((a) => a.body.deliveryId)).size).toBe(1);
    expect(attempts[2]!.at - attempts[1]!.at).toBeGreaterThanOrEqual(attempts[1]!.at - attempts[0]!.at - 50);
  });

  it('a permanent refusal marks the reply failed with the reason', async () => {
    mode = () => 410;
    const conv = (await w.incoming('o-5', 'out-cust5', 'hello')).body.conversationId;
    const r = await w.a.api.post(`/api/v1/conversations/${conv}/messages`, { text: 'nobody home' });
    const m = await waitFor(async () => { const x = await statusOf(conv, r.body.id); return x?.status === 'failed' ? x : null; }, 10_000, 'failed');
    expect(m.error).toMatch(/410/);
  });

  it('survives a crash: killed while the callback hangs, delivered after restart with the same deliveryId', async () => {
    const seen = new Map<string, number>();
    mode = (_n, body) => {
      const k = body?.message?.id;
      const c = (seen.get(k) ?? 0) + 1;
      seen.set(k, c);
      return c === 1 ? 'hang' : 200;
    };
    const conv = (await w.incoming('o-6', 'out-cust6', 'hello')).body.conversationId;
    const r = await w.a.api.post(`/api/v1/conversations/${conv}/messages`, { text: 'survive the crash' });
    await waitFor(() => cb.received.find((x) => x.body?.message?.id === r.body.id), 10_000, 'first (hanging) callback');
    await hub.kill();
    hub = await hub.restart();
    const relogged = await import('../fixtures/hub').then((m) => m.login(hub, `agenta-${w.tag}@t.parley`, 'password-123'));
    w.a.api = relogged;
    await waitFor(async () => (await statusOf(conv, r.body.id))?.status === 'sent', 20_000, 'sent after restart');
    const attempts = cb.received.filter((x) => x.body?.message?.id === r.body.id);
    expect(attempts.length).toBeGreaterThanOrEqual(2);
    expect(new Set(attempts.map((a) => a.body.deliveryId)).size).toBe(1);
  });
});
