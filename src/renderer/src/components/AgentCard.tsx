import { useId, type ReactElement, type ReactNode } from 'react';
import type { AgentNotification, AgentSummary, PauseState } from '../../../shared/model';
import { formatTime, pausedBy, plural } from '../format';
import type { AgentAction, AgentRuns } from '../state/agents-store';
import { AgentBudget } from './AgentBudget';
import { EmptyState } from './EmptyState';
import { Icon } from './Icon';
import { Notice } from './Notice';
import { RunList } from './RunList';
import { RunStatePill } from './RunStatePill';
import { Skeleton } from './Skeleton';
import { StatusPill } from './StatusPill';
import { taskName } from './TaskLink';
import { useTaskRef } from '../state/task-refs-store';

/** The task an agent works on by its title, linked to the card (the board's own "Open on board" link if it has one). */
function CurrentTaskLink(props: { boardId: string; taskId: string; onOpenBoard(boardId: string): void }): ReactElement {
  const ref = useTaskRef(props.boardId, props.taskId);
  const label = ref?.title ? `${taskName(ref)} (#${props.taskId})` : `task #${props.taskId}`;
  if (ref?.url && !ref.url.startsWith('#')) {
    return (
      <a href={ref.url} target="_blank" rel="noreferrer noopener" data-testid="agent-current-task">
        {label}
        <span aria-hidden="true"> ↗</span>
      </a>
    );
  }
  const href = ref?.url ?? `#/board/${encodeURIComponent(props.boardId)}`;
  return (
    <a
      href={href}
      data-testid="agent-current-task"
      onClick={(e) => {
        if (ref?.url) return;
        e.preventDefault();
        props.onOpenBoard(props.boardId);
      }}
    >
      {label}
    </a>
  );
}

export interface AgentCardProps {
  agent: AgentSummary;
  /** The pause over all agents, which holds this one too. */
  globalPause: PauseState;
  runs: AgentRuns | undefined;
  pending: AgentAction | undefined;
  message: { tone: 'good' | 'bad'; text: string } | undefined;
  /** The latest thing a person should know about this agent, until it is over. */
  notification: AgentNotification | undefined;
  retrying: Readonly<Record<number, true>>;
  retryErrors: Readonly<Record<number, string>>;
  onPause(): void;
  onResume(): void;
  onOpenRun(runId: number): void;
  onRetryRun(runId: number): void;
  onReloadRuns(): void;
  onOlderRuns(): void;
  onOpenBoard(boardId: string): void;
  /** Edit, remove, replace token (the agent editor), under the agent's line. */
  actions?: ReactNode;
}

function RunsSection(props: AgentCardProps): ReactElement {
  const { agent, runs } = props;
  if (!runs || runs.status === 'idle' || runs.status === 'loading') {
    return (
      <div role="status" aria-label="Loading" className="run-list-placeholder">
        <Skeleton lines={3} />
      </div>
    );
  }
  if (runs.status === 'error') {
    return (
      <Notice tone="error" title="Could not load the runs" action={{ label: 'Try again', onClick: props.onReloadRuns }}>
        {runs.error}
      </Notice>
    );
  }
  if (runs.items.length === 0) {
    return (
      <EmptyState title="No runs yet">
        <p>
          {agent.id} starts a run when a task on <span className="mono">{agent.board}</span> matches its routes
          {agent.id === 'demo' ? (
            <>
              {' '}
              — give a card the label <code>needs-ai</code> on the Board view
            </>
          ) : (
            ' (see its routes in your config)'
          )}
          . Each run shows here as it happens.
        </p>
      </EmptyState>
    );
  }
  return (
    <>
      <RunList
        agentId={agent.id}
        runs={runs.items}
        retrying={props.retrying}
        retryErrors={props.retryErrors}
        onOpen={props.onOpenRun}
        onRetry={props.onRetryRun}
      />
      {runs.error ? <p className="text-bad">{runs.error}</p> : null}
      {runs.hasMore ? (
        <button
          type="button"
          className="button button-ghost button-small run-older"
          disabled={runs.loadingOlder}
          aria-busy={runs.loadingOlder}
          onClick={props.onOlderRuns}
        >
          {runs.loadingOlder ? 'Loading older runs…' : 'Show older runs'}
        </button>
      ) : null}
    </>
  );
}

