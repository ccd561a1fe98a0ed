import type { BoardTask } from '../../../shared/contract';
import type { FieldPatch } from '../../../shared/task';
import { BoardError } from '../boards/errors';
import { LocalBoardStore } from '../boards/local/local-board-store';
import type { LocalTask } from '../boards/local/types';
import { createLogger } from '../logger';
import { UserFacingError, type CallContext, type Handlers } from './dispatch';
import type { CoreServices } from './services';

const log = createLogger('api');

type BoardCalls =
  | 'listTasks'
  | 'createTask'
  | 'updateTask'
  | 'moveTask'
  | 'deleteTask'
  | 'listComments'
  | 'addComment';

/** The wire form of a local task: the canonical task plus when it was created; the sort key stays inside. */
function boardTask(t: LocalTask): BoardTask {
  return {
    id: t.id,
    title: t.title,
    description: t.description,
    status: t.status,
    assignee: t.assignee,
    priority: t.priority,
    labels: t.labels,
    agentNotes: t.agentNotes,
    parentId: t.parentId,
    dueDate: t.dueDate,
    updatedAt: t.updatedAt,
    version: t.version,
    marker: t.marker,
    createdAt: t.createdAt,
  };
}

/** A person's edit is recorded on the board as `human:<transport>`, like a pause from the same place. */
const actorOf = (ctx: CallContext): string => `human:${ctx.transport}`;

/** The zod output has `undefined` for absent keys; the board wants them absent. */
function definedOnly<T extends object>(patch: T): FieldPatch {
  return Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) as FieldPatch;
}

/**
 * Human edits on the built-in local board: the board view's calls. Remote
 * boards are edited in their own UI, so these refuse any other board type.
 * Board errors become what the caller can act on: invalid → 400 with the
 * board's message, not_found → 404.
 */
export function boardHandlers(s: CoreServices): Pick<Handlers, BoardCalls> {
  // The store is a thin repository over the shared connection: all its state lives in SQLite,
  // so this instance sees exactly what the adapter's instance sees. What it does not share is the
  // in-process change feed, so every write below tells the engine itself (see `changed`).
  const store = new LocalBoardStore(s.db);

  const requireLocal = (boardId: string): void => {
    const board = s.state().boards.find((b) => b.id === boardId);
    if (!board) {
      const known = s
        .state()
        .boards.map((b) => b.id)
        .join(', ');
      throw new UserFacingError('not_found', `unknown board "${boardId}"; boards are: ${known || 'none'}`);
    }
    if (board.type !== 'local') {
      throw new UserFacingError(
        'invalid_input',
        `board "${boardId}" is a ${board.type} board; edit this board in its own UI (Deckhand edits only local boards)`,
      );
    }
  };

  /** Runs a board call for a local board, turning BoardError into a 400 or 404. */
  const onLocal = <T>(boardId: string, op: () => T): T => {
    requireLocal(boardId);
    try {
      return op();
    } catch (err) {
      if (err instanceof BoardError) {
        throw new UserFacingError(err.kind === 'not_found' ? 'not_found' : 'invalid_input', err.message);
      }
      throw err;
    }
  };

  /** The engine hears of a local edit the way it hears a webhook: a hint to re-read the task. */
  const changed = (boardId: string, taskIds: string[]): void => {
    try {
      s.engine.runner(boardId).hint(taskIds);
    } catch (err) {
      // A board whose adapter failed to start has no runner; the edit stands and is picked up by the next full sync.
      log.warn(`board ${boardId}: could not hint the engine about ${taskIds.join(', ')}`, err);
    }
  };

  return {
    listTasks: ({ boardId }) =>
      onLocal(boardId, () => ({
        boardId,
        columns: store.listColumns(boardId),
        tasks: store.listTasks(boardId).map(boardTask),
      })),
    createTask: ({ boardId, fields }, ctx) =>
      onLocal(boardId, () => {
        const task = store.createTask(boardId, { ...definedOnly(fields), title: fields.title }, actorOf(ctx));
        changed(boardId, [task.id]);
        return boardTask(task);
      }),
    updateTask: ({ boardId, taskId, patch }, ctx) =>
      onLocal(boardId, () => {
        const task = store.updateTask(boardId, taskId, definedOnly(patch), actorOf(ctx));
        changed(boardId, [task.id]);
        return boardTask(task);
      }),
    moveTask: ({ boardId, taskId, status, beforeId }, ctx) =>
      onLocal(boardId, () => {
        const task = store.moveTask(boardId, taskId, { status, beforeId: beforeId ?? null }, actorOf(ctx));
        changed(boardId, [task.id]);
        return boardTask(task);
      }),
    deleteTask: ({ boardId, taskId }, ctx) =>
      onLocal(boardId, () => {
        // Subtasks are detached, which changes them too.
        const children = store
          .listTasks(boardId)
          .filter((t) => t.parentId === taskId)
          .map((t) => t.id);
        const deleted = store.deleteTask(boardId, taskId, actorOf(ctx));
        if (deleted) changed(boardId, [taskId, ...children]);
        return { deleted };
      }),
    listComments: ({ boardId, taskId }) => onLocal(boardId, () => store.listComments(boardId, taskId)),
    addComment: ({ boardId, taskId, body }, ctx) =>
      onLocal(boardId, () => {
        const comment = store.addComment(boardId, taskId, body, actorOf(ctx));
        changed(boardId, [taskId]);
        return comment;
      }),
  };
}
