import { createHash } from 'node:crypto';
import type { Comment, Task, TaskFields } from '../../../../shared/task';
import { fieldsVersion, normaliseLabels } from '../contract/canonical';
import { isNotesComment, notesFromComment } from '../kit/notes/mirror-comment';
import { priorityFromOption, type PropertyMap, type PropertyTemplate } from './properties';

/** A block as the API returns it (server/model/block.go). Times are milliseconds. */
export interface FocalBlock {
  id: string;
  parentId: string;
  boardId: string;
  createdBy: string;
  modifiedBy: string;
  schema: number;
  type: string;
  title: string;
  fields: Record<string, unknown>;
  createAt: number;
  updateAt: number;
  deleteAt: number;
}

/** A board (server/model/board.go), the parts Deckhand reads. */
export interface FocalBoard {
  id: string;
  teamId: string;
  title: string;
  cardProperties: PropertyTemplate[];
  updateAt: number;
  deleteAt: number;
}

export interface FocalUser {
  id: string;
  username: string;
  nickname?: string;
  is_bot?: boolean;
}

/** Where Deckhand's create marker rides in a card's or comment's `fields` (kept by the server, unseen in the UI). */
export const MARKER_FIELD = 'deckhandMarker';

/** Mattermost's id alphabet (utils.NewID): ids Deckhand derives look like the server's own. */
const ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769';

/**
 * A block id derived from what it is for: a retried create of the same
 * marker writes the same id, which the server upserts instead of adding a
 * second block. The prefix is the server's for that type (utils.IDType:
 * 'c' for cards, 'a' for text and comment blocks).
 */
export function derivedId(prefix: 'c' | 'a', ...parts: string[]): string {
  const digest = createHash('sha256').update(parts.join('\u0000')).digest();
  let out = prefix;
  for (let i = 0; i < 26; i++) out += ALPHABET[digest[i]! % 32];
  return out;
}

/** A card's content order, flat (a row of columns is a nested array). */
export function contentOrderOf(card: FocalBlock): string[] {
  const order = card.fields.contentOrder;
  if (!Array.isArray(order)) return [];
  return order.flat().filter((id): id is string => typeof id === 'string');
}

export function cardProperties(card: FocalBlock): Record<string, unknown> {
  const props = card.fields.properties;
  return typeof props === 'object' && props !== null && !Array.isArray(props)
    ? { ...(props as Record<string, unknown>) }
    : {};
}

export const isCard = (block: FocalBlock): boolean => block.type === 'card' && block.fields.isTemplate !== true;
export const isNotesBlock = (block: FocalBlock): boolean => block.type === 'text' && isNotesComment(block.title);

/** A card's text content: the person's description blocks (in the card's order) and Deckhand's notes block. */
export function contentOf(
  card: FocalBlock,
  children: readonly FocalBlock[],
): {
  descriptionBlocks: FocalBlock[];
  notesBlock: FocalBlock | undefined;
} {
  const texts = children.filter((b) => b.type === 'text' && b.parentId === card.id);
  const order = contentOrderOf(card);
  const rank = (b: FocalBlock) => {
    const at = order.indexOf(b.id);
    return at < 0 ? order.length : at;
  };
  texts.sort((a, b) => rank(a) - rank(b) || a.createAt - b.createAt);
  const notesBlock = texts.find(isNotesBlock);
  return { descriptionBlocks: texts.filter((b) => b !== notesBlock), notesBlock };
}

/** Noon UTC of a day, so the day reads the same in every time zone the webapp shows it in. */
export const dayToMillis = (day: string): number => Date.parse(`${day}T12:00:00Z`);

/** A date property's value: a JSON string `{"from": ms, "to"?: ms}` (webapp properties/date). */
export function dayOfDateValue(value: unknown): string | null {
  if (typeof value !== 'string' || value === '') return null;
  try {
    const from = (JSON.parse(value) as { from?: unknown }).from;
    return typeof from === 'number' ? new Date(from).toISOString().slice(0, 10) : null;
  } catch {
    return null;
  }
}

export interface ReadContext {
  props: PropertyMap;
  userName(id: string): string | undefined;
}

const optionName = (template: PropertyTemplate | undefined, id: unknown): string | undefined =>
  template?.options?.find((o) => o.id === id)?.value;

/** A card's canonical fields; the version is a hash of them (updateAt moves on every save, even a no-op). */
export function taskFromCard(card: FocalBlock, children: readonly FocalBlock[], ctx: ReadContext): Task {
  const { props } = ctx;
  const values = cardProperties(card);
  const value = (t: PropertyTemplate | undefined): unknown => (t ? values[t.id] : undefined);
  const { descriptionBlocks, notesBlock } = contentOf(card, children);
  const labelIds = value(props.labels);
  const person = value(props.assignee);
  const parent = value(props.parent);
  const notesValue = value(props.agentNotes);
  const fields: TaskFields = {
    title: card.title,
    description: descriptionBlocks
      .map((b) => b.title)
      .join('\n\n')
      .trim(),
    status: optionName(props.status, value(props.status)) ?? '',
    assignee: typeof person === 'string' && person !== '' ? (ctx.userName(person) ?? person) : null,
    priority: priorityFromOption(optionName(props.priority, value(props.priority))),
    labels: normaliseLabels(
      (Array.isArray(labelIds) ? labelIds : [])
        .map((id) => optionName(props.labels, id))
        .filter((n): n is string => !!n),
    ),
    agentNotes: props.agentNotes
      ? typeof notesValue === 'string'
        ? notesValue
        : ''
      : notesBlock
        ? notesFromComment(notesBlock.title)
        : '',
    parentId: typeof parent === 'string' && parent.trim() !== '' ? parent.trim() : null,
    dueDate: dayOfDateValue(value(props.due)),
  };
  const touched = [card, ...descriptionBlocks, ...(notesBlock ? [notesBlock] : [])];
  const updateAt = Math.max(...touched.map((b) => b.updateAt));
  const marker = card.fields[MARKER_FIELD];
  return {
    id: card.id,
    ...fields,
    version: fieldsVersion(fields),
    updatedAt: new Date(updateAt).toISOString(),
    marker: typeof marker === 'string' && marker !== '' ? marker : null,
  };
}

/**
 * A comment block. Deckhand's carry their marker in `fields`; a person's
 * comment has none, even when written from the same account Deckhand uses
 * (a solo developer's), so it counts as a person's.
 */
export function commentFromBlock(block: FocalBlock, userName: (id: string) => string | undefined): Comment {
  const marker = block.fields?.[MARKER_FIELD];
  return {
    id: block.id,
    taskId: block.parentId,
    author: userName(block.createdBy) ?? (block.createdBy || 'single-user'),
    body: block.title,
    createdAt: new Date(block.createAt).toISOString(),
    marker: typeof marker === 'string' && marker !== '' ? marker : null,
  };
}
