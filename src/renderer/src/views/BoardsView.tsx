import { useCallback, useEffect, useState, type ReactElement } from 'react';
import type { AppState } from '../../../shared/model';
import { BoardConnectionDialog } from '../components/BoardConnectionDialog';
import { EmptyState } from '../components/EmptyState';
import { LoadGate } from '../components/LoadGate';
import { Notice } from '../components/Notice';
import { OutboxTable } from '../components/OutboxTable';
import { Page } from '../components/Page';
import { Panel } from '../components/Panel';
import { Skeleton } from '../components/Skeleton';
import { StatusPill } from '../components/StatusPill';
import { formatTime, pausedBy, plural } from '../format';
import { describeWebhook, type WebhookView } from '../lib/webhook-status';
import { useBoardsStore } from '../state/boards-store';
import { useConnectionsStore } from '../state/connections-store';
import { useLiveState } from '../state/hooks';
import { useViewStore } from '../state/view-store';

function BoardTable({ state, onEdit }: { state: AppState; onEdit(id: string): void }): ReactElement {
  const go = useViewStore((s) => s.go);
  const connections = useConnectionsStore((s) => s.connections);
  const removing = useConnectionsStore((s) => s.removing);
  const remove = useConnectionsStore((s) => s.remove);
  const [confirming, setConfirming] = useState<string | null>(null);
  const pending = useBoardsStore((s) => s.pending);
  const messages = useBoardsStore((s) => s.messages);
  const pauseBoard = useBoardsStore((s) => s.pauseBoard);
  const resumeBoard = useBoardsStore((s) => s.resumeBoard);
  const syncNow = useBoardsStore((s) => s.syncNow);
  return (
    <table className="table boards-table" data-testid="boards-table">
      <thead>
        <tr>
          <th scope="col">Board</th>
          <th scope="col">Status</th>
          <th scope="col">Last poll</th>
          <th scope="col">Webhook</th>
          <th scope="col">
            <span className="visually-hidden">Actions</span>
          </th>
        </tr>
      </thead>
      <tbody>
        {state.boards.map((board) => {
          const paused = board.status === 'paused';
          const busy = pending[board.id];
          const message = messages[board.id];
          const connection = connections.find((c) => c.id === board.id);
          const fromApp = connection?.source === 'app';
          return (
            <tr key={board.id}>
              <th scope="row">
                {board.name}
                {board.name !== board.id ? <span className="mono text-muted"> ({board.id})</span> : null}
                {board.error ? <div className="text-bad cell-sub">{board.error}</div> : null}
                {board.pause ? <div className="text-warn cell-sub">Paused {pausedBy(board.pause)}</div> : null}
                {message ? (
                  <div className={`cell-sub ${message.tone === 'bad' ? 'text-bad' : 'text-muted'}`} role="status">
                    {message.text}
                  </div>
                ) : null}
                <div className="cell-sub">
                  <span className="mono">{board.type}</span> · {fromApp ? 'added here' : 'from the config file'}
                  {board.requestsPerMinute ? (
                    <> · up to {board.requestsPerMinute.toLocaleString('en-US')} requests/min</>
                  ) : null}
                </div>
              </th>
              <td>
                <StatusPill status={board.status} />
              </td>
              <td>
                {board.lastPollAt ? formatTime(board.lastPollAt) : 'never'}
                {board.nextPollAt && board.error ? (
                  <div className="cell-sub text-muted">next try {formatTime(board.nextPollAt)}</div>
                ) : null}
              </td>
              <td>
                <WebhookCell view={describeWebhook(board, state.webhooks, formatTime)} />
              </td>
              <td className="cell-actions">
                <div className="row-actions">
                  <button
                    type="button"
                    className="button button-secondary"
                    disabled={busy !== undefined}
                    aria-busy={busy === 'pause' || busy === 'resume'}
                    aria-label={`${paused ? 'Resume' : 'Pause'} (${board.name})`}
                    onClick={() => void (paused ? resumeBoard(board.id) : pauseBoard(board.id))}
                  >
                    {paused ? 'Resume' : 'Pause'}
                  </button>
                  <button
                    type="button"
                    className="button button-secondary"
                    disabled={busy !== undefined || paused}
                    aria-busy={busy === 'sync'}
                    aria-label={`${busy === 'sync' ? 'Syncing…' : 'Sync now'} (${board.name})`}
                    title={paused ? 'Resume the board to sync it' : undefined}
                    onClick={() => void syncNow(board.id)}
                  >
                    {busy === 'sync' ? 'Syncing…' : 'Sync now'}
                  </button>
                  <button
                    type="button"
                    className="button button-ghost"
                    aria-label={`Open board ${board.name}`}
                    onClick={() => go('board', board.id)}
                  >
                    Open
                  </button>
                  {fromApp ? (
                    <button
                      type="button"
                      className="button button-ghost"
                      aria-label={`Edit board ${board.name}`}
                      onClick={() => onEdit(board.id)}
                    >
                      Edit
                    </button>
                  ) : null}
                  {fromApp && confirming !== board.id ? (
                    <button
                      type="button"
                      className="button button-ghost button-danger-text"
                      aria-label={`Remove board ${board.name}`}
                      onClick={() => setConfirming(board.id)}
                    >
                      Remove
                    </button>
                  ) : null}
                </div>
                {fromApp && confirming === board.id ? (
                  <div className="row-confirm">
                    <span>Stop syncing and forget {board.name}?</span>
                    <button
                      type="button"
                      className="button button-danger button-small"
                      disabled={removing[board.id] === true}
                      onClick={() => void remove(board.id).then(() => setConfirming(null))}
                    >
                      Remove
                    </button>
                    <button
                      type="button"
                      className="button button-ghost button-small"
                      onClick={() => setConfirming(null)}
                    >
                      Keep
                    </button>
                  </div>
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function Outbox({ state }: { state: AppState }): ReactElement {
  const outbox = useBoardsStore((s) => s.outbox);
  const status = useBoardsStore((s) => s.status);
  const error = useBoardsStore((s) => s.error);
  const retrying = useBoardsStore((s) => s.retrying);
  const retryError = useBoardsStore((s) => s.retryError);
  const loadOutbox = useBoardsStore((s) => s.loadOutbox);
  const retry = useBoardsStore((s) => s.retry);
  const outboxCount = state.counts.outbox;

  useEffect(() => {
    void loadOutbox();
  }, [loadOutbox, outboxCount]);

  const parked = outbox.filter((i) => i.state === 'parked').length;
  return (
    <Panel
      title="Outbox"
      aside={status === 'ready' ? `${outbox.length - parked} pending · ${parked} parked` : undefined}
    >
      {status === 'error' ? (
        <Notice
          tone="error"
          title="Could not load the outbox"
          action={{ label: 'Try again', onClick: () => void loadOutbox() }}
        >
          {error}
        </Notice>
      ) : status !== 'ready' ? (
        <div role="status" aria-label="Loading">
          <Skeleton lines={2} />
        </div>
      ) : outbox.length === 0 ? (
        <EmptyState title="Nothing waiting to be written">
          Agent writes pass through here on their way to a board. A write that keeps failing is parked here with its
          error, and you can retry it.
        </EmptyState>
      ) : (
        <>
          {retryError ? <p className="text-bad">{retryError}</p> : null}
          <OutboxTable items={outbox} boards={state.boards} retrying={retrying} onRetry={(id) => void retry(id)} />
        </>
      )}
    </Panel>
  );
}

function WebhookCell({ view }: { view: WebhookView }): ReactElement {
  return (
    <div className="board-webhook" data-testid="board-webhook">
      <span className={`pill tone-${view.tone}`}>
        <span className="dot" aria-hidden="true" />
        {view.label}
      </span>
      <div className={`cell-sub ${view.tone === 'bad' ? 'text-bad' : 'text-muted'}`}>{view.detail}</div>
      {view.endpoint ? (
        <div className="cell-sub mono webhook-endpoint" title="Where the board should send its webhooks">
          POST {view.endpoint}
        </div>
      ) : null}
    </div>
  );
}

/** Every board Deckhand syncs: status, last poll, errors, pause and sync; adding boards; and the outbox of agent writes. */
export function BoardsView(): ReactElement {
  const { state, error, retry } = useLiveState();
  const connections = useConnectionsStore((s) => s.connections);
  const connectionsStatus = useConnectionsStore((s) => s.status);
  const connectionsError = useConnectionsStore((s) => s.error);
  const removeError = useConnectionsStore((s) => s.removeError);
  const loadConnections = useConnectionsStore((s) => s.load);
  const resetForm = useConnectionsStore((s) => s.resetForm);
  const [form, setForm] = useState<{ editing?: string } | null>(null);
  const boardCount = state?.boards.length ?? 0;

  useEffect(() => {
    void loadConnections();
  }, [loadConnections, boardCount]);

  const open = (editing?: string): void => {
    resetForm();
    setForm(editing ? { editing } : {});
  };
  const close = useCallback(() => setForm(null), []);
  const existing = form?.editing ? connections.find((c) => c.id === form.editing) : undefined;

  return (
    <Page
      title="Boards"
      description="The task boards Deckhand keeps in sync, and the writes on their way to them."
      actions={
        <button
          type="button"
          className="button button-primary"
          disabled={connectionsStatus !== 'ready'}
          onClick={() => open()}
        >
          Add board
        </button>
      }
    >
      <LoadGate value={state} error={error} onRetry={retry}>
        {(s) => (
          <>
            <Panel title="Synced boards" aside={plural(s.boards.length, 'board')}>
              {s.boards.length === 0 ? (
                <EmptyState title="No boards yet">
                  Add one with Add board, or declare it under <code>boards:</code> in your config.
                </EmptyState>
              ) : (
                <BoardTable state={s} onEdit={(id) => open(id)} />
              )}
              {removeError ? <p className="text-bad">{removeError}</p> : null}
              {connectionsStatus === 'error' ? (
                <p className="text-bad">Could not load the board connections: {connectionsError}</p>
              ) : null}
              <p className="field-hint" data-testid="connections-note">
                Boards you add here are saved by Deckhand, with their tokens in the OS keychain (never shown again).
                Boards declared in the config file (<span className="mono">{s.configSource}</span>) are edited there.
              </p>
            </Panel>
            <Outbox state={s} />
          </>
        )}
      </LoadGate>
      {form ? (
        <BoardConnectionDialog {...(existing ? { existing } : {})} onSaved={() => setForm(null)} onClose={close} />
      ) : null}
    </Page>
  );
}
