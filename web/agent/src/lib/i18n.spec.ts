import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { DICTS, interpolate, pickLocale, translate, type Dict, type Lang } from './i18n';
import { en } from './i18n/en';

describe('pickLocale', () => {
  it('follows the browser, defaulting to English', () => {
    expect(pickLocale(['zh-CN', 'en'])).toBe('zh');
    expect(pickLocale(['zh-Hans-CN'])).toBe('zh');
    expect(pickLocale(['de-DE', 'en-GB'])).toBe('en');
    expect(pickLocale(['fr'])).toBe('en');
    expect(pickLocale(undefined)).toBe('en');
  });
});

describe('translate', () => {
  it('interpolates named parameters and leaves unknown ones visible', () => {
    expect(interpolate('{n} of {total}', { n: 2, total: 5 })).toBe('2 of 5');
    expect(interpolate('{n} and {x}', { n: 1 })).toBe('1 and {x}');
  });
  it('falls back zh → en → key', () => {
    const dicts = { en: { 'common.save': 'Save', 'common.add': 'Add' }, zh: { 'common.save': '保存' } } as unknown as Record<Lang, Dict>;
    expect(translate(dicts, 'zh', 'common.save')).toBe('保存');
    expect(translate(dicts, 'zh', 'common.add')).toBe('Add');
    expect(translate(dicts, 'zh', 'no.such.key')).toBe('no.such.key');
  });
});

describe('dictionaries', () => {
  it('translate every English string into Chinese, with the same placeholders', () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const [key, value] of Object.entries(en)) {
      const zh = DICTS.zh[key as keyof typeof en];
      expect(zh, key).toBeTypeOf('string');
      expect(placeholders(zh!), key).toEqual(placeholders(value));
    }
  });

  it('contain every literal key the components use', () => {
    const root = path.resolve(__dirname, '..');
    const files: string[] = [];
    const walk = (dir: string) => {
      for (const f of readdirSync(dir)) {
        const p = path.join(dir, f);
        if (statSync(p).isDirectory()) walk(p);
        else if (/\.(svelte|ts)$/.test(f) && !f.endsWith('.spec.ts')) files.push(p);
      }
    };
    walk(root);
    const missing: string[] = [];
    for (const file of files) {
      const src = readFileSync(file, 'utf8');
      for (const m of src.matchAll(/\bt\('([a-zA-Z0-9_.-]+)'/g)) if (!(m[1] in en)) missing.push(`${path.basename(file)}: ${m[1]}`);
      const indirect = file.endsWith('.svelte') ? /key: '([a-z]+\.[a-zA-Z0-9_.-]+)'/g : /hint: '([a-z]+\.[a-zA-Z0-9_.-]+)'/g;
      for (const m of src.matchAll(indirect)) if (!(m[1] in en)) missing.push(`${path.basename(file)}: ${m[1]}`);
    }
    expect(missing).toEqual([]);
  });
});
