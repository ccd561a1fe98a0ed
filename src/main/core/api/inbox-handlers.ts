import { RunFailed } from '../agents/executor';
import type { PersonWrites } from '../agents/answer';
import { BoardError } from '../boards/contract/errors';
import { taskRef } from '../task-refs';
import { UserFacingError, type Handlers } from './dispatch';
import type { CoreServices } from './services';

/**
 * The inbox (issue 15): what waits on the person, answering an agent's
 * question from it, and the titles and links of tasks the UI shows by id.
 */
export function inboxHandlers(s: CoreServices): Pick<Handlers, 'listInbox' | 'answerQuestion' | 'describeTasks'> {
  /** On the local board the person is the comment's author and the mover, as if they did it on the board view. */
  const localWrites = (boardId: string, actor: string): PersonWrites | undefined => {
    if (s.boards.get(boardId)?.config.type !== 'local') return undefined;
    const store = s.adapterDeps.localStore;
    return {
      comment: (taskId, body, marker) => Promise.resolve(store.addComment(boardId, taskId, body, actor, { marker })),
      move: async (taskId, status) => void store.moveTask(boardId, taskId, { status }, actor),
    };
  };
  return {
    listInbox: () => s.inbox(),
    answerQuestion: async ({ runId, answer }, ctx) => {
      if (!s.agents.getRun(runId)) throw new UserFacingError('not_found', `no run #${runId}`);
      const actor = `human:${ctx.transport}`;
      try {
        const result = await s.agents.answerRun(runId, answer, actor, (run) => localWrites(run.run.boardId, actor));
        s.publishState();
        return result;
      } catch (err) {
        if (err instanceof RunFailed) throw new UserFacingError('invalid_input', err.message);
        if (err instanceof BoardError && !err.retryable) {
          throw new UserFacingError('invalid_input', `the board refused the answer: ${err.message}`);
        }
        if (err instanceof BoardError) {
          throw new UserFacingError('unavailable', `the board is not reachable now (${err.message}); try again`);
        }
        throw err;
      }
    },
    describeTasks: ({ tasks }) => tasks.map((t) => taskRef(s.engine, t.boardId, t.taskId)),
  };
}
