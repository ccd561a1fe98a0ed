/**
 * The outbox under a permanent failure: one bad item among 1,000 is parked with
 * its error visible through the contract, the other 999 reach the board, and a
 * retry re-queues the parked one.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { dispatch } from '../../../src/main/core/api/dispatch';
import { BoardError } from '../../../src/main/core/boards/contract/errors';
import { LocalBoardAdapter } from '../../../src/main/core/boards/local/local-adapter';
import { LocalBoardStore } from '../../../src/main/core/boards/local/local-board-store';
import { closeDatabase, openDatabase } from '../../../src/main/core/store/database';
import type { AppState, OutboxItem } from '../../../src/shared/model';
import { closeCore, HUMAN } from '../../helpers/engine';
import { useTempDirs } from '../../helpers/tmp';
import { submitAfterRead } from '../../helpers/agent-basis';

const tempDir = useTempDirs();
const BOARD = 'bulk';
const COUNT = 1_000;
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function call<T>(core: Core, name: string, input: unknown = {}): Promise<T> {
  const result = await dispatch(core.handlers, name, input, { transport: 'http' });
  if (!result.ok) throw new Error(`${name} failed: ${result.error.message}`);
  return result.value as T;
}

describe('outbox: 1 permanently failing item among 1,000', () => {
  it('delivers the other 999, parks the bad one with its error, and re-queues it on retry', async () => {
    const boardDb = openDatabase(tempDir());
    const store = new LocalBoardStore(boardDb);
    store.ensureBoard(BOARD);
    const ids = store.batch(() =>
      Array.from({ length: COUNT }, (_, i) => store.createTask(BOARD, { title: `Task ${i}` }, HUMAN).id),
    );
    const bad = ids[COUNT / 2]!;
    let rejecting = true;
    const adapter = new LocalBoardAdapter({
      store,
      boardId: BOARD,
      faults: {
        failNext: (op, taskId) =>
          rejecting && op === 'updateTask' && taskId === bad
            ? new BoardError('invalid', `the board rejected the update of task ${bad}: agent notes are locked`)
            : undefined,
      },
    });
    const core = await createCore({ dataDir: tempDir(), startEngine: false, runner: { requestsPerMinute: 1e9 } });
    cleanups.push(async () => {
      await closeCore(core);
      closeDatabase(boardDb);
    });
    core.engine.addBoard(adapter);
    const runner = core.engine.runner(BOARD);
    await runner.fullReconcile();

    for (const [i, id] of ids.entries()) {
      submitAfterRead(core.engine, {
        kind: 'update',
        boardId: BOARD,
        taskId: id,
        actor: 'agent:bulk',
        patch: { agentNotes: `note ${i}` },
      });
    }
    expect(core.getState().counts.outbox).toBe(COUNT);
    await runner.drainOutbox();

    const notes = new Map(store.listTasks(BOARD).map((t) => [t.id, t.agentNotes]));
    for (const [i, id] of ids.entries()) expect(notes.get(id)).toBe(id === bad ? '' : `note ${i}`);

    const parked = await call<OutboxItem[]>(core, 'listOutbox', { state: 'parked' });
    expect(parked).toEqual([
      expect.objectContaining({
        taskId: bad,
        state: 'parked',
        attempts: 1,
        lastError: expect.stringMatching(/locked/),
      }),
    ]);
    expect(await call<OutboxItem[]>(core, 'listOutbox', { state: 'pending' })).toEqual([]);
    expect(core.engine.outbox.list({ state: 'done' }, 2 * COUNT)).toHaveLength(COUNT - 1);
    const state = await call<AppState>(core, 'getState');
    expect(state.counts).toMatchObject({ outbox: 0, errors: 1 });
    expect([...core.logEntries({ action: 'outbox.parked' })]).toEqual([
      expect.objectContaining({ taskId: bad, reason: expect.stringMatching(/locked/) }),
    ]);

    // The person fixes the cause on the board and presses retry.
    rejecting = false;
    expect(await call(core, 'retryOutbox', { id: parked[0]!.id })).toEqual({ retried: true });
    expect(await call<OutboxItem[]>(core, 'listOutbox', { state: 'pending' })).toEqual([
      expect.objectContaining({ id: parked[0]!.id, attempts: 0, state: 'pending' }),
    ]);
    await runner.drainOutbox();
    expect(store.getTask(BOARD, bad)!.agentNotes).toBe(`note ${COUNT / 2}`);
    expect(await call<OutboxItem[]>(core, 'listOutbox', { state: 'parked' })).toEqual([]);
    expect((await call<AppState>(core, 'getState')).counts).toMatchObject({ outbox: 0, errors: 0 });
    expect([...core.logEntries({ action: 'outbox.retry-requested' })]).toHaveLength(1);
    // A second retry of an entry that is no longer parked is refused.
    const again = await dispatch(core.handlers, 'retryOutbox', { id: parked[0]!.id }, { transport: 'http' });
    expect(again.ok).toBe(false);
  }, 60_000);
});
