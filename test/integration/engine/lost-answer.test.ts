/**
 * A label write whose answer is lost, then a person removes the label the
 * agent added, before the retry. Afterwards the board looks exactly as it did
 * before the write, so the retry cannot tell "did not land" from "landed and
 * undone" by the labels alone; it must not re-add the label the person removed.
 * (Found by agent-runs.property.test.ts, seed -1825072161, on the Kanboard fake.)
 */
import { afterEach, describe, expect, it } from 'vitest';
import { BoardError } from '../../../src/main/core/boards/contract/errors';
import type { BoardRunner } from '../../../src/main/core/engine/board-runner';
import type { SyncEngine } from '../../../src/main/core/engine/sync-engine';
import { closeDatabase, openDatabase } from '../../../src/main/core/store/database';
import { LogRepo } from '../../../src/main/core/store/log-repo';
import type { SyncLogEntry } from '../../../src/shared/model';
import { startKanboard } from '../../boards/kanboard';
import { bareEngine } from '../../helpers/bare-engine';
import { readNow } from '../../helpers/agent-basis';
import { createEngineHarness } from '../../helpers/engine';
import { useFakeDate } from '../../helpers/fake-date';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();
const AGENT = 'agent:tester';
const LABELS = ['keep-a', 'keep-b'];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const { tick } = useFakeDate();

interface Board {
  boardId: string;
  taskId: string;
  engine: SyncEngine;
  runner: BoardRunner;
  labels(): string[];
  personSetsLabels(labels: string[]): Promise<void>;
  /** The board applies its next write, and the answer is lost on the way back. */
  loseNextAnswer(): void;
  log(action: string): SyncLogEntry[];
}

function localBoard(): Board {
  let lose = false;
  const h = createEngineHarness({
    dir: tempDir(),
    boardNow: () => Date.now(),
    faults: {
      failAfterWrite: (op) => {
        if (op !== 'updateTask' || !lose) return undefined;
        lose = false;
        return new BoardError('transient', 'connection reset after the write');
      },
    },
  });
  cleanups.push(() => h.close());
  const taskId = h.humanCreate({ title: 'T', status: 'To do', labels: LABELS }).id;
  return {
    boardId: h.boardId,
    taskId,
    engine: h.engine,
    runner: h.runner,
    labels: () => h.boardTask(taskId).labels,
    personSetsLabels: async (labels) => void h.humanEdit(taskId, { labels }),
    loseNextAnswer: () => void (lose = true),
    log: (action) => h.log({ action }),
  };
}

/** A fault on "the next write" must not hit the re-read before it. */
const isWrite = (methods: string[]): boolean => methods.some((m) => /^(update|move|set|save|remove)/.test(m));

async function kanboard(): Promise<Board> {
  const { fake, board: seeded, adapter } = await startKanboard('app');
  const person = fake.human('alice');
  const id = await person.createTask(seeded.projectId, { title: 'T', tags: LABELS });
  const db = openDatabase(tempDir());
  const logRepo = new LogRepo(db);
  const engine = bareEngine(db, [adapter]);
  cleanups.push(async () => {
    await engine.stop();
    closeDatabase(db);
    await fake.stop();
  });
  return {
    boardId: 'kb',
    taskId: String(id),
    engine,
    runner: engine.runner('kb'),
    labels: () => Object.values(fake.store.tagList(id)).sort(),
    personSetsLabels: (tags) => person.updateTask(id, { tags }),
    loseNextAnswer: () => void fake.faults.push({ when: isWrite, afterRun: true, destroy: true }),
    log: (action) => [...logRepo.iterate({ action })],
  };
}

const BOARDS: Record<string, () => Board | Promise<Board>> = {
  'local board': localBoard,
  'Kanboard fake (HTTP)': kanboard,
};

describe('a retried label write after a lost answer', () => {
  for (const [name, make] of Object.entries(BOARDS)) {
    it(`${name}: does not re-add a label a person removed before the retry`, async () => {
      const b = await make();
      await b.runner.fullReconcile();
      tick();
      b.engine.submitIntent({
        kind: 'update',
        boardId: b.boardId,
        taskId: b.taskId,
        actor: AGENT,
        patch: { labels: [...LABELS, 'agent'] },
        basis: readNow(b.engine, b.boardId, b.taskId),
        reason: 'the run finished',
      });
      tick();
      b.loseNextAnswer();
      await b.runner.drainOutbox();
      expect(b.labels(), 'the board applied the write').toContain('agent');
      expect(b.engine.outbox.counts().pending, 'the entry waits for its retry').toBe(1);

      tick();
      await b.personSetsLabels(LABELS);
      for (let round = 0; round < 5 && b.engine.outbox.counts().pending > 0; round++) {
        tick(120_000);
        await b.runner.drainOutbox();
      }

      expect(b.engine.outbox.counts()).toEqual({ pending: 0, parked: 0 });
      expect(b.labels(), 'the label the person removed came back').toEqual(LABELS);
      // The agent's label change does not stand, and the log says so (it is not dropped silently).
      expect(b.log('field.lost').map((e) => [e.field, e.before, e.after])).toEqual([
        ['labels', ['agent', ...LABELS], LABELS],
      ]);
    });
  }
});
