import { describe, expect, it } from 'vitest';
import { ChannelConfigError } from '@parley/channel-kit';
import { EMAIL_SECRET_KEYS, validateEmailConfig } from './email-config';

const good = {
  address: 'Support@Example.com',
  imap: { host: 'imap.example.com', port: 993, secure: true, user: 'support@example.com', pass: ' secret ' },
  smtp: { host: 'smtp.example.com', port: 587, secure: false, user: 'support@example.com', pass: 'secret' },
};

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ChannelConfigError);
    return (err as ChannelConfigError).field;
  }
  throw new Error('expected a ChannelConfigError');
}

describe('validateEmailConfig', () => {
  it('normalises a valid config (lower-cased address, password untouched)', () => {
    const c = validateEmailConfig(good, { allowPrivateUrls: false });
    expect(c.address).toBe('support@example.com');
    expect(c.imap).toEqual({ host: 'imap.example.com', port: 993, secure: true, user: 'support@example.com', pass: ' secret ' });
    expect(c.smtp.port).toBe(587);
  });

  it('defaults ports and TLS from each other', () => {
    const c = validateEmailConfig({ ...good, imap: { host: 'imap.example.com', user: 'u', pass: 'p' }, smtp: { host: 'smtp.example.com', port: '465' } }, { allowPrivateUrls: false });
    expect(c.imap).toMatchObject({ port: 993, secure: true });
    expect(c.smtp).toEqual({ host: 'smtp.example.com', port: 465, secure: true });
  });

  it('names the offending field', () => {
    const v = (c: unknown) => () => validateEmailConfig(c, { allowPrivateUrls: false });
    expect(fieldOf(v(null))).toBe('config');
    expect(fieldOf(v({ ...good, address: 'not an address' }))).toBe('address');
    expect(fieldOf(v({ ...good, imap: undefined }))).toBe('imap');
    expect(fieldOf(v({ ...good, imap: { ...good.imap, host: '' } }))).toBe('imap.host');
    expect(fieldOf(v({ ...good, imap: { ...good.imap, host: 'imaps://imap.example.com' } }))).toBe('imap.host');
    expect(fieldOf(v({ ...good, imap: { ...good.imap, port: 70000 } }))).toBe('imap.port');
    expect(fieldOf(v({ ...good, imap: { ...good.imap, secure: 'yes' } }))).toBe('imap.secure');
    expect(fieldOf(v({ ...good, imap: { ...good.imap, pass: undefined } }))).toBe('imap.pass');
    expect(fieldOf(v({ ...good, smtp: { ...good.smtp, pass: '' } }))).toBe('smtp.pass');
    expect(fieldOf(v({ ...good, smtp: { host: 'smtp.example.com', pass: 'x' } }))).toBe('smtp.user');
  });

  it('refuses private and loopback hosts unless allowed', () => {
    for (const host of ['127.0.0.1', 'localhost', '10.1.2.3', '192.168.0.10', '[::1]', 'mail.localhost']) {
      expect(fieldOf(() => validateEmailConfig({ ...good, imap: { ...good.imap, host } }, { allowPrivateUrls: false }))).toBe('imap.host');
      expect(fieldOf(() => validateEmailConfig({ ...good, smtp: { ...good.smtp, host } }, { allowPrivateUrls: false }))).toBe('smtp.host');
    }
    expect(validateEmailConfig({ ...good, imap: { ...good.imap, host: '127.0.0.1' } }, { allowPrivateUrls: true }).imap.host).toBe('127.0.0.1');
  });

  it('declares both passwords as secrets', () => {
    expect(EMAIL_SECRET_KEYS).toEqual(['imap.pass', 'smtp.pass']);
  });
});
