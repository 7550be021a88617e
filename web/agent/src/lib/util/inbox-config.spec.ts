import { describe, expect, it } from 'vitest';
import { buildConfig, configToValues, parseRanges, widgetSnippet } from './inbox-config';

describe('buildConfig', () => {
  it('nests email server fields and converts numbers and booleans', () => {
    const { config, missing } = buildConfig('email', {
      address: 'support@example.com',
      'imap.host': 'imap.example.com', 'imap.port': '993', 'imap.secure': true, 'imap.user': 'u', 'imap.pass': 'p',
      'smtp.host': 'smtp.example.com', 'smtp.port': '587', 'smtp.secure': false, 'smtp.user': 'u', 'smtp.pass': 'p',
    }, false);
    expect(missing).toEqual([]);
    expect(config).toEqual({
      address: 'support@example.com',
      imap: { host: 'imap.example.com', port: 993, secure: true, user: 'u', pass: 'p' },
      smtp: { host: 'smtp.example.com', port: 587, secure: false, user: 'u', pass: 'p' },
    });
  });
  it('reports missing required fields, but not blank secrets when editing', () => {
    const values = { accountSid: 'AC1', authToken: '', phoneNumber: '+15550001111' };
    expect(buildConfig('phone', values, false).missing).toEqual(['authToken']);
    const edit = buildConfig('phone', values, true);
    expect(edit.missing).toEqual([]);
    expect(edit.config).not.toHaveProperty('authToken');
  });
  it('splits lists on commas and newlines', () => {
    const { config } = buildConfig('webchat', { allowedOrigins: 'https://a.com,\n https://b.com\n', requireIdentity: true }, false);
    expect(config).toMatchObject({ allowedOrigins: ['https://a.com', 'https://b.com'], requireIdentity: true, preChatForm: false });
  });
  it('rejects a non-numeric port', () => {
    expect(buildConfig('phone', { accountSid: 'a', authToken: 'b', phoneNumber: 'c', 'voice.ringSeconds': 'ten' }, false).missing)
      .toEqual(['voice.ringSeconds']);
  });
});

describe('configToValues', () => {
  it('flattens, and never pre-fills secrets', () => {
    const v = configToValues('email', { address: 'a@b.c', imap: { host: 'h', port: 993, secure: true, user: 'u' } });
    expect(v).toMatchObject({ address: 'a@b.c', 'imap.host': 'h', 'imap.port': '993', 'imap.secure': true, 'imap.pass': '' });
    expect(configToValues('phone', { voice: { enabled: true, agentNumbers: ['+1', '+2'] } }))
      .toMatchObject({ 'voice.enabled': true, 'voice.agentNumbers': '+1\n+2' });
    expect(configToValues('webchat', { preChatForm: { name: true, email: false } })).toMatchObject({ preChatForm: true });
    expect(configToValues('webchat', { preChatForm: { name: false, email: false } })).toMatchObject({ preChatForm: false });
  });
});

describe('widgetSnippet', () => {
  it('builds the embed tag and escapes attribute values', () => {
    expect(widgetSnippet('https://hub.example.com', 'wt_1')).toBe(
      '<script src="https://hub.example.com/widget.js" data-widget-token="wt_1" async></script>',
    );
    expect(widgetSnippet('https://x', 'a"b')).toContain('data-widget-token="a&quot;b"');
  });
});

describe('parseRanges', () => {
  it('parses business-hour ranges', () => {
    expect(parseRanges('09:00-12:00, 13:00-17:30')).toEqual([['09:00', '12:00'], ['13:00', '17:30']]);
    expect(parseRanges('')).toEqual([]);
    expect(parseRanges('9-5')).toBeNull();
    expect(parseRanges('17:00-09:00')).toBeNull();
  });
});
