import type { Comment, Task, TaskFields } from '../../../../shared/task';
import { fieldsVersion, normaliseLabels } from '../contract/canonical';
import { joinNotesSection, splitNotesSection } from '../kit/notes/description-section';

/** A card as `GET /api/cards/:cardId` answers it (the whole document, models/cards.js schema). */
export interface WekanCard {
  _id: string;
  title: string;
  description?: string;
  boardId: string;
  listId: string;
  swimlaneId: string;
  parentId?: string | null;
  labelIds?: string[] | null;
  members?: string[];
  assignees?: string[] | null;
  dueAt?: string | null;
  archived?: boolean;
  customFields?: { _id: string; value: unknown }[];
  modifiedAt?: string;
  dateLastActivity?: string;
  createdAt?: string;
  sort?: number;
  userId?: string;
}

/** `GET /api/boards/:boardId/lists` (server/models/lists.js, #5251). */
export interface WekanList {
  _id: string;
  title: string;
  modifiedAt: string | null;
  /** The newest change among the list's cards (archived ones included), null when it has none. */
  cardsModifiedAt: string | null;
}

export interface WekanLabel {
  _id: string;
  name: string;
  color: string;
}

export interface WekanBoard {
  _id: string;
  title: string;
  labels: WekanLabel[];
  members: { userId: string; isActive: boolean; isAdmin?: boolean; isCommentOnly?: boolean; isNoComments?: boolean }[];
}

export interface Directory {
  listTitle(id: string): string;
  labelName(id: string): string | undefined;
  username(id: string): string;
  /** The text custom field holding agent notes, when configured. */
  notesFieldId: string | undefined;
}

/**
 * What Deckhand keeps at the very end of a card's description, as an HTML
 * comment WeKan's Markdown renderer does not show: the create marker (WeKan's
 * card create takes no custom fields or external id, only title and
 * description, so the marker must ride in the description to be in the same
 * request) and, after a detach, the parent it was detached from (WeKan's REST
 * PUT skips an empty `parentId`, so a native parent cannot be cleared).
 */
export interface Hidden {
  marker: string | null;
  detachedFrom: string | null;
}

const HIDDEN_LINE = /\n*<!-- deckhand((?: [a-z]+=[^\s>]+)*) -->\s*$/;

export function readHidden(text: string): { text: string; hidden: Hidden } {
  const hidden: Hidden = { marker: null, detachedFrom: null };
  const match = HIDDEN_LINE.exec(text);
  if (!match) return { text, hidden };
  for (const part of match[1]!.trim().split(' ').filter(Boolean)) {
    const [key, value] = [part.slice(0, part.indexOf('=')), part.slice(part.indexOf('=') + 1)];
    if (key === 'marker') hidden.marker = value;
    if (key === 'detached') hidden.detachedFrom = value;
  }
  return { text: text.slice(0, match.index), hidden };
}

export function writeHidden(text: string, hidden: Hidden): string {
  const parts = [
    ...(hidden.marker ? [`marker=${hidden.marker}`] : []),
    ...(hidden.detachedFrom ? [`detached=${hidden.detachedFrom}`] : []),
  ];
  if (parts.length === 0) return text;
  return `${text}${text === '' ? '' : '\n\n'}<!-- deckhand ${parts.join(' ')} -->`;
}

/** A card's stored description, split into the person's text, the notes section and the hidden line. */
export function splitDescription(stored: string | undefined): {
  description: string;
  agentNotes: string;
  hidden: Hidden;
} {
  const { text, hidden } = readHidden((stored ?? '').replace(/\r\n/g, '\n'));
  const { description, agentNotes } = splitNotesSection(text);
  // WeKan cannot store an empty description over REST (PUT skips a falsy one), so Deckhand writes a blank.
  return { description: description.trim() === '' ? '' : description, agentNotes, hidden };
}

/** The description to store; `notesInText` is false when the notes live in a custom field. */
export function joinDescription(
  parts: { description: string; agentNotes: string; hidden: Hidden },
  notesInText: boolean,
): string {
  const text = notesInText ? joinNotesSection(parts.description, parts.agentNotes) : parts.description;
  return writeHidden(text, parts.hidden);
}

/** WeKan's dates are full timestamps; Deckhand's due date is the day (UTC). */
export function dueDateOf(dueAt: string | null | undefined): string | null {
  if (!dueAt) return null;
  const ms = Date.parse(dueAt);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString().slice(0, 10);
}

export function notesFieldValue(card: WekanCard, fieldId: string): string {
  const value = card.customFields?.find((f) => f._id === fieldId)?.value;
  return typeof value === 'string' ? value : '';
}

/** The native parent, unless Deckhand detached the card from exactly that parent. */
export function parentOf(card: WekanCard, hidden: Hidden): string | null {
  const native = card.parentId ? card.parentId : null;
  if (native !== null && native === hidden.detachedFrom) return null;
  return native;
}

/** A card's modification time on WeKan's clock (`modifiedAt`, or the older `dateLastActivity`). */
export function cardTime(card: WekanCard): string {
  const times = [card.modifiedAt, card.dateLastActivity].filter((t): t is string => typeof t === 'string');
  return times.sort((a, b) => Date.parse(b) - Date.parse(a))[0] ?? new Date(0).toISOString();
}

export function taskFromCard(card: WekanCard, names: Directory): Task {
  const parts = splitDescription(card.description);
  const assignee = (card.assignees ?? [])[0];
  const fields: TaskFields = {
    title: card.title,
    description: parts.description,
    status: names.listTitle(card.listId),
    assignee: assignee ? names.username(assignee) : null,
    // WeKan cards have no priority field.
    priority: 0,
    labels: normaliseLabels(
      (card.labelIds ?? []).map((id) => names.labelName(id)).filter((n): n is string => n !== undefined),
    ),
    agentNotes: names.notesFieldId ? notesFieldValue(card, names.notesFieldId) : parts.agentNotes,
    parentId: parentOf(card, parts.hidden),
    dueDate: dueDateOf(card.dueAt),
  };
  return {
    id: card._id,
    ...fields,
    // modifiedAt moves for writes that change no synced field (sort, a no-op PUT): the version comes from the fields.
    version: fieldsVersion(fields),
    updatedAt: cardTime(card),
    marker: parts.hidden.marker,
  };
}

/** Deckhand's comments carry their marker as a trailing HTML comment (WeKan comments have no external id). */
const COMMENT_MARKER = /\n*<!-- deckhand:([^\s>]+) -->\s*$/;

export function commentText(body: string, marker: string): string {
  return `${body}\n\n<!-- deckhand:${marker} -->`;
}

export function commentFrom(
  raw: { _id: string; text: string; userId: string; createdAt: string },
  taskId: string,
  author: string,
): Comment {
  const match = COMMENT_MARKER.exec(raw.text);
  return {
    id: raw._id,
    taskId,
    author,
    body: match ? raw.text.slice(0, match.index) : raw.text,
    createdAt: raw.createdAt,
    marker: match ? match[1]! : null,
  };
}
