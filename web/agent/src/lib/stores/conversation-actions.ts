// Conversation commands shared by the conversation view, the shortcuts and the supervisor floor.
import type { ConversationStatus, ConversationSummary, Priority } from '@parley/contracts';
import { api } from '../api';
import { inbox, floor } from './live.svelte';

function looksLikeSummary(x: unknown): x is ConversationSummary {
  return !!x && typeof x === 'object' && 'id' in x && 'status' in x && 'updatedAt' in x;
}

/** Apply a returned summary right away; the socket echo (if any) is then a no-op. */
function applyResult(res: unknown): ConversationSummary | null {
  const c = looksLikeSummary(res) ? res : looksLikeSummary((res as { conversation?: unknown })?.conversation) ? (res as { conversation: ConversationSummary }).conversation : null;
  if (c) {
    inbox.upsert(c);
    if (floor.loaded) floor.upsert(c);
  }
  return c;
}

const path = (id: string) => `conversations/${encodeURIComponent(id)}`;

export async function assign(id: string, body: { assigneeId?: string | null; teamId?: string | null }) {
  return applyResult(await api.post(`${path(id)}/assignment`, body));
}

export async function setStatus(id: string, status: ConversationStatus, snoozeUntil?: string) {
  return applyResult(await api.post(`${path(id)}/status`, snoozeUntil ? { status, snoozeUntil } : { status }));
}

export async function patchConversation(id: string, patch: { labels?: string[]; priority?: Priority }) {
  return applyResult(await api.patch(path(id), patch));
}

export async function markRead(id: string) {
  inbox.patch(id, { unreadCount: 0 });
  floor.patch(id, { unreadCount: 0 });
  try { await api.post(`${path(id)}/read`); } catch { /* the badge comes back on the next update: harmless */ }
}
