import { describe, expect, it } from 'vitest';
import { mergeTerms, queryTerms, tokenize, tokenizeWithPrefixes } from './search-terms';

describe('search terms', () => {
  it('lower-cases, folds accents and splits emails into findable parts', () => {
    expect(tokenize('José ÁLVAREZ jose.alvarez@Example.com')).toEqual(expect.arrayContaining(['jose', 'alvarez', 'jose.alvarez@example.com', 'example', 'com']));
  });
  it('splits CJK text into bigrams so a two-character query matches', () => {
    const t = tokenize('我想修改收货地址');
    expect(t).toEqual(expect.arrayContaining(['修改', '地址', '收货']));
    expect(queryTerms('收货地址').every((q) => tokenize('请帮我修改收货地址').includes(q))).toBe(true);
  });
  it('adds prefixes for names people type partially', () => {
    expect(tokenizeWithPrefixes('Margaret')).toEqual(expect.arrayContaining(['ma', 'mar', 'marg', 'margaret']));
  });
  it('caps merged terms', () => {
    const many = Array.from({ length: 1000 }, (_, i) => `t${i}`);
    expect(mergeTerms([], many, 600)).toHaveLength(600);
    expect(mergeTerms(['a'], ['a', 'b'])).toEqual(['a', 'b']);
  });
});
