/** The agent run the crash tests replay: shared by the child process (test/fixtures/engine-crash-child.ts) and the test. */
import type { Intent } from '../../../src/main/core/engine/intents';

export const CRASH_BOARD = 'crash';
const AGENT = 'agent:crash';
const SCOPE = 'run-1';

/** The board the intents act on: ids are the local board's sequential ids. */
export const CRASH_TASKS = { parent: '1', second: '2', human: '3' } as const;

/** The three tasks and the column names on a given board (Plane's ids are UUIDs, its states other names). */
export interface CrashBoardShape {
  tasks: { parent: string; second: string; human: string };
  statuses: { todo: string; working: string; review: string };
}

export const LOCAL_SHAPE: CrashBoardShape = {
  tasks: CRASH_TASKS,
  statuses: { todo: 'To do', working: 'Work in progress', review: 'Ready for Review' },
};

export const CRASH_TEXT = {
  comment1: 'Found the root cause: the cache key ignores the locale.',
  comment2: 'Ready for a look.',
  subtaskA: 'Subtask A: fix the cache key',
  subtaskB: 'Subtask B: add a regression test',
  notes1: 'First pass: reproduced.',
  notes2: 'Second pass: fixed on a branch.',
  humanTitle: 'Renamed by a person mid-run',
} as const;

export type Kind = 'update' | 'comment' | 'create';

/** The agent run's intents, in a fixed order except that kind `first` goes first (it is delivered first). */
export function crashIntents(first: Kind, shape: CrashBoardShape = LOCAL_SHAPE): Intent[] {
  const base = { boardId: CRASH_BOARD, actor: AGENT, scope: SCOPE, reason: 'crash test run' };
  const { parent, second, human } = shape.tasks;
  const { todo, working, review } = shape.statuses;
  const intents: Intent[] = [
    {
      ...base,
      kind: 'update',
      taskId: parent,
      patch: { status: working, agentNotes: CRASH_TEXT.notes1, labels: ['crash-test', 'agent-touched'] },
    },
    { ...base, kind: 'comment', taskId: parent, body: CRASH_TEXT.comment1 },
    { ...base, kind: 'create', fields: { title: CRASH_TEXT.subtaskA, parentId: parent, status: todo } },
    { ...base, kind: 'create', fields: { title: CRASH_TEXT.subtaskB, parentId: parent } },
    { ...base, kind: 'update', taskId: second, patch: { status: review } },
    { ...base, kind: 'comment', taskId: second, body: CRASH_TEXT.comment2 },
    { ...base, kind: 'update', taskId: parent, patch: { agentNotes: CRASH_TEXT.notes2 } },
    // Refused (title is human-owned): logged, never queued.
    { ...base, kind: 'update', taskId: human, patch: { title: 'The agent would like this title' } },
  ];
  const at = intents.findIndex((i) => i.kind === first);
  return [intents[at]!, ...intents.filter((_, i) => i !== at)];
}
