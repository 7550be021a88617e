// Window computation for a fixed-row-height virtual list: which rows to render for a scroll position.

export interface VirtualWindow {
  /** first rendered index (inclusive) */
  start: number;
  /** last rendered index (exclusive) */
  end: number;
  /** px from the top of the scroll content to the first rendered row */
  offset: number;
  /** full scroll height */
  total: number;
}

export function computeWindow(
  scrollTop: number, viewport: number, rowHeight: number, count: number, overscan = 6,
): VirtualWindow {
  const total = count * rowHeight;
  if (count === 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0, total: Math.max(0, total) };
  const maxTop = Math.max(0, total - viewport);
  const top = Math.min(Math.max(0, scrollTop), maxTop);
  const first = Math.floor(top / rowHeight);
  const visible = Math.ceil(Math.max(viewport, 0) / rowHeight) + 1;
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, first + visible + overscan);
  return { start, end, offset: start * rowHeight, total };
}

/** The scrollTop that brings row `index` fully into view, or null when it already is. */
export function scrollIntoView(index: number, scrollTop: number, viewport: number, rowHeight: number): number | null {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewport) return bottom - viewport;
  return null;
}

/** True when the user scrolled within `threshold` px of the end: time to fetch the next page. */
export function nearEnd(scrollTop: number, viewport: number, total: number, threshold: number): boolean {
  return total - (scrollTop + viewport) <= threshold;
}
