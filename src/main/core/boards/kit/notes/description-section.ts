import { NOTES_HEADER, notesFromComment, renderNotesComment } from './mirror-comment';

/**
 * Agent notes as a marked section at the end of a task's description, for
 * boards whose listing carries the description but that have no field
 * Deckhand can own (Plane CE, Taiga). The person's text is everything above
 * the header line; Deckhand rewrites only what is below it.
 */
export function splitNotesSection(text: string): { description: string; agentNotes: string } {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.trim() === NOTES_HEADER);
  if (at < 0) return { description: text, agentNotes: '' };
  return {
    description: lines.slice(0, at).join('\n').trim(),
    agentNotes: notesFromComment(lines.slice(at).join('\n')),
  };
}

/** The description with the notes section after it (plain text or Markdown); no section when there are no notes. */
export function joinNotesSection(description: string, agentNotes: string): string {
  if (agentNotes.trim() === '') return description;
  const notes = renderNotesComment(agentNotes);
  return description.trim() === '' ? notes : `${description}\n\n${notes}`;
}
