import { useTaskRef } from '../state/task-refs-store';
import { OpenOnBoard } from './TaskLink';
import type { ReactElement } from 'react';
import type { AgentRun, AgentRunStep } from '../../../shared/model';
import { formatFullTime, plural } from '../format';
import type { ListStatus } from '../state/log-store';
import { formatCost, formatCount, formatDuration } from '../lib/agent-runs';
import { Dialog } from './Dialog';
import { Notice } from './Notice';
import { RunStatePill } from './RunStatePill';

/** The run's task by title, with its "Open on board" link, next to the id. */
function RunDetailTask({ boardId, taskId }: { boardId: string; taskId: string }): ReactElement | null {
  const ref = useTaskRef(boardId, taskId);
  if (!ref) return null;
  return (
    <>
      {ref.title ? <span data-testid="run-task-title"> “{ref.title}”</span> : null} <OpenOnBoard task={ref} />
    </>
  );
}
import { RunStepOutput } from './RunStepOutput';
import { Skeleton } from './Skeleton';

export interface RunDetailProps {
  runId: number;
  run: AgentRun | null;
  status: ListStatus;
  error: string | null;
  retrying: boolean;
  retryError: string | undefined;
  onRetry(): void;
  onReload(): void;
  onOpenTask(boardId: string): void;
  onClose(): void;
}

function Time({ iso }: { iso: string | null }): ReactElement {
  return iso ? <time dateTime={iso}>{formatFullTime(iso)}</time> : <span className="text-muted">—</span>;
}

function Step({ step }: { step: AgentRunStep }): ReactElement {
  return (
    <section className="run-step" aria-label={`Round ${step.round}`} data-testid="run-step">
      <h3 className="section-title">
        Round {step.round} · {step.provider}
      </h3>
      <p className="cell-sub">
        {formatCount(step.tokensIn)} tokens in · {formatCount(step.tokensOut)} out · cost {formatCost(step.cost)} ·{' '}
        {step.finishedAt ? `took ${formatDuration(step.durationMs)}` : 'no answer'} · started{' '}
        <Time iso={step.startedAt} />
      </p>
      {step.changedDuringRun && step.changedDuringRun.length > 0 ? (
        <div className="notice notice-warn run-changed" role="note" data-testid="run-changed">
          <strong>Changed on the board while the agent worked:</strong>
          <ul>
            {step.changedDuringRun.map((c) => (
              <li key={c.field}>
                {c.summary}
                {c.field === 'status' || c.field === 'labels' ? null : <span className="cell-sub"> ({c.field})</span>}
              </li>
            ))}
          </ul>
          <p className="cell-sub">
            Deckhand merged the agent&apos;s writes against what it read, so each edit was settled by its field&apos;s
            ownership rule; Activity shows what was kept, lost or left for you to decide.
          </p>
        </div>
      ) : null}
      <RunStepOutput output={step.output} />
      <details className="run-raw">
        <summary>Raw text from the provider</summary>
        {step.rawText ? (
          <pre className="value-json" data-testid="run-raw-text">
            {step.rawText}
          </pre>
        ) : (
          <p className="text-muted">None.</p>
        )}
      </details>
      <details className="run-raw">
        <summary>Input sent to the provider</summary>
        <pre className="value-json">{JSON.stringify(step.input, null, 2)}</pre>
      </details>
    </section>
  );
}

/** One run in full: how it went and, per round, what the provider was given and what it returned. */
export function RunDetail(props: RunDetailProps): ReactElement {
  const { runId, run, status, error, retrying, retryError, onRetry, onReload, onOpenTask, onClose } = props;
  return (
    <Dialog title={`Run #${runId}${run ? ` · ${run.agentId}` : ''}`} onClose={onClose} size="large">
      <div className="run-detail" data-testid="run-detail">
        {run ? (
          <>
            <div className="run-detail-head">
              <RunStatePill state={run.state} />
              {run.state === 'failed' ? (
                <button
                  type="button"
                  className="button button-primary button-small"
                  disabled={retrying}
                  aria-busy={retrying}
                  onClick={onRetry}
                >
                  Retry run
                </button>
              ) : null}
            </div>
            {retryError ? (
              <p className="text-bad" role="alert">
                {retryError}
              </p>
            ) : null}
            <dl className="details run-facts">
              <dt>Task</dt>
              <dd>
                {run.taskId ? (
                  <>
                    <a
                      href={`#/board/${encodeURIComponent(run.boardId)}`}
                      onClick={(e) => {
                        e.preventDefault();
                        onOpenTask(run.boardId);
                      }}
                    >
                      task #{run.taskId} on {run.boardId}
                    </a>
                    <RunDetailTask boardId={run.boardId} taskId={run.taskId} />
                  </>
                ) : (
                  <span>digest{run.resultTaskId ? ` (created task #${run.resultTaskId})` : ''}</span>
                )}
              </dd>
              <dt>Workflow</dt>
              <dd>{run.workflow}</dd>
              <dt>Trigger</dt>
              <dd>{run.trigger}</dd>
              <dt>Outcome</dt>
              <dd data-testid="run-outcome">{run.outcome ?? <span className="text-muted">not finished</span>}</dd>
              {run.error ? (
                <>
                  <dt>Error</dt>
                  <dd className="text-bad">{run.error}</dd>
                </>
              ) : null}
              {run.question ? (
                <>
                  <dt>Asked you</dt>
                  <dd>
                    {run.question}
                    <div className="cell-sub">{run.answer ? `Answer: ${run.answer}` : 'No answer yet.'}</div>
                  </dd>
                </>
              ) : null}
              <dt>Attempts</dt>
              <dd>
                {run.attempt === 0 ? 'first attempt' : `${plural(run.attempt, 'failed attempt')} so far`}
                {run.round > 0 ? ` · resumed after ${plural(run.round, 'answer')} from a person` : ''}
              </dd>
              <dt>Tokens</dt>
              <dd className="mono">
                {formatCount(run.tokensIn)} in / {formatCount(run.tokensOut)} out
              </dd>
              <dt>Cost</dt>
              <dd className="mono">{formatCost(run.cost)}</dd>
              <dt>Duration</dt>
              <dd className="mono">{formatDuration(run.durationMs)}</dd>
              <dt>Created</dt>
              <dd>
                <Time iso={run.createdAt} />
              </dd>
              <dt>Started</dt>
              <dd>
                <Time iso={run.startedAt} />
              </dd>
              <dt>Finished</dt>
              <dd>
                <Time iso={run.finishedAt} />
              </dd>
            </dl>
          </>
        ) : null}
        <h3 className="section-title run-steps-title">Provider calls</h3>
        {status === 'error' ? (
          <Notice tone="error" title="Could not load this run" action={{ label: 'Try again', onClick: onReload }}>
            {error}
          </Notice>
        ) : run?.steps === undefined ? (
          <div role="status" aria-label="Loading">
            <Skeleton lines={4} />
          </div>
        ) : run.steps.length === 0 ? (
          <p className="text-muted">
            None yet: the run has not reached its provider. Queued runs start when the agent has a free slot and is not
            paused.
          </p>
        ) : (
          run.steps.map((step) => <Step key={step.round} step={step} />)
        )}
      </div>
    </Dialog>
  );
}
