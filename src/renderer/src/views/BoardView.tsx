import { useId, type ReactElement } from 'react';
import type { AppState, BoardSummary } from '../../../shared/model';
import { EmptyState } from '../components/EmptyState';
import { LoadGate } from '../components/LoadGate';
import { Page } from '../components/Page';
import { Panel } from '../components/Panel';
import { StatusPill } from '../components/StatusPill';
import { formatTime, plural } from '../format';
import { useLiveState } from '../state/hooks';
import { useViewStore } from '../state/view-store';

function BoardPicker({
  boards,
  value,
  onChange,
}: {
  boards: BoardSummary[];
  value: string;
  onChange(id: string): void;
}): ReactElement {
  const id = useId();
  return (
    <div className="field-inline">
      <label htmlFor={id} className="field-label">
        Board
      </label>
      <select id={id} className="select" value={value} onChange={(e) => onChange(e.target.value)}>
        {boards.map((b) => (
          <option key={b.id} value={b.id}>
            {b.name}
          </option>
        ))}
      </select>
    </div>
  );
}

function BoardDetail({ state, board }: { state: AppState; board: BoardSummary }): ReactElement {
  const agents = state.agents.filter((a) => a.board === board.id);
  return (
    <>
      <Panel title="Details">
        <dl className="details">
          <dt>Name</dt>
          <dd>{board.name}</dd>
          <dt>Id</dt>
          <dd className="mono">{board.id}</dd>
          <dt>Type</dt>
          <dd className="mono">{board.type}</dd>
          <dt>Status</dt>
          <dd>
            <StatusPill status={board.status} />
          </dd>
          <dt>Last poll</dt>
          <dd>{board.lastPollAt ? formatTime(board.lastPollAt) : 'never'}</dd>
          <dt>Agents</dt>
          <dd>{agents.length === 0 ? 'none' : agents.map((a) => a.id).join(', ')}</dd>
          {board.error ? (
            <>
              <dt>Error</dt>
              <dd className="text-bad">{board.error}</dd>
            </>
          ) : null}
        </dl>
      </Panel>
      <Panel title="Tasks">
        <EmptyState title="Tasks are not shown yet">
          The task list for this board arrives with the sync engine.
        </EmptyState>
      </Panel>
    </>
  );
}

/** One board in detail. Without a board in the route it shows the first one. */
export function BoardView(): ReactElement {
  const { state, error, retry } = useLiveState();
  const boardId = useViewStore((s) => s.boardId);
  const go = useViewStore((s) => s.go);
  const board = state?.boards.find((b) => b.id === boardId) ?? state?.boards[0];
  return (
    <Page
      title={board ? `Board: ${board.name}` : 'Board'}
      description="One board's sync status and tasks."
      actions={
        state && state.boards.length > 1 && board ? (
          <BoardPicker boards={state.boards} value={board.id} onChange={(id) => go('board', id)} />
        ) : undefined
      }
    >
      <LoadGate value={state} error={error} onRetry={retry}>
        {(s) =>
          board ? (
            <>
              {boardId !== undefined && board.id !== boardId ? (
                <p className="text-warn">
                  There is no board “{boardId}”; showing {board.name} of {plural(s.boards.length, 'board')}.
                </p>
              ) : null}
              <BoardDetail state={s} board={board} />
            </>
          ) : (
            <EmptyState title="No boards configured">
              Add one under <code>boards:</code> in your config.
            </EmptyState>
          )
        }
      </LoadGate>
    </Page>
  );
}
