import { describe, expect, it } from 'vitest';
import { computeWindow, nearEnd, scrollIntoView } from './virtual';

describe('computeWindow', () => {
  it('renders only the visible rows plus overscan, even for 10,000 items', () => {
    const w = computeWindow(0, 800, 72, 10_000, 6);
    expect(w.start).toBe(0);
    expect(w.end).toBe(Math.ceil(800 / 72) + 1 + 6);
    expect(w.end - w.start).toBeLessThan(100);
    expect(w.total).toBe(720_000);
  });
  it('follows the scroll position', () => {
    const w = computeWindow(72 * 5000 + 10, 720, 72, 10_000, 5);
    expect(w.start).toBe(4995);
    expect(w.end).toBe(5000 + 11 + 5);
    expect(w.offset).toBe(4995 * 72);
  });
  it('clamps scroll positions past either end', () => {
    const w = computeWindow(1e9, 720, 72, 100, 2);
    expect(w.end).toBe(100);
    expect(w.start).toBe(100 - 10 - 2);
    const neg = computeWindow(-300, 720, 72, 100, 2);
    expect(neg.start).toBe(0);
  });
  it('handles an empty list and lists shorter than the viewport', () => {
    expect(computeWindow(0, 500, 72, 0)).toEqual({ start: 0, end: 0, offset: 0, total: 0 });
    expect(computeWindow(0, 500, 72, 3)).toMatchObject({ start: 0, end: 3, total: 216 });
  });
  it('keeps the rendered count bounded by the viewport, not the data', () => {
    for (const count of [100, 1_000, 100_000]) {
      const w = computeWindow(count * 36, 1000, 72, count, 6);
      expect(w.end - w.start).toBeLessThanOrEqual(Math.ceil(1000 / 72) + 1 + 12);
    }
  });
});

describe('scrollIntoView', () => {
  it('scrolls up or down only as far as needed', () => {
    expect(scrollIntoView(2, 500, 300, 72)).toBe(144);
    expect(scrollIntoView(20, 0, 300, 72)).toBe(21 * 72 - 300);
    expect(scrollIntoView(3, 144, 300, 72)).toBeNull();
  });
});

describe('nearEnd', () => {
  it('fires within the threshold of the bottom', () => {
    expect(nearEnd(0, 500, 10_000, 400)).toBe(false);
    expect(nearEnd(9_200, 500, 10_000, 400)).toBe(true);
  });
});
