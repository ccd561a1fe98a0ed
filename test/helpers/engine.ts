import type { Database } from 'better-sqlite3';
import type { BoardFaults } from '../../src/main/core/boards/local/faults';
import { LocalBoardAdapter } from '../../src/main/core/boards/local/local-adapter';
import { LocalBoardStore } from '../../src/main/core/boards/local/local-board-store';
import type { HumanChange } from '../../src/main/core/engine/board-context';
import type { BoardRunner, RunnerOptions } from '../../src/main/core/engine/board-runner';
import { SyncEngine } from '../../src/main/core/engine/sync-engine';
import { EventBus } from '../../src/main/core/events';
import { closeDatabase, openDatabase } from '../../src/main/core/store/database';
import { LogRepo, type LogFilter } from '../../src/main/core/store/log-repo';
import { PauseRepo } from '../../src/main/core/store/pause-repo';
import type { DeckhandEvent } from '../../src/shared/contract';
import type { SyncLogEntry } from '../../src/shared/model';
import { defaultOwnershipRules, type OwnershipRules } from '../../src/shared/ownership';
import { TASK_FIELDS, type Task, type TaskFields } from '../../src/shared/task';

/** The human actor the harness edits the board as (through the store, like the UI does). */
export const HUMAN = 'human:test';

export interface EngineHarnessOptions {
  /** The data directory (a temp dir): the engine's SQLite file lives here, and the local board in it. */
  dir: string;
  boardId?: string;
  /** The board's clock (ms since the epoch). Defaults to Date.now. */
  boardNow?: () => number;
  faults?: BoardFaults;
  rules?: OwnershipRules;
  runner?: Partial<RunnerOptions>;
  /**
   * Forward the board's change events to the runner as hints (what createCore does). Hints then
   * wait in the runner until `flushHints()`: the harness never starts timers, so tests step everything.
   */
  wireHints?: boolean;
  /** Extra columns to add to the board (statuses beyond the defaults). */
  columns?: string[];
}

/**
 * A SyncEngine on a real SQLite file with the built-in local board, for tests
 * that drive it step by step: no timers run (the engine is not started), so
 * hints, polls, full reconciles and outbox drains happen exactly when the test
 * calls them.
 */
export interface EngineHarness {
  dir: string;
  boardId: string;
  db: Database;
  store: LocalBoardStore;
  adapter: LocalBoardAdapter;
  engine: SyncEngine;
  runner: BoardRunner;
  pauses: PauseRepo;
  /** onHumanChange calls, in order. */
  triggers: HumanChange[];
  /** Contract events emitted by the engine. */
  events: DeckhandEvent[];
  /** The ownership rules in force; replace to change them (they are read on every use). */
  rules: OwnershipRules;
  log(filter?: LogFilter): SyncLogEntry[];
  /** The board's task, read through the store (not through the adapter, so fault hooks do not apply). */
  boardTask(id: string): Task;
  /** A human edit on the board. */
  humanEdit(id: string, patch: Partial<TaskFields>): Task;
  humanCreate(fields: Partial<TaskFields> & { title: string }): Task;
  close(): Promise<void>;
}

export function createEngineHarness(options: EngineHarnessOptions): EngineHarness {
  const boardId = options.boardId ?? 'board';
  const db = openDatabase(options.dir);
  const store = new LocalBoardStore(db, options.boardNow ? { now: options.boardNow } : {});
  const adapter = new LocalBoardAdapter({ store, boardId, ...(options.faults ? { faults: options.faults } : {}) });
  // The engine watches the board's events itself; without wireHints a test drives every re-read, so it watches nothing.
  if (!options.wireHints) Object.defineProperty(adapter, 'watch', { value: undefined });
  store.batch(() => {
    for (const column of options.columns ?? []) store.addColumn(boardId, column);
  });
  const bus = new EventBus();
  const events: DeckhandEvent[] = [];
  bus.subscribe((e) => events.push(e));
  const logRepo = new LogRepo(db);
  const pauses = new PauseRepo(db);
  const triggers: HumanChange[] = [];
  const harness: EngineHarness = {
    dir: options.dir,
    boardId,
    db,
    store,
    adapter,
    engine: undefined as unknown as SyncEngine,
    runner: undefined as unknown as BoardRunner,
    pauses,
    triggers,
    events,
    rules: options.rules ?? defaultOwnershipRules(),
    log: (filter = {}) => [...logRepo.iterate(filter)],
    boardTask: (id) => {
      const task = store.getTask(boardId, id);
      if (!task) throw new Error(`task ${id} is not on the board`);
      const { createdAt: _c, position: _p, ...canonical } = task;
      return canonical;
    },
    humanEdit: (id, patch) => store.updateTask(boardId, id, patch, HUMAN),
    humanCreate: (fields) => store.createTask(boardId, fields, HUMAN),
    async close() {
      await harness.engine.stop();
      closeDatabase(db);
    },
  };
  harness.engine = new SyncEngine({
    db,
    events: bus,
    log: logRepo,
    pauses,
    boards: [adapter],
    ownership: () => harness.rules,
    hooks: { onHumanChange: (change) => triggers.push(change) },
    runner: { autoStart: false, requestsPerMinute: 1_000_000_000, ...options.runner },
  });
  harness.runner = harness.engine.runner(boardId);
  return harness;
}

/** The synced fields of a task, for comparing base and board. */
export function fieldsOf(task: TaskFields): TaskFields {
  const out = {} as Record<string, unknown>;
  for (const f of TASK_FIELDS) out[f] = f === 'labels' ? [...task.labels].sort() : task[f];
  return out as unknown as TaskFields;
}

/** Every live task on the board, by id, as the engine's base should hold it. */
export function boardFields(h: EngineHarness): Map<string, TaskFields> {
  return new Map(h.store.listTasks(h.boardId).map((t) => [t.id, fieldsOf(t)]));
}

/** Every live base entry, by id. */
export function baseFields(h: EngineHarness): Map<string, TaskFields> {
  return new Map(h.engine.base.all(h.boardId).map((b) => [b.taskId, fieldsOf(b.fields)]));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * Closes a core built by createCore after one macrotask, so work it scheduled
 * with setImmediate after the test's last step (the agent runtime reacts to
 * human changes that way) runs against an open database.
 */
export async function closeCore(core: { close(): Promise<void> }): Promise<void> {
  await new Promise((r) => setImmediate(r));
  await core.close();
}

/** Polls `check` until it returns true, or fails after `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(5);
  }
}
