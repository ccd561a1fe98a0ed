import type { Task, TaskFields } from '../../../../shared/task';

export const LOCAL_BOARD_TYPE = 'local';

/** The columns a new local board starts with: a workflow humans and agents both recognise. */
export const DEFAULT_COLUMNS = [
  'Backlog',
  'To do',
  'Work in progress',
  'Ready for Review',
  'Blocked — Needs Input',
  'Done',
] as const;

/** Fields for a new task; everything but the title has a default. */
export type NewTaskFields = Partial<TaskFields> & { title: string };

/** A task as the local store has it: the canonical Task plus what the UI needs to draw it. */
export interface LocalTask extends Task {
  marker: string | null;
  createdAt: string;
  /** Sort key within the task's column (ascending); not a synced field. */
  position: number;
}

export type LocalChangeKind = 'created' | 'updated' | 'deleted' | 'commented';

/** One committed change, as stored in local_events and handed to onChange listeners. */
export interface LocalChangeEvent {
  seq: number;
  boardId: string;
  taskId: string;
  kind: LocalChangeKind;
  actor: string;
  at: string;
}

export type LocalChangeListener = (event: LocalChangeEvent) => void;

export interface LocalChangePage {
  /** Live tasks with updatedAt >= since. */
  tasks: LocalTask[];
  /** Tasks deleted at or after since. */
  deletedIds: string[];
  /** The highest updatedAt seen (deletions included), never below `since`; null only on an empty board with no since. */
  cursor: string | null;
}
