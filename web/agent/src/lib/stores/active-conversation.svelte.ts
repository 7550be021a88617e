// The conversation on screen: its detail, a window of its timeline, who else is looking or typing.
import type { ConversationDetail, ConversationSummary, MessageDto } from '@parley/contracts';
import { api, ApiError } from '../api';

const PAGE = 50;

export interface TypingEntry { id: string; name: string; type: 'user' | 'contact'; private: boolean; until: number }

function byTime(a: MessageDto, b: MessageDto): number {
  return a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
}

export class ActiveConversation {
  readonly id: string;
  detail = $state<ConversationDetail | null>(null);
  messages = $state.raw<MessageDto[]>([]);
  loading = $state(true);
  error = $state<string | null>(null);
  /** 404, or it left our view while open (reassigned away, access removed) */
  gone = $state(false);
  hasOlder = $state(false);
  loadingOlder = $state(false);
  olderError = $state<string | null>(null);
  viewers = $state.raw<string[]>([]);
  typing = $state.raw<TypingEntry[]>([]);

  constructor(id: string) {
    this.id = id;
  }

  get base() { return `conversations/${encodeURIComponent(this.id)}`; }

  async load() {
    this.loading = true;
    this.error = null;
    try {
      const [detail, page] = await Promise.all([
        api.get<ConversationDetail>(this.base),
        api.get<{ items: MessageDto[] }>(`${this.base}/messages`, { limit: PAGE }),
      ]);
      this.detail = detail;
      this.messages = [...page.items].sort(byTime);
      this.hasOlder = page.items.length >= PAGE;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) this.gone = true;
      this.error = (e as Error).message;
    } finally {
      this.loading = false;
    }
  }

  /** After a reconnect that lost events: refetch the detail and the newest page, merge. */
  async refresh() {
    try {
      const [detail, page] = await Promise.all([
        api.get<ConversationDetail>(this.base),
        api.get<{ items: MessageDto[] }>(`${this.base}/messages`, { limit: PAGE }),
      ]);
      this.detail = detail;
      this.gone = false;
      for (const m of page.items) this.upsertMessage(m);
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) this.gone = true;
    }
  }

  async loadOlder() {
    if (this.loadingOlder || !this.hasOlder || !this.messages.length) return;
    this.loadingOlder = true;
    this.olderError = null;
    try {
      const oldest = this.messages[0];
      const page = await api.get<{ items: MessageDto[] }>(`${this.base}/messages`, { before: oldest.id, limit: PAGE });
      const known = new Set(this.messages.map((m) => m.id));
      const older = page.items.filter((m) => !known.has(m.id));
      this.messages = [...older, ...this.messages].sort(byTime);
      this.hasOlder = page.items.length >= PAGE && older.length > 0;
    } catch (e) {
      this.olderError = (e as Error).message;
    } finally {
      this.loadingOlder = false;
    }
  }

  /** Add or replace a message (by id, or by clientId for our own echo). */
  upsertMessage(m: MessageDto) {
    if (m.conversationId !== this.id) return;
    const list = this.messages;
    const i = list.findIndex((x) => x.id === m.id || (!!m.clientId && x.clientId === m.clientId));
    if (i >= 0) {
      const next = [...list];
      next[i] = m;
      this.messages = next;
      return;
    }
    const last = list[list.length - 1];
    this.messages = !last || last.createdAt <= m.createdAt ? [...list, m] : [...list, m].sort(byTime);
  }

  applySummary(c: ConversationSummary) {
    if (c.id !== this.id || !this.detail) return;
    if (this.detail.updatedAt > c.updatedAt) return;
    this.detail = { ...this.detail, ...c };
  }

  setViewers(userIds: string[]) {
    this.viewers = userIds;
  }

  setTyping(who: { type: 'user' | 'contact'; id: string; name: string }, isTyping: boolean, isPrivate: boolean, now = Date.now()) {
    const rest = this.typing.filter((x) => !(x.id === who.id && x.type === who.type));
    this.typing = isTyping ? [...rest, { id: who.id, name: who.name, type: who.type, private: isPrivate, until: now + 8000 }] : rest;
  }

  clearContactTyping() {
    if (this.typing.some((x) => x.type === 'contact')) this.typing = this.typing.filter((x) => x.type !== 'contact');
  }

  pruneTyping(now = Date.now()) {
    if (this.typing.some((x) => x.until <= now)) this.typing = this.typing.filter((x) => x.until > now);
  }

  /** When the customer last wrote: for the 24 h reply window. */
  lastInboundAt(): string | null {
    for (let i = this.messages.length - 1; i >= 0; i--) {
      const m = this.messages[i];
      if (m.direction === 'in' && m.kind === 'message') return m.createdAt;
    }
    const lm = this.detail?.lastMessage;
    return lm?.direction === 'in' ? lm.at : null;
  }
}
