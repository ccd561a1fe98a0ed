import type { Comment, Task, TaskFields } from '../../../../shared/task';
import { fieldsVersion, normaliseLabels } from '../contract/canonical';
import { splitNotesSection } from '../kit/notes/description-section';

/** The first item of `external_reference` on what Deckhand made, as Taiga's importers put their service there. */
export const EXTERNAL_SOURCE = 'deckhand';

/** A user story as Taiga lists it; `description` only in a detail read (UserStorySerializer). */
export interface TaigaStory {
  id: number;
  ref: number;
  subject: string;
  description?: string;
  status: number;
  tags: ([string, string | null] | string)[] | null;
  assigned_to: number | null;
  due_date: string | null;
  external_reference: string[] | null;
  version: number;
  modified_date: string;
  project: number;
}

export interface TaigaStatus {
  id: number;
  name: string;
  order: number;
  is_closed: boolean;
}

export interface TaigaMember {
  id: number;
  username: string;
  full_name?: string;
  full_name_display?: string;
}

export interface TaigaProject {
  id: number;
  slug: string;
  name: string;
  members: TaigaMember[];
  us_statuses: TaigaStatus[];
}

export interface TaigaHistoryEntry {
  id: string;
  user: { pk: number; username: string | null; name: string };
  created_at: string;
  comment: string;
  delete_comment_date: string | null;
}

/**
 * What Deckhand keeps in `external_reference`: `["deckhand", "marker=…",
 * "parent=…"]` (Taiga refuses blank items, so absent parts are left out).
 * Taiga has no parent for a user story (its tasks live on another board with
 * their own statuses), so a subtask Deckhand makes is a user story whose
 * parent is recorded here; the marker is Deckhand's create key.
 */
export interface DeckhandReference {
  marker: string | null;
  parentId: string | null;
}

const PARTS = { marker: 'marker=', parentId: 'parent=' } as const;

export function readReference(ref: string[] | null): DeckhandReference {
  const out: DeckhandReference = { marker: null, parentId: null };
  if (!Array.isArray(ref) || ref[0] !== EXTERNAL_SOURCE) return out;
  for (const item of ref.slice(1)) {
    for (const [key, prefix] of Object.entries(PARTS) as [keyof DeckhandReference, string][]) {
      if (typeof item === 'string' && item.startsWith(prefix) && item.length > prefix.length) {
        out[key] = item.slice(prefix.length);
      }
    }
  }
  return out;
}

export function writeReference(ref: DeckhandReference): string[] {
  return [
    EXTERNAL_SOURCE,
    ...(ref.marker ? [`${PARTS.marker}${ref.marker}`] : []),
    ...(ref.parentId ? [`${PARTS.parentId}${ref.parentId}`] : []),
  ];
}

/** Tags as Taiga answers them (`[[name, color]]`, or names in older versions). */
export function tagNames(tags: TaigaStory['tags']): string[] {
  return normaliseLabels((tags ?? []).map((t) => (Array.isArray(t) ? t[0] : t)));
}

/** Taiga stores tags lowercased (tagging/api.py); writing them so keeps a label equal to what is read back. */
export function tagsForTaiga(labels: readonly string[]): string[] {
  return normaliseLabels(labels.map((l) => l.toLowerCase()));
}

export interface Directory {
  statusName(id: number): string;
  memberName(id: number): string | undefined;
}

/** A story with its description (a detail read) as a canonical task. */
export function taskFromStory(story: TaigaStory, names: Directory): Task {
  const { description, agentNotes } = splitNotesSection((story.description ?? '').replace(/\r\n/g, '\n'));
  const reference = readReference(story.external_reference);
  const fields: TaskFields = {
    title: story.subject,
    description,
    status: names.statusName(story.status),
    assignee: story.assigned_to === null ? null : (names.memberName(story.assigned_to) ?? String(story.assigned_to)),
    // Taiga's user stories have no priority (only issues do).
    priority: 0,
    labels: tagNames(story.tags),
    agentNotes,
    parentId: reference.parentId,
    dueDate: story.due_date,
  };
  return {
    id: String(story.id),
    ...fields,
    // Taiga bumps `version` for a comment too; the version comes from the synced fields.
    version: fieldsVersion(fields),
    updatedAt: story.modified_date,
    marker: reference.marker,
  };
}

/**
 * Comments carry no external id in Taiga, so Deckhand's marker rides at the
 * end of its comment text as an HTML comment: Taiga's renderer drops it from
 * the page (bleach strips comments), and the raw text keeps it exactly.
 */
const MARKER_LINE = /\n*<!-- deckhand:([^\s>]+) -->\s*$/;

export function commentText(body: string, marker: string): string {
  return `${body}\n\n<!-- deckhand:${marker} -->`;
}

export function commentFromEntry(entry: TaigaHistoryEntry, taskId: string): Comment {
  const match = MARKER_LINE.exec(entry.comment);
  return {
    id: entry.id,
    taskId,
    author: entry.user.username ?? entry.user.name,
    body: match ? entry.comment.slice(0, match.index) : entry.comment,
    createdAt: entry.created_at,
    marker: match ? match[1]! : null,
  };
}
