import { BoardError } from '../../contract/errors';

/**
 * Pagination helpers: each yields one page of items at a time, so a listing
 * that stops early (sort-and-stop at a watermark) fetches no more pages than
 * it reads. Every helper refuses to loop forever on a board that keeps
 * answering the same cursor or never says it is done.
 */

export interface Page<T> {
  items: T[];
  /** The next page's cursor (or URL); null or absent when this was the last page. */
  next?: string | null;
}

/** A limit far above any real board's project size, to end a broken server's endless paging. */
export const MAX_PAGES = 10_000;

/** Cursor (or next-URL) paging: `fetchPage(undefined)` first, then each answer's `next`. */
export async function* pagesByCursor<T>(
  fetchPage: (cursor: string | undefined) => Promise<Page<T>>,
  what: string,
): AsyncGenerator<T[]> {
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await fetchPage(cursor);
    yield page.items;
    if (!page.next || page.items.length === 0) return;
    if (seen.has(page.next)) throw new BoardError('invalid', `${what}: the board sent the same page cursor twice`);
    seen.add(page.next);
    cursor = page.next;
  }
  throw new BoardError('invalid', `${what}: more than ${MAX_PAGES} pages; stopping`);
}

/** Offset paging: pages of `limit` until a short page. */
export async function* pagesByOffset<T>(
  fetchPage: (offset: number, limit: number) => Promise<T[]>,
  limit: number,
  what: string,
): AsyncGenerator<T[]> {
  for (let pages = 0, offset = 0; pages < MAX_PAGES; pages++, offset += limit) {
    const items = await fetchPage(offset, limit);
    yield items;
    if (items.length < limit) return;
  }
  throw new BoardError('invalid', `${what}: more than ${MAX_PAGES} pages; stopping`);
}

/** The `rel="next"` URL of an RFC 8288 `Link` header, if any. */
export function nextLink(linkHeader: string | null | undefined): string | null {
  if (!linkHeader) return null;
  for (const part of linkHeader.split(',')) {
    const match = /^\s*<([^>]+)>\s*;(.*)$/.exec(part);
    if (match && /\brel\s*=\s*"?([^";]*\s)?next(\s[^";]*)?"?/i.test(match[2]!)) return match[1]!;
  }
  return null;
}

/** A GraphQL connection (`nodes` + `pageInfo`) as a Page. */
export function connectionPage<T>(connection: {
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor?: string | null };
}): Page<T> {
  return {
    items: connection.nodes,
    next: connection.pageInfo.hasNextPage ? (connection.pageInfo.endCursor ?? null) : null,
  };
}

/** Collects every item of a paged listing. */
export async function allItems<T>(pages: AsyncIterable<T[]>): Promise<T[]> {
  const all: T[] = [];
  for await (const items of pages) all.push(...items);
  return all;
}
