// A live, paginated conversation list (the inbox, the supervisor floor): cursor pages from the API,
// kept current by socket events, resynced with `updatedSince` after a long disconnect.
import type { ConversationSummary, Page } from '@parley/contracts';
import { api } from '../api';
import {
  applyUpdate, filterToQuery, latestUpdate, matchesFilter, mergeMany, removeIds, type ListFilter,
} from '../util/conversations';
import { directory } from './directory.svelte';

const PAGE = 50;

export class ConversationList {
  items = $state.raw<ConversationSummary[]>([]);
  filter = $state.raw<ListFilter>({ view: 'all', status: 'open' });
  nextCursor = $state<string | null>(null);
  loading = $state(false);
  loaded = $state(false);
  error = $state<string | null>(null);
  /** newest updatedAt seen: where a resync starts */
  lastSeen: string | null = null;
  #generation = 0;
  #meId = () => '';

  constructor(meId: () => string, initial?: ListFilter) {
    this.#meId = meId;
    if (initial) this.filter = initial;
  }

  get hasMore() { return this.nextCursor !== null; }

  setFilter(f: ListFilter) {
    this.filter = f;
    // never show the previous view's rows under the new view's name
    this.items = [];
    this.nextCursor = null;
    this.loaded = false;
    void this.reload();
  }

  async reload() {
    const gen = ++this.#generation;
    this.loading = true;
    this.error = null;
    try {
      const page = await api.get<Page<ConversationSummary>>('conversations', { ...filterToQuery(this.filter), limit: PAGE });
      if (gen !== this.#generation) return;
      this.items = mergeMany([], page.items);
      this.nextCursor = page.nextCursor ?? null;
      this.#seen(page.items);
      this.loaded = true;
    } catch (e) {
      if (gen === this.#generation) this.error = (e as Error).message;
    } finally {
      if (gen === this.#generation) this.loading = false;
    }
  }

  async loadMore() {
    if (this.loading || !this.nextCursor) return;
    const gen = this.#generation;
    this.loading = true;
    try {
      const page = await api.get<Page<ConversationSummary>>('conversations', { ...filterToQuery(this.filter), limit: PAGE, cursor: this.nextCursor });
      if (gen !== this.#generation) return;
      this.items = mergeMany(this.items, page.items);
      this.nextCursor = page.nextCursor ?? null;
      this.#seen(page.items);
      this.error = null;
    } catch (e) {
      if (gen === this.#generation) this.error = (e as Error).message;
    } finally {
      if (gen === this.#generation) this.loading = false;
    }
  }

  /** Keep following cursors until everything is loaded (the floor needs the whole open set). */
  async loadAll(max = 10_000) {
    await this.reload();
    while (this.nextCursor && this.items.length < max && !this.error) await this.loadMore();
  }

  upsert(c: ConversationSummary) {
    this.items = applyUpdate(this.items, c, this.filter, this.#meId());
    this.#seen([c]);
  }

  remove(id: string) {
    this.items = removeIds(this.items, [id]);
  }

  /** Local optimistic change (e.g. read → unread 0) without waiting for the echo. */
  patch(id: string, patch: Partial<ConversationSummary>) {
    if (!this.items.some((c) => c.id === id)) return;
    this.items = this.items.map((c) => (c.id === id ? { ...c, ...patch } : c));
  }

  /**
   * After a reconnect that lost events: fetch everything changed since the newest update we saw (without
   * list filters, so conversations that left the filter come back too and are dropped locally), and drop
   * what left our visibility.
   */
  async resync() {
    if (!this.lastSeen || !this.loaded) return this.reload();
    const since = this.lastSeen;
    const gen = this.#generation;
    let cursor: string | null = null;
    const changed: ConversationSummary[] = [];
    const removed: string[] = [];
    try {
      for (let i = 0; i < 50; i++) {
        const query: Record<string, string | number> = { updatedSince: since, limit: 100 };
        if (this.filter.q?.trim()) query.q = this.filter.q.trim();
        if (cursor) query.cursor = cursor;
        const page = await api.get<Page<ConversationSummary>>('conversations', query);
        changed.push(...page.items);
        removed.push(...(page.removed ?? []));
        cursor = page.nextCursor ?? null;
        if (!cursor) break;
      }
    } catch (e) {
      this.error = (e as Error).message;
      return;
    }
    if (gen !== this.#generation) return;
    let list = removeIds(this.items, removed);
    const me = this.#meId();
    const fits = changed.filter((c) => matchesFilter(c, this.filter, me));
    const misfits = changed.filter((c) => !matchesFilter(c, this.filter, me)).map((c) => c.id);
    list = removeIds(list, misfits);
    this.items = mergeMany(list, fits);
    this.#seen(changed);
    this.error = null;
  }

  #seen(items: readonly ConversationSummary[]) {
    this.lastSeen = latestUpdate(this.lastSeen, items);
    for (const c of items) directory.noteInbox(c.inboxId, c.channel);
  }

  reset() {
    this.#generation++;
    this.items = [];
    this.nextCursor = null;
    this.loaded = false;
    this.loading = false;
    this.error = null;
    this.lastSeen = null;
  }
}
