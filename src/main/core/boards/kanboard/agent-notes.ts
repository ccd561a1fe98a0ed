import { num, text } from './values';
import type { KanboardCommentRow } from './mapping';

/**
 * Agent notes live in task metadata (Kanboard's UI does not show metadata), and
 * are mirrored into one comment so people can read them on the task. The
 * comment is found again by its author and this first line, and edited in
 * place; it is never re-posted, and the human-owned description is never touched.
 */
export const NOTES_HEADER = '🤖 Agent notes (maintained by Deckhand — edits here are overwritten)';

/** Stored in the mirror comment's `reference` field, for anyone inspecting it through the API. */
export const NOTES_COMMENT_REFERENCE = 'deckhand:agent-notes';

export function renderNotesComment(notes: string): string {
  return `${NOTES_HEADER}\n\n${notes.trim() === '' ? '_(no agent notes)_' : notes}`;
}

export function isNotesComment(row: Pick<KanboardCommentRow, 'comment'>): boolean {
  return text(row.comment).split('\n', 1)[0]!.trim() === NOTES_HEADER;
}

/** The mirror comment Deckhand wrote as `authorId` (0 for the application token), oldest first. */
export function findNotesComment(
  rows: readonly KanboardCommentRow[],
  authorId: number,
): KanboardCommentRow | undefined {
  return rows.find((row) => num(row.user_id) === authorId && isNotesComment(row));
}
