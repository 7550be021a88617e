import { describe, expect, it } from 'vitest';
import { ChannelConfigError } from '@parley/channel-kit';
import { originAllowed, publicWidgetConfig, validateWebchatConfig } from './webchat-config';

const fieldOf = (fn: () => unknown) => { try { fn(); return null; } catch (e) { return e instanceof ChannelConfigError ? e.field : 'not a config error'; } };

describe('validateWebchatConfig', () => {
  it('accepts the contract settings and normalises them', () => {
    expect(validateWebchatConfig({
      greeting: ' Hello ', teamName: 'Support', color: '#4F46E5', allowedOrigins: ['https://Shop.example.com/', 'http://localhost:8080'],
      preChatForm: true, identitySecret: 'a-long-enough-secret', requireIdentity: true, awayMessage: 'Back soon',
    })).toEqual({
      greeting: 'Hello', teamName: 'Support', color: '#4f46e5', allowedOrigins: ['https://shop.example.com', 'http://localhost:8080'],
      preChatForm: { name: true, email: true }, identitySecret: 'a-long-enough-secret', requireIdentity: true, awayMessage: 'Back soon',
    });
    expect(validateWebchatConfig(undefined)).toEqual({});
    expect(validateWebchatConfig({ preChatForm: { email: true } }).preChatForm).toEqual({ name: false, email: true });
  });

  it('names the offending field', () => {
    expect(fieldOf(() => validateWebchatConfig({ colour: '#fff' }))).toBe('colour');
    expect(fieldOf(() => validateWebchatConfig({ color: 'blue' }))).toBe('color');
    expect(fieldOf(() => validateWebchatConfig({ allowedOrigins: 'https://a.example' }))).toBe('allowedOrigins');
    expect(fieldOf(() => validateWebchatConfig({ allowedOrigins: ['https://a.example', 'https://b.example/path'] }))).toBe('allowedOrigins[1]');
    expect(fieldOf(() => validateWebchatConfig({ allowedOrigins: ['*.example.com'] }))).toBe('allowedOrigins[0]');
    expect(fieldOf(() => validateWebchatConfig({ preChatForm: { phone: true } }))).toBe('preChatForm.phone');
    expect(fieldOf(() => validateWebchatConfig({ identitySecret: 'short' }))).toBe('identitySecret');
    expect(fieldOf(() => validateWebchatConfig({ requireIdentity: true }))).toBe('requireIdentity');
    expect(fieldOf(() => validateWebchatConfig({ greeting: 'x'.repeat(501) }))).toBe('greeting');
  });
});

describe('the widget side', () => {
  it('never exposes the secret or the origins list', () => {
    const pub = publicWidgetConfig(validateWebchatConfig({ identitySecret: 'a-long-enough-secret', allowedOrigins: ['https://a.example'] }));
    expect(JSON.stringify(pub)).not.toContain('a-long-enough-secret');
    expect(JSON.stringify(pub)).not.toContain('a.example');
  });

  it('checks origins exactly; no list means anywhere', () => {
    const c = validateWebchatConfig({ allowedOrigins: ['https://shop.example.com'] });
    expect(originAllowed(c, 'https://shop.example.com')).toBe(true);
    expect(originAllowed(c, 'https://SHOP.example.com')).toBe(true);
    expect(originAllowed(c, 'https://shop.example.com.evil.net')).toBe(false);
    expect(originAllowed(c, 'http://shop.example.com')).toBe(false);
    expect(originAllowed(c, undefined)).toBe(false);
    expect(originAllowed({}, undefined)).toBe(true);
    expect(originAllowed({}, 'https://anything.example')).toBe(true);
  });
});
