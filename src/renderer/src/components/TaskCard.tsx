import { useId, type DragEvent, type KeyboardEvent, type ReactElement } from 'react';
import type { BoardTask } from '../../../shared/contract';
import { priorityName } from '../format';

export interface TaskCardProps {
  task: BoardTask;
  /**
   * An agent is working on this card: the agent runtime's report where there is
   * one, otherwise a guess from the card (see lib/agent-working.ts).
   */
  agentWorking: boolean;
  /** A write for this card is on its way. */
  busy: boolean;
  dragging: boolean;
  onOpen(): void;
  /** The keyboard alternative to dragging: `m`. */
  onMove(): void;
  onDragStart(event: DragEvent<HTMLElement>): void;
  onDragEnd(): void;
}

function initials(name: string): string {
  const parts = name
    .trim()
    .split(/[\s._@-]+/)
    .filter(Boolean);
  return ((parts[0]?.[0] ?? '') + (parts[1]?.[0] ?? '')).toUpperCase() || '?';
}

/** A card on the board: title, labels, assignee, priority, agent notes (collapsed) and whether an agent is on it. */
export function TaskCard({
  task,
  agentWorking,
  busy,
  dragging,
  onOpen,
  onMove,
  onDragStart,
  onDragEnd,
}: TaskCardProps): ReactElement {
  const id = useId();
  const onKeyDown = (event: KeyboardEvent<HTMLElement>): void => {
    if (event.target !== event.currentTarget || event.altKey || event.ctrlKey || event.metaKey) return;
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      onOpen();
    } else if (event.key === 'm' || event.key === 'M') {
      event.preventDefault();
      onMove();
    }
  };
  return (
    <article
      className={`task-card${dragging ? ' is-dragging' : ''}${busy ? ' is-busy' : ''}${agentWorking ? ' is-agent-working' : ''}`}
      tabIndex={0}
      draggable
      aria-labelledby={`${id}-title`}
      aria-describedby={`${id}-hint`}
      aria-busy={busy || undefined}
      data-task-id={task.id}
      data-testid="task-card"
      onClick={(e) => {
        // Toggling the agent notes is not opening the card.
        if ((e.target as HTMLElement).closest('details')) return;
        onOpen();
      }}
      onKeyDown={onKeyDown}
      onDragStart={onDragStart}
      onDragEnd={onDragEnd}
    >
      <div className="card-top">
        <span className="card-id mono">#{task.id}</span>
        {task.priority > 0 ? (
          <span className={`priority priority-${task.priority}`} title="Priority">
            <span className="visually-hidden">Priority </span>
            {priorityName(task.priority)}
          </span>
        ) : null}
        {agentWorking ? (
          <span className="agent-working" data-testid="agent-working">
            <span className="agent-working-dot" aria-hidden="true" />
            Agent working
          </span>
        ) : null}
      </div>
      <h3 className="card-title" id={`${id}-title`}>
        {task.title}
      </h3>
      {task.labels.length > 0 ? (
        <ul className="chips card-labels" aria-label="Labels">
          {task.labels.map((label) => (
            <li key={label} className="chip">
              {label}
            </li>
          ))}
        </ul>
      ) : null}
      {task.assignee || task.dueDate ? (
        <div className="card-foot">
          {task.assignee ? (
            <span className="assignee">
              <span className="avatar" aria-hidden="true">
                {initials(task.assignee)}
              </span>
              <span className="visually-hidden">Assigned to </span>
              {task.assignee}
            </span>
          ) : null}
          {task.dueDate ? (
            <span className="due">
              <span className="visually-hidden">Due </span>
              <time dateTime={task.dueDate}>{task.dueDate}</time>
            </span>
          ) : null}
        </div>
      ) : null}
      {task.agentNotes.trim() !== '' ? (
        <details className="agent-notes">
          <summary>Agent notes</summary>
          <p className="agent-notes-text">{task.agentNotes}</p>
        </details>
      ) : null}
      <span id={`${id}-hint`} className="visually-hidden">
        Enter to edit, m to move to another column.
      </span>
    </article>
  );
}
