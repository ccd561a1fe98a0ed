import type { OutboxItem } from '../../../shared/model';
import { IntentRejected } from '../engine/sync-engine';
import type { OutboxEntry } from '../store/outbox-repo';
import { UserFacingError, type Handlers } from './dispatch';
import type { CoreServices } from './services';

function outboxItem(e: OutboxEntry): OutboxItem {
  return {
    id: e.id,
    boardId: e.boardId,
    taskId: e.taskId,
    kind: e.kind,
    actor: e.actor,
    reason: e.reason,
    operationId: e.operationId,
    state: e.state,
    attempts: e.attempts,
    lastError: e.lastError,
    createdAt: e.createdAt,
  };
}

/** Engine errors the caller can act on (unknown board, already resolved) pass through as 404/400. */
function userFacing<T>(op: () => T): T {
  try {
    return op();
  } catch (err) {
    if (err instanceof IntentRejected) {
      throw new UserFacingError(err.kind === 'not_found' ? 'not_found' : 'invalid_input', err.message);
    }
    throw err;
  }
}

/** The sync log, the outbox, conflicts and per-board pause: the engine as the UI sees it. */
export function syncHandlers(
  s: CoreServices,
): Pick<
  Handlers,
  | 'listLog'
  | 'listConflicts'
  | 'resolveConflict'
  | 'listOutbox'
  | 'retryOutbox'
  | 'pauseBoard'
  | 'resumeBoard'
  | 'syncNow'
> {
  const requireBoard = (boardId: string): void => {
    userFacing(() => s.engine.runner(boardId));
  };
  return {
    listLog: ({ after, before, limit, filter }) => ({
      entries: s.log.list({ after, limit, filter, ...(before !== undefined ? { before } : {}) }),
    }),
    listConflicts: ({ state }) => s.engine.conflicts.list(state),
    resolveConflict: ({ id, take, value }, ctx) => {
      const resolved = userFacing(() =>
        s.engine.resolveConflict(
          id,
          take ? { take } : { value },
          `human:${ctx.transport === 'ipc' ? 'app' : ctx.transport}`,
        ),
      );
      s.events.emit('conflict.resolved', resolved);
      s.publishState();
      return resolved;
    },
    listOutbox: ({ state }) => s.engine.outbox.list(state ? { state } : {}).map(outboxItem),
    retryOutbox: ({ id }) => {
      const retried = s.engine.retryOutbox(id);
      if (!retried) throw new UserFacingError('not_found', `outbox item #${id} does not exist or is not parked`);
      s.publishState();
      return { retried };
    },
    pauseBoard: ({ boardId, reason }, ctx) => {
      requireBoard(boardId);
      return s.setPause('board', boardId, true, `human:${ctx.transport}`, reason);
    },
    resumeBoard: ({ boardId }, ctx) => {
      requireBoard(boardId);
      return s.setPause('board', boardId, false, `human:${ctx.transport}`);
    },
    syncNow: async ({ boardId }) => {
      const ids = boardId ? [boardId] : s.engine.boardSummaries().map((b) => b.id);
      for (const id of ids) requireBoard(id);
      await Promise.all(ids.map((id) => s.engine.runner(id).syncNow()));
      return { boards: ids };
    },
  };
}
