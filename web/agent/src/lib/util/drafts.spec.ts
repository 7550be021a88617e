import { describe, expect, it } from 'vitest';
import { clearDraft, loadDraft, saveDraft, type KeyValueStore } from './drafts';

function memory(): KeyValueStore & { data: Map<string, string> } {
  const data = new Map<string, string>();
  return { data, getItem: (k) => data.get(k) ?? null, setItem: (k, v) => void data.set(k, v), removeItem: (k) => void data.delete(k) };
}

describe('drafts', () => {
  it('keeps one draft per conversation until cleared', () => {
    const s = memory();
    saveDraft(s, 'c1', 'hello', 'reply', 5);
    saveDraft(s, 'c2', 'internal', 'note', 6);
    expect(loadDraft(s, 'c1')).toEqual({ text: 'hello', mode: 'reply', savedAt: 5 });
    expect(loadDraft(s, 'c2')?.mode).toBe('note');
    clearDraft(s, 'c1');
    expect(loadDraft(s, 'c1')).toBeNull();
    expect(loadDraft(s, 'c2')?.text).toBe('internal');
  });
  it('treats whitespace as no draft and survives corrupt storage', () => {
    const s = memory();
    saveDraft(s, 'c1', 'x', 'reply');
    saveDraft(s, 'c1', '   ', 'reply');
    expect(s.data.size).toBe(0);
    s.setItem('parley.draft.c9', '{not json');
    expect(loadDraft(s, 'c9')).toBeNull();
  });
  it('does not throw when storage is full', () => {
    const s = memory();
    s.setItem = () => { throw new Error('QuotaExceededError'); };
    expect(() => saveDraft(s, 'c1', 'x', 'reply')).not.toThrow();
  });
});
