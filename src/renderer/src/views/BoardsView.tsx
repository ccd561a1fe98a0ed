import type { ReactElement } from 'react';
import { EmptyState } from '../components/EmptyState';
import { LoadGate } from '../components/LoadGate';
import { Page } from '../components/Page';
import { Panel } from '../components/Panel';
import { StatusPill } from '../components/StatusPill';
import { formatTime, plural } from '../format';
import { useLiveState } from '../state/hooks';
import { useViewStore } from '../state/view-store';

/** Every board Deckhand syncs, with its adapter type and sync status. */
export function BoardsView(): ReactElement {
  const { state, error, retry } = useLiveState();
  const go = useViewStore((s) => s.go);
  return (
    <Page title="Boards" description="The task boards Deckhand keeps in sync.">
      <LoadGate value={state} error={error} onRetry={retry}>
        {(s) => (
          <Panel title="Synced boards" aside={plural(s.boards.length, 'board')}>
            {s.boards.length === 0 ? (
              <EmptyState title="No boards configured">
                Add one under <code>boards:</code> in your config.
              </EmptyState>
            ) : (
              <table className="table" data-testid="boards-table">
                <thead>
                  <tr>
                    <th scope="col">Board</th>
                    <th scope="col">Type</th>
                    <th scope="col">Status</th>
                    <th scope="col">Last poll</th>
                    <th scope="col">
                      <span className="visually-hidden">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {s.boards.map((board) => (
                    <tr key={board.id}>
                      <th scope="row">
                        {board.name}
                        {board.name !== board.id ? <span className="mono text-muted"> ({board.id})</span> : null}
                        {board.error ? <div className="text-bad">{board.error}</div> : null}
                      </th>
                      <td className="mono">{board.type}</td>
                      <td>
                        <StatusPill status={board.status} />
                      </td>
                      <td>{board.lastPollAt ? formatTime(board.lastPollAt) : 'never'}</td>
                      <td className="cell-actions">
                        <button
                          type="button"
                          className="button button-ghost"
                          aria-label={`Open board ${board.name}`}
                          onClick={() => go('board', board.id)}
                        >
                          Open
                        </button>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </Panel>
        )}
      </LoadGate>
    </Page>
  );
}