/** One agent: what it is doing, what waits for it, what it used today, its brake, and its latest runs. */
export function AgentCard(props: AgentCardProps): ReactElement {
  const { agent, globalPause, pending, message, notification, onPause, onResume, onOpenBoard } = props;
  const titleId = useId();
  const runsTitleId = useId();
  const lineId = useId();
  const paused = agent.pause.paused;
  const current = agent.currentTask;
  // One line, always there, so nothing below moves: the most urgent of these wins.
  const line: { tone: string; text: string } =
    message?.tone === 'bad'
      ? { tone: 'text-bad', text: message.text }
      : globalPause.paused
        ? {
            tone: 'text-warn',
            text: `All agents are paused ${pausedBy(globalPause)}. Use Resume all at the top to let them go on.`,
          }
        : paused
          ? { tone: 'text-warn', text: `Paused ${pausedBy(agent.pause)}` }
          : notification
            ? {
                tone: notification.kind === 'run-failed' ? 'text-bad' : 'text-warn',
                text: `${notification.message} (${formatTime(notification.at)})`,
              }
            : message
              ? { tone: 'text-muted', text: message.text }
              : agent.mcp
                ? { tone: 'text-muted', text: 'Not paused: its MCP client may claim and work routed tasks.' }
                : { tone: 'text-muted', text: 'Not paused: it picks up routed tasks as they come.' };
  return (
    <section className="panel agent-card" aria-labelledby={titleId} data-testid="agent-card" data-agent-id={agent.id}>
      <div className="agent-head">
        <div className="agent-title">
          <h2 className="panel-title" id={titleId}>
            <span className="mono">{agent.id}</span>
          </h2>
          <span data-testid="agent-status">
            <StatusPill status={agent.status} />
          </span>
          <span className="agent-role">
            {agent.role ?? agent.workflow}
            {agent.provider && agent.provider !== agent.role ? ` · ${agent.provider}` : ''}
          </span>
        </div>
        <button
          type="button"
          className={`button agent-toggle ${paused ? 'button-primary' : 'button-secondary'}`}
          // Under the pause on all agents, this agent's own switch changes nothing you could see.
          disabled={pending !== undefined || globalPause.paused}
          aria-busy={pending !== undefined}
          aria-describedby={globalPause.paused ? lineId : undefined}
          aria-label={`${paused ? 'Resume' : 'Pause'} agent ${agent.id}`}
          onClick={paused ? onResume : onPause}
        >
          <Icon name={paused ? 'play' : 'pause'} />
          {paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      <p className={`agent-line ${line.tone}`} role="status" id={lineId} data-testid="agent-pause-line">
        {line.text}
      </p>
      {props.actions}
      <dl className="agent-facts">
        <div className="agent-fact agent-fact-wide">
          <dt>Current task</dt>
          <dd data-testid="agent-current">
            {current ? (
              <>
                {current.taskId ? (
                  <CurrentTaskLink boardId={agent.board} taskId={current.taskId} onOpenBoard={onOpenBoard} />
                ) : (
                  'digest'
                )}{' '}
                <RunStatePill state={current.state} /> <span className="text-muted">run #{current.runId}</span>
              </>
            ) : (
              <span className="text-muted">nothing right now</span>
            )}
          </dd>
        </div>
        <div className="agent-fact">
          <dt>Queued</dt>
          <dd data-testid="agent-queue">{agent.queued ?? '—'}</dd>
        </div>
        <div className="agent-fact">
          <dt>Waiting for you</dt>
          <dd data-testid="agent-waiting" className={agent.waitingForHuman ? 'text-warn' : undefined}>
            {agent.waitingForHuman ?? '—'}
          </dd>
        </div>
        {agent.mcp ? (
          <div className="agent-fact">
            <dt>MCP client</dt>
            <dd data-testid="agent-mcp" className={agent.mcp.connected ? undefined : 'text-muted'}>
              {agent.mcp.connected ? 'connected' : 'not connected'}
              {agent.mcp.lastCallAt
                ? ` · last call ${agent.mcp.lastTool ?? ''} at ${formatTime(agent.mcp.lastCallAt)}`
                : ' · no call yet'}
            </dd>
          </div>
        ) : null}
        <div className="agent-fact">
          <dt>Board · workflow</dt>
          <dd>
            <span className="mono">{agent.board}</span> · {agent.workflow}
          </dd>
        </div>
        <div className="agent-fact agent-fact-full">
          <dt>Last error</dt>
          <dd data-testid="agent-last-error" className={agent.lastError ? 'text-bad' : 'text-muted'}>
            {agent.lastError ?? 'none'}
          </dd>
        </div>
      </dl>
      <AgentBudget agentId={agent.id} budget={agent.budget} />
      <div className="agent-runs" role="group" aria-labelledby={runsTitleId}>
        <h3 className="section-title" id={runsTitleId}>
          Latest runs
          {props.runs?.status === 'ready' && props.runs.items.length > 0 ? (
            <span className="panel-aside"> · {plural(props.runs.items.length, 'shown', 'shown')}</span>
          ) : null}
        </h3>
        <RunsSection {...props} />
      </div>
    </section>
  );
}
