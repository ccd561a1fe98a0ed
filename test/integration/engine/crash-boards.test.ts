/**
 * Crash safety on remote boards other than Kanboard, through their fixtures: the engine runs in a
 * child process (built from the board's config entry by the board modules, as `deckhand serve`
 * builds it) against the board's fake in this process, is killed with SIGKILL at each injection
 * point, and is started again to replay the run. The board, read back through a fresh adapter,
 * must show exactly one effect per intent. (Kanboard has its own file, which also checks the fake's
 * rows; the local board's is crash.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BoardAdapter } from '../../../src/main/core/boards/contract/adapter';
import { DEFAULT_STATE_SEEDS } from '../../fakes/plane';
import { startPlaneFixture } from '../../boards/plane';
import { startTaigaFixture } from '../../boards/taiga';
import { startWekanFixture } from '../../boards/wekan';
import { startNotionFixture } from '../../boards/notion';
import { startLinearFixture } from '../../boards/linear';
import { startFocalboardFixture } from '../../boards/focalboard';
import { CRASH_BOARD, CRASH_TEXT } from './crash-intents';
import { crashScenarios, expectLoggedOnce, expectOk, firstSync, runBoardChild, type ChildBoard } from './crash-run';

/** One board under test: its fake with the three tasks, the entry the child connects with, a person. */
interface CrashBoard extends ChildBoard {
  /** A fresh adapter on the same board, to read what the board holds. */
  reader: BoardAdapter;
  renameByPerson(taskId: string, title: string): Promise<void>;
  /** Writes the fake has answered since the last reset. */
  writes(): number;
  resetStats(): void;
  stop(): Promise<void>;
}

async function planeCrashBoard(): Promise<CrashBoard> {
  const fx = await startPlaneFixture({ boardId: CRASH_BOARD }, { states: DEFAULT_STATE_SEEDS });
  const person = fx.fake.human('alice');
  const ids: string[] = [];
  for (const name of ['Task 1', 'Task 2', 'Task 3'])
    ids.push((await person.createWorkItem({ name, state: 'Todo' })).id);
  return {
    entry: { ...fx.configEntry, id: CRASH_BOARD },
    env: fx.secrets,
    shape: {
      tasks: { parent: ids[0]!, second: ids[1]!, human: ids[2]! },
      statuses: { todo: 'Todo', working: 'In Progress', review: 'In Review' },
    },
    reader: fx.adapter,
    renameByPerson: (id, title) => person.update(id, { name: title }),
    writes: () =>
      Object.entries(fx.fake.stats.byPath)
        .filter(([route]) => /^(POST|PATCH|DELETE) /.test(route))
        .reduce((sum, [, n]) => sum + n, 0),
    resetStats: () => fx.fake.resetStats(),
    stop: () => fx.stop(),
  };
}

async function taigaCrashBoard(): Promise<CrashBoard> {
  const fx = await startTaigaFixture({ boardId: CRASH_BOARD });
  const person = fx.fake.human('alice');
  const ids: string[] = [];
  for (const title of ['Task 1', 'Task 2', 'Task 3'])
    ids.push(await fx.humanCreate(person, { title, status: 'Ready' }));
  return {
    entry: { ...fx.configEntry, id: CRASH_BOARD },
    env: fx.secrets,
    shape: {
      tasks: { parent: ids[0]!, second: ids[1]!, human: ids[2]! },
      statuses: { todo: 'Ready', working: 'In progress', review: 'Ready for test' },
    },
    reader: fx.adapter,
    renameByPerson: (id, title) => fx.humanEdit(person, id, { title }),
    // Logging in is a POST too, but changes nothing on the board.
    writes: () =>
      Object.entries(fx.fake.stats.byPath)
        .filter(([route]) => /^(POST|PATCH|DELETE) /.test(route) && !/\/auth(\/|$)/.test(route))
        .reduce((sum, [, n]) => sum + n, 0),
    resetStats: () => fx.fake.resetStats(),
    stop: () => fx.stop(),
  };
}

