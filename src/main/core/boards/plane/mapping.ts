import type { Comment, Task, TaskFields } from '../../../../shared/task';
import { fieldsVersion, normaliseLabels } from '../contract/canonical';
import { splitNotesSection } from '../kit/notes/description-section';
import { renderNotesComment } from '../kit/notes/mirror-comment';
import { htmlToText, textToHtml } from './html';

/** What Deckhand puts in `external_source`: with `external_id` it is Plane's own idempotency key (409 on a repeat). */
export const EXTERNAL_SOURCE = 'deckhand';

export interface PlaneWorkItem {
  id: string;
  name: string;
  description_html: string | null;
  state: string;
  priority: string;
  labels: string[];
  assignees: string[];
  parent: string | null;
  target_date: string | null;
  updated_at: string;
  external_id: string | null;
  external_source: string | null;
  project: string;
}

export interface PlaneState {
  id: string;
  name: string;
  group: string;
  sequence: number;
}

export interface PlaneLabel {
  id: string;
  name: string;
}

export interface PlaneMember {
  id: string;
  display_name: string;
  email: string;
}

export interface PlaneComment {
  id: string;
  comment_html: string | null;
  actor: string | null;
  created_at: string;
  external_id: string | null;
  external_source: string | null;
  issue: string;
}

/** Plane's priorities and the canonical 0 (none) .. 4 (urgent). */
export const PRIORITIES = ['none', 'low', 'medium', 'high', 'urgent'] as const;

export function priorityFromPlane(value: string): number {
  const index = PRIORITIES.indexOf(value as (typeof PRIORITIES)[number]);
  return index < 0 ? 0 : index;
}

/** Names of the project's states, labels and members, by id, for reading. */
export interface Directory {
  stateName(id: string): string;
  labelName(id: string): string | undefined;
  memberName(id: string): string | undefined;
}

/**
 * Agent notes live in the description, after a marked line (the same header
 * as the kit's notes comment). Plane CE has no custom fields, and a marked
 * comment would cost one more request per task on every listing under a
 * 60 requests/minute limit; the description comes with the work item. The
 * person's text is everything above the marker; Deckhand rewrites only what
 * is below it.
 */
export function splitDescription(html: string | null): { description: string; agentNotes: string } {
  return splitNotesSection(htmlToText(html));
}

export function joinDescription(description: string, agentNotes: string): string {
  if (agentNotes.trim() === '') return textToHtml(description);
  const notes = renderNotesComment(agentNotes);
  return description.trim() === '' ? textToHtml(notes) : `${textToHtml(description)}${textToHtml(notes)}`;
}

export function taskFromWorkItem(item: PlaneWorkItem, names: Directory): Task {
  const { description, agentNotes } = splitDescription(item.description_html);
  const assignee = item.assignees.map((id) => names.memberName(id)).find((n) => n !== undefined) ?? null;
  const fields: TaskFields = {
    title: item.name,
    description,
    status: names.stateName(item.state),
    assignee,
    priority: priorityFromPlane(item.priority),
    labels: normaliseLabels(item.labels.map((id) => names.labelName(id)).filter((n): n is string => n !== undefined)),
    agentNotes,
    parentId: item.parent,
    dueDate: item.target_date,
  };
  return {
    id: item.id,
    ...fields,
    // Plane bumps updated_at on a PATCH that changes nothing: the version comes from the fields.
    version: fieldsVersion(fields),
    updatedAt: item.updated_at,
    marker: item.external_source === EXTERNAL_SOURCE ? item.external_id : null,
  };
}

export function commentFromPlane(row: PlaneComment, names: Directory): Comment {
  return {
    id: row.id,
    taskId: row.issue,
    author: (row.actor && names.memberName(row.actor)) ?? row.actor ?? 'unknown',
    body: htmlToText(row.comment_html),
    createdAt: row.created_at,
    marker: row.external_source === EXTERNAL_SOURCE ? row.external_id : null,
  };
}
