import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ChannelSendError, type OutboundMessage, type SendContext } from '@parley/channel-kit';
import { twilioWebhookUrls, type PhoneInboxConfig } from '@parley/channel-twilio';
import {
  parseTwiml, startFakeTwilio, twimlAttr, twilioSid, twimlChildren, twimlText, type FakeTwilio,
} from '../fixtures/fake-twilio';
import { startTwilioTestApp, type TwilioTestApp } from '../fixtures/twilio-doubles';

const ACCOUNT = { sid: twilioSid('AC'), authToken: twilioSid('').slice(0, 32) };
const INBOX_NUMBER = '+14155550100';
const CUSTOMER = '+14155550123';
const AGENT = '+14155550177';
const INBOX_ID = 'inbox-send-1';

function outbound(over: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'msg-1', deliveryId: 'del-1', conversationId: 'conv-1', text: 'Your order has shipped.', attachments: [],
    createdAt: new Date().toISOString(),
    contact: { id: 'contact-1', name: 'Jo', identifier: null, email: null, phone: CUSTOMER },
    ...over,
  };
}

async function sendError(p: Promise<unknown>): Promise<ChannelSendError> {
  const err = await p.then(() => null, (e: unknown) => e);
  expect(err).toBeInstanceOf(ChannelSendError);
  return err as ChannelSendError;
}