async function wekanCrashBoard(): Promise<CrashBoard> {
  const fx = await startWekanFixture({ boardId: CRASH_BOARD });
  const person = fx.fake.human('alice');
  const ids = ['Task 1', 'Task 2', 'Task 3'].map((title) => fx.humanCreate(person, { title, status: 'Todo' }));
  return {
    entry: { ...fx.configEntry, id: CRASH_BOARD },
    env: fx.secrets,
    shape: {
      tasks: { parent: ids[0]!, second: ids[1]!, human: ids[2]! },
      statuses: { todo: 'Todo', working: 'Doing', review: 'Review' },
    },
    reader: fx.adapter,
    renameByPerson: async (id, title) => fx.humanEdit(person, id, { title }),
    // Logging in is a POST too, but changes nothing on the board.
    writes: () =>
      Object.entries(fx.fake.stats.byPath)
        .filter(([route]) => /^(POST|PUT|DELETE) /.test(route) && !/\/users\/login$/.test(route))
        .reduce((sum, [, n]) => sum + n, 0),
    resetStats: () => fx.fake.resetStats(),
    stop: () => fx.stop(),
  };
}

async function notionCrashBoard(): Promise<CrashBoard> {
  const fx = await startNotionFixture({ boardId: CRASH_BOARD });
  const person = fx.fake.human('alice');
  const ids = ['Task 1', 'Task 2', 'Task 3'].map((title) => fx.humanCreate(person, { title }));
  return {
    entry: { ...fx.configEntry, id: CRASH_BOARD, columns: fx.columns },
    env: fx.secrets,
    shape: {
      tasks: { parent: ids[0]!, second: ids[1]!, human: ids[2]! },
      statuses: { todo: fx.columns.todo, working: fx.columns.working, review: fx.columns.review },
    },
    reader: fx.adapter,
    renameByPerson: async (id, title) => fx.humanEdit(person, id, { title }),
    // A data source query is a POST, but a read.
    writes: () =>
      Object.entries(fx.fake.stats.byPath)
        .filter(([route]) => /^(POST|PATCH|DELETE) /.test(route) && !route.endsWith('/query'))
        .reduce((sum, [, n]) => sum + n, 0),
    resetStats: () => fx.fake.resetStats(),
    stop: () => fx.stop(),
  };
}

async function linearCrashBoard(): Promise<CrashBoard> {
  const fx = await startLinearFixture({ boardId: CRASH_BOARD });
  const person = fx.fake.human('alice');
  const ids: string[] = [];
  for (const title of ['Task 1', 'Task 2', 'Task 3']) ids.push((await person.createIssue({ title, state: 'Todo' })).id);
  const mutations = new Set([
    'issueCreate',
    'issueUpdate',
    'issueDelete',
    'commentCreate',
    'commentUpdate',
    'issueLabelCreate',
  ]);
  return {
    entry: { ...fx.configEntry, id: CRASH_BOARD },
    env: fx.secrets,
    shape: {
      tasks: { parent: ids[0]!, second: ids[1]!, human: ids[2]! },
      statuses: { todo: 'Todo', working: 'In Progress', review: 'In Review' },
    },
    reader: fx.adapter,
    renameByPerson: (id, title) => person.update(id, { title }),
    writes: () =>
      Object.entries(fx.fake.stats.byOperation)
        .filter(([field]) => mutations.has(field))
        .reduce((sum, [, n]) => sum + n, 0),
    resetStats: () => fx.fake.resetStats(),
    stop: () => fx.stop(),
  };
}

async function focalboardCrashBoard(): Promise<CrashBoard> {
  const fx = await startFocalboardFixture({ boardId: CRASH_BOARD });
  const person = fx.fake.human('alice');
  const ids = ['Task 1', 'Task 2', 'Task 3'].map((title) => fx.humanCreate(person, { title }));
  return {
    entry: { ...fx.configEntry, id: CRASH_BOARD },
    env: fx.secrets,
    shape: {
      tasks: { parent: ids[0]!, second: ids[1]!, human: ids[2]! },
      statuses: { todo: fx.columns.todo, working: fx.columns.working, review: fx.columns.review },
    },
    reader: fx.adapter,
    renameByPerson: async (id, title) => fx.humanEdit(person, id, { title }),
    writes: () =>
      Object.entries(fx.fake.stats.byPath)
        .filter(([route]) => /^(POST|PATCH|DELETE) /.test(route))
        .reduce((sum, [, n]) => sum + n, 0),
    resetStats: () => fx.fake.resetStats(),
    stop: () => fx.stop(),
  };
}

