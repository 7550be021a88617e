import { describe, expect, it } from 'vitest';
import type { ConversationSummary } from '@parley/contracts';
import {
  applyUpdate, filterToQuery, latestUpdate, matchesFilter, mergeMany, removeIds, upsertSorted, waitingSince,
} from './conversations';

let n = 0;
function conv(p: Partial<ConversationSummary> = {}): ConversationSummary {
  n++;
  return {
    id: `c${n}`, inboxId: 'i1', channel: 'api', status: 'open', priority: 'none', assigneeId: null, teamId: null,
    labels: [], contact: { id: 'k1', name: 'Zoë Ávila' }, subject: null,
    lastMessage: { text: 'Where is my order?', at: '2026-01-01T10:00:00.000Z', direction: 'in' },
    unreadCount: 1, createdAt: '2026-01-01T10:00:00.000Z', updatedAt: `2026-01-01T10:00:${String(n % 60).padStart(2, '0')}.000Z`,
    ...p,
  };
}

describe('filterToQuery', () => {
  it('maps views and filters to the contract query', () => {
    expect(filterToQuery({ view: 'all', status: 'open' })).toEqual({ status: 'open' });
    expect(filterToQuery({ view: 'mine', status: 'any', label: 'vip', q: '  refund ' }))
      .toEqual({ assigneeId: 'me', label: 'vip', q: 'refund' });
    expect(filterToQuery({ view: 'unassigned', status: 'pending', inboxId: 'i2', teamId: 't1' }))
      .toEqual({ status: 'pending', assigneeId: 'none', inboxId: 'i2', teamId: 't1' });
  });
});

describe('matchesFilter', () => {
  it('applies view, status, inbox, team and label', () => {
    const c = conv({ assigneeId: 'u1', labels: ['vip'], teamId: 't1' });
    expect(matchesFilter(c, { view: 'mine', status: 'open' }, 'u1')).toBe(true);
    expect(matchesFilter(c, { view: 'mine', status: 'open' }, 'u2')).toBe(false);
    expect(matchesFilter(c, { view: 'unassigned', status: 'open' }, 'u1')).toBe(false);
    expect(matchesFilter(c, { view: 'all', status: 'resolved' }, 'u1')).toBe(false);
    expect(matchesFilter(c, { view: 'all', status: 'any', label: 'vip', teamId: 't1' }, 'u1')).toBe(true);
    expect(matchesFilter(c, { view: 'all', status: 'any', label: 'billing' }, 'u1')).toBe(false);
    expect(matchesFilter(c, { view: 'all', status: 'any', inboxId: 'other' }, 'u1')).toBe(false);
  });
  it('approximates search, folding case and accents', () => {
    const c = conv();
    expect(matchesFilter(c, { view: 'all', status: 'any', q: 'zoe order' }, 'u')).toBe(true);
    expect(matchesFilter(c, { view: 'all', status: 'any', q: 'invoice' }, 'u')).toBe(false);
  });
});

describe('upsertSorted / mergeMany / applyUpdate', () => {
  it('keeps newest first and replaces by id', () => {
    const a = conv({ updatedAt: '2026-01-01T00:00:01Z' });
    const b = conv({ updatedAt: '2026-01-01T00:00:02Z' });
    let list = upsertSorted([], a);
    list = upsertSorted(list, b);
    expect(list.map((c) => c.id)).toEqual([b.id, a.id]);
    list = upsertSorted(list, { ...a, updatedAt: '2026-01-01T00:00:03Z' });
    expect(list.map((c) => c.id)).toEqual([a.id, b.id]);
    expect(list).toHaveLength(2);
  });
  it('never lets an older copy overwrite a newer one', () => {
    const a = conv({ updatedAt: '2026-01-01T00:00:05Z', unreadCount: 0 });
    const stale = { ...a, updatedAt: '2026-01-01T00:00:01Z', unreadCount: 9 };
    expect(mergeMany([a], [stale])[0].unreadCount).toBe(0);
    expect(applyUpdate([a], stale, { view: 'all', status: 'open' }, 'u')[0].unreadCount).toBe(0);
  });
  it('drops a conversation that no longer matches the view (e.g. reassigned away from me)', () => {
    const a = conv({ assigneeId: 'me1', updatedAt: '2026-01-01T00:00:01Z' });
    const f = { view: 'mine' as const, status: 'open' as const };
    const moved = { ...a, assigneeId: 'other', updatedAt: '2026-01-01T00:00:02Z' };
    expect(applyUpdate([a], moved, f, 'me1')).toEqual([]);
    const mine = { ...a, assigneeId: 'me1', updatedAt: '2026-01-01T00:00:03Z' };
    expect(applyUpdate([], mine, f, 'me1')).toHaveLength(1);
  });
  it('removes ids', () => {
    const a = conv();
    const b = conv();
    expect(removeIds([a, b], [a.id]).map((c) => c.id)).toEqual([b.id]);
  });
});

describe('waitingSince / latestUpdate', () => {
  it('is the last inbound time of an open conversation', () => {
    const c = conv();
    expect(waitingSince(c)).toBe(c.lastMessage!.at);
    expect(waitingSince({ ...c, lastMessage: { ...c.lastMessage!, direction: 'out' } })).toBeNull();
    expect(waitingSince({ ...c, status: 'resolved' })).toBeNull();
    expect(waitingSince({ ...c, waitingSince: '2025-01-01T00:00:00Z' })).toBe('2025-01-01T00:00:00Z');
  });
  it('tracks the max updatedAt', () => {
    expect(latestUpdate(null, [{ updatedAt: '2026-01-02' }, { updatedAt: '2026-01-03' }])).toBe('2026-01-03');
    expect(latestUpdate('2026-02-01', [{ updatedAt: '2026-01-03' }])).toBe('2026-02-01');
  });
});
