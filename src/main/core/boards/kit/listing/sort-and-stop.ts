/**
 * Sort-and-stop listing, for boards that sort by update time but cannot filter
 * by it (Plane): read pages newest first and stop at the first item older than
 * `since`. Offset pages shift when an item is updated mid-scan (it jumps to the
 * front), so the engine's overlapping watermark and its (id, version) dedupe
 * make a repeat harmless, and an item pushed past a page boundary is read on
 * the next poll at the latest.
 */
export async function collectUntil<T>(
  pages: AsyncIterable<T[]>,
  updatedAtOf: (item: T) => string,
  since: string | null,
): Promise<T[]> {
  const sinceMs = since === null ? Number.NEGATIVE_INFINITY : Date.parse(since);
  const found: T[] = [];
  for await (const items of pages) {
    for (const item of items) {
      if (Date.parse(updatedAtOf(item)) < sinceMs) return found;
      found.push(item);
    }
  }
  return found;
}
