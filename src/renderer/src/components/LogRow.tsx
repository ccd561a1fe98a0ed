import type { ReactElement } from 'react';
import type { SyncLogEntry } from '../../../shared/model';
import { formatLogTime } from '../format';
import { actionLabel, actionTone, describeLogActor, entryChange, entryWhere } from '../lib/log-entries';
import { useTaskRef } from '../state/task-refs-store';

/** One line of the sync log, two text lines high: what happened where, then who, when and the change. */
export function LogRow({ entry }: { entry: SyncLogEntry }): ReactElement {
  const where = entryWhere(entry);
  const change = entryChange(entry);
  const task = useTaskRef(entry.boardId, entry.taskId);
  return (
    <div className={`log-row tone-${actionTone(entry.action)}`}>
      <span className="log-marker" aria-hidden="true" />
      <div className="log-text">
        <div className="log-line">
          <span className="log-action">{actionLabel(entry.action)}</span>
          {task?.title ? <span className="log-task-title">“{task.title}”</span> : null}
          {where ? <span className="log-where">{where}</span> : null}
        </div>
        <div className="log-line log-meta">
          <span className="log-actor">{describeLogActor(entry.actor)}</span>
          <span aria-hidden="true">·</span>
          <time dateTime={entry.at}>{formatLogTime(entry.at)}</time>
          {change ? (
            <>
              <span aria-hidden="true">·</span>
              <span className="log-change">{change}</span>
            </>
          ) : null}
        </div>
      </div>
    </div>
  );
}
