/**
 * Engine behaviours, each on a real SQLite file: echo suppression, the
 * mass-deletion brake, ownership refusal, `ask` conflicts resolved through the
 * contract, 429 with Retry-After, and a board pause that survives a restart.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { dispatch } from '../../../src/main/core/api/dispatch';
import { BoardError } from '../../../src/main/core/boards/contract/errors';
import { DECKHAND_ACTOR } from '../../../src/main/core/boards/local/local-adapter';
import type { BoardFaults } from '../../../src/main/core/boards/local/faults';
import type { HumanChange } from '../../../src/main/core/engine/board-context';
import type { DeckhandEvent } from '../../../src/shared/contract';
import type { AppState, Conflict } from '../../../src/shared/model';
import { baseFields, boardFields, closeCore, createEngineHarness, HUMAN, sleep, waitFor } from '../../helpers/engine';
import { useTempDirs } from '../../helpers/tmp';
import { submitAfterRead } from '../../helpers/agent-basis';

const tempDir = useTempDirs();
const AGENT = 'agent:tester';
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function harness(options: Omit<Parameters<typeof createEngineHarness>[0], 'dir'> = {}) {
  const h = createEngineHarness({ dir: tempDir(), ...options });
  cleanups.push(() => h.close());
  return h;
}

async function call<T>(core: Core, name: string, input: unknown = {}): Promise<T> {
  const result = await dispatch(core.handlers, name, input, { transport: 'http' });
  if (!result.ok) throw new Error(`${name} failed: ${result.error.message}`);
  return result.value as T;
}

describe('echo suppression', () => {
  it("never takes the engine's own writes, seen again via hints, polls and full reconciles, for human changes", async () => {
    const h = harness({ wireHints: true });
    const id = h.humanCreate({ title: 'Echo', status: 'To do', labels: ['a'] }).id;
    await h.runner.fullReconcile();
    h.triggers.length = 0;

    submitAfterRead(h.engine, {
      kind: 'update',
      boardId: h.boardId,
      taskId: id,
      actor: AGENT,
      patch: { status: 'Work in progress', agentNotes: 'on it', labels: ['a', 'agent'] },
    });
    await h.runner.drainOutbox();
    expect(h.boardTask(id)).toMatchObject({ status: 'Work in progress', agentNotes: 'on it', labels: ['a', 'agent'] });
    // The board announced our write (a local change event, like a webhook); the hint is re-read, then polled, twice.
    await h.runner.flushHints();
    h.runner.hint([id]);
    await h.runner.flushHints();
    await h.runner.poll();
    await h.runner.poll();
    await h.runner.fullReconcile();

    expect(h.triggers).toEqual([]);
    expect(h.log({ action: 'field.changed' })).toEqual([]);
    expect(h.log({ action: 'field.written' }).map((e) => e.field)).toEqual(['status', 'labels', 'agentNotes']);
    expect(baseFields(h)).toEqual(boardFields(h));
  });

  it('logs a write whose response was lost, seen again through a hint, as an echo, and does not send it twice', async () => {
    let loseResponse = true;
    const faults: BoardFaults = {
      failAfterWrite: (op) => {
        if (op !== 'updateTask' || !loseResponse) return undefined;
        loseResponse = false;
        return new BoardError('transient', 'connection reset after the board applied the write');
      },
    };
    const h = harness({ wireHints: true, faults });
    const id = h.humanCreate({ title: 'Echo', status: 'To do' }).id;
    await h.runner.fullReconcile();
    h.triggers.length = 0;

    submitAfterRead(h.engine, {
      kind: 'update',
      boardId: h.boardId,
      taskId: id,
      actor: AGENT,
      patch: { status: 'Ready for Review', agentNotes: 'done, I think' },
    });
    await h.runner.drainOutbox();
    expect(h.engine.outbox.counts()).toEqual({ pending: 1, parked: 0 }); // waiting for its retry
    expect(h.boardTask(id).status).toBe('Ready for Review'); // ... although the board applied it

    await h.runner.flushHints(); // the board's change event comes back
    const echoes = h.log({ action: 'echo' });
    expect(echoes.map((e) => [e.actor, e.field, e.after])).toEqual([
      ['system', 'status', 'Ready for Review'],
      ['system', 'agentNotes', 'done, I think'],
    ]);
    expect(h.triggers).toEqual([]);

    await waitFor(() => h.engine.outbox.pending(h.boardId)[0]!.nextAttemptAt <= Date.now(), 3_000, 'the retry time');
    await h.runner.drainOutbox();
    expect(h.engine.outbox.counts()).toEqual({ pending: 0, parked: 0 });
    const ours = h.store.listEvents(h.boardId).filter((e) => e.actor === DECKHAND_ACTOR);
    expect(ours).toHaveLength(1); // one write on the board, not two
    expect(h.triggers).toEqual([]);
  });

  it("does not swallow a person's edit that lands between the engine's re-read and its write", async () => {
    let racing = true;
    const h = harness({
      faults: {
        failNext: (op, taskId) => {
          // Just before the engine's write goes out, a person edits another field of the same task.
          if (op === 'updateTask' && racing && taskId) {
            racing = false;
            h.humanEdit(taskId, { description: 'typed by a person meanwhile' });
          }
          return undefined;
        },
      },
    });
    const id = h.humanCreate({ title: 'Race', status: 'To do' }).id;
    await h.runner.fullReconcile();
    h.triggers.length = 0;

    submitAfterRead(h.engine, {
      kind: 'update',
      boardId: h.boardId,
      taskId: id,
      actor: AGENT,
      patch: { agentNotes: 'n' },
    });
    await h.runner.drainOutbox();
    expect(h.boardTask(id)).toMatchObject({ agentNotes: 'n', description: 'typed by a person meanwhile' });
    await h.runner.poll();
    await h.runner.fullReconcile();

    expect(h.log({ action: 'field.changed' })).toEqual([
      expect.objectContaining({ actor: 'human', field: 'description', after: 'typed by a person meanwhile' }),
    ]);
    expect(h.triggers).toEqual([expect.objectContaining({ fields: ['description'] })]);
    expect(baseFields(h)).toEqual(boardFields(h));
  });
});

describe('last write wins on status', () => {
  const update = (h: ReturnType<typeof harness>, taskId: string, patch: Record<string, unknown>) =>
    submitAfterRead(h.engine, { kind: 'update', boardId: h.boardId, taskId, actor: AGENT, patch });

  it("keeps a person's later edit although it was synced before the agent's older intent went out", async () => {
    const h = harness({ wireHints: true });
    const id = h.humanCreate({ title: 'T', status: 'To do' }).id;
    await h.runner.fullReconcile();
    update(h, id, { status: 'Done' }); // queued first ...
    await sleep(5);
    h.humanEdit(id, { status: 'Blocked — Needs Input' }); // ... then a person moves the card
    await h.runner.flushHints(); // and the engine syncs that move before the outbox drains
    await h.runner.drainOutbox();

    expect(h.boardTask(id).status).toBe('Blocked — Needs Input');
    expect(h.log({ action: 'field.lost' })).toEqual([
      expect.objectContaining({ field: 'status', before: 'Done', after: 'Blocked — Needs Input' }),
    ]);
  });

  it("does not let Deckhand's own write re-date a person's earlier status", async () => {
    const h = harness();
    const id = h.humanCreate({ title: 'T', status: 'To do', labels: ['x'] }).id;
    await h.runner.fullReconcile();
    h.humanEdit(id, { status: 'Blocked — Needs Input' }); // not yet synced
    await sleep(5);
    update(h, id, { labels: ['x', 'triaged'] });
    await sleep(5);
    update(h, id, { status: 'Work in progress' }); // the latest status write of all
    await h.runner.drainOutbox(); // the labels write lands first and bumps the task's updatedAt

    expect(h.boardTask(id)).toMatchObject({ status: 'Work in progress', labels: ['triaged', 'x'] });
    expect(h.log({ action: 'field.lost' })).toEqual([
      expect.objectContaining({ field: 'status', before: 'Blocked — Needs Input', after: 'Work in progress' }),
    ]);
  });

  it("logs a person's change that matches an unsent intent as theirs, and triggers the agent", async () => {
    const h = harness({ wireHints: true });
    const id = h.humanCreate({ title: 'T', status: 'To do' }).id;
    await h.runner.fullReconcile();
    h.triggers.length = 0;
    update(h, id, { status: 'Done' });
    h.humanEdit(id, { status: 'Done' }); // the person gets there first
    await h.runner.flushHints();
    await h.runner.drainOutbox();
    expect(h.log({ action: 'echo' })).toEqual([]);
    expect(h.log({ action: 'field.changed' })).toEqual([expect.objectContaining({ actor: 'human', after: 'Done' })]);
    expect(h.triggers).toEqual([expect.objectContaining({ fields: ['status'] })]);
    expect(h.log({ action: 'field.written' })).toEqual([]); // nothing left to write
  });
});

describe('mass-deletion brake', () => {
  async function boardWith(count: number) {
    const h = harness();
    const ids = h.store.batch(() => Array.from({ length: count }, (_, i) => h.humanCreate({ title: `T${i}` }).id));
    await h.runner.fullReconcile();
    return { h, ids };
  }

  it.each(['fullReconcile', 'poll'] as const)(
    'pauses the board with a reason instead of propagating many deletions (%s)',
    async (step) => {
      const { h, ids } = await boardWith(20);
      h.store.batch(() => ids.slice(0, 10).forEach((id) => h.store.deleteTask(h.boardId, id, HUMAN)));
      await h.runner[step]();

      const pause = h.pauses.get('board', h.boardId);
      expect(pause).toMatchObject({ paused: true, by: 'system:mass-deletion-brake' });
      expect(pause.reason).toMatch(/10 of 20 tasks vanished/);
      expect(h.runner.status().status).toBe('paused');
      expect(h.engine.base.liveIds(h.boardId)).toHaveLength(20); // nothing marked deleted
      expect(h.log({ action: 'task.deleted' })).toEqual([]);
      expect(h.log({ action: 'board.paused' })).toEqual([expect.objectContaining({ actor: 'system' })]);
      // While paused nothing syncs: no poll, no outbox.
      submitAfterRead(h.engine, {
        kind: 'update',
        boardId: h.boardId,
        taskId: ids[15]!,
        actor: AGENT,
        patch: { agentNotes: 'x' },
      });
      await h.runner.drainOutbox();
      expect(h.boardTask(ids[15]!).agentNotes).toBe('');
    },
  );

  it('applies the deletions once a person resumes the braked board (their confirmation)', async () => {
    const { h, ids } = await boardWith(20);
    h.store.batch(() => ids.slice(0, 10).forEach((id) => h.store.deleteTask(h.boardId, id, HUMAN)));
    await h.runner.fullReconcile();
    expect(h.pauses.get('board', h.boardId).paused).toBe(true);
    h.pauses.resume('board', h.boardId);
    h.runner.confirmDeletions();
    await h.runner.fullReconcile();
    expect(h.pauses.get('board', h.boardId).paused).toBe(false);
    expect(h.engine.base.liveIds(h.boardId)).toHaveLength(10);
    expect(h.log({ action: 'task.deleted' })).toHaveLength(10);
  });

  it('brakes on an empty listing even for a small board', async () => {
    const { h, ids } = await boardWith(3);
    h.store.batch(() => ids.forEach((id) => h.store.deleteTask(h.boardId, id, HUMAN)));
    await h.runner.fullReconcile();
    expect(h.pauses.get('board', h.boardId)).toMatchObject({ paused: true, by: 'system:mass-deletion-brake' });
    expect(h.engine.base.liveIds(h.boardId)).toHaveLength(3);
  });

  it.each(['fullReconcile', 'poll'] as const)('propagates a single deletion (%s)', async (step) => {
    const { h, ids } = await boardWith(20);
    h.store.deleteTask(h.boardId, ids[3]!, HUMAN);
    await h.runner[step]();
    expect(h.pauses.get('board', h.boardId).paused).toBe(false);
    expect(h.engine.base.get(h.boardId, ids[3]!)?.deleted).toBe(true);
    expect(h.engine.base.liveIds(h.boardId)).toHaveLength(19);
    expect(h.log({ action: 'task.deleted' })).toEqual([expect.objectContaining({ taskId: ids[3] })]);
  });
});

describe('ownership', () => {
  it('refuses and logs an agent write to a human-owned field; the board is unchanged', async () => {
    const h = harness();
    const id = h.humanCreate({ title: 'Keep my title', description: 'and my words', status: 'To do' }).id;
    await h.runner.fullReconcile();

    const only = submitAfterRead(h.engine, {
      kind: 'update',
      boardId: h.boardId,
      taskId: id,
      actor: AGENT,
      patch: { title: 'Agent title', description: 'agent words' },
    });
    expect(only.queued).toBe(false);
    expect(only.refused.map((r) => r.field)).toEqual(['title', 'description']);
    const mixed = submitAfterRead(h.engine, {
      kind: 'update',
      boardId: h.boardId,
      taskId: id,
      actor: AGENT,
      patch: { title: 'Agent title', status: 'Done' },
    });
    expect(mixed.queued).toBe(true);
    await h.runner.drainOutbox();

    expect(h.boardTask(id)).toMatchObject({ title: 'Keep my title', description: 'and my words', status: 'Done' });
    expect(h.log({ action: 'write.refused' }).map((e) => [e.actor, e.field])).toEqual([
      [AGENT, 'title'],
      [AGENT, 'description'],
      [AGENT, 'title'],
    ]);
  });

  it('refuses at send time when the schema changed after the intent was queued', async () => {
    const h = harness();
    const id = h.humanCreate({ title: 'T', status: 'To do' }).id;
    await h.runner.fullReconcile();
    submitAfterRead(h.engine, {
      kind: 'update',
      boardId: h.boardId,
      taskId: id,
      actor: AGENT,
      patch: { status: 'Done' },
    });
    h.rules = { ...h.rules, status: { owner: 'human', policy: 'human-wins' } };
    await h.runner.drainOutbox();
    expect(h.boardTask(id).status).toBe('To do');
    expect(h.log({ action: 'write.refused' })).toEqual([expect.objectContaining({ field: 'status', actor: AGENT })]);
    expect(h.engine.outbox.counts()).toEqual({ pending: 0, parked: 0 });
  });

  it('opens a conflict for an `ask` field and writes the resolution, logged with who resolved it', async () => {
    const core = await createCore({ dataDir: tempDir(), startEngine: false });
    cleanups.push(() => closeCore(core));
    const events: DeckhandEvent[] = [];
    core.events.subscribe((e) => events.push(e));
    const runner = core.engine.runner('local');
    await runner.fullReconcile();
    const task = core.localBoards.listTasks('local')[0]!;

    await call(core, 'setOwnership', { boardId: 'local', rules: { status: { owner: 'shared', policy: 'ask' } } });
    submitAfterRead(core.engine, {
      kind: 'update',
      boardId: 'local',
      taskId: task.id,
      actor: AGENT,
      patch: { status: 'Ready for Review' },
    });
    core.localBoards.updateTask('local', task.id, { status: 'Blocked — Needs Input' }, HUMAN);
    await runner.flushHints(); // the person's move is synced before the agent's write goes out
    await runner.drainOutbox();

    expect(core.localBoards.getTask('local', task.id)!.status).toBe('Blocked — Needs Input');
    const [conflict] = await call<Conflict[]>(core, 'listConflicts', {});
    expect(conflict).toMatchObject({
      taskId: task.id,
      field: 'status',
      base: task.status,
      human: 'Blocked — Needs Input',
      agent: 'Ready for Review',
      actor: AGENT,
      state: 'open',
    });
    expect(events.filter((e) => e.type === 'conflict.opened')).toHaveLength(1);
    expect((await call<AppState>(core, 'getState')).counts.conflicts).toBe(1);

    const resolved = await call<Conflict>(core, 'resolveConflict', { id: conflict!.id, value: 'Done' });
    expect(resolved).toMatchObject({ state: 'resolved', resolvedBy: 'human:http' });
    await runner.drainOutbox();

    expect(core.localBoards.getTask('local', task.id)!.status).toBe('Done');
    expect([...core.logEntries({ action: 'conflict.resolved' })]).toEqual([
      expect.objectContaining({ actor: 'human:http', field: 'status', before: 'Blocked — Needs Input', after: 'Done' }),
    ]);
    expect([...core.logEntries({ action: 'field.written', taskId: task.id })]).toEqual([
      expect.objectContaining({ actor: 'human:http', field: 'status', after: 'Done' }),
    ]);
    expect(events.filter((e) => e.type === 'conflict.resolved')).toHaveLength(1);
    expect(await call<Conflict[]>(core, 'listConflicts', {})).toEqual([]);
  });
});

describe('conflict resolution is atomic', () => {
  async function withConflict() {
    const h = harness();
    h.rules = { ...h.rules, status: { owner: 'shared', policy: 'ask' } };
    const id = h.humanCreate({ title: 'T', status: 'To do' }).id;
    await h.runner.fullReconcile();
    submitAfterRead(h.engine, {
      kind: 'update',
      boardId: h.boardId,
      taskId: id,
      actor: AGENT,
      patch: { status: 'Done' },
    });
    h.humanEdit(id, { status: 'Backlog' });
    await h.runner.drainOutbox();
    const [conflict] = h.engine.conflicts.list();
    expect(conflict).toMatchObject({ taskId: id, base: 'To do', human: 'Backlog', agent: 'Done' });
    return { h, id, conflict: conflict! };
  }

  it('writes the resolution whatever characters the resolver’s name has', async () => {
    const { h, id, conflict } = await withConflict();
    h.engine.resolveConflict(conflict.id, { value: 'Work in progress' }, 'human:alice@example.com');
    await h.runner.drainOutbox();
    expect(h.boardTask(id).status).toBe('Work in progress');
    expect(h.engine.conflicts.get(conflict.id)).toMatchObject({
      state: 'resolved',
      resolvedBy: 'human:alice@example.com',
    });
    expect(h.log({ action: 'field.written' })).toEqual([
      expect.objectContaining({ actor: 'human:alice_example.com', after: 'Work in progress' }),
    ]);
  });

  it('keeps the conflict open when the resolution cannot be queued', async () => {
    const { h, id, conflict } = await withConflict();
    expect(() => h.engine.resolveConflict(conflict.id, { value: 42 }, 'human:test')).toThrow(/invalid intent/);
    expect(h.engine.conflicts.get(conflict.id)!.state).toBe('open');
    expect(h.log({ action: 'conflict.resolved' })).toEqual([]);
    expect(h.engine.outbox.counts()).toEqual({ pending: 0, parked: 0 });
    expect(h.boardTask(id).status).toBe('Backlog');
  });
});

describe('rate limits', () => {
  it('honours Retry-After on a 429 for the whole board, then delivers', async () => {
    let limited = true;
    const h = harness({
      faults: {
        failNext: (op) => {
          if (op !== 'updateTask' || !limited) return undefined;
          limited = false;
          return new BoardError('rate_limited', 'HTTP 429: slow down', 500);
        },
      },
    });
    const a = h.humanCreate({ title: 'A' }).id;
    const b = h.humanCreate({ title: 'B' }).id;
    await h.runner.fullReconcile();
    for (const id of [a, b]) {
      submitAfterRead(h.engine, {
        kind: 'update',
        boardId: h.boardId,
        taskId: id,
        actor: AGENT,
        patch: { agentNotes: 'n' },
      });
    }
    const limitedAt = Date.now();
    await h.runner.drainOutbox();
    expect([h.boardTask(a).agentNotes, h.boardTask(b).agentNotes]).toEqual(['', '']); // B waits too
    expect(h.log({ action: 'outbox.retry' })).toEqual([expect.objectContaining({ reason: 'HTTP 429: slow down' })]);

    let deliveredAt = 0;
    while (h.engine.outbox.counts().pending > 0) {
      await h.runner.drainOutbox();
      if (h.engine.outbox.counts().pending === 0) deliveredAt = Date.now();
      else await sleep(25);
      expect(Date.now() - limitedAt).toBeLessThan(5_000);
    }
    expect(deliveredAt - limitedAt).toBeGreaterThanOrEqual(500);
    expect([h.boardTask(a).agentNotes, h.boardTask(b).agentNotes]).toEqual(['n', 'n']);
    expect(h.engine.outbox.counts()).toEqual({ pending: 0, parked: 0 });
  });
});

describe('pause', () => {
  it('pauses one board with who and why; it holds intake and the outbox, survives a restart, and resumes', async () => {
    const dataDir = tempDir();
    const triggers: HumanChange[] = [];
    const open = () => createCore({ dataDir, startEngine: false, hooks: { onHumanChange: (c) => triggers.push(c) } });
    let core = await open();
    await core.engine.runner('local').fullReconcile();
    const id = core.localBoards.listTasks('local')[0]!.id;
    triggers.length = 0;

    const paused = await call<AppState>(core, 'pauseBoard', { boardId: 'local', reason: 'moving the project' });
    expect(paused.boards.find((b) => b.id === 'local')!.status).toBe('paused');
    submitAfterRead(core.engine, {
      kind: 'update',
      boardId: 'local',
      taskId: id,
      actor: AGENT,
      patch: { agentNotes: 'held' },
    });
    core.localBoards.updateTask('local', id, { title: 'Edited while paused' }, HUMAN);
    await core.engine.runner('local').flushHints();
    await core.engine.runner('local').poll();
    await core.engine.runner('local').drainOutbox();
    expect(core.localBoards.getTask('local', id)!.agentNotes).toBe('');
    expect(triggers).toEqual([]);
    await closeCore(core);

    core = await open();
    cleanups.push(() => closeCore(core));
    expect(core.engine.runner('local').paused).toBe(true);
    const state = await call<AppState>(core, 'getState');
    expect(state.boards.find((b) => b.id === 'local')!.status).toBe('paused');
    await core.engine.runner('local').poll();
    await core.engine.runner('local').drainOutbox();
    expect(core.localBoards.getTask('local', id)!.agentNotes).toBe('');
    expect([...core.logEntries({ action: 'board.paused' })]).toEqual([
      expect.objectContaining({ actor: 'human:http', reason: 'moving the project' }),
    ]);

    await call(core, 'resumeBoard', { boardId: 'local' });
    await core.engine.runner('local').poll();
    await core.engine.runner('local').drainOutbox();
    expect(core.localBoards.getTask('local', id)!.agentNotes).toBe('held');
    expect(triggers).toEqual([expect.objectContaining({ fields: ['title'] })]);
    expect([...core.logEntries({ action: 'board.resumed' })]).toHaveLength(1);
  });
});
