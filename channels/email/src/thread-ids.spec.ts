import { describe, expect, it } from 'vitest';
import {
  buildMessageId,
  collectReferences,
  conversationIdFromAddress,
  conversationIdFromMessageId,
  extractMessageIds,
  normalizeMessageId,
  threadKeyFor,
} from './thread-ids';

describe('thread ids', () => {
  it('builds Message-IDs carrying the conversation, stable per delivery', () => {
    const a = buildMessageId('65a1b2c3d4e5f60718293a4b', 'delivery-1', 'Support@Example.com');
    expect(a).toMatch(/^<parley\.65a1b2c3d4e5f60718293a4b\.[0-9a-f]{24}@example\.com>$/);
    expect(buildMessageId('65a1b2c3d4e5f60718293a4b', 'delivery-1', 'support@example.com')).toBe(a);
    expect(buildMessageId('65a1b2c3d4e5f60718293a4b', 'delivery-2', 'support@example.com')).not.toBe(a);
    expect(conversationIdFromMessageId(a)).toBe('65a1b2c3d4e5f60718293a4b');
    expect(() => buildMessageId('bad id.with dots', 'd', 'support@example.com')).toThrow();
  });

  it('does not read a token out of foreign ids', () => {
    expect(conversationIdFromMessageId('<CAF=abc@mail.gmail.com>')).toBeNull();
    expect(conversationIdFromMessageId('<parley.x@example.com>')).toBeNull();
  });

  it('extracts Message-IDs from messy headers', () => {
    expect(extractMessageIds('<a@x> <b@y>\r\n <c@z>')).toEqual(['<a@x>', '<b@y>', '<c@z>']);
    expect(extractMessageIds('<a@x>, <a@x>')).toEqual(['<a@x>']);
    expect(extractMessageIds('<a@x> (Anna\'s message of Monday)')).toEqual(['<a@x>']);
    expect(extractMessageIds('bare@host')).toEqual(['<bare@host>']);
    expect(extractMessageIds(['<a@x>', '<b@y>'])).toEqual(['<a@x>', '<b@y>']);
    expect(normalizeMessageId('  <id@host>  ')).toBe('<id@host>');
    expect(normalizeMessageId('')).toBeNull();
  });

  it('orders references: In-Reply-To first, then References newest first', () => {
    expect(collectReferences('<c@x>', '<a@x> <b@x> <c@x>')).toEqual(['<c@x>', '<b@x>', '<a@x>']);
    expect(collectReferences(undefined, ['<a@x>', '<b@x>'])).toEqual(['<b@x>', '<a@x>']);
    expect(collectReferences(undefined, undefined)).toEqual([]);
  });

  it('reads a conversation from a plus address of the inbox only', () => {
    expect(conversationIdFromAddress('support+cABC123@example.com', 'support@example.com')).toBe('ABC123');
    expect(conversationIdFromAddress('support+cABC123@other.com', 'support@example.com')).toBeNull();
    expect(conversationIdFromAddress('sales+cABC123@example.com', 'support@example.com')).toBeNull();
    expect(conversationIdFromAddress('support@example.com', 'support@example.com')).toBeNull();
  });

  it('derives threadKey from any referenced Parley id, else a plus address', () => {
    const ours = '<parley.conv42.0123456789abcdef01234567@example.com>';
    expect(threadKeyFor(['<foreign@x>', ours], [], 'support@example.com')).toBe('conv:conv42');
    expect(threadKeyFor([], ['support+cconv7@example.com'], 'support@example.com')).toBe('conv:conv7');
    expect(threadKeyFor(['<foreign@x>'], ['support@example.com'], 'support@example.com')).toBeUndefined();
  });
});

describe('reference cap', () => {
  it('keeps In-Reply-To and the newest References when a chain is long', () => {
    const chain = Array.from({ length: 40 }, (_, i) => `<r${i}@x>`).join(' ');
    const refs = collectReferences('<r39@x>', chain);
    expect(refs).toHaveLength(20);
    expect(refs[0]).toBe('<r39@x>');
    expect(refs[1]).toBe('<r38@x>');
    expect(refs).not.toContain('<r0@x>');
  });
});
