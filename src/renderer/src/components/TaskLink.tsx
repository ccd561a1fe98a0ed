import type { ReactElement } from 'react';
import type { TaskRef } from '../../../shared/model';

/** A task as people know it: its title in quotes, or "task #id" for one Deckhand has not seen. */
export function taskName(task: Pick<TaskRef, 'taskId' | 'title'>): string {
  return task.title ? `“${task.title}”` : `task #${task.taskId}`;
}

/**
 * "Open on board": the link the board's adapter built. The local board's is a
 * route of this UI (same window); any other opens the board's own page in a new one.
 */
export function OpenOnBoard({ task, label = 'Open on board' }: { task: TaskRef; label?: string }): ReactElement | null {
  if (!task.url) return null;
  if (task.url.startsWith('#')) {
    return (
      <a className="task-link" href={task.url} data-testid="open-on-board">
        {label}
      </a>
    );
  }
  return (
    <a className="task-link" href={task.url} target="_blank" rel="noreferrer noopener" data-testid="open-on-board">
      {label}
      <span aria-hidden="true"> ↗</span>
      <span className="visually-hidden"> (opens in a new window)</span>
    </a>
  );
}
