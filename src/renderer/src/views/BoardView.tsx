import { useCallback, useEffect, useState, type ReactElement } from 'react';
import type { AgentSummary, AppState, BoardSummary } from '../../../shared/model';
import { BoardColumns } from '../components/BoardColumns';
import { BoardPicker } from '../components/BoardPicker';
import { EmptyState } from '../components/EmptyState';
import { LoadGate } from '../components/LoadGate';
import { MoveDialog } from '../components/MoveDialog';
import { Notice } from '../components/Notice';
import { Page } from '../components/Page';
import { Panel } from '../components/Panel';
import { StatusPill } from '../components/StatusPill';
import { TaskDialog, type TaskFormValues } from '../components/TaskDialog';
import { formatTime, pausedBy, plural } from '../format';
import { useBoardStore } from '../state/board-store';
import { useLiveState } from '../state/hooks';
import { useViewStore } from '../state/view-store';
import { agentWorkingOn } from '../lib/agent-working';

type Editing = { kind: 'new'; status: string } | { kind: 'edit'; taskId: string } | { kind: 'move'; taskId: string };

function BoardDetails({ state, board }: { state: AppState; board: BoardSummary }): ReactElement {
  const agents = state.agents.filter((a) => a.board === board.id);
  return (
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
        {board.nextPollAt ? (
          <>
            <dt>Next poll</dt>
            <dd>{formatTime(board.nextPollAt)}</dd>
          </>
        ) : null}
        {board.pause ? (
          <>
            <dt>Paused</dt>
            <dd className="text-warn">{pausedBy(board.pause)}</dd>
          </>
        ) : null}
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
  );
}

