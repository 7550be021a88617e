// Text logic of the composer: "@name" mentions, "/shortcut" canned responses, channel hints.
import type { ChannelKind } from '@parley/contracts';

export interface Trigger {
  kind: 'mention' | 'canned';
  /** text typed after the trigger character, up to the caret */
  query: string;
  /** index of the trigger character */
  start: number;
}

/**
 * The completion the caret is in, if any: '@' (mentions, notes only) or '/' (canned responses), at the
 * start of the text or after whitespace, followed by no whitespace up to the caret.
 */
export function findTrigger(text: string, caret: number, allowMention: boolean): Trigger | null {
  let i = caret - 1;
  while (i >= 0 && !/\s/.test(text[i]) && text[i] !== '@' && text[i] !== '/') i--;
  if (i < 0) return null;
  const ch = text[i];
  if (ch !== '@' && ch !== '/') return null;
  if (i > 0 && !/\s/.test(text[i - 1])) return null; // e-mail addresses, URLs, "and/or"
  if (ch === '@' && !allowMention) return null;
  const query = text.slice(i + 1, caret);
  if (query.length > 40) return null;
  return { kind: ch === '@' ? 'mention' : 'canned', query, start: i };
}

/** Replace the trigger and its query with `replacement`; returns the new text and caret position. */
export function applyCompletion(text: string, trigger: Trigger, caret: number, replacement: string): { text: string; caret: number } {
  const before = text.slice(0, trigger.start);
  let after = text.slice(caret);
  // swallow the rest of a half-typed word after the caret
  const rest = /^\S*/.exec(after)?.[0] ?? '';
  after = after.slice(rest.length);
  const sep = after.startsWith(' ') || after.startsWith('\n') ? '' : ' ';
  const next = before + replacement + sep + after;
  return { text: next, caret: (before + replacement + sep).length };
}

function fold(s: string): string {
  return s.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

export interface Mentionable { id: string; name: string; email?: string }

/** People to suggest for "@query": name word-prefix matches first, then substring and e-mail matches. */
export function suggestMentions<T extends Mentionable>(people: readonly T[], query: string, limit = 6): T[] {
  const q = fold(query);
  const scored: Array<[number, T]> = [];
  for (const p of people) {
    const name = fold(p.name);
    const email = fold(p.email ?? '');
    let score = -1;
    if (!q) score = 3;
    else if (name.startsWith(q)) score = 0;
    else if (name.split(/\s+/).some((w) => w.startsWith(q))) score = 1;
    else if (name.includes(q) || email.startsWith(q)) score = 2;
    if (score >= 0) scored.push([score, p]);
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].name.localeCompare(b[1].name));
  return scored.slice(0, limit).map(([, p]) => p);
}

/**
 * Ids of the people still mentioned in the final text. Longest names first, so "@Ann Lee" is not also
 * read as "@Ann" when both exist.
 */
export function extractMentions(text: string, people: readonly Mentionable[]): string[] {
  const ids: string[] = [];
  let rest = text;
  const sorted = [...people].sort((a, b) => b.name.length - a.name.length);
  for (const p of sorted) {
    const token = `@${p.name}`;
    const re = new RegExp(`(^|\\s)${token.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=$|[\\s.,;:!?)])`, 'i');
    if (re.test(rest)) {
      ids.push(p.id);
      rest = rest.replace(re, '$1');
    }
  }
  return ids;
}

export interface CannedLike { shortcut: string; text: string }

export function suggestCanned<T extends CannedLike>(items: readonly T[], query: string, limit = 8): T[] {
  const q = fold(query);
  const starts = items.filter((c) => fold(c.shortcut).startsWith(q));
  const contains = items.filter((c) => !fold(c.shortcut).startsWith(q) && (fold(c.shortcut).includes(q) || (q.length > 2 && fold(c.text).includes(q))));
  return [...starts, ...contains].slice(0, limit);
}

/** Channels whose provider only lets businesses reply within 24 h of the customer's last message. */
export const REPLY_WINDOW_HOURS: Partial<Record<ChannelKind, number>> = { whatsapp: 24, messenger: 24, instagram: 24 };

export interface ReplyWindow { applies: boolean; open: boolean; msLeft: number }

export function replyWindow(channel: ChannelKind, lastInboundAt: string | null, now: number): ReplyWindow {
  const hours = REPLY_WINDOW_HOURS[channel];
  if (!hours) return { applies: false, open: true, msLeft: Infinity };
  if (!lastInboundAt) return { applies: true, open: false, msLeft: 0 };
  const left = new Date(lastInboundAt).getTime() + hours * 3600_000 - now;
  return { applies: true, open: left > 0, msLeft: Math.max(0, left) };
}
