import { useId, type ReactElement } from 'react';
import type { BoardSummary, SyncLogEntry } from '../../../shared/model';
import { fieldLabel, formatFullTime } from '../format';
import { actionLabel, describeLogActor } from '../lib/log-entries';
import { useTaskRef } from '../state/task-refs-store';
import { OpenOnBoard } from './TaskLink';
import { ValueView } from './ValueView';

export interface LogDetailProps {
  entry: SyncLogEntry | null;
  boards: readonly BoardSummary[];
  /** Narrows the list to this entry's task. */
  onFilterTask(boardId: string | undefined, taskId: string): void;
  onClose(): void;
}

/** The task's title and its "Open on board" link, or its id until the title is known. */
function TaskTitle({ boardId, taskId }: { boardId: string | undefined; taskId: string }): ReactElement {
  const ref = useTaskRef(boardId, taskId);
  return (
    <>
      {ref?.title ? <span data-testid="log-task-title">“{ref.title}”</span> : null}{' '}
      <span className="mono text-muted">#{taskId}</span> {ref ? <OpenOnBoard task={ref} /> : null}
    </>
  );
}

/** Everything one log entry says: the field before and after, the reason and the operation id. */
export function LogDetail({ entry, boards, onFilterTask, onClose }: LogDetailProps): ReactElement {
  const titleId = useId();
  if (!entry) {
    return (
      <aside className="log-detail panel" aria-label="Entry details">
        <div className="log-detail-empty">
          <p className="empty-title">No entry selected</p>
          <p className="text-muted">
            Select an entry (click it, or use ↑ ↓ or j k in the list) to see the field before and after, the reason and
            the operation id.
          </p>
        </div>
      </aside>
    );
  }
  const board = boards.find((b) => b.id === entry.boardId);
  // A refused write changed nothing: its before is what stayed, its after what the agent tried to write.
  const refused = entry.action === 'write.refused';
  return (
    <aside className="log-detail panel" aria-labelledby={titleId} data-testid="log-detail">
      <div className="log-detail-head">
        <h2 className="panel-title" id={titleId}>
          {actionLabel(entry.action)}
        </h2>
        <button type="button" className="button button-ghost" onClick={onClose} aria-label="Close entry details">
          Close
        </button>
      </div>
      <dl className="details log-detail-body">
        <dt>When</dt>
        <dd>
          <time dateTime={entry.at}>{formatFullTime(entry.at)}</time>
        </dd>
        <dt>Who</dt>
        <dd>
          {describeLogActor(entry.actor)} <span className="mono text-muted">({entry.actor})</span>
        </dd>
        <dt>Action</dt>
        <dd className="mono">{entry.action}</dd>
        {entry.boardId ? (
          <>
            <dt>Board</dt>
            <dd>{board ? board.name : <span className="mono">{entry.boardId}</span>}</dd>
          </>
        ) : null}
        {entry.taskId ? (
          <>
            <dt>Task</dt>
            <dd>
              <TaskTitle boardId={entry.boardId} taskId={entry.taskId} />{' '}
              <button
                type="button"
                className="button button-ghost button-small"
                onClick={() => onFilterTask(entry.boardId, entry.taskId!)}
              >
                Only this task
              </button>
            </dd>
          </>
        ) : null}
        {entry.field ? (
          <>
            <dt>Field</dt>
            <dd>{fieldLabel(entry.field)}</dd>
          </>
        ) : null}
        {entry.before !== undefined || entry.field ? (
          <>
            <dt>{refused ? 'Kept (on the board)' : 'Before'}</dt>
            <dd data-testid="log-before">
              <ValueView value={entry.before} />
            </dd>
          </>
        ) : null}
        {entry.after !== undefined || entry.field ? (
          <>
            <dt>{refused ? 'Tried to write' : 'After'}</dt>
            <dd data-testid="log-after">
              <ValueView value={entry.after} />
            </dd>
          </>
        ) : null}
        <dt>Reason</dt>
        <dd>{entry.reason ? entry.reason : <span className="text-muted">none given</span>}</dd>
        <dt>Operation</dt>
        <dd className="mono">{entry.operationId ?? <span className="text-muted">none</span>}</dd>
        <dt>Entry</dt>
        <dd className="mono">#{entry.seq}</dd>
      </dl>
    </aside>
  );
}
