/**
 * A write the board answered 503 without running it is not a write whose answer was lost: on Kanboard a claim-like
 * update (column move, then the label) goes out as two requests when the project has automatic actions. When the
 * move lands and the label request is answered 503, the retry must send the label again, not log it as lost (the
 * move changed the task since the merge read it, which alone looked like "a person may have undone it").
 */
import { afterEach, describe, expect, it } from 'vitest';
import { closeDatabase, openDatabase } from '../../../src/main/core/store/database';
import { LogRepo } from '../../../src/main/core/store/log-repo';
import { startKanboard } from '../../boards/kanboard';
import { readNow } from '../../helpers/agent-basis';
import { bareEngine } from '../../helpers/bare-engine';
import { useFakeDate } from '../../helpers/fake-date';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();
const AGENT = 'agent:tester';
const cleanups: (() => Promise<void>)[] = [];
const { tick } = useFakeDate();
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function setup() {
  const { fake, board, adapter } = await startKanboard('app');
  // An automatic action: Kanboard then gets the move and the field update as separate requests.
  fake.store.actions.push({
    id: 1,
    project_id: board.projectId,
    event_name: 'task.move.column',
    action_name: '\\Kanboard\\Action\\TaskAssignColorColumn',
    params: { column_id: '2', color_id: 'red' },
  });
  const person = fake.human('alice');
  const id = await person.createTask(board.projectId, { title: 'T', column: 'Ready', tags: ['keep'] });
  const db = openDatabase(tempDir());
  const log = new LogRepo(db);
  const engine = bareEngine(db, [adapter]);
  cleanups.push(async () => {
    await engine.stop();
    closeDatabase(db);
    await fake.stop();
  });
  const runner = engine.runner('kb');
  await runner.fullReconcile();
  return { fake, engine, runner, log, id, taskId: String(id), person };
}

const labelWrite = (methods: string[]): boolean => methods[0] === 'updateTask';
const SERVICE_UNAVAILABLE = '<html><body><h1>503 Service Unavailable</h1></body></html>';

describe('a write the board answered 503 (never ran)', () => {
  it('is sent again on retry and not logged as field.lost, after the move before it landed', async () => {
    const s = await setup();
    tick();
    s.engine.submitIntent({
      kind: 'update',
      boardId: 'kb',
      taskId: s.taskId,
      actor: AGENT,
      patch: { status: 'Work in progress', labels: ['keep', 'claim:tester'] },
      basis: readNow(s.engine, 'kb', s.taskId),
      reason: 'claim',
    });
    s.fake.faults.push({
      when: labelWrite,
      status: 503,
      body: SERVICE_UNAVAILABLE,
      headers: { 'content-type': 'text/html' },
    });
    await s.runner.drainOutbox();
    expect(s.engine.outbox.counts().pending).toBe(1);
    expect(Object.values(s.fake.store.tagList(s.id)), 'the label request never ran').toEqual(['keep']);
    expect(s.engine.outbox.counts().pending).toBe(1);

    for (let round = 0; round < 5 && s.engine.outbox.counts().pending > 0; round++) {
      tick(10 * 60_000);
      await s.runner.drainOutbox();
    }
    expect(s.engine.outbox.counts()).toEqual({ pending: 0, parked: 0 });
    expect(Object.values(s.fake.store.tagList(s.id)).sort()).toEqual(['claim:tester', 'keep']);
    expect([...s.log.iterate({ action: 'field.lost' })]).toEqual([]);
    expect([...s.log.iterate({ action: 'field.written' })].map((e) => e.field).sort()).toEqual(['labels', 'status']);
  });

  it('after a person edited another field meanwhile: the label still goes out, nothing logged lost', async () => {
    const s = await setup();
    tick();
    s.engine.submitIntent({
      kind: 'update',
      boardId: 'kb',
      taskId: s.taskId,
      actor: AGENT,
      patch: { labels: ['keep', 'claim:tester'] },
      basis: readNow(s.engine, 'kb', s.taskId),
      reason: 'claim',
    });
    s.fake.faults.push({
      when: labelWrite,
      status: 503,
      body: SERVICE_UNAVAILABLE,
      headers: { 'content-type': 'text/html' },
    });
    await s.runner.drainOutbox();
    expect(s.engine.outbox.counts().pending).toBe(1);
    tick();
    await s.person.updateTask(s.id, { title: 'T (renamed by alice)' });
    for (let round = 0; round < 5 && s.engine.outbox.counts().pending > 0; round++) {
      tick(10 * 60_000);
      await s.runner.drainOutbox();
    }
    expect(s.engine.outbox.counts()).toEqual({ pending: 0, parked: 0 });
    expect(Object.values(s.fake.store.tagList(s.id)).sort()).toEqual(['claim:tester', 'keep']);
    expect(s.fake.store.tasks.find((t) => t.id === s.id)!.title).toBe('T (renamed by alice)');
    expect([...s.log.iterate({ action: 'field.lost' })]).toEqual([]);
  });
});
