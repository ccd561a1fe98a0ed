/**
 * The canonical task every board adapter maps to, and the field names that
 * ownership, merge and the sync log speak about.
 */

export const TASK_FIELDS = [
  'title',
  'description',
  'status',
  'assignee',
  'priority',
  'labels',
  'agentNotes',
  'parentId',
  'dueDate',
] as const;

export type TaskField = (typeof TASK_FIELDS)[number];

export interface TaskFields {
  title: string;
  description: string;
  /** The column or state name. */
  status: string;
  assignee: string | null;
  /** Board-neutral priority, 0 (none) .. 4 (urgent). */
  priority: number;
  /** A set; adapters return it sorted so equal sets compare equal. */
  labels: string[];
  /** Written by agents, read by humans. */
  agentNotes: string;
  parentId: string | null;
  /** ISO date (YYYY-MM-DD) or null. */
  dueDate: string | null;
}

export interface Task extends TaskFields {
  /** The board's stable id. */
  id: string;
  /** The board's clock, ISO-8601. */
  updatedAt: string;
  /** An etag, revision or hash of the fields: changes whenever any field changes. */
  version: string;
  /** Set when Deckhand created the task: the idempotency marker a retried create looks for. */
  marker?: string | null;
}

export interface Comment {
  id: string;
  taskId: string;
  author: string;
  body: string;
  createdAt: string;
  marker?: string | null;
}

/** A partial set of field values, as an agent intent or a human edit. */
export type FieldPatch = Partial<TaskFields>;
