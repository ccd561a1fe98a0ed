import type { BoardTask } from '../../../shared/contract';
import type { FieldPatch } from '../../../shared/task';
import { BoardError } from '../boards/contract/errors';
import type { LocalTask } from '../boards/local/types';
import { UserFacingError, type CallContext, type Handlers } from './dispatch';
import type { CoreServices } from './services';

type BoardCalls = 'listTasks' | 'createTask' | 'updateTask' | 'moveTask' | 'deleteTask' | 'listComments' | 'addComment';

/** The wire form of a local task: the canonical task plus when it was created; the sort key stays inside. */
export function boardTask(t: LocalTask): BoardTask {
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
  // The core's own store: its change feed tells the engine of every edit, the way a webhook would.
  const store = s.adapterDeps.localStore;

  const requireLocal = (boardId: string): void => {
    const boards = s.state().boards;
    const board = boards.find((b) => b.id === boardId);
    if (!board) {
      const known = boards.map((b) => b.id).join(', ');
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

  return {
    listTasks: ({ boardId }) =>
      onLocal(boardId, () => ({
        boardId,
        columns: store.listColumns(boardId),
        tasks: store.listTasks(boardId).map(boardTask),
      })),
    createTask: ({ boardId, fields }, ctx) =>
      onLocal(boardId, () => {
        return boardTask(store.createTask(boardId, { ...definedOnly(fields), title: fields.title }, actorOf(ctx)));
      }),
    updateTask: ({ boardId, taskId, patch }, ctx) =>
      onLocal(boardId, () => {
        return boardTask(store.updateTask(boardId, taskId, definedOnly(patch), actorOf(ctx)));
      }),
    moveTask: ({ boardId, taskId, status, beforeId }, ctx) =>
      onLocal(boardId, () => {
        return boardTask(store.moveTask(boardId, taskId, { status, beforeId: beforeId ?? null }, actorOf(ctx)));
      }),
    deleteTask: ({ boardId, taskId }, ctx) =>
      onLocal(boardId, () => {
        return { deleted: store.deleteTask(boardId, taskId, actorOf(ctx)) };
      }),
    listComments: ({ boardId, taskId }) => onLocal(boardId, () => store.listComments(boardId, taskId)),
    addComment: ({ boardId, taskId, body }, ctx) =>
      onLocal(boardId, () => store.addComment(boardId, taskId, body, actorOf(ctx))),
  };
}
