/**
 * Agent notes as one marked comment, for boards without a field Deckhand can
 * own (or as a readable mirror of one that people cannot see). The comment is
 * found by its first line, never by its author: a solo developer connects the
 * board with their own account, so their comments and Deckhand's share one
 * author. It is edited in place, never re-posted.
 */
export const NOTES_HEADER = '🤖 Agent notes (maintained by Deckhand — edits here are overwritten)';

export function renderNotesComment(notes: string): string {
  return `${NOTES_HEADER}\n\n${notes.trim() === '' ? '_(no agent notes)_' : notes}`;
}

/** Whether a comment's plain text (Markdown, or HTML reduced to text) is the notes comment. */
export function isNotesComment(plainText: string): boolean {
  return plainText.trimStart().split('\n', 1)[0]!.trim() === NOTES_HEADER;
}

/** The notes a notes comment holds ('' for the empty placeholder). */
export function notesFromComment(plainText: string): string {
  const body = plainText
    .trimStart()
    .slice(NOTES_HEADER.length)
    .replace(/^\s*\n/, '')
    .replace(/^\n+/, '');
  return body.trim() === '_(no agent notes)_' ? '' : body.replace(/\s+$/, '');
}

/** The notes comment among a task's comments (the oldest if there are several). */
export function findNotesComment<C>(comments: readonly C[], plainTextOf: (comment: C) => string): C | undefined {
  return comments.find((comment) => isNotesComment(plainTextOf(comment)));
}
