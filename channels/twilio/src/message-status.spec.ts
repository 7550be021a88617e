import { describe, expect, it } from 'vitest';
import { parseStatusCallback } from './message-status';
import { describeTwilioError, toChannelSendError } from './twilio-errors';

const at = new Date(0);

describe('parseStatusCallback', () => {
  it.each([['sent', 'sent'], ['delivered', 'delivered'], ['read', 'read'], ['undelivered', 'failed'], ['failed', 'failed']])(
    '%s → %s', (raw, status) => {
      expect(parseStatusCallback({ MessageSid: 'SM1', MessageStatus: raw }, 'ibx', at)).toMatchObject({ type: 'status', externalId: 'SM1', status });
    });

  it.each(['queued', 'accepted', 'sending', 'scheduled', 'canceled', 'receiving', 'received'])('emits nothing for %s', (raw) => {
    expect(parseStatusCallback({ MessageSid: 'SM1', MessageStatus: raw }, 'ibx', at)).toBeNull();
  });

  it.each([
    ['30003', /unreachable destination handset/], ['30004', /blocked/], ['30005', /unknown destination handset/],
    ['30006', /landline or unreachable carrier/], ['30007', /filtered by the carrier/], ['30008', /unknown error/],
    ['21610', /opted out/], ['21211', /invalid 'To' phone number/],
  ])('explains error %s', (code, reason) => {
    const e = parseStatusCallback({ MessageSid: 'SM1', MessageStatus: 'undelivered', ErrorCode: code }, 'ibx', at);
    expect(e?.error).toMatch(new RegExp(`^${code}: `));
    expect(e?.error).toMatch(reason);
  });

  it('keeps an unknown code with Twilio\'s own message', () => {
    expect(describeTwilioError('39999', 'Something odd')).toBe('39999: Something odd');
  });
});

describe('toChannelSendError', () => {
  it('treats 4xx as final and 5xx/429/transport errors as retryable', () => {
    expect(toChannelSendError({ status: 400, code: 21610, message: 'Attempt to send to unsubscribed recipient' })).toMatchObject({
      retryable: false, code: 'twilio_21610', message: expect.stringMatching(/21610 \(recipient has opted out.*\): Attempt to send/),
    });
    expect(toChannelSendError({ status: 503, code: 20503, message: 'down' }).retryable).toBe(true);
    expect(toChannelSendError({ status: 429, code: 20429, message: 'slow down' }).retryable).toBe(true);
    expect(toChannelSendError(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toMatchObject({ retryable: true, code: 'network' });
  });
});
