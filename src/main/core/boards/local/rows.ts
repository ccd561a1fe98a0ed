import type { Comment } from '../../../../shared/task';
import type { LocalChangeEvent, LocalChangeKind, LocalTask } from './types';

/** Row shapes of the migration-004 tables and their mapping to the canonical types. */

export interface TaskRow {
  board_id: string;
  id: string;
  title: string;
  description: string;
  status: string;
  assignee: string | null;
  priority: number;
  labels_json: string;
  agent_notes: string;
  parent_id: string | null;
  due_date: string | null;
  marker: string | null;
  position: number;
  created_at: string;
  updated_at: string;
  version: number;
  deleted_at: string | null;
}

export interface CommentRow {
  board_id: string;
  id: string;
  task_id: string;
  author: string;
  body: string;
  marker: string | null;
  created_at: string;
  deleted_at: string | null;
}

export interface EventRow {
  seq: number;
  board_id: string;
  task_id: string;
  kind: LocalChangeKind;
  actor: string;
  at: string;
}

export function taskFromRow(row: TaskRow): LocalTask {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    status: row.status,
    assignee: row.assignee,
    priority: row.priority,
    labels: JSON.parse(row.labels_json) as string[],
    agentNotes: row.agent_notes,
    parentId: row.parent_id,
    dueDate: row.due_date,
    updatedAt: row.updated_at,
    version: String(row.version),
    marker: row.marker,
    createdAt: row.created_at,
    position: row.position,
  };
}

export function commentFromRow(row: CommentRow): Comment {
  return {
    id: row.id,
    taskId: row.task_id,
    author: row.author,
    body: row.body,
    createdAt: row.created_at,
    marker: row.marker,
  };
}

export function eventFromRow(row: EventRow): LocalChangeEvent {
  return { seq: row.seq, boardId: row.board_id, taskId: row.task_id, kind: row.kind, actor: row.actor, at: row.at };
}
