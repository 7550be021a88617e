import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedInbox } from '@parley/channel-kit';
import { twilioWebhookUrls, type PhoneInboxConfig } from '@parley/channel-twilio';
import {
  parseTwiml, startFakeTwilio, twilioSid, twimlAttr, twimlChildren, twimlText, twimlVerbs,
  type FakeTwilio, type FormParams, type TwimlNode,
} from '../fixtures/fake-twilio';
import { startTwilioTestApp, type TwilioTestApp } from '../fixtures/twilio-doubles';

const ACCOUNT = { sid: twilioSid('AC'), authToken: twilioSid('').slice(0, 32) };
const INBOX_NUMBER = '+14155550100';
const CALLER = '+14155550123';
const AGENT_PHONE = '+14155550177';
const DESK_PHONE = '+14155550188';
const WS = 'ws-voice';

/** Open every day, all day / never open: keeps the tests independent of when they run. */
type Hours = ResolvedInbox['businessHours'];
const ALWAYS_OPEN: Hours = {
  timezone: 'America/New_York',
  weekly: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((d): [string, Array<[string, string]>] => [d, [['00:00', '24:00']]])),
};
const NEVER_OPEN: Hours = { timezone: 'America/New_York', weekly: {} };

describe('Twilio voice flow', () => {
  let fake: FakeTwilio;
  let t: TwilioTestApp;

  function inbox(id: string, voice: PhoneInboxConfig['voice'], businessHours: Hours): string {
    const config = t.adapter.validateConfig(
      { accountSid: ACCOUNT.sid, authToken: ACCOUNT.authToken, phoneNumber: INBOX_NUMBER, apiBaseUrl: fake.url, voice },
      { allowPrivateUrls: true });
    t.runtime.addInbox({ id, workspaceId: WS, config, businessHours });
    return id;
  }

  function incoming(callSid: string, extra: FormParams = {}): FormParams {
    return {
      AccountSid: ACCOUNT.sid, ApiVersion: '2010-04-01', CallSid: callSid, CallStatus: 'ringing', Direction: 'inbound',
      From: CALLER, To: INBOX_NUMBER, CallerCountry: 'US', ...extra,
    };
  }

  async function post(url: string, params: FormParams): Promise<TwimlNode> {
    const res = await fake.sendWebhook(url, params);
    expect(res.status).toBe(200);
    expect(res.contentType).toMatch(/^text\/xml/);
    return parseTwiml(res.body);
  }

  function expectVoicemail(r: TwimlNode): TwimlNode {
    expect(twimlVerbs(r)).toEqual(expect.arrayContaining(['Say', 'Record']));
    expect(twimlText(twimlChildren(r, 'Say')[0]!)).toMatch(/leave a message/);
    const [record] = twimlChildren(r, 'Record');
    expect(twimlAttr(record!, 'transcribe')).toBe('true');
    for (const a of ['action', 'recordingStatusCallback', 'transcribeCallback']) expect(twimlAttr(record!, a)).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/webhooks\/twilio\//);
    return record!;
  }

  beforeAll(async () => {
    fake = await startFakeTwilio({ accounts: [{ ...ACCOUNT, phoneNumbers: [INBOX_NUMBER] }] });
    t = await startTwilioTestApp();
    inbox('open', { enabled: true, ringSeconds: 15, agentNumbers: [DESK_PHONE] }, ALWAYS_OPEN);
    inbox('closed', { enabled: true }, NEVER_OPEN);
    inbox('no-voice', { enabled: false }, null);
    inbox('nobody', { enabled: true }, null);
    t.runtime.agents.set('open', [{ id: 'u1', name: 'Ana', phone: '+1 (415) 555-0177' }, { id: 'u2', name: 'Bo', phone: null }]);
  });
  afterAll(async () => {
    await t?.close();
    await fake?.stop();
  });
  beforeEach(() => t.sink.reset());

  it('within business hours rings the available agents and the desk numbers, with a dial-result action', async () => {
    const sid = twilioSid('CA');
    const r = await post(twilioWebhookUrls(t.url, 'open').voice, incoming(sid));
    expect(twimlVerbs(r)).toEqual(['Dial']);
    const [dial] = twimlChildren(r, 'Dial');
    expect(twimlAttr(dial!, 'timeout')).toBe('15');
    const action = new URL(twimlAttr(dial!, 'action')!);
    expect(action.pathname).toBe('/webhooks/twilio/open/voice/dial-result');
    expect(twimlChildren(dial!, 'Number').map(twimlText)).toEqual([AGENT_PHONE, DESK_PHONE]);
    expect(t.sink.calls()).toEqual([expect.objectContaining({
      type: 'call', inboxId: 'open', externalId: `${sid}:ringing`, phase: 'ringing', from: { type: 'phone', value: CALLER },
    })]);
    expect(t.sink.calls()[0]!.opens).toBeFalsy();
    expect(t.sink.events[0]!.workspaceId).toBe(WS);
  });

  it('after hours goes straight to voicemail and logs a missed call that opens the conversation', async () => {
    const sid = twilioSid('CA');
    const r = await post(twilioWebhookUrls(t.url, 'closed').voice, incoming(sid));
    expect(twimlVerbs(r)).not.toContain('Dial');
    expect(twimlText(twimlChildren(r, 'Say')[0]!)).toMatch(/closed/);
    expectVoicemail(r);
    expect(t.sink.calls()).toEqual([expect.objectContaining({ externalId: `${sid}:missed`, phase: 'after-hours', opens: true })]);
  });

  it.each([['no-voice', 'voice-disabled'], ['nobody', 'no-agents']])('inbox %s takes a voicemail (%s)', async (id, phase) => {
    const r = await post(twilioWebhookUrls(t.url, id).voice, incoming(twilioSid('CA')));
    expectVoicemail(r);
    expect(t.sink.calls()).toEqual([expect.objectContaining({ phase, opens: true })]);
  });

  it('no answer → voicemail → recording: follows the action URLs to a call event with the recording', async () => {
    const sid = twilioSid('CA');
    const first = await post(twilioWebhookUrls(t.url, 'open').voice, incoming(sid));
    const dialAction = twimlAttr(twimlChildren(first, 'Dial')[0]!, 'action')!;

    const afterDial = await post(dialAction, incoming(sid, { CallStatus: 'in-progress', DialCallStatus: 'no-answer' }));
    expect(twimlText(twimlChildren(afterDial, 'Say')[0]!)).toMatch(/nobody could take your call/);
    const record = expectVoicemail(afterDial);

    const recordingSid = twilioSid('RE');
    const recordingUrl = `https://api.twilio.com/2010-04-01/Accounts/${ACCOUNT.sid}/Recordings/${recordingSid}`;
    const recording = { RecordingSid: recordingSid, RecordingUrl: recordingUrl, RecordingDuration: '17' };
    const bye = await post(twimlAttr(record, 'action')!, incoming(sid, { CallStatus: 'in-progress', Digits: 'hangup', ...recording }));
    expect(twimlVerbs(bye)).toEqual(expect.arrayContaining(['Hangup']));

    // Twilio also reports the recording on recordingStatusCallback (which does not repeat From): same event, stored once.
    const status = await fake.sendWebhook(twimlAttr(record, 'recordingStatusCallback')!, {
      AccountSid: ACCOUNT.sid, CallSid: sid, RecordingStatus: 'completed', RecordingSource: 'RecordVerb', ...recording,
    });
    expect(status.status).toBe(200);

    const transcript = await fake.sendWebhook(twimlAttr(record, 'transcribeCallback')!, {
      AccountSid: ACCOUNT.sid, CallSid: sid, From: CALLER, To: INBOX_NUMBER, TranscriptionSid: twilioSid('TR'),
      TranscriptionStatus: 'completed', TranscriptionText: 'Hi, please call me back about my order.', ...recording,
    });
    expect(transcript.status).toBe(200);

    expect(t.sink.calls().map((c) => [c.externalId, c.phase, c.opens ?? false])).toEqual([
      [`${sid}:ringing`, 'ringing', false],
      [`${sid}:missed`, 'no-answer', true],
      [`${sid}:voicemail:${recordingSid}`, 'voicemail', true],
      [`${sid}:transcript:${recordingSid}`, 'transcription', false],
    ]);
    const voicemail = t.sink.calls()[2]!;
    expect(voicemail).toMatchObject({ from: { type: 'phone', value: CALLER }, recordingUrl, durationSec: 17, opens: true });
    expect(t.sink.calls()[3]).toMatchObject({ transcript: 'Hi, please call me back about my order.', recordingUrl, from: { value: CALLER } });
    expect(t.sink.duplicates).toHaveLength(1);
  });

  it('an answered call logs answered and completed with its duration, then hangs up', async () => {
    const sid = twilioSid('CA');
    const first = await post(twilioWebhookUrls(t.url, 'open').voice, incoming(sid));
    const [dial] = twimlChildren(first, 'Dial');
    const [number] = twimlChildren(dial!, 'Number');
    expect(twimlAttr(number!, 'statusCallbackEvent')).toBe('answered');
    const agentLeg = twilioSid('CA');
    const answered = await fake.sendWebhook(twimlAttr(number!, 'statusCallback')!, {
      AccountSid: ACCOUNT.sid, CallSid: agentLeg, ParentCallSid: sid, CallStatus: 'in-progress', From: CALLER, To: AGENT_PHONE, Direction: 'outbound-dial',
    });
    expect(answered.status).toBe(200);
    const end = await post(twimlAttr(dial!, 'action')!, incoming(sid, { CallStatus: 'in-progress', DialCallStatus: 'completed', DialCallSid: agentLeg, DialCallDuration: '95' }));
    expect(twimlVerbs(end)).toEqual(['Hangup']);
    expect(t.sink.calls().map((c) => [c.externalId, c.phase, c.durationSec])).toEqual([
      [`${sid}:ringing`, 'ringing', undefined],
      [`${sid}:answered`, 'answered', undefined],
      [`${sid}:completed`, 'completed', 95],
    ]);
  });

  it('checks the signature on every step, not just the first', async () => {
    const sid = twilioSid('CA');
    const first = await post(twilioWebhookUrls(t.url, 'open').voice, incoming(sid));
    const dialAction = twimlAttr(twimlChildren(first, 'Dial')[0]!, 'action')!;
    t.sink.reset();
    const forged = await fake.sendWebhook(dialAction, incoming(sid, { DialCallStatus: 'no-answer' }), { signature: 'Zm9yZ2Vk' });
    expect(forged.status).toBe(403);
    expect(JSON.parse(forged.body)).toMatchObject({ error: 'bad_signature' });
    // The caller number travels in the signed query: changing it breaks the signature.
    const tampered = dialAction.replace(encodeURIComponent(CALLER), encodeURIComponent('+14155550999'));
    expect(tampered).not.toBe(dialAction);
    const { getExpectedTwilioSignature } = (await import('twilio')).default;
    const params = incoming(sid, { DialCallStatus: 'no-answer' });
    const res = await fake.sendWebhook(tampered, params, { signature: getExpectedTwilioSignature(ACCOUNT.authToken, dialAction, params) });
    expect(res.status).toBe(403);
    expect(t.sink.events).toHaveLength(0);
  });

  it('keeps the call going when storing the log line fails', async () => {
    t.sink.failWith = new Error('database unavailable');
    const r = await post(twilioWebhookUrls(t.url, 'open').voice, incoming(twilioSid('CA')));
    expect(twimlVerbs(r)).toEqual(['Dial']);
  });
});
