import { describe, expect, it } from 'vitest';
import { applyCompletion, extractMentions, findTrigger, replyWindow, suggestCanned, suggestMentions } from './composer';

describe('findTrigger', () => {
  it('finds @ and / at the start of a word', () => {
    expect(findTrigger('hi @al', 6, true)).toEqual({ kind: 'mention', query: 'al', start: 3 });
    expect(findTrigger('/than', 5, true)).toEqual({ kind: 'canned', query: 'than', start: 0 });
    expect(findTrigger('ok\n/x', 5, false)).toEqual({ kind: 'canned', query: 'x', start: 3 });
    expect(findTrigger('@', 1, true)).toEqual({ kind: 'mention', query: '', start: 0 });
  });
  it('ignores e-mail addresses, paths and mentions outside notes', () => {
    expect(findTrigger('mail bob@example', 16, true)).toBeNull();
    expect(findTrigger('and/or', 6, true)).toBeNull();
    expect(findTrigger('hi @al', 6, false)).toBeNull();
    expect(findTrigger('hi @al done', 11, true)).toBeNull();
  });
});

describe('applyCompletion', () => {
  it('replaces the trigger and query, adding a space', () => {
    const text = 'ping @al please';
    const tr = findTrigger(text, 8, true)!;
    expect(applyCompletion(text, tr, 8, '@Alice Chen')).toEqual({ text: 'ping @Alice Chen please', caret: 16 });
    const t2 = '/thx';
    expect(applyCompletion(t2, findTrigger(t2, 4, true)!, 4, 'Thank you!')).toEqual({ text: 'Thank you! ', caret: 11 });
  });
});

const people = [
  { id: 'u1', name: 'Ann Lee', email: 'ann@x.io' },
  { id: 'u2', name: 'Ann', email: 'ann2@x.io' },
  { id: 'u3', name: 'Bob Ånderson', email: 'bob@x.io' },
];

describe('suggestMentions', () => {
  it('ranks prefix matches first and folds accents', () => {
    expect(suggestMentions(people, 'ann').map((p) => p.id)).toEqual(['u2', 'u1']);
    expect(suggestMentions(people, 'and').map((p) => p.id)).toEqual(['u3']);
    expect(suggestMentions(people, 'lee').map((p) => p.id)).toEqual(['u1']);
    expect(suggestMentions(people, 'zzz')).toEqual([]);
  });
});

describe('extractMentions', () => {
  it('finds the people still mentioned, preferring the longest name', () => {
    expect(extractMentions('@Ann Lee can you check?', people)).toEqual(['u1']);
    expect(extractMentions('@Ann Lee and @Ann, see this', people).sort()).toEqual(['u1', 'u2']);
    expect(extractMentions('email ann@x.io', people)).toEqual([]);
    expect(extractMentions('@bob ånderson', people)).toEqual(['u3']);
  });
});

describe('suggestCanned', () => {
  it('prefers shortcut prefixes', () => {
    const items = [
      { shortcut: 'thanks', text: 'Thank you!' },
      { shortcut: 'refund', text: 'We issued a refund.' },
      { shortcut: 'hello', text: 'Hi, thanks for writing.' },
    ];
    expect(suggestCanned(items, 'th').map((c) => c.shortcut)).toEqual(['thanks']);
    expect(suggestCanned(items, 'than').map((c) => c.shortcut)).toEqual(['thanks', 'hello']);
    expect(suggestCanned(items, '')).toHaveLength(3);
  });
});

describe('replyWindow', () => {
  const now = Date.parse('2026-01-02T12:00:00Z');
  it('only applies to channels with a 24 h window', () => {
    expect(replyWindow('phone', null, now).applies).toBe(false);
    expect(replyWindow('whatsapp', '2026-01-02T00:00:00Z', now)).toMatchObject({ applies: true, open: true, msLeft: 12 * 3600_000 });
    expect(replyWindow('messenger', '2026-01-01T11:00:00Z', now)).toMatchObject({ open: false, msLeft: 0 });
    expect(replyWindow('instagram', null, now).open).toBe(false);
  });
});