function LocalBoard({ board, agents }: { board: BoardSummary; agents: readonly AgentSummary[] }): ReactElement {
  const columns = useBoardStore((s) => s.columns);
  const tasks = useBoardStore((s) => s.tasks);
  const status = useBoardStore((s) => s.status);
  const loadedBoard = useBoardStore((s) => s.boardId);
  const error = useBoardStore((s) => s.error);
  const actionError = useBoardStore((s) => s.actionError);
  const busy = useBoardStore((s) => s.busy);
  const comments = useBoardStore((s) => s.comments);
  const load = useBoardStore((s) => s.load);
  const refresh = useBoardStore((s) => s.refresh);
  const create = useBoardStore((s) => s.create);
  const update = useBoardStore((s) => s.update);
  const move = useBoardStore((s) => s.move);
  const remove = useBoardStore((s) => s.remove);
  const loadComments = useBoardStore((s) => s.loadComments);
  const addComment = useBoardStore((s) => s.addComment);
  const dismissError = useBoardStore((s) => s.dismissError);
  const [chosen, setChosen] = useState<Editing | null>(null);
  const [saving, setSaving] = useState(false);
  const [focusTaskId, setFocusTaskId] = useState<string | null>(null);

  useEffect(() => {
    void load(board.id);
  }, [board.id, load]);

  // "Open on board" (`#/board/local?task=12`) opens that card once the board is loaded; the address keeps
  // naming it until the person opens or closes something else.
  const routeTaskId = useViewStore((s) => s.taskId);
  const taskOpened = useViewStore((s) => s.taskOpened);
  const loaded = status === 'ready' && loadedBoard === board.id;
  const fromRoute: Editing | null =
    routeTaskId && loaded && tasks.some((t) => t.id === routeTaskId) ? { kind: 'edit', taskId: routeTaskId } : null;
  const editing = chosen ?? fromRoute;
  const setEditing = useCallback(
    (next: Editing | null): void => {
      setChosen(next);
      if (routeTaskId) taskOpened();
    },
    [routeTaskId, taskOpened],
  );

  const editingTask = editing && editing.kind !== 'new' ? tasks.find((t) => t.id === editing.taskId) : undefined;
  const editingId = editing?.kind === 'edit' ? editing.taskId : null;
  useEffect(() => {
    if (editingId) void loadComments(editingId);
  }, [editingId, loadComments]);

  // The card dialog showed its own save error; once it is closed that error is over, not a banner that stays.
  const close = useCallback(() => {
    if (editing?.kind !== 'move') dismissError();
    setEditing(null);
  }, [editing?.kind, dismissError, setEditing]);
  const onFocused = useCallback(() => setFocusTaskId(null), []);

  const save = async (values: Partial<TaskFormValues>): Promise<void> => {
    setSaving(true);
    const ok =
      editing?.kind === 'edit'
        ? (await update(editing.taskId, values)) !== null
        : (await create({ ...values, title: values.title ?? '' })) !== null;
    setSaving(false);
    if (ok) setEditing(null);
  };

  if (status === 'error' && loadedBoard === board.id) {
    return (
      <Notice
        tone="error"
        title="Could not load the board"
        action={{ label: 'Try again', onClick: () => void refresh() }}
      >
        {error}
      </Notice>
    );
  }
  const ready = status === 'ready' && loadedBoard === board.id;
  const comment = editingId ? comments[editingId] : undefined;
  return (
    <>
      <div className="board-toolbar">
        <p className="board-status">
          <StatusPill status={board.status} />
          <span className="text-muted">
            {ready ? plural(tasks.length, 'card') : 'Loading cards…'} · last sync{' '}
            {board.lastPollAt ? formatTime(board.lastPollAt) : 'never'}
          </span>
        </p>
        <button
          type="button"
          className="button button-primary"
          disabled={!ready}
          onClick={() => setEditing({ kind: 'new', status: columns[0] ?? '' })}
        >
          New card
        </button>
      </div>
      {actionError && !editing ? (
        <Notice tone="error" title="That did not work" action={{ label: 'Dismiss', onClick: dismissError }}>
          {actionError}
        </Notice>
      ) : null}
      {ready ? (
        <>
          {tasks.length === 0 ? (
            <p className="board-empty">
              <strong>This board has no cards yet.</strong> Create one with New card or Add card under a column. Cards
              labelled <code>needs-ai</code> are picked up by agents.
            </p>
          ) : null}
          <BoardColumns
            columns={columns}
            tasks={tasks}
            busy={busy}
            agentWorking={(task) => agentWorkingOn(task, board.id, agents)}
            onOpen={(t) => setEditing({ kind: 'edit', taskId: t.id })}
            onMoveRequest={(t) => setEditing({ kind: 'move', taskId: t.id })}
            onDrop={(taskId, column, beforeId) => void move(taskId, column, beforeId)}
            onAdd={(column) => setEditing({ kind: 'new', status: column })}
            focusTaskId={focusTaskId}
            onFocused={onFocused}
          />
        </>
      ) : (
        <div role="status" aria-label="Loading" className="board-columns board-skeleton">
          {Array.from({ length: 4 }, (_, i) => (
            <div key={i} className="board-column skeleton-column" />
          ))}
        </div>
      )}
      <p className="list-hint board-hint">
        Drag cards between columns, or focus a card and press <kbd className="kbd">m</kbd> to move it;{' '}
        <kbd className="kbd">Enter</kbd> opens it.
      </p>
      {editing?.kind === 'new' ? (
        <TaskDialog
          columns={columns}
          initialStatus={editing.status}
          saving={saving}
          error={actionError}
          onSave={(values) => void save(values)}
          onClose={close}
        />
      ) : null}
      {editing?.kind === 'edit' && editingTask ? (
        <TaskDialog
          task={editingTask}
          boardId={board.id}
          columns={columns}
          saving={saving}
          error={actionError}
          comments={{
            items: comment?.items ?? [],
            loading: !comment || comment.status === 'loading',
            error: comment?.error ?? null,
            posting: comment?.posting ?? false,
            postError: comment?.postError ?? null,
          }}
          onSave={(values) => void save(values)}
          onDelete={() => {
            void remove(editingTask.id).then((ok) => {
              if (ok) setEditing(null);
            });
          }}
          onAddComment={(body) => addComment(editingTask.id, body)}
          onClose={close}
        />
      ) : null}
      {editing?.kind === 'move' && editingTask ? (
        <MoveDialog
          title={editingTask.title}
          columns={columns}
          current={editingTask.status}
          onClose={close}
          onMove={(column) => {
            setEditing(null);
            setFocusTaskId(editingTask.id);
            void move(editingTask.id, column);
          }}
        />
      ) : null}
    </>
  );
}

/** One board: the built-in local board as columns of cards; any other board's sync details. */
export function BoardView(): ReactElement {
  const { state, error, retry } = useLiveState();
  const boardId = useViewStore((s) => s.boardId);
  const go = useViewStore((s) => s.go);
  const board = state?.boards.find((b) => b.id === boardId) ?? state?.boards[0];
  const local = board?.type === 'local';
  return (
    <Page
      title={board ? `Board: ${board.name}` : 'Board'}
      description={
        local
          ? 'Your local board. People edit it here; agents work on it through Deckhand.'
          : "One board's sync status."
      }
      wide={local}
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
              {local ? (
                <LocalBoard board={board} agents={s.agents} />
              ) : (
                <>
                  <Notice tone="info" title={`Edit ${board.name} in its own UI`}>
                    Deckhand shows cards only for its built-in local board; this {board.type} board is synced, and you
                    edit its tasks where they live.
                  </Notice>
                  <BoardDetails state={s} board={board} />
                </>
              )}
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
