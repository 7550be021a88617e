import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { twilioWebhookUrls } from '@parley/channel-twilio';
import { parseTwiml, startFakeTwilio, twilioSid, twimlVerbs, type FakeTwilio, type FormParams } from '../fixtures/fake-twilio';
import { startTwilioTestApp, type TwilioTestApp } from '../fixtures/twilio-doubles';

const ACCOUNT = { sid: twilioSid('AC'), authToken: twilioSid('').slice(0, 32) };
const OTHER_ACCOUNT = { sid: twilioSid('AC'), authToken: twilioSid('').slice(0, 32) };
const INBOX_NUMBER = '+14155550100';
const CUSTOMER = '+14155550123';
const INBOX_ID = 'inbox-sms-1';
const WORKSPACE_ID = 'ws-1';

describe('Twilio webhooks: SMS, MMS and status callbacks', () => {
  let fake: FakeTwilio;
  let t: TwilioTestApp;
  let urls: { sms: string; voice: string; status: string };

  beforeAll(async () => {
    fake = await startFakeTwilio({ accounts: [{ ...ACCOUNT, phoneNumbers: [INBOX_NUMBER] }, OTHER_ACCOUNT] });
    t = await startTwilioTestApp();
    t.runtime.addInbox({
      id: INBOX_ID, workspaceId: WORKSPACE_ID,
      config: t.adapter.validateConfig(
        { accountSid: ACCOUNT.sid, authToken: ACCOUNT.authToken, phoneNumber: '+1 415 555 0100', apiBaseUrl: fake.url },
        { allowPrivateUrls: true }),
    });
    urls = twilioWebhookUrls(t.url, INBOX_ID);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
  });
  beforeEach(() => t.sink.reset());

  function sms(extra: FormParams = {}): FormParams {
    const sid = twilioSid('SM');
    return {
      ToCountry: 'US', SmsMessageSid: sid, NumMedia: '0', SmsSid: sid, SmsStatus: 'received', Body: 'Hello there',
      To: INBOX_NUMBER, NumSegments: '1', MessageSid: sid, AccountSid: ACCOUNT.sid, From: CUSTOMER, ApiVersion: '2010-04-01',
      ...extra,
    };
  }

  it('registers the adapter for the phone channel', () => {
    expect(t.registry.get('phone')).toBe(t.adapter);
  });

  it('ingests a correctly signed SMS and answers empty TwiML', async () => {
    const params = sms({ Body: 'Hi, is my order shipped?' });
    const res = await fake.sendWebhook(urls.sms, params);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/xml/);
    expect(twimlVerbs(parseTwiml(res.body))).toEqual([]);

    expect(t.sink.events).toHaveLength(1);
    expect(t.sink.events[0]!.workspaceId).toBe(WORKSPACE_ID);
    const [m] = t.sink.messages();
    expect(m).toMatchObject({
      type: 'message', inboxId: INBOX_ID, externalId: params.MessageSid,
      from: { type: 'phone', value: CUSTOMER }, text: 'Hi, is my order shipped?', attachments: [],
    });
    expect(m!.optOut).toBeUndefined();
    expect(m!.at).toBeInstanceOf(Date);
  });

  it.each([
    ['a wrong signature', { signature: 'c2lnbmF0dXJlIHRoYXQgaXMgd3Jvbmc=' }],
    ['no signature', { signature: null }],
    ["another account's token", { accountSid: OTHER_ACCOUNT.sid }],
  ] as const)('refuses %s with 403 bad_signature and stores nothing', async (_, opts) => {
    const res = await fake.sendWebhook(urls.sms, sms(), opts);
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'bad_signature', message: expect.any(String) });
    expect(t.sink.events).toHaveLength(0);
  });

  it('refuses a body altered after signing', async () => {
    const params = sms({ Body: 'original' });
    const { getExpectedTwilioSignature } = (await import('twilio')).default;
    const signature = getExpectedTwilioSignature(ACCOUNT.authToken, urls.sms, params);
    const res = await fake.sendWebhook(urls.sms, { ...params, Body: 'tampered' }, { signature });
    expect(res.status).toBe(403);
    expect(t.sink.events).toHaveLength(0);
  });

  it('refuses a signature made for another inbox URL', async () => {
    const params = sms();
    const { getExpectedTwilioSignature } = (await import('twilio')).default;
    const signature = getExpectedTwilioSignature(ACCOUNT.authToken, twilioWebhookUrls(t.url, 'other-inbox').sms, params);
    const res = await fake.sendWebhook(urls.sms, params, { signature });
    expect(res.status).toBe(403);
    expect(t.sink.events).toHaveLength(0);
  });

  it('answers 403 for an unknown inbox', async () => {
    const res = await fake.sendWebhook(twilioWebhookUrls(t.url, 'no-such-inbox').sms, sms());
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'bad_signature' });
    expect(t.sink.events).toHaveLength(0);
  });

  it('stores a redelivered MessageSid once and still answers 200', async () => {
    const params = sms();
    const first = await fake.sendWebhook(urls.sms, params);
    const second = await fake.sendWebhook(urls.sms, params);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(t.sink.messages()).toHaveLength(1);
    expect(t.sink.duplicates).toHaveLength(1);
  });

  it.each([
    ['STOP', true], ['  stop ', true], ['StopAll', true], ['UNSUBSCRIBE', true], ['cancel', true], ['End', true], ['quit', true],
    ['START', false], ['yes', false], ['Unstop', false],
  ] as const)('flags %j as optOut=%s and still ingests the message', async (body, optOut) => {
    const res = await fake.sendWebhook(urls.sms, sms({ Body: body }));
    expect(res.status).toBe(200);
    const [m] = t.sink.messages();
    expect(m).toMatchObject({ text: body, optOut });
    expect(t.sink.optedOut.get(CUSTOMER)).toBe(optOut);
  });

  it('does not treat a sentence containing a keyword as an opt-out', async () => {
    await fake.sendWebhook(urls.sms, sms({ Body: 'please stop the delivery' }));
    expect(t.sink.messages()[0]!.optOut).toBeUndefined();
  });

  it('fetches MMS media with the account credentials into attachments', async () => {
    const jpeg = Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    const vcard = Buffer.from('BEGIN:VCARD\nFN:Jo\nEND:VCARD\n');
    const a = fake.addMedia(ACCOUNT.sid, 'image/jpeg', jpeg);
    const b = fake.addMedia(ACCOUNT.sid, 'text/vcard', vcard);
    const res = await fake.sendWebhook(urls.sms, sms({
      Body: '', NumMedia: '2', MediaUrl0: a.url, MediaContentType0: 'image/jpeg', MediaUrl1: b.url, MediaContentType1: 'text/vcard',
    }));
    expect(res.status).toBe(200);
    const [m] = t.sink.messages();
    expect(m!.attachments).toHaveLength(2);
    expect(m!.attachments[0]).toMatchObject({ name: `${a.sid}.jpg`, contentType: 'image/jpeg' });
    expect(m!.attachments[0]!.data.equals(jpeg)).toBe(true);
    expect(m!.attachments[1]).toMatchObject({ name: `${b.sid}.vcf`, contentType: 'text/vcard' });
    expect(m!.attachments[1]!.data.equals(vcard)).toBe(true);
    // The media endpoint only answers with Basic auth; a 401 there would have left the attachments empty.
    expect(fake.requests.filter((r) => r.path.includes(`/Media/${a.sid}`))).toEqual([expect.objectContaining({ status: 307, authorized: true })]);
  });

  it('keeps the message when a media download fails, noting what is missing', async () => {
    const missing = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT.sid}/Messages/${twilioSid('MM')}/Media/${twilioSid('ME')}`;
    const res = await fake.sendWebhook(urls.sms, sms({ Body: 'see photo', NumMedia: '1', MediaUrl0: missing, MediaContentType0: 'image/png' }));
    expect(res.status).toBe(200);
    const [m] = t.sink.messages();
    expect(m).toMatchObject({ text: 'see photo', attachments: [] });
    expect(m!.meta?.mediaFailed).toEqual([{ url: missing, error: expect.stringContaining('404') }]);
  });

  describe('status callbacks', () => {
    async function sendOne(): Promise<string> {
      const resolved = t.runtime.inbox(INBOX_ID);
      const { externalId } = await t.adapter.send(resolved, {
        id: 'm1', deliveryId: 'd1', conversationId: 'c1', text: 'Your order shipped', attachments: [], createdAt: new Date().toISOString(),
        contact: { id: 'k1', name: 'Jo', identifier: null, email: null, phone: CUSTOMER },
      });
      return externalId;
    }

    it('reports delivered-then-sent in arrival order; the ranked status stays delivered', async () => {
      const sid = await sendOne();
      expect((await fake.sendStatusCallback(sid, 'delivered')).status).toBe(200);
      expect((await fake.sendStatusCallback(sid, 'sent')).status).toBe(200);
      expect(t.sink.statusEvents().map((e) => [e.externalId, e.status])).toEqual([[sid, 'delivered'], [sid, 'sent']]);
      expect(t.sink.statusOf(INBOX_ID, sid)).toEqual({ status: 'delivered' });
    });

    it('emits nothing for queued, accepted and sending', async () => {
      const sid = await sendOne();
      for (const s of ['queued', 'accepted', 'sending']) expect((await fake.sendStatusCallback(sid, s)).status).toBe(200);
      expect(t.sink.events).toHaveLength(0);
    });

    it.each([
      [30003, 'undelivered', /^30003: unreachable destination handset/],
      [30005, 'undelivered', /^30005: unknown destination handset/],
      [30007, 'failed', /^30007: filtered by the carrier/],
      [21610, 'failed', /^21610: recipient has opted out/],
    ] as const)('maps error %s (%s) to failed with a readable reason', async (code, status, reason) => {
      const sid = await sendOne();
      await fake.sendStatusCallback(sid, status, { errorCode: code });
      const [e] = t.sink.statusEvents();
      expect(e).toMatchObject({ type: 'status', inboxId: INBOX_ID, externalId: sid, status: 'failed' });
      expect(e!.error).toMatch(reason);
    });

    it('refuses an unsigned status callback', async () => {
      const sid = await sendOne();
      const res = await fake.sendWebhook(urls.status, { MessageSid: sid, MessageStatus: 'delivered', AccountSid: ACCOUNT.sid }, { signature: null });
      expect(res.status).toBe(403);
      expect(t.sink.events).toHaveLength(0);
    });
  });
});