describe('TwilioAdapter against the fake Twilio API', () => {
  let fake: FakeTwilio;
  let t: TwilioTestApp;
  let ctx: SendContext<PhoneInboxConfig>;

  beforeAll(async () => {
    fake = await startFakeTwilio({ accounts: [{ ...ACCOUNT, phoneNumbers: [INBOX_NUMBER] }] });
    t = await startTwilioTestApp();
    const config = t.adapter.validateConfig(
      { accountSid: ACCOUNT.sid, authToken: ACCOUNT.authToken, phoneNumber: INBOX_NUMBER, apiBaseUrl: fake.url, voice: { enabled: true, ringSeconds: 25 } },
      { allowPrivateUrls: true });
    ctx = { inbox: t.runtime.addInbox({ id: INBOX_ID, workspaceId: 'ws-1', config }), config };
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
  });
  beforeEach(() => {
    t.sink.reset();
    t.runtime.allowPrivate = true;
  });

  it('sends an SMS with the right From/To/Body and our StatusCallback', async () => {
    const before = fake.messages.length;
    const result = await t.adapter.send(ctx, outbound());
    expect(fake.messages).toHaveLength(before + 1);
    const m = fake.messages.at(-1)!;
    expect(result.externalId).toBe(m.sid);
    expect(result.externalId).toMatch(/^SM[0-9a-f]{32}$/);
    expect(result.status).toBeUndefined(); // only queued at Twilio: 'sent' comes from the status callback
    expect(m).toMatchObject({
      accountSid: ACCOUNT.sid, from: INBOX_NUMBER, to: CUSTOMER, body: 'Your order has shipped.', mediaUrl: [],
      statusCallback: twilioWebhookUrls(t.url, INBOX_ID).status,
    });
  });

  it('sends attachments as MediaUrl (MMS)', async () => {
    await t.adapter.send(ctx, outbound({
      text: '',
      attachments: [
        { id: 'a1', name: 'a.png', contentType: 'image/png', size: 3, path: '/x/a.png', url: 'https://files.example.com/a.png?sig=1' },
        { id: 'a2', name: 'b.jpg', contentType: 'image/jpeg', size: 3, path: '/x/b.jpg', url: 'https://files.example.com/b.jpg?sig=2' },
      ],
    }));
    const m = fake.messages.at(-1)!;
    expect(m.mediaUrl).toEqual(['https://files.example.com/a.png?sig=1', 'https://files.example.com/b.jpg?sig=2']);
    expect(m.params.Body).toBeUndefined();
  });

  it('falls back to the identifier when the contact has no phone field', async () => {
    await t.adapter.send(ctx, outbound({ contact: { id: 'c', name: 'x', identifier: '+44 20 7946 0958', email: null, phone: null } }));
    expect(fake.messages.at(-1)!.to).toBe('+442079460958');
  });

  it('refuses without calling Twilio when there is nobody or nothing to send', async () => {
    const before = fake.requests.length;
    expect((await sendError(t.adapter.send(ctx, outbound({ contact: { id: 'c', name: 'x', identifier: null, email: 'a@b.c', phone: null } })))).retryable).toBe(false);
    expect((await sendError(t.adapter.send(ctx, outbound({ text: '   ' })))).retryable).toBe(false);
    const noUrl = await sendError(t.adapter.send(ctx, outbound({ attachments: [{ id: 'a', name: 'a.png', contentType: 'image/png', size: 1, path: '/a' }] })));
    expect(noUrl.message).toMatch(/public URL/);
    expect(fake.requests.length).toBe(before);
  });

  it('maps an opted-out recipient (21610) to a final error naming the code and reason', async () => {
    fake.optedOut.add('+14155550999');
    const err = await sendError(t.adapter.send(ctx, outbound({ contact: { id: 'c', name: 'x', identifier: null, email: null, phone: '+14155550999' } })));
    expect(err.retryable).toBe(false);
    expect(err.code).toBe('twilio_21610');
    expect(err.message).toMatch(/21610/);
    expect(err.message).toMatch(/opted out/);
  });

  it('maps wrong credentials (401, 20003) to a final error', async () => {
    const err = await sendError(t.adapter.send({ ...ctx, config: { ...ctx.config, authToken: 'f'.repeat(32) } }, outbound()));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/20003/);
    expect(fake.requests.at(-1)).toMatchObject({ status: 401 });
  });

  it('maps an invalid To number (21211) to a final error', async () => {
    // libphonenumber thinks +1 555 012 3456 is possible; Twilio's stricter check is the one that answers.
    fake.failNext(400, 21211, "Invalid 'To' Phone Number: +15550123456");
    const err = await sendError(t.adapter.send(ctx, outbound()));
    expect(err).toMatchObject({ retryable: false, code: 'twilio_21211' });
    expect(err.message).toMatch(/invalid 'To' phone number/);
  });

  it.each([[500, 20500], [503, 20503], [429, 20429]])('retries on HTTP %s', async (status, code) => {
    fake.failNext(status, code, 'Service unavailable');
    const err = await sendError(t.adapter.send(ctx, outbound()));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(String(code));
  });

  it('retries when the API cannot be reached', async () => {
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    const err = await sendError(t.adapter.send({ ...ctx, config: { ...ctx.config, apiBaseUrl: `http://127.0.0.1:${port}` } }, outbound()));
    expect(err.retryable).toBe(true);
  });

  it('refuses a private apiBaseUrl at send time when the hub does not allow private URLs', async () => {
    t.runtime.allowPrivate = false;
    const err = await sendError(t.adapter.send(ctx, outbound()));
    expect(err).toMatchObject({ retryable: false, code: 'bad_api_base_url' });
  });

  describe('testConnection', () => {
    it('confirms credentials and that the number belongs to the account', async () => {
      const r = await t.adapter.testConnection(ctx.config);
      expect(r).toMatchObject({ ok: true, details: { capabilities: { sms: true, voice: true } } });
    });
    it('explains wrong credentials and a foreign number', async () => {
      expect(await t.adapter.testConnection({ ...ctx.config, authToken: 'e'.repeat(32) })).toMatchObject({ ok: false, error: expect.stringMatching(/20003/) });
      expect(await t.adapter.testConnection({ ...ctx.config, phoneNumber: '+14155550111' })).toMatchObject({ ok: false, error: expect.stringMatching(/\+14155550111 is not a phone number of this Twilio account/) });
    });
  });

  describe('click-to-call', () => {
    it('rings the agent first, then the bridge step dials the customer and logs the outcome', async () => {
      const { externalId } = await t.adapter.startCall(ctx, { agentNumber: AGENT, customerNumber: CUSTOMER, conversationId: 'conv-9' });
      const call = fake.calls.at(-1)!;
      expect(call).toMatchObject({ sid: externalId, to: AGENT, from: INBOX_NUMBER, method: 'POST', timeout: 25, statusCallbackEvent: ['completed'] });
      const bridgeUrl = new URL(call.url!);
      expect(bridgeUrl.pathname).toBe(`/webhooks/twilio/${INBOX_ID}/voice/bridge`);
      expect(bridgeUrl.searchParams.get('to')).toBe(CUSTOMER);
      expect(new URL(call.statusCallback!).pathname).toBe(`/webhooks/twilio/${INBOX_ID}/voice/call-status`);

      // Twilio fetches the bridge TwiML once the agent answers.
      const legParams = { CallSid: externalId, AccountSid: ACCOUNT.sid, From: INBOX_NUMBER, To: AGENT, CallStatus: 'in-progress', Direction: 'outbound-api' };
      const bridge = await fake.sendWebhook(call.url!, legParams);
      expect(bridge.status).toBe(200);
      const [dial] = twimlChildren(parseTwiml(bridge.body), 'Dial');
      expect(twimlAttr(dial!, 'callerId')).toBe(INBOX_NUMBER);
      expect(twimlChildren(dial!, 'Number').map(twimlText)).toEqual([CUSTOMER]);

      const result = await fake.sendWebhook(twimlAttr(dial!, 'action')!, { ...legParams, DialCallStatus: 'completed', DialCallDuration: '42' });
      expect(result.status).toBe(200);
      expect(twimlChildren(parseTwiml(result.body), 'Hangup')).toHaveLength(1);
      expect(t.sink.calls()).toEqual([expect.objectContaining({
        type: 'call', inboxId: INBOX_ID, externalId: `${externalId}:outbound`, from: { type: 'phone', value: CUSTOMER },
        phase: 'outbound-completed', durationSec: 42,
      })]);
    });

    it('logs an agent who never picked up', async () => {
      const { externalId } = await t.adapter.startCall(ctx, { agentNumber: AGENT, customerNumber: CUSTOMER, conversationId: 'conv-9' });
      const call = fake.calls.at(-1)!;
      const res = await fake.sendWebhook(call.statusCallback!, { CallSid: externalId, AccountSid: ACCOUNT.sid, CallStatus: 'no-answer', From: INBOX_NUMBER, To: AGENT });
      expect(res.status).toBe(200);
      expect(t.sink.calls()).toEqual([expect.objectContaining({ externalId: `${externalId}:agent-leg`, phase: 'agent-no-answer', from: { type: 'phone', value: CUSTOMER } })]);
    });

    it('refuses a bridge step that is not signed', async () => {
      await t.adapter.startCall(ctx, { agentNumber: AGENT, customerNumber: CUSTOMER, conversationId: 'conv-9' });
      const res = await fake.sendWebhook(fake.calls.at(-1)!.url!.replace(encodeURIComponent(CUSTOMER), encodeURIComponent('+19005550100')),
        { CallSid: twilioSid('CA'), CallStatus: 'in-progress' }, { signature: 'forged' });
      expect(res.status).toBe(403);
    });

    it('refuses when voice is off', async () => {
      const off = { ...ctx, config: { ...ctx.config, voice: { enabled: false } } };
      const err = await sendError(t.adapter.startCall(off, { agentNumber: AGENT, customerNumber: CUSTOMER, conversationId: 'c' }));
      expect(err).toMatchObject({ retryable: false, code: 'voice_disabled' });
    });
  });
});
