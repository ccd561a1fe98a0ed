import { BoardError } from '../contract/errors';

/** Notion ids are UUIDs, written with or without dashes; a pasted URL ends with one (32 hex digits). */
const DASHED = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BARE = /^[0-9a-f]{32}$/i;

/** The dashed form Notion answers with, so ids compare equal whatever form they were written in. */
export function dashed(id: string): string {
  const hex = id.replace(/-/g, '').toLowerCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function isNotionId(value: string): boolean {
  return DASHED.test(value) || BARE.test(value);
}

/**
 * The database id in `database:`: an id, or the address a person copies from
 * Notion (`https://www.notion.so/acme/Tasks-1c2f…?v=…`): the last 32 hex
 * digits of the path. The `?v=` view id is not the database, so the query is ignored.
 */
export function parseDatabaseId(value: string): string {
  const text = value.trim();
  if (isNotionId(text)) return dashed(text);
  let path = text;
  try {
    const url = new URL(text);
    path = url.pathname;
  } catch {
    // not a URL: look for an id in the text as given
  }
  const match = /([0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})(?!.*[0-9a-f]{32})/i.exec(
    path,
  );
  if (!match) {
    throw new BoardError(
      'invalid',
      `database: "${text.slice(0, 80)}" is neither a Notion database id nor a database URL (expected 32 hex digits, as at the end of the database's address)`,
    );
  }
  return dashed(match[1]!);
}
