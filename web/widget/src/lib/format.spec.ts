import { describe, expect, it } from 'vitest';
import { fileProblem, formatSize, linkify, mergeMessages } from './format';
import { pickLang, translator } from './i18n';
import type { UiMessage, WidgetMessage } from './types';

const msg = (id: string, at: string, extra: Partial<WidgetMessage> = {}): WidgetMessage => ({
  id, conversationId: 'c1', direction: 'in', kind: 'message', text: id, attachments: [], author: { type: 'contact' }, status: 'received', createdAt: at, ...extra,
});

describe('mergeMessages', () => {
  it('replaces our pending copy with the hub message of the same clientId', () => {
    const pending: UiMessage = { ...msg('local:k1', '2026-01-01T10:00:05Z', { clientId: 'k1' }), local: 'sending' };
    const out = mergeMessages([pending], [msg('m1', '2026-01-01T10:00:06Z', { clientId: 'k1' })]);
    expect(out.map((m) => m.id)).toEqual(['m1']);
    expect(out[0]!.local).toBeUndefined();
  });

  it('updates known ids in place, keeps time order and leaves pending ones last', () => {
    const pending: UiMessage = { ...msg('local:k2', '2026-01-01T09:00:00Z', { clientId: 'k2' }), local: 'failed' };
    const out = mergeMessages([msg('b', '2026-01-01T10:00:02Z'), pending], [msg('a', '2026-01-01T10:00:01Z'), msg('b', '2026-01-01T10:00:02Z', { status: 'delivered' })]);
    expect(out.map((m) => m.id)).toEqual(['a', 'b', 'local:k2']);
    expect(out[1]!.status).toBe('delivered');
  });
});

describe('linkify', () => {
  it('turns only http(s) URLs into links and keeps everything else as text', () => {
    expect(linkify('see https://example.com/a?b=1. or <img src=x onerror=alert(1)> javascript:alert(1)')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: '. or <img src=x onerror=alert(1)> javascript:alert(1)' },
    ]);
  });
});

describe('files and words', () => {
  it('checks type and size before uploading', () => {
    expect(fileProblem({ name: 'a.png', size: 10 })).toBeNull();
    expect(fileProblem({ name: 'a.html', size: 10 })).toBe('type');
    expect(fileProblem({ name: 'a.pdf', size: 11 * 1024 * 1024 })).toBe('size');
    expect(formatSize(512)).toBe('512 B');
    expect(formatSize(1536)).toBe('1.5 KB');
    expect(formatSize(3 * 1024 * 1024)).toBe('3 MB');
  });

  it('speaks Simplified Chinese to Chinese browsers and English otherwise', () => {
    expect(pickLang(['zh-CN', 'en'])).toBe('zh');
    expect(pickLang(['de-DE', 'en-GB'])).toBe('en');
    expect(pickLang(['fr'])).toBe('en');
    expect(translator('zh')('typing', { name: 'Alex' })).toBe('Alex 正在输入…');
    expect(translator('en')('newMessages', { n: 3 })).toBe('3 new messages');
  });
});
