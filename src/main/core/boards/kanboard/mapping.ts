import type { Comment, Task, TaskFields } from '../../../../shared/task';
import { fieldsVersion, normaliseLabels } from '../contract/canonical';
import { dueDateFromKanboard, isoFromUnix, num, priorityToCanonical, text, type PriorityRange } from './values';

/** The task metadata key that holds agent notes (the source of truth; the comment only mirrors it). */
export const AGENT_NOTES_KEY = 'agent_notes';

/** A row of `searchTasks` (Kanboard's extended task query): the task plus column and assignee names. */
export interface KanboardTaskRow {
  id: number | string;
  title?: string;
  description?: string | null;
  reference?: string | null;
  project_id: number | string;
  column_id: number | string;
  swimlane_id?: number | string;
  owner_id?: number | string;
  is_active: number | string;
  priority?: number | string;
  date_due?: number | string | null;
  date_modification: number | string;
  column_name?: string | null;
  assignee_username?: string | null;
  nb_links?: number | string;
  nb_comments?: number | string;
}

/** A row of `getAllTaskLinks`: `task_id` there is the *other* task of the link. */
export interface KanboardLinkRow {
  id: number | string;
  task_id: number | string;
  label: string;
  project_id: number | string;
}

/** A row of `getAllComments` / `getComment` (only the latter carries `reference`). */
export interface KanboardCommentRow {
  id: number | string;
  task_id: number | string;
  user_id: number | string;
  comment: string;
  date_creation: number | string;
  username?: string | null;
  name?: string | null;
  reference?: string | null;
}

/** What a task needs besides its row: tags, metadata and internal links (fetched in batches). */
export interface TaskExtras {
  tags: string[];
  metadata: Record<string, string>;
  links: KanboardLinkRow[];
}

/** The board facts the mapping depends on, learned at connect and refreshed by full listings. */
export interface MappingContext {
  projectId: number;
  /** The status a closed task reports (the `done` role's column, else the last column). */
  closedStatus: string;
  /** The label of the link that makes a task a child ("is a child of" by default). */
  childLinkLabel: string;
  priority: PriorityRange;
  timeZone: string;
}

/** `getTaskTags` answers `{tag_id: name}`, or `[]` from some servers when empty. */
export function tagsFrom(value: unknown): string[] {
  if (Array.isArray(value)) return value.map(text);
  if (value && typeof value === 'object') return Object.values(value as Record<string, unknown>).map(text);
  return [];
}

/** `getTaskMetadata` answers `{name: value}`, or `[]` when empty. */
export function metadataFrom(value: unknown): Record<string, string> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, text(v)]));
}

export function linksFrom(value: unknown): KanboardLinkRow[] {
  return Array.isArray(value) ? (value as KanboardLinkRow[]) : [];
}

/** The parent: the lowest-numbered task in the same project this one "is a child of". */
export function parentIdFrom(links: readonly KanboardLinkRow[], ctx: MappingContext): string | null {
  const parents = links
    .filter((l) => l.label === ctx.childLinkLabel && num(l.project_id) === ctx.projectId)
    .map((l) => num(l.task_id))
    .filter((id) => id > 0)
    .sort((a, b) => a - b);
  return parents.length > 0 ? String(parents[0]) : null;
}

/** Kanboard's own clock is second-granular and blind to metadata: the version comes from the fields. */
export const versionOf = fieldsVersion;

export function isOpen(row: Pick<KanboardTaskRow, 'is_active'>): boolean {
  return num(row.is_active) === 1;
}

/** A Kanboard task as the canonical Task. */
export function taskFromKanboard(row: KanboardTaskRow, extras: TaskExtras, ctx: MappingContext): Task {
  const fields: TaskFields = {
    title: text(row.title),
    description: text(row.description),
    status: isOpen(row) ? text(row.column_name) : ctx.closedStatus,
    assignee: row.assignee_username ? text(row.assignee_username) : null,
    priority: priorityToCanonical(row.priority, ctx.priority),
    labels: normaliseLabels(extras.tags),
    agentNotes: extras.metadata[AGENT_NOTES_KEY] ?? '',
    parentId: parentIdFrom(extras.links, ctx),
    dueDate: dueDateFromKanboard(row.date_due, ctx.timeZone),
  };
  const reference = text(row.reference);
  return {
    id: String(num(row.id)),
    ...fields,
    updatedAt: isoFromUnix(row.date_modification),
    version: versionOf(fields),
    marker: reference === '' ? null : reference,
  };
}

/** Who wrote a comment: the username, else the display name; the application token writes as nobody. */
export function commentFromKanboard(row: KanboardCommentRow): Comment {
  const author =
    text(row.username) || text(row.name) || (num(row.user_id) === 0 ? 'kanboard-api' : `user#${text(row.user_id)}`);
  return {
    id: String(num(row.id)),
    taskId: String(num(row.task_id)),
    author,
    body: text(row.comment),
    createdAt: isoFromUnix(row.date_creation),
    ...(row.reference !== undefined ? { marker: row.reference ? text(row.reference) : null } : {}),
  };
}