const BOARDS: Record<string, () => Promise<CrashBoard>> = {
  Plane: planeCrashBoard,
  Taiga: taigaCrashBoard,
  WeKan: wekanCrashBoard,
  Notion: notionCrashBoard,
  Linear: linearCrashBoard,
  Focalboard: focalboardCrashBoard,
};

async function withBoard(make: () => Promise<CrashBoard>, body: (b: CrashBoard, dataDir: string) => Promise<void>) {
  const b = await make();
  const dataDir = mkdtempSync(join(tmpdir(), 'deckhand-test-'));
  try {
    await firstSync(b.reader, dataDir);
    await body(b, dataDir);
  } finally {
    await b.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** Exactly one effect per intent, as the board itself shows it, and as the engine's log records it. */
async function expectExactlyOnce(b: CrashBoard, dataDir: string, humanEdited: boolean): Promise<void> {
  const { parent, second, human } = b.shape.tasks;
  const tasks = await b.reader.listTasks();
  expect(tasks).toHaveLength(5);
  for (const title of [CRASH_TEXT.subtaskA, CRASH_TEXT.subtaskB]) {
    const created = tasks.filter((t) => t.title === title);
    expect(created, title).toHaveLength(1);
    expect(created[0]!.marker).toMatch(/^dh-/);
    expect(created[0]!.parentId).toBe(parent);
  }
  expect(tasks.find((t) => t.title === CRASH_TEXT.subtaskA)!.status).toBe(b.shape.statuses.todo);
  expect(new Set(tasks.map((t) => t.marker).filter(Boolean)).size).toBe(2);

  const byId = (id: string) => tasks.find((t) => t.id === id)!;
  expect(byId(parent).status).toBe(b.shape.statuses.working);
  expect(byId(parent).labels).toEqual(['agent-touched', 'crash-test']);
  expect(byId(parent).agentNotes).toBe(CRASH_TEXT.notes2);
  expect(byId(second).status).toBe(b.shape.statuses.review);
  expect(byId(human).title).toBe(humanEdited ? CRASH_TEXT.humanTitle : 'Task 3');

  const bodies = async (id: string) => (await b.reader.listComments(id)).map((c) => c.body);
  expect(await bodies(parent)).toEqual([CRASH_TEXT.comment1]);
  expect(await bodies(second)).toEqual([CRASH_TEXT.comment2]);
  expect(await bodies(human)).toEqual([]);

  expectLoggedOnce(dataDir, human, humanEdited);
}

const scenarios = crashScenarios('poll');

for (const [name, make] of Object.entries(BOARDS)) {
  describe(`crash safety on ${name}: SIGKILL at each injection point, then restart and replay`, () => {
    it.concurrent.each(scenarios)(
      `$script killed at $point: ${name} shows exactly one effect per intent`,
      ({ script, point, first, humanEdited }) =>
        withBoard(make, async (b, dataDir) => {
          if (humanEdited) await b.renameByPerson(b.shape.tasks.human, CRASH_TEXT.humanTitle);
          b.resetStats();
          const crashed = await runBoardChild(b, dataDir, script, point);
          expect(crashed.signal, `the child should die at ${point}; stderr: ${crashed.stderr}`).toBe('SIGKILL');
          expect(crashed.stdout).toBe('');
          if (point === 'before-outbox-commit') expect(b.writes()).toBe(0);
          if (point === 'after-board-write') expect(b.writes()).toBeGreaterThan(0);

          const recovered = expectOk(await runBoardChild(b, dataDir, `recover:${first}`));
          expect(recovered).toMatchObject({ outbox: { pending: 0, parked: 0 }, entries: 7, done: 7 });
          await expectExactlyOnce(b, dataDir, humanEdited);
        }),
      60_000,
    );

    it.concurrent(
      'a run that is not killed has the same single effects (control)',
      () =>
        withBoard(make, async (b, dataDir) => {
          expectOk(await runBoardChild(b, dataDir, 'agent:update'));
          const replay = expectOk(await runBoardChild(b, dataDir, 'recover:update'));
          expect(replay).toMatchObject({ queued: 0, entries: 7, done: 7 });
          await expectExactlyOnce(b, dataDir, false);
        }),
      60_000,
    );
  });
}
