import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { identityHashValid, signFileUrl, signVisitorToken, verifyFileUrl, verifyVisitorToken } from './visitor-token';

const key = randomBytes(32);

describe('visitor tokens', () => {
  it('round-trips a visitor id, anonymous or verified', () => {
    for (const claim of [{ kind: 'a' as const, visitorId: 'vAbc123' }, { kind: 'i' as const, visitorId: 'user:42 ü' }]) {
      expect(verifyVisitorToken(key, 'inbox1', signVisitorToken(key, 'inbox1', claim))).toEqual(claim);
    }
  });

  it('refuses a token of another inbox, another key, a changed id or kind, and garbage', () => {
    const t = signVisitorToken(key, 'inbox1', { kind: 'a', visitorId: 'v1' });
    expect(verifyVisitorToken(key, 'inbox2', t)).toBeNull();
    expect(verifyVisitorToken(randomBytes(32), 'inbox1', t)).toBeNull();
    const [, id, sig] = t.split('.');
    expect(verifyVisitorToken(key, 'inbox1', `vt_i.${id}.${sig}`)).toBeNull();
    expect(verifyVisitorToken(key, 'inbox1', `vt_a.${Buffer.from('v2').toString('base64url')}.${sig}`)).toBeNull();
    for (const bad of [undefined, null, 42, '', 'vt_a..', 'x'.repeat(1000)]) expect(verifyVisitorToken(key, 'inbox1', bad)).toBeNull();
  });
});

describe('identity hash', () => {
  it('is the lower-case hex HMAC-SHA256 of the id keyed by the secret', () => {
    const hash = createHmac('sha256', 'secret-secret-secret').update('user-1').digest('hex');
    expect(identityHashValid('secret-secret-secret', 'user-1', hash)).toBe(true);
    expect(identityHashValid('secret-secret-secret', 'user-1', hash.toUpperCase())).toBe(false);
    expect(identityHashValid('secret-secret-secret', 'user-2', hash)).toBe(false);
    expect(identityHashValid('secret-secret-secret', 'user-1', undefined)).toBe(false);
  });
});

describe('file links', () => {
  it('verify for their inbox and attachment until they expire', () => {
    const now = Date.UTC(2026, 0, 10, 12);
    const url = new URL(signFileUrl(key, 'inbox1', 'att1', now), 'http://hub');
    const exp = url.searchParams.get('exp')!;
    const sig = url.searchParams.get('sig')!;
    expect(url.pathname).toBe('/widget/files/inbox1/att1');
    expect(verifyFileUrl(key, 'inbox1', 'att1', exp, sig, now)).toBe(true);
    expect(verifyFileUrl(key, 'inbox1', 'att2', exp, sig, now)).toBe(false);
    expect(verifyFileUrl(key, 'inbox2', 'att1', exp, sig, now)).toBe(false);
    expect(verifyFileUrl(key, 'inbox1', 'att1', String(Number(exp) + 86_400), sig, now)).toBe(false);
    expect(verifyFileUrl(key, 'inbox1', 'att1', exp, sig, Number(exp) * 1000 + 1)).toBe(false);
  });

  it('stay the same within a day, so the browser can cache them', () => {
    const a = signFileUrl(key, 'i', 'a', Date.UTC(2026, 0, 10, 1));
    const b = signFileUrl(key, 'i', 'a', Date.UTC(2026, 0, 10, 23));
    expect(a).toBe(b);
  });
});
