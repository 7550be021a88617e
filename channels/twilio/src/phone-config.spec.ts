import { describe, expect, it } from 'vitest';
import { ChannelConfigError } from '@parley/channel-kit';
import { senderValue, twilioWebhookUrls, validatePhoneConfig } from './phone-config';

const SID = `AC${'0123456789abcdef'.repeat(2)}`;
const base = { accountSid: SID, authToken: 'a'.repeat(32), phoneNumber: '+1 (415) 555-0100' };
const strict = { allowPrivateUrls: false };

function fieldOf(input: unknown, ctx = strict): string {
  try {
    validatePhoneConfig(input, ctx);
  } catch (err) {
    expect(err).toBeInstanceOf(ChannelConfigError);
    return (err as ChannelConfigError).field;
  }
  throw new Error('expected a ChannelConfigError');
}

describe('validatePhoneConfig', () => {
  it('normalises numbers to E.164 and keeps only known fields', () => {
    expect(validatePhoneConfig({ ...base, extra: 1, voice: { enabled: true, agentNumbers: ['+44 20 7946 0958', '+442079460958'] } }, strict)).toEqual({
      accountSid: SID, authToken: 'a'.repeat(32), phoneNumber: '+14155550100',
      voice: { enabled: true, agentNumbers: ['+442079460958'] },
    });
  });

  it.each([
    [{ ...base, accountSid: undefined }, 'accountSid'],
    [{ ...base, accountSid: 'SK123' }, 'accountSid'],
    [{ ...base, authToken: '' }, 'authToken'],
    [{ ...base, phoneNumber: undefined }, 'phoneNumber'],
    [{ ...base, phoneNumber: '415 555 0100' }, 'phoneNumber'],
    [{ ...base, voice: 'yes' }, 'voice'],
    [{ ...base, voice: { enabled: 'true' } }, 'voice.enabled'],
    [{ ...base, voice: { enabled: true, ringSeconds: 2 } }, 'voice.ringSeconds'],
    [{ ...base, voice: { enabled: true, ringSeconds: 12.5 } }, 'voice.ringSeconds'],
    [{ ...base, voice: { enabled: true, agentNumbers: ['+14155550101', 'call me'] } }, 'voice.agentNumbers[1]'],
    [{ ...base, apiBaseUrl: 'not a url' }, 'apiBaseUrl'],
    [{ ...base, apiBaseUrl: 'ftp://example.com' }, 'apiBaseUrl'],
    [{ ...base, apiBaseUrl: 'http://127.0.0.1:4010' }, 'apiBaseUrl'],
    [{ ...base, apiBaseUrl: 'http://localhost:4010' }, 'apiBaseUrl'],
    [{ ...base, apiBaseUrl: 'http://[::1]:4010' }, 'apiBaseUrl'],
    [{ ...base, apiBaseUrl: 'http://10.1.2.3' }, 'apiBaseUrl'],
    [null, 'config'],
  ])('names the offending field (%#)', (input, field) => {
    expect(fieldOf(input)).toBe(field);
  });

  it('allows a private apiBaseUrl when the hub allows private URLs, without a trailing slash', () => {
    expect(validatePhoneConfig({ ...base, apiBaseUrl: 'http://127.0.0.1:4010/' }, { allowPrivateUrls: true }).apiBaseUrl).toBe('http://127.0.0.1:4010');
  });
});

describe('twilioWebhookUrls', () => {
  it('builds the three public webhook URLs under PUBLIC_URL', () => {
    expect(twilioWebhookUrls('https://hub.example.com/', 'ibx1')).toEqual({
      sms: 'https://hub.example.com/webhooks/twilio/ibx1/sms',
      voice: 'https://hub.example.com/webhooks/twilio/ibx1/voice',
      status: 'https://hub.example.com/webhooks/twilio/ibx1/status',
    });
  });
});

describe('senderValue', () => {
  it('keeps short codes and anonymous callers verbatim, normalises real numbers', () => {
    expect(senderValue('+14155550123')).toBe('+14155550123');
    expect(senderValue('12345')).toBe('12345');
    expect(senderValue('+266696687')).toBe('+266696687');
  });
});
