import type { ReactElement } from 'react';
import type { BoardSummary, OutboxItem } from '../../../shared/model';
import { formatTime } from '../format';
import { describeLogActor } from '../lib/log-entries';

export interface OutboxTableProps {
  items: readonly OutboxItem[];
  boards: readonly BoardSummary[];
  retrying: Readonly<Record<number, true>>;
  onRetry(id: number): void;
}

const KIND_LABELS: Record<OutboxItem['kind'], string> = { update: 'Update', comment: 'Comment', create: 'Create' };

/** Agent writes on their way to a board: pending ones wait or retry, parked ones failed and wait for you. */
export function OutboxTable({ items, boards, retrying, onRetry }: OutboxTableProps): ReactElement {
  return (
    <table className="table outbox-table" data-testid="outbox-table">
      <thead>
        <tr>
          <th scope="col">Write</th>
          <th scope="col">Board</th>
          <th scope="col">State</th>
          <th scope="col">Last error</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {items.map((item) => {
          const board = boards.find((b) => b.id === item.boardId);
          return (
            <tr key={item.id}>
              <th scope="row">
                {KIND_LABELS[item.kind]}
                {item.taskId ? <span className="mono"> task {item.taskId}</span> : null}
                <div className="cell-sub">
                  {describeLogActor(item.actor)} · {formatTime(item.createdAt)}
                  {item.reason ? ` · ${item.reason}` : ''}
                </div>
              </th>
              <td>{board?.name ?? <span className="mono">{item.boardId}</span>}</td>
              <td>
                <span className={`pill tone-${item.state === 'parked' ? 'bad' : 'warn'}`}>
                  <span className="dot" aria-hidden="true" />
                  {item.state === 'parked' ? 'parked' : 'pending'}
                </span>
                <div className="cell-sub">{item.attempts === 1 ? '1 attempt' : `${item.attempts} attempts`}</div>
              </td>
              <td className="cell-error">{item.lastError ?? <span className="text-muted">none</span>}</td>
              <td className="cell-actions">
                {item.state === 'parked' ? (
                  <button
                    type="button"
                    className="button button-secondary"
                    onClick={() => onRetry(item.id)}
                    disabled={retrying[item.id] === true}
                    aria-busy={retrying[item.id] === true}
                    aria-label={`Retry ${KIND_LABELS[item.kind].toLowerCase()} #${item.id}`}
                  >
                    Retry
                  </button>
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
