import type { BoardError } from '../contract/errors';

/** The adapter calls a fault hook can target. */
export type LocalBoardOp =
  | 'listColumns'
  | 'listTasks'
  | 'listChangedSince'
  | 'getTask'
  | 'findTaskByMarker'
  | 'createTask'
  | 'updateTask'
  | 'listComments'
  | 'addComment'
  | 'findCommentByMarker';

/**
 * TEST-ONLY fault injection, so engine tests can exercise retries, parking and
 * crash recovery against a real board. Production code never passes this.
 */
export interface BoardFaults {
  /** Asked before each call; a returned error is thrown instead, and nothing is read or written. */
  failNext?: (op: LocalBoardOp, taskId?: string) => BoardError | undefined;
  /**
   * Asked after a write succeeded; a returned error is thrown although the write
   * stands, like a response lost on the way back. `taskId` is the task written
   * (for createTask, the new one).
   */
  failAfterWrite?: (op: LocalBoardOp, taskId?: string) => BoardError | undefined;
}

/** A hook that fails the first `times` calls of `op` with `error`, then lets everything through. */
export function failTimes(
  op: LocalBoardOp,
  error: BoardError,
  times = 1,
): (op: LocalBoardOp, taskId?: string) => BoardError | undefined {
  let left = times;
  return (called) => {
    if (called !== op || left <= 0) return undefined;
    left -= 1;
    return error;
  };
}
