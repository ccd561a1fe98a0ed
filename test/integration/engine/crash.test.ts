/**
 * Crash safety: the engine runs in a child process that SIGKILLs itself at an
 * injection point (DECKHAND_CRASH_AT). A second child, a restarted Deckhand
 * whose agent run is replayed, re-submits the same intents and drains. Every
 * intent must then have exactly one effect on the board: nothing lost, nothing
 * duplicated, subtask creates and comments included.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DECKHAND_ACTOR } from '../../../src/main/core/boards/local/local-adapter';
import type { CrashPoint } from '../../../src/main/core/engine/crash-points';
import { createEngineHarness } from '../../helpers/engine';
import { useTempDirs } from '../../helpers/tmp';
import { CRASH_BOARD, CRASH_TASKS, CRASH_TEXT, type Kind } from './crash-intents';
import { crashScenarios, runCrashChild, type ChildResult } from './crash-run';

const tempDir = useTempDirs();
const ROOT = join(__dirname, '..', '..', '..');
const CHILD = join(ROOT, 'test', 'fixtures', 'engine-crash-child.ts');

const runChild = (dataDir: string, script: string, crashAt?: CrashPoint): Promise<ChildResult> =>
  runCrashChild(CHILD, [dataDir, script], {}, crashAt);

/** The board and its tasks, as a person set them up, synced once. */
async function setup(dataDir: string): Promise<void> {
  const h = createEngineHarness({ dir: dataDir, boardId: CRASH_BOARD });
  h.humanCreate({ title: 'Parent task', status: 'To do', labels: ['crash-test'] });
  h.humanCreate({ title: 'Second task', status: 'To do' });
  h.humanCreate({ title: 'A task people own', status: 'Backlog' });
  expect(
    h.store
      .listTasks(CRASH_BOARD)
      .map((t) => t.id)
      .sort(),
  ).toEqual(Object.values(CRASH_TASKS));
  await h.runner.fullReconcile();
  await h.close();
}

function expectOk(result: ChildResult): Record<string, unknown> {
  expect(result.signal, result.stderr).toBeNull();
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

/** The checks every scenario ends with: exactly one effect per intent. */
async function expectExactlyOnce(dataDir: string, humanEdited: boolean, first: Kind, point: CrashPoint): Promise<void> {
  const h = createEngineHarness({ dir: dataDir, boardId: CRASH_BOARD });
  try {
    const tasks = h.store.listTasks(CRASH_BOARD);
    const { parent, second, human } = CRASH_TASKS;

    // Subtasks: each exactly once, under its parent, carrying its marker.
    const subtasksA = tasks.filter((t) => t.title === CRASH_TEXT.subtaskA);
    const subtasksB = tasks.filter((t) => t.title === CRASH_TEXT.subtaskB);
    expect(subtasksA).toHaveLength(1);
    expect(subtasksB).toHaveLength(1);
    expect(subtasksA[0]).toMatchObject({ parentId: parent, status: 'To do', marker: expect.stringMatching(/^dh-/) });
    expect(subtasksB[0]).toMatchObject({ parentId: parent, marker: expect.stringMatching(/^dh-/) });
    expect(tasks).toHaveLength(5);

    // Field updates: all applied, the later notes after the earlier ones.
    expect(h.boardTask(parent)).toMatchObject({
      status: 'Work in progress',
      agentNotes: CRASH_TEXT.notes2,
      labels: ['agent-touched', 'crash-test'],
    });
    expect(h.boardTask(second).status).toBe('Ready for Review');
    // The refused title never reached the board; a person's title survives.
    expect(h.boardTask(human).title).toBe(humanEdited ? CRASH_TEXT.humanTitle : 'A task people own');

    // Comments: each exactly once.
    const bodies = (id: string) => h.store.listComments(CRASH_BOARD, id).map((c) => c.body);
    expect(bodies(parent)).toEqual([CRASH_TEXT.comment1]);
    expect(bodies(second)).toEqual([CRASH_TEXT.comment2]);

    // On the board's own change feed: exactly one write by Deckhand per intent
    // (2 creates, 2 comments, 3 updates), however often the run was replayed.
    const ours = h.store.listEvents(CRASH_BOARD).filter((e) => e.actor === DECKHAND_ACTOR);
    const count = (kind: string) => ours.filter((e) => e.kind === kind).length;
    expect({ created: count('created'), commented: count('commented'), updated: count('updated') }).toEqual({
      created: 2,
      commented: 2,
      updated: 3,
    });

    // The outbox: one entry per intent, all delivered.
    const entries = h.engine.outbox.list({}, 1000);
    expect(entries).toHaveLength(7);
    expect(entries.every((e) => e.state === 'done')).toBe(true);

    // The log: each intent queued once, each create and comment recorded once.
    const log = h.log({ boardId: CRASH_BOARD });
    const actions = (action: string) => log.filter((e) => e.action === action);
    expect(actions('intent.queued')).toHaveLength(7);
    expect(actions('task.created')).toHaveLength(2);
    expect(actions('comment.added')).toHaveLength(2);
    expect(actions('write.refused').filter((e) => e.taskId === human)).not.toHaveLength(0);
    // Deckhand's own writes never read as a person's edits; the person's edit reads as theirs exactly once.
    const humanChanges = actions('field.changed').filter((e) => e.actor === 'human');
    expect(humanChanges).toEqual(
      humanEdited ? [expect.objectContaining({ taskId: human, field: 'title', after: CRASH_TEXT.humanTitle })] : [],
    );

    if (point === 'after-board-write' && !humanEdited) {
      // The write that landed before the kill is recognised, not repeated.
      if (first === 'create') {
        expect(actions('task.created').map((e) => e.reason)).toContain(
          'found by marker after a retry; not created again',
        );
      } else if (first === 'comment') {
        expect(actions('comment.added').map((e) => e.reason)).toContain(
          'found by marker after a retry; not sent again',
        );
      } else {
        expect(
          actions('echo')
            .filter((e) => e.taskId === parent)
            .map((e) => e.field),
        ).toEqual(expect.arrayContaining(['status', 'agentNotes', 'labels']));
      }
    }
    expect(h.engine.base.all(CRASH_BOARD).map((b) => b.version)).toEqual(
      h.engine.base.all(CRASH_BOARD).map((b) => h.boardTask(b.taskId).version),
    );
  } finally {
    await h.close();
  }
}

const scenarios = crashScenarios('human-poll');

describe('crash safety: SIGKILL at each injection point, then restart and replay', () => {
  it.each(scenarios)(
    '$script killed at $point: every intent has exactly one effect',
    async ({ script, point, first, humanEdited }) => {
      const dataDir = tempDir();
      await setup(dataDir);

      const crashed = await runChild(dataDir, script, point);
      expect(crashed.signal, `the child should die at ${point}; stderr: ${crashed.stderr}`).toBe('SIGKILL');
      expect(crashed.stdout).toBe('');

      const recovered = expectOk(await runChild(dataDir, `recover:${first}`));
      expect(recovered.outbox).toEqual({ pending: 0, parked: 0 });
      await expectExactlyOnce(dataDir, humanEdited, first, point);
    },
    60_000,
  );

  it('a run that is not killed has the same single effects (control)', async () => {
    const dataDir = tempDir();
    await setup(dataDir);
    expectOk(await runChild(dataDir, 'agent:update'));
    const replay = expectOk(await runChild(dataDir, 'recover:update'));
    expect(replay.queued).toBe(0);
    await expectExactlyOnce(dataDir, false, 'update', 'before-outbox-commit');
  }, 60_000);
});
