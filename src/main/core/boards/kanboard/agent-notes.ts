import {
  findNotesComment as findMarked,
  isNotesComment as isMarked,
  renderNotesComment as renderNotes,
} from '../kit/notes/mirror-comment';
import type { KanboardCommentRow } from './mapping';
import { text } from './values';

/**
 * Agent notes live in task metadata (Kanboard's UI does not show metadata), and
 * are mirrored into one marked comment (kit/notes) so people can read them on
 * the task. The human-owned description is never touched.
 */
export { NOTES_HEADER, renderNotesComment } from '../kit/notes/mirror-comment';

/** Stored in the mirror comment's `reference` field, for anyone inspecting it through the API. */
export const NOTES_COMMENT_REFERENCE = 'deckhand:agent-notes';

export function isNotesComment(row: Pick<KanboardCommentRow, 'comment'>): boolean {
  return isMarked(text(row.comment));
}

/** The mirror comment, found by its header line; the oldest one if there are several. */
export function findNotesComment(rows: readonly KanboardCommentRow[]): KanboardCommentRow | undefined {
  return findMarked(rows, (row) => text(row.comment));
}

/** Whether the mirror comment exists and shows exactly these notes. */
export function mirrorShows(mirror: Pick<KanboardCommentRow, 'comment'> | undefined, notes: string): boolean {
  return mirror !== undefined && text(mirror.comment).trim() === renderNotes(notes).trim();
}
