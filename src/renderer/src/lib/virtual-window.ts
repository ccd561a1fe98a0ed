/** The arithmetic of a fixed-row-height virtual list. Pure, so it is unit-tested. */

export interface WindowInput {
  count: number;
  rowHeight: number;
  scrollTop: number;
  viewportHeight: number;
  /** Rows rendered above and below the visible ones, so fast scrolling shows no gaps. */
  overscan: number;
}

export interface RowWindow {
  /** First rendered index (inclusive). */
  start: number;
  /** Last rendered index (exclusive). */
  end: number;
  /** First index at least partly visible. */
  firstVisible: number;
  /** How many rows fit in the viewport (at least 1). */
  pageSize: number;
}

export function rowWindow({ count, rowHeight, scrollTop, viewportHeight, overscan }: WindowInput): RowWindow {
  const pageSize = Math.max(1, Math.floor(viewportHeight / rowHeight));
  if (count === 0) return { start: 0, end: 0, firstVisible: 0, pageSize };
  const firstVisible = Math.min(count - 1, Math.max(0, Math.floor(scrollTop / rowHeight)));
  const lastVisible = Math.min(count - 1, Math.ceil((scrollTop + viewportHeight) / rowHeight));
  return {
    start: Math.max(0, firstVisible - overscan),
    end: Math.min(count, lastVisible + 1 + overscan),
    firstVisible,
    pageSize,
  };
}

/** The scrollTop that brings row `index` fully into view, or null when it already is. */
export function scrollToReveal(
  index: number,
  rowHeight: number,
  scrollTop: number,
  viewportHeight: number,
): number | null {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return null;
}

/**
 * Where the row that was at `oldIndex` is now, given how the list changed:
 * rows are prepended (new log entries) far more often than anything else, so
 * look there first, then search. -1 when the row is gone.
 */
export function findMovedIndex<T>(items: readonly T[], key: T, oldIndex: number, grewBy: number): number {
  const guess = oldIndex + grewBy;
  if (items[guess] === key) return guess;
  if (items[oldIndex] === key) return oldIndex;
  return items.indexOf(key);
}
