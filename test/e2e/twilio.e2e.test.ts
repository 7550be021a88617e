import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHub, waitFor, type Hub } from '../fixtures/hub';
import { makeWorkspace } from '../fixtures/workspace';
import {
  parseTwiml, startFakeTwilio, twilioSid, twimlAttr, twimlChildren, type FakeTwilio, type FormParams,
} from '../fixtures/fake-twilio';

/** Round trip through the real hub: phone inbox created over REST, Twilio played by the fake API server. */
const ACCOUNT = { sid: twilioSid('AC'), authToken: twilioSid('').slice(0, 32) };
const INBOX_NUMBER = '+14155550100';

let hub: Hub;
let fake: FakeTwilio;
let w: Awaited<ReturnType<typeof makeWorkspace>>;
let inboxId: string;
let urls: { sms: string; voice: string; status: string };

beforeAll(async () => {
  fake = await startFakeTwilio({ accounts: [{ ...ACCOUNT, phoneNumbers: [INBOX_NUMBER] }] });
  hub = await startHub();
  w = await makeWorkspace(hub);
  const r = await w.admin.post('/api/v1/inboxes', {
    name: 'Phone', channel: 'phone', memberIds: [w.a.id, w.b.id],
    config: { accountSid: ACCOUNT.sid, authToken: ACCOUNT.authToken, phoneNumber: '+1 415 555 0100', apiBaseUrl: fake.url, voice: { enabled: true } },
  });
  if (r.status !== 201) {
    throw new Error(`creating a phone inbox failed (${r.status} ${JSON.stringify(r.body)}); is TwilioChannelModule in apps/api/src/channel-modules.ts?`);
  }
  inboxId = r.body.id;
  urls = r.body.webhookUrls;
});
afterAll(async () => {
  await hub?.dispose();
  await fake?.stop();
});

function sms(from: string, body: string, extra: FormParams = {}): FormParams {
  const sid = twilioSid('SM');
  return { AccountSid: ACCOUNT.sid, ApiVersion: '2010-04-01', MessageSid: sid, SmsSid: sid, SmsMessageSid: sid, From: from, To: INBOX_NUMBER, Body: body, NumMedia: '0', ...extra };
}

const messagesOf = async (convId: string) => (await w.a.api.get(`/api/v1/conversations/${convId}/messages`)).body.items as any[];
async function conversationOf(phone: string): Promise<any> {
  return waitFor(async () => {
    const list = await w.a.api.get(`/api/v1/conversations?inboxId=${inboxId}`);
    const contacts = await w.a.api.get(`/api/v1/contacts?q=${encodeURIComponent(phone)}`);
    const contact = (contacts.body.items as any[]).find((c) => c.phone === phone || c.identities?.some((i: any) => i.value === phone));
    return contact && (list.body.items as any[]).find((c) => c.contact.id === contact.id);
  }, 10_000, `conversation of ${phone}`);
}

