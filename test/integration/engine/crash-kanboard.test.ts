/**
 * Crash safety against Kanboard: the same agent run as crash.test.ts, but the engine in the
 * child process talks to a FakeKanboard that runs in this test process. The board is a
 * separate server, so it keeps everything the child wrote before its SIGKILL, as a real
 * Kanboard would. After a restarted child replays the run and drains, the fake's own state
 * must show exactly one effect per intent.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { KanboardAdapter } from '../../../src/main/core/boards/kanboard';
import { NOTES_HEADER } from '../../../src/main/core/boards/kanboard/agent-notes';
import { FakeKanboard, seedStandardBoard, type StandardBoard } from '../../fakes/kanboard';
import type { CrashPoint } from '../../../src/main/core/engine/crash-points';
import { CRASH_BOARD, CRASH_TASKS, CRASH_TEXT, LOCAL_SHAPE } from './crash-intents';
import { crashScenarios, expectLoggedOnce, expectOk, firstSync, runBoardChild, type ChildBoard } from './crash-run';

const COLUMNS = ['Backlog', 'To do', 'Work in progress', 'Ready for Review', 'Done'];

interface Board {
  fake: FakeKanboard;
  board: StandardBoard;
  dataDir: string;
}

/** Write calls the fake has answered since its stats were last reset. */
function writeCalls(fake: FakeKanboard): number {
  return Object.entries(fake.stats.byMethod)
    .filter(([method]) => /^(create|update|save|move|open|close|remove)/.test(method))
    .reduce((sum, [, n]) => sum + n, 0);
}

function childBoard(b: Board): ChildBoard {
  return {
    entry: {
      id: CRASH_BOARD,
      type: 'kanboard',
      url: b.fake.url,
      project: b.board.projectName,
      token: { env: 'DECKHAND_KB_TOKEN' },
    },
    env: { DECKHAND_KB_TOKEN: b.board.appToken },
    shape: LOCAL_SHAPE,
  };
}

const runChild = (b: Board, script: string, crashAt?: CrashPoint) =>
  runBoardChild(childBoard(b), b.dataDir, script, crashAt);

/**
 * A Kanboard project with the three tasks the intents act on, synced once by Deckhand, given to `body`.
 * Each test has its own server (its own port) and data directory, so the tests run concurrently.
 */
async function withBoard(body: (b: Board) => Promise<void>): Promise<void> {
  const fake = await FakeKanboard.start();
  const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-test-'));
  try {
    const board = seedStandardBoard(fake, { columns: COLUMNS, tasks: 3 });
    expect(fake.store.tasks.map((t) => String(t.id))).toEqual(Object.values(CRASH_TASKS));
    const adapter = new KanboardAdapter({
      boardId: CRASH_BOARD,
      url: fake.url,
      project: board.projectName,
      token: board.appToken,
    });
    await adapter.connect();
    await firstSync(adapter, dataDir);
    await body({ fake, board, dataDir });
  } finally {
    await fake.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The checks every scenario ends with, on the fake's own state: exactly one effect per intent. */
function expectExactlyOnce(b: Board, humanEdited: boolean): void {
  const store = b.fake.store;
  const { parent, second, human } = CRASH_TASKS;
  const tasks = store.tasks.filter((t) => t.project_id === b.board.projectId);
  const column = (id: string): string | undefined => store.column(store.task(Number(id))!.column_id)?.title;

  // Subtasks: each exactly once, carrying its marker, linked to the parent as its child.
  expect(tasks).toHaveLength(5);
  for (const title of [CRASH_TEXT.subtaskA, CRASH_TEXT.subtaskB]) {
    const created = tasks.filter((t) => t.title === title);
    expect(created, title).toHaveLength(1);
    expect(created[0]!.reference).toMatch(/^dh-/);
    const links = store.taskLinks.filter((l) => l.task_id === created[0]!.id);
    expect(links.map((l) => ({ to: l.opposite_task_id, label: store.link(l.link_id)?.label }))).toEqual([
      { to: Number(parent), label: 'is a child of' },
    ]);
  }
  const subtaskA = tasks.find((t) => t.title === CRASH_TEXT.subtaskA)!;
  expect(store.column(subtaskA.column_id)?.title).toBe('To do');
  expect(new Set(tasks.map((t) => t.reference).filter(Boolean)).size).toBe(2);

  // Field updates: all applied, the later notes after the earlier ones.
  expect(column(parent)).toBe('Work in progress');
  expect(Object.values(store.tagList(Number(parent))).sort()).toEqual(['agent-touched', 'crash-test']);
  expect(store.metadataOf(Number(parent))).toEqual({ agent_notes: CRASH_TEXT.notes2 });
  expect(column(second)).toBe('Ready for Review');
  // The refused title never reached the board; a person's title survives.
  expect(store.task(Number(human))!.title).toBe(humanEdited ? CRASH_TEXT.humanTitle : 'Task 3');

  // Comments: each exactly once, plus exactly one agent-notes comment holding the latest notes.
  const comments = (id: string) => store.comments.filter((c) => c.task_id === Number(id));
  const notesComments = comments(parent).filter((c) => c.comment.startsWith(NOTES_HEADER));
  expect(notesComments.map((c) => c.comment)).toEqual([`${NOTES_HEADER}\n\n${CRASH_TEXT.notes2}`]);
  expect(
    comments(parent)
      .filter((c) => !c.comment.startsWith(NOTES_HEADER))
      .map((c) => c.comment),
  ).toEqual([CRASH_TEXT.comment1]);
  expect(comments(second).map((c) => c.comment)).toEqual([CRASH_TEXT.comment2]);
  expect(comments(human)).toEqual([]);
  for (const c of [...comments(parent), ...comments(second)]) expect(c.reference).not.toBe('');

  expectLoggedOnce(b.dataDir, human, humanEdited);
}

const scenarios = crashScenarios('poll');

describe('crash safety on Kanboard: SIGKILL at each injection point, then restart and replay', () => {
  it.concurrent.each(scenarios)(
    '$script killed at $point: the Kanboard server shows exactly one effect per intent',
    ({ script, point, first, humanEdited }) =>
      withBoard(async (b) => {
        if (humanEdited) {
          await b.fake.human('alice').updateTask(Number(CRASH_TASKS.human), { title: CRASH_TEXT.humanTitle });
        }
        b.fake.resetStats();

        const crashed = await runChild(b, script, point);
        expect(crashed.signal, `the child should die at ${point}; stderr: ${crashed.stderr}`).toBe('SIGKILL');
        expect(crashed.stdout).toBe('');
        // The server outlives the engine: a write sent before the kill stays on the board.
        if (point === 'before-outbox-commit') expect(writeCalls(b.fake)).toBe(0);
        if (point === 'after-board-write') expect(writeCalls(b.fake)).toBeGreaterThan(0);

        const recovered = expectOk(await runChild(b, `recover:${first}`));
        expect(recovered).toMatchObject({ outbox: { pending: 0, parked: 0 }, entries: 7, done: 7 });
        expectExactlyOnce(b, humanEdited);
      }),
    60_000,
  );

  it.concurrent(
    'a run that is not killed has the same single effects (control)',
    () =>
      withBoard(async (b) => {
        expectOk(await runChild(b, 'agent:update'));
        const replay = expectOk(await runChild(b, 'recover:update'));
        expect(replay).toMatchObject({ queued: 0, entries: 7, done: 7 });
        expectExactlyOnce(b, false);
      }),
    60_000,
  );
});
