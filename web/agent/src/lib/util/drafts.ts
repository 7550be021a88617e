// Drafts survive reloads and crashes: kept per conversation in localStorage until sent.

export interface Draft { text: string; mode: 'reply' | 'note'; savedAt: number }
export interface KeyValueStore { getItem(k: string): string | null; setItem(k: string, v: string): void; removeItem(k: string): void }

const PREFIX = 'parley.draft.';
const MAX_AGE_MS = 30 * 24 * 3600_000;

export function draftKey(conversationId: string): string {
  return PREFIX + conversationId;
}

export function loadDraft(store: KeyValueStore, conversationId: string): Draft | null {
  try {
    const raw = store.getItem(draftKey(conversationId));
    if (!raw) return null;
    const d = JSON.parse(raw) as Partial<Draft>;
    if (typeof d.text !== 'string') return null;
    return { text: d.text, mode: d.mode === 'note' ? 'note' : 'reply', savedAt: Number(d.savedAt) || 0 };
  } catch {
    return null;
  }
}

export function saveDraft(store: KeyValueStore, conversationId: string, text: string, mode: Draft['mode'], now = Date.now()): void {
  try {
    if (!text.trim()) store.removeItem(draftKey(conversationId));
    else store.setItem(draftKey(conversationId), JSON.stringify({ text, mode, savedAt: now }));
  } catch {
    // storage full or disabled: the draft still lives in memory for this session
  }
}

export function clearDraft(store: KeyValueStore, conversationId: string): void {
  try { store.removeItem(draftKey(conversationId)); } catch { /* ignore */ }
}

/** Forget drafts nobody touched for a month so localStorage does not fill up. */
export function pruneDrafts(store: Storage, now = Date.now()): void {
  try {
    for (let i = store.length - 1; i >= 0; i--) {
      const k = store.key(i);
      if (!k?.startsWith(PREFIX)) continue;
      const d = loadDraft(store, k.slice(PREFIX.length));
      if (!d || now - d.savedAt > MAX_AGE_MS) store.removeItem(k);
    }
  } catch { /* ignore */ }
}
