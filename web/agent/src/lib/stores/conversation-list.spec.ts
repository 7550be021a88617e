import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ConversationSummary } from '@parley/contracts';
import { ConversationList } from './conversation-list.svelte';
import { setToken } from '../api';

function conv(id: string, updatedAt: string, p: Partial<ConversationSummary> = {}): ConversationSummary {
  return {
    id, inboxId: 'i1', channel: 'api', status: 'open', priority: 'none', assigneeId: null, teamId: null, labels: [],
    contact: { id: `k-${id}`, name: `Contact ${id}` }, subject: null, lastMessage: null, unreadCount: 0,
    createdAt: updatedAt, updatedAt, ...p,
  };
}

type Reply = { items: ConversationSummary[]; nextCursor: string | null; removed?: string[] };
let replies: Array<(url: URL) => Reply>;
let calls: URL[];

beforeEach(() => {
  replies = [];
  calls = [];
  setToken('t');
  vi.stubGlobal('fetch', vi.fn(async (input: string) => {
    const url = new URL(input, 'http://console.test');
    calls.push(url);
    const next = replies.shift();
    if (!next) return new Response(JSON.stringify({ error: 'not_found', message: 'no reply queued' }), { status: 404 });
    return new Response(JSON.stringify(next(url)), { status: 200, headers: { 'content-type': 'application/json' } });
  }));
});
afterEach(() => vi.unstubAllGlobals());

describe('ConversationList', () => {
  it('loads cursor pages with the filter as query, then follows the cursor', async () => {
    const list = new ConversationList(() => 'me', { view: 'mine', status: 'open' });
    replies.push(() => ({ items: [conv('a', '2026-01-01T00:00:02Z')], nextCursor: 'c2' }));
    replies.push(() => ({ items: [conv('b', '2026-01-01T00:00:01Z')], nextCursor: null }));
    await list.reload();
    expect(calls[0].pathname).toBe('/api/v1/conversations');
    expect(Object.fromEntries(calls[0].searchParams)).toMatchObject({ status: 'open', assigneeId: 'me' });
    expect(list.hasMore).toBe(true);
    await list.loadMore();
    expect(calls[1].searchParams.get('cursor')).toBe('c2');
    expect(list.items.map((c) => c.id)).toEqual(['a', 'b']);
    expect(list.hasMore).toBe(false);
  });

  it('applies live updates against the view (an item reassigned away leaves Mine)', async () => {
    const list = new ConversationList(() => 'me', { view: 'mine', status: 'open' });
    replies.push(() => ({ items: [conv('a', '2026-01-01T00:00:01Z', { assigneeId: 'me' })], nextCursor: null }));
    await list.reload();
    list.upsert(conv('a', '2026-01-01T00:00:02Z', { assigneeId: 'other' }));
    expect(list.items).toEqual([]);
    list.upsert(conv('n', '2026-01-01T00:00:03Z', { assigneeId: 'me' }));
    expect(list.items.map((c) => c.id)).toEqual(['n']);
  });

  it('resyncs after a lost connection: updatedSince from the newest seen, drops removed ids and misfits', async () => {
    const list = new ConversationList(() => 'me', { view: 'all', status: 'open' });
    replies.push(() => ({ items: [conv('a', '2026-01-01T00:00:03Z'), conv('b', '2026-01-01T00:00:02Z'), conv('c', '2026-01-01T00:00:01Z')], nextCursor: null }));
    await list.reload();
    replies.push(() => ({
      items: [conv('b', '2026-01-01T00:01:00Z', { status: 'resolved' }), conv('d', '2026-01-01T00:02:00Z')],
      nextCursor: 'more', removed: ['c'],
    }));
    replies.push(() => ({ items: [conv('e', '2026-01-01T00:01:30Z')], nextCursor: null }));
    await list.resync();
    const q = calls[1].searchParams;
    expect(q.get('updatedSince')).toBe('2026-01-01T00:00:03Z');
    expect(q.has('status')).toBe(false); // so conversations that left the filter come back and are dropped here
    expect(calls[2].searchParams.get('cursor')).toBe('more');
    expect(list.items.map((c) => c.id)).toEqual(['d', 'e', 'a']);
    expect(list.lastSeen).toBe('2026-01-01T00:02:00Z');
  });

  it('keeps the list and reports the error when a page fails', async () => {
    const list = new ConversationList(() => 'me', { view: 'all', status: 'open' });
    replies.push(() => ({ items: [conv('a', '2026-01-01T00:00:03Z')], nextCursor: 'x' }));
    await list.reload();
    await list.loadMore(); // no reply queued → 404 with an error body
    expect(list.error).toBe('no reply queued');
    expect(list.items.map((c) => c.id)).toEqual(['a']);
  });

  it('ignores a slow answer for a filter that was replaced meanwhile', async () => {
    const list = new ConversationList(() => 'me', { view: 'all', status: 'open' });
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    let n = 0;
    vi.stubGlobal('fetch', async () => {
      const body = n++ === 0
        ? (await gate, { items: [conv('old', '2026-01-01T00:00:01Z')], nextCursor: null })
        : { items: [conv('new', '2026-01-01T00:00:02Z', { assigneeId: 'me' })], nextCursor: null };
      return new Response(JSON.stringify(body), { status: 200 });
    });
    const first = list.reload();
    list.setFilter({ view: 'mine', status: 'open' });
    await vi.waitFor(() => expect(list.loaded).toBe(true));
    release();
    await first;
    expect(list.items.map((c) => c.id)).toEqual(['new']);
  });
});
