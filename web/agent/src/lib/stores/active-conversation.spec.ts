import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { MessageDto } from '@parley/contracts';
import { ActiveConversation } from './active-conversation.svelte';

const msg = (id: string, at: string, p: Partial<MessageDto> = {}): MessageDto => ({
  id, conversationId: 'c1', direction: 'in', kind: 'message', text: id, attachments: [], author: { type: 'contact' },
  status: 'received', createdAt: at, ...p,
});

let calls: URL[];
let pages: MessageDto[][];

beforeEach(() => {
  calls = [];
  pages = [];
  vi.stubGlobal('fetch', vi.fn(async (input: string) => {
    const url = new URL(input, 'http://console.test');
    calls.push(url);
    const body = url.pathname.endsWith('/messages') ? { items: pages.shift() ?? [] } : { id: 'c1', channel: 'whatsapp', updatedAt: '2026-01-01T00:00:00Z', lastMessage: null };
    return new Response(JSON.stringify(body), { status: 200 });
  }));
});
afterEach(() => vi.unstubAllGlobals());

describe('ActiveConversation', () => {
  it('pages older messages with before=<oldest id> and keeps them in time order', async () => {
    const c = new ActiveConversation('c1');
    pages.push(Array.from({ length: 50 }, (_, i) => msg(`m${i + 10}`, `2026-01-01T00:${String(i + 10).padStart(2, '0')}:00Z`)));
    await c.load();
    expect(c.hasOlder).toBe(true);
    pages.push([msg('m1', '2026-01-01T00:01:00Z'), msg('m2', '2026-01-01T00:02:00Z')]);
    await c.loadOlder();
    const last = calls[calls.length - 1];
    expect(last.searchParams.get('before')).toBe('m10');
    expect(c.messages.slice(0, 3).map((m) => m.id)).toEqual(['m1', 'm2', 'm10']);
    expect(c.hasOlder).toBe(false);
  });

  it('replaces our own message echo by id or clientId instead of duplicating it', async () => {
    const c = new ActiveConversation('c1');
    pages.push([msg('a', '2026-01-01T00:00:00Z')]);
    await c.load();
    c.upsertMessage(msg('srv-1', '2026-01-01T00:01:00Z', { direction: 'out', status: 'queued', clientId: 'k1' }));
    c.upsertMessage(msg('srv-1', '2026-01-01T00:01:00Z', { direction: 'out', status: 'delivered', clientId: 'k1' }));
    expect(c.messages.map((m) => `${m.id}:${m.status}`)).toEqual(['a:received', 'srv-1:delivered']);
    c.upsertMessage(msg('other-conv', '2026-01-01T00:02:00Z', { conversationId: 'c2' }));
    expect(c.messages).toHaveLength(2);
    c.upsertMessage(msg('late', '2025-12-31T00:00:00Z'));
    expect(c.messages[0].id).toBe('late');
  });

  it('knows when the customer last wrote (for the 24 h window), ignoring notes and our replies', async () => {
    const c = new ActiveConversation('c1');
    pages.push([
      msg('in1', '2026-01-01T00:00:00Z'),
      msg('out1', '2026-01-01T01:00:00Z', { direction: 'out' }),
      msg('n1', '2026-01-01T02:00:00Z', { kind: 'note', direction: 'out' }),
    ]);
    await c.load();
    expect(c.lastInboundAt()).toBe('2026-01-01T00:00:00Z');
  });

  it('expires typing indicators that stop being refreshed', () => {
    const c = new ActiveConversation('c1');
    c.setTyping({ type: 'user', id: 'u2', name: 'Bea' }, true, false, 1000);
    c.setTyping({ type: 'contact', id: 'k', name: 'Zoe' }, true, false, 5000);
    c.pruneTyping(9500);
    expect(c.typing.map((x) => x.id)).toEqual(['k']);
    c.clearContactTyping();
    expect(c.typing).toEqual([]);
  });
});