describe('phone channel through the hub', () => {
  it('creates the inbox with the webhook URLs to configure at Twilio, and never returns the auth token', async () => {
    expect(urls).toEqual({
      sms: `${hub.url}/webhooks/twilio/${inboxId}/sms`, voice: `${hub.url}/webhooks/twilio/${inboxId}/voice`, status: `${hub.url}/webhooks/twilio/${inboxId}/status`,
    });
    const got = await w.admin.get(`/api/v1/inboxes/${inboxId}`);
    expect(got.body.config).toMatchObject({ accountSid: ACCOUNT.sid, phoneNumber: INBOX_NUMBER });
    expect(JSON.stringify(got.body)).not.toContain(ACCOUNT.authToken);
  });

  it('refuses a config that names a bad field', async () => {
    const r = await w.admin.post('/api/v1/inboxes', { name: 'Bad', channel: 'phone', config: { accountSid: ACCOUNT.sid, authToken: 'x', phoneNumber: '415 555' } });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: 'invalid_request' });
    expect(JSON.stringify(r.body)).toMatch(/phoneNumber/);
  });

  it('a text, a missed call and a voicemail from one number land in one conversation', async () => {
    const customer = '+14155550131';
    const text = sms(customer, 'Hi, my delivery did not arrive');
    expect((await fake.sendWebhook(urls.sms, text)).status).toBe(200);
    expect((await fake.sendWebhook(urls.sms, text)).status).toBe(200); // Twilio retry: stored once
    const conv = await conversationOf(customer);

    const callSid = twilioSid('CA');
    const call: FormParams = { AccountSid: ACCOUNT.sid, CallSid: callSid, From: customer, To: INBOX_NUMBER, CallStatus: 'ringing', Direction: 'inbound' };
    // Nobody is online to ring, so the flow goes straight to voicemail and logs a missed call.
    const first = await fake.sendWebhook(urls.voice, call);
    expect(first.status).toBe(200);
    const [record] = twimlChildren(parseTwiml(first.body), 'Record');
    expect(record).toBeDefined();
    const recordingSid = twilioSid('RE');
    const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT.sid}/Recordings/${recordingSid}`;
    const done = await fake.sendWebhook(twimlAttr(record!, 'action')!, { ...call, CallStatus: 'in-progress', RecordingSid: recordingSid, RecordingUrl: recordingUrl, RecordingDuration: '12' });
    expect(done.status).toBe(200);

    const msgs = await waitFor(async () => { const m = await messagesOf(conv.id); return m.length >= 3 ? m : null; }, 10_000, 'three messages');
    expect(msgs.filter((m) => m.kind === 'message' && m.direction === 'in')).toEqual([expect.objectContaining({ text: 'Hi, my delivery did not arrive', externalId: text.MessageSid })]);
    const calls = msgs.filter((m) => m.kind === 'call');
    expect(calls.map((m) => m.call.phase)).toEqual(['no-agents', 'voicemail']);
    expect(calls[1].call).toMatchObject({ recordingUrl, durationSec: 12 });
    const summary = (await w.a.api.get(`/api/v1/conversations/${conv.id}`)).body;
    expect(summary.status).toBe('open');
  });

  it('refuses an unsigned webhook with 403 bad_signature and stores nothing', async () => {
    const customer = '+14155550132';
    const r = await fake.sendWebhook(urls.sms, sms(customer, 'forged'), { signature: 'Zm9yZ2Vk' });
    expect(r.status).toBe(403);
    expect(JSON.parse(r.body)).toMatchObject({ error: 'bad_signature', message: expect.any(String) });
    const contacts = await w.a.api.get(`/api/v1/contacts?q=${encodeURIComponent(customer)}`);
    expect(contacts.body.items).toHaveLength(0);
  });

  it('an agent reply goes out through the Twilio API and receipts move it forward, never back', async () => {
    const customer = '+14155550133';
    await fake.sendWebhook(urls.sms, sms(customer, 'Where is my order?'));
    const conv = await conversationOf(customer);
    const reply = await w.a.api.post(`/api/v1/conversations/${conv.id}/messages`, { text: 'It ships today.', clientId: 'tw-1' });
    expect(reply.status).toBe(201);
    const sent = await waitFor(() => fake.messages.find((m) => m.to === customer), 10_000, 'message at fake Twilio');
    expect(sent).toMatchObject({ from: INBOX_NUMBER, body: 'It ships today.', statusCallback: urls.status });
    const statusOf = async () => (await messagesOf(conv.id)).find((m) => m.id === reply.body.id);
    await waitFor(async () => (await statusOf())?.externalId === sent.sid, 10_000, 'externalId stored');

    expect((await fake.sendStatusCallback(sent.sid, 'delivered')).status).toBe(200);
    await waitFor(async () => (await statusOf())?.status === 'delivered', 10_000, 'delivered');
    expect((await fake.sendStatusCallback(sent.sid, 'sent')).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect((await statusOf()).status).toBe('delivered');
  });

  it('an undelivered SMS is marked failed with a readable reason', async () => {
    const customer = '+14155550134';
    await fake.sendWebhook(urls.sms, sms(customer, 'hello'));
    const conv = await conversationOf(customer);
    const reply = await w.a.api.post(`/api/v1/conversations/${conv.id}/messages`, { text: 'Are you there?' });
    const sent = await waitFor(() => fake.messages.find((m) => m.to === customer), 10_000, 'message at fake Twilio');
    await waitFor(async () => (await messagesOf(conv.id)).find((m) => m.id === reply.body.id)?.externalId === sent.sid, 10_000, 'externalId stored');
    await fake.sendStatusCallback(sent.sid, 'undelivered', { errorCode: 30003 });
    const m = await waitFor(async () => { const x = (await messagesOf(conv.id)).find((y) => y.id === reply.body.id); return x?.status === 'failed' ? x : null; }, 10_000, 'failed');
    expect(m.error).toMatch(/30003: unreachable destination handset/);
  });

  it('STOP opts the contact out: replies are refused with 422 until START', async () => {
    const customer = '+14155550135';
    await fake.sendWebhook(urls.sms, sms(customer, 'STOP'));
    const conv = await conversationOf(customer);
    const refused = await w.a.api.post(`/api/v1/conversations/${conv.id}/messages`, { text: 'One more thing' });
    expect(refused.status).toBe(422);
    expect(refused.body.error).toBe('not_deliverable');
    await fake.sendWebhook(urls.sms, sms(customer, 'START'));
    const ok = await waitFor(async () => {
      const r = await w.a.api.post(`/api/v1/conversations/${conv.id}/messages`, { text: 'Welcome back', clientId: 'tw-start' });
      return r.status === 201 ? r : null;
    }, 10_000, 'reply accepted after START');
    expect(ok.body.status).toBe('queued');
  });
});
