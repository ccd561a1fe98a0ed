import { useTaskRef } from '../state/task-refs-store';
import type { KeyboardEvent, ReactElement } from 'react';
import type { AgentRun } from '../../../shared/model';
import { formatTime } from '../format';
import { formatCost, formatCount, formatDuration } from '../lib/agent-runs';
import { RunStatePill } from './RunStatePill';

export interface RunListProps {
  agentId: string;
  runs: readonly AgentRun[];
  retrying: Readonly<Record<number, true>>;
  retryErrors: Readonly<Record<number, string>>;
  onOpen(runId: number): void;
  onRetry(runId: number): void;
}

const NEXT_KEYS = new Set(['ArrowDown', 'j']);
const PREVIOUS_KEYS = new Set(['ArrowUp', 'k']);

/** ↑ ↓ (or j k), Home and End move between the runs' buttons; Enter or Space opens one. */
function onListKeyDown(event: KeyboardEvent<HTMLTableSectionElement>): void {
  const target = event.target as HTMLElement;
  if (!target.matches('[data-run-open]')) return;
  const buttons = [...event.currentTarget.querySelectorAll<HTMLButtonElement>('[data-run-open]')];
  const index = buttons.indexOf(target as HTMLButtonElement);
  let next = -1;
  if (NEXT_KEYS.has(event.key)) next = Math.min(buttons.length - 1, index + 1);
  else if (PREVIOUS_KEYS.has(event.key)) next = Math.max(0, index - 1);
  else if (event.key === 'Home') next = 0;
  else if (event.key === 'End') next = buttons.length - 1;
  if (next === -1) return;
  event.preventDefault();
  buttons[next]?.focus();
}

function taskLabel(run: AgentRun): string {
  if (run.taskId) return `task #${run.taskId}`;
  return run.resultTaskId ? `digest → #${run.resultTaskId}` : 'digest';
}

/** The run's task by its title, as a person knows it; the id stays next to it. */
function RunTaskTitle({ boardId, taskId }: { boardId: string; taskId: string }): ReactElement | null {
  const ref = useTaskRef(boardId, taskId);
  return ref?.title ? <span className="run-task-title">“{ref.title}” </span> : null;
}

/** An agent's latest runs, newest first: what started each, how it ended, what it cost. */
export function RunList({ agentId, runs, retrying, retryErrors, onOpen, onRetry }: RunListProps): ReactElement {
  return (
    <div className="run-table-wrap">
      <table className="table run-table" data-testid="run-list">
        <caption className="visually-hidden">Latest runs of {agentId}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Task</th>
            <th scope="col">State and outcome</th>
            <th scope="col" className="num">
              Tokens in / out
            </th>
            <th scope="col" className="num">
              Cost
            </th>
            <th scope="col" className="num">
              Duration
            </th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody onKeyDown={onListKeyDown}>
          {runs.map((run) => (
            <tr key={run.id} data-testid="run-row" data-run-id={run.id} data-state={run.state}>
              <th scope="row">
                <button
                  type="button"
                  className="button button-ghost button-small run-open"
                  data-run-open=""
                  aria-label={`Run #${run.id}: ${taskLabel(run)}, ${run.state}. Open details`}
                  onClick={() => onOpen(run.id)}
                >
                  #{run.id}
                </button>
                <div className="cell-sub">
                  <time dateTime={run.createdAt}>{formatTime(run.createdAt)}</time> · {run.trigger}
                </div>
              </th>
              <td>
                {run.taskId ? <RunTaskTitle boardId={run.boardId} taskId={run.taskId} /> : null}
                <span className="mono">{taskLabel(run)}</span>
                <div className="cell-sub">{run.workflow}</div>
              </td>
              <td className="run-state-cell">
                <RunStatePill state={run.state} />
                {run.outcome ? <div className="cell-sub run-outcome">{run.outcome}</div> : null}
                {run.error ? <div className="cell-sub text-bad run-error">{run.error}</div> : null}
                {retryErrors[run.id] ? (
                  <div className="cell-sub text-bad" role="alert">
                    {retryErrors[run.id]}
                  </div>
                ) : null}
              </td>
              <td className="num mono">
                {formatCount(run.tokensIn)} / {formatCount(run.tokensOut)}
              </td>
              <td className="num mono">{formatCost(run.cost)}</td>
              <td className="num mono">{formatDuration(run.durationMs)}</td>
              <td className="cell-actions">
                {run.state === 'failed' ? (
                  <button
                    type="button"
                    className="button button-secondary button-small"
                    disabled={retrying[run.id] === true}
                    aria-busy={retrying[run.id] === true}
                    aria-label={`Retry run #${run.id}`}
                    onClick={() => onRetry(run.id)}
                  >
                    Retry
                  </button>
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
