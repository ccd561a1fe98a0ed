import { text } from './values';
import type { KanboardCommentRow } from './mapping';

/**
 * Agent notes live in task metadata (Kanboard's UI does not show metadata), and
 * are mirrored into one comment so people can read them on the task. The
 * comment is found again by this first line (its marker), never by its author:
 * a solo developer connects the board with their own account, so their comments
 * and Deckhand's share one author. It is edited in place, never re-posted, and
 * the human-owned description is never touched.
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

/** The mirror comment, found by its header line; the oldest one if there are several. */
export function findNotesComment(rows: readonly KanboardCommentRow[]): KanboardCommentRow | undefined {
  return rows.find((row) => isNotesComment(row));
}
