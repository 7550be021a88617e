import { describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config';
import { newId } from './ids';
import { SecretBox } from './secret-box';

describe('SecretBox', () => {
  it('round-trips and refuses tampering or another key', () => {
    const box = new SecretBox('k'.repeat(32));
    const sealed = box.encrypt('twilio-secret');
    expect(sealed).not.toContain('twilio-secret');
    expect(box.decrypt(sealed)).toBe('twilio-secret');
    const parts = sealed.split('.');
    parts[3] = Buffer.from('tampered').toString('base64');
    expect(() => box.decrypt(parts.join('.'))).toThrow();
    expect(() => new SecretBox('other-key-material!').decrypt(sealed)).toThrow();
  });
  it('generates a development key once into the data directory', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'parley-sb-'));
    const a = SecretBox.fromConfig(null, dir);
    const b = SecretBox.fromConfig(null, dir);
    expect(b.decrypt(a.encrypt('x'))).toBe('x');
  });
});

describe('config', () => {
  it('reports every bad value on its own line', () => {
    let err: unknown;
    try { loadConfig({ PORT: 'abc', REDIS_URL: 'http://x', PARLEY_ADMIN_EMAIL: 'a@b.c' }); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(ConfigError);
    const lines = (err as ConfigError).problems;
    expect(lines.some((l) => l.startsWith('PORT'))).toBe(true);
    expect(lines.some((l) => l.startsWith('REDIS_URL'))).toBe(true);
  });
  it('needs the admin email and password together', () => {
    expect(() => loadConfig({ PARLEY_ADMIN_EMAIL: 'a@b.co' })).toThrow(/set together/);
  });
  it('has working defaults', () => {
    const c = loadConfig({});
    expect(c).toMatchObject({ port: 3000, mongoUri: null, allowPrivateUrls: false, workers: true, publicUrl: 'http://localhost:3000' });
  });
});

describe('ids', () => {
  it('are unique and sort by creation', () => {
    const ids = Array.from({ length: 2000 }, () => newId());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
  });
});
