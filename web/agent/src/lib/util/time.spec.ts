import { describe, expect, it } from 'vitest';
import { formatDuration, relativeTime, waitingTime, toLocalInputValue } from './time';

const now = Date.parse('2026-03-10T12:00:00Z');
const ago = (ms: number) => new Date(now - ms).toISOString();

describe('relativeTime', () => {
  it('says now for under a minute, and for small clock skew into the future', () => {
    expect(relativeTime(ago(30_000), now)).toBe('now');
    expect(relativeTime(new Date(now + 5_000).toISOString(), now)).toBe('now');
  });
  it('uses minutes, hours, days', () => {
    expect(relativeTime(ago(5 * 60_000), now)).toBe('5m');
    expect(relativeTime(ago(59 * 60_000 + 59_000), now)).toBe('59m');
    expect(relativeTime(ago(2 * 3600_000 + 1), now)).toBe('2h');
    expect(relativeTime(ago(3 * 86400_000), now)).toBe('3d');
  });
  it('falls back to a short date after a week, with the year when it differs', () => {
    expect(relativeTime('2026-03-01T12:00:00Z', now)).toMatch(/Mar\s+1/);
    expect(relativeTime('2024-12-25T12:00:00Z', now)).toMatch(/2024/);
  });
  it('speaks Chinese', () => {
    expect(relativeTime(ago(5 * 60_000), now, 'zh')).toBe('5分钟前');
    expect(relativeTime(ago(10_000), now, 'zh')).toBe('刚刚');
  });
  it('returns an empty string for garbage', () => {
    expect(relativeTime('not a date', now)).toBe('');
  });
});

describe('waitingTime', () => {
  it('shows two units at most', () => {
    expect(waitingTime(ago(42_000), now)).toBe('42s');
    expect(waitingTime(ago(4 * 60_000), now)).toBe('4m');
    expect(waitingTime(ago(80 * 60_000), now)).toBe('1h 20m');
    expect(waitingTime(ago(3600_000), now)).toBe('1h');
    expect(waitingTime(ago(2 * 86400_000 + 3 * 3600_000 + 5 * 60_000), now)).toBe('2d 3h');
    expect(waitingTime(ago(80 * 60_000), now, 'zh')).toBe('1小时20分钟');
  });
});

describe('formatDuration', () => {
  it('formats calls', () => {
    expect(formatDuration(7)).toBe('0:07');
    expect(formatDuration(725)).toBe('12:05');
    expect(formatDuration(3723)).toBe('1:02:03');
    expect(formatDuration(-3)).toBe('0:00');
  });
});

describe('toLocalInputValue', () => {
  it('pads fields for datetime-local', () => {
    expect(toLocalInputValue(new Date(2026, 0, 5, 9, 3))).toBe('2026-01-05T09:03');
  });
});
