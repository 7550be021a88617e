// Pure logic behind the conversation list: ordering, live upserts and "does this still belong in my view".
import type { ConversationStatus, ConversationSummary } from '@parley/contracts';

export type View = 'mine' | 'unassigned' | 'all';

export interface ListFilter {
  view: View;
  /** 'any' sends no status filter */
  status: ConversationStatus | 'any';
  inboxId?: string;
  teamId?: string;
  label?: string;
  q?: string;
}

export const DEFAULT_FILTER: ListFilter = { view: 'all', status: 'open' };

/** Newest activity first, ties broken by id so the order is stable. */
export function compareConversations(a: ConversationSummary, b: ConversationSummary): number {
  if (a.updatedAt !== b.updatedAt) return a.updatedAt < b.updatedAt ? 1 : -1;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

/** Query parameters for GET /api/v1/conversations. */
export function filterToQuery(f: ListFilter): Record<string, string> {
  const q: Record<string, string> = {};
  if (f.status !== 'any') q.status = f.status;
  if (f.view === 'mine') q.assigneeId = 'me';
  if (f.view === 'unassigned') q.assigneeId = 'none';
  if (f.inboxId) q.inboxId = f.inboxId;
  if (f.teamId) q.teamId = f.teamId;
  if (f.label) q.label = f.label;
  if (f.q?.trim()) q.q = f.q.trim();
  return q;
}

function fold(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/**
 * Whether a live update belongs in the list. The server decides visibility; this only re-applies the
 * filters the list was loaded with. Search is approximated on what the summary carries.
 */
export function matchesFilter(c: ConversationSummary, f: ListFilter, meId: string): boolean {
  if (f.status !== 'any' && c.status !== f.status) return false;
  if (f.view === 'mine' && c.assigneeId !== meId) return false;
  if (f.view === 'unassigned' && c.assigneeId) return false;
  if (f.inboxId && c.inboxId !== f.inboxId) return false;
  if (f.teamId && c.teamId !== f.teamId) return false;
  if (f.label && !c.labels.includes(f.label)) return false;
  const q = f.q?.trim();
  if (q) {
    const hay = fold([c.contact?.name, c.subject, c.lastMessage?.text].filter(Boolean).join(' '));
    if (!fold(q).split(/\s+/).every((term) => hay.includes(term))) return false;
  }
  return true;
}

/** Insert or replace one conversation, keeping order; returns a new array (lists are immutable state). */
export function upsertSorted(list: readonly ConversationSummary[], c: ConversationSummary): ConversationSummary[] {
  const out = list.filter((x) => x.id !== c.id);
  let lo = 0;
  let hi = out.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (compareConversations(out[mid], c) <= 0) lo = mid + 1;
    else hi = mid;
  }
  out.splice(lo, 0, c);
  return out;
}

/** Merge a page (or a resync batch) into the list: newer `updatedAt` wins per id. */
export function mergeMany(list: readonly ConversationSummary[], incoming: readonly ConversationSummary[]): ConversationSummary[] {
  const byId = new Map(list.map((c) => [c.id, c] as const));
  for (const c of incoming) {
    const prev = byId.get(c.id);
    if (!prev || prev.updatedAt <= c.updatedAt) byId.set(c.id, c);
  }
  return [...byId.values()].sort(compareConversations);
}

/** Apply a live update with the same "older never overwrites newer" rule, then the view filter. */
export function applyUpdate(
  list: readonly ConversationSummary[], c: ConversationSummary, f: ListFilter, meId: string,
): ConversationSummary[] {
  const prev = list.find((x) => x.id === c.id);
  if (prev && prev.updatedAt > c.updatedAt) return list as ConversationSummary[];
  if (!matchesFilter(c, f, meId)) return prev ? list.filter((x) => x.id !== c.id) : (list as ConversationSummary[]);
  return upsertSorted(list, c);
}

export function removeIds(list: readonly ConversationSummary[], ids: readonly string[]): ConversationSummary[] {
  if (!ids.length) return list as ConversationSummary[];
  const drop = new Set(ids);
  return list.filter((c) => !drop.has(c.id));
}

/** Since when the customer has been waiting for us, or null if the ball is in their court. */
export function waitingSince(c: ConversationSummary): string | null {
  if (c.waitingSince !== undefined) return c.waitingSince ?? null;
  if (c.status !== 'open' || !c.lastMessage || c.lastMessage.direction !== 'in') return null;
  return c.lastMessage.at;
}

/** The largest updatedAt seen, for `updatedSince` resyncs after a long disconnect. */
export function latestUpdate(prev: string | null, items: readonly { updatedAt: string }[]): string | null {
  let best = prev;
  for (const c of items) if (!best || c.updatedAt > best) best = c.updatedAt;
  return best;
}
