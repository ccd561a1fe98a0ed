import { describe, expect, it } from 'vitest';
import { RunRepo } from '../../../src/main/core/agents/run-repo';
import { openDatabase, schemaVersion } from '../../../src/main/core/store/database';
import { MIGRATIONS } from '../../../src/main/core/store/migrations';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();

describe('migration 007: agent tables', () => {
  it('adds runs, steps, claims and usage on top of a version 6 database, keeping its data', () => {
    const dir = tempDir();
    let db = openDatabase(dir, { migrations: MIGRATIONS.slice(0, 6) });
    db.prepare("INSERT INTO log (at, actor, action) VALUES ('t', 'system', 'kept')").run();
    db.close();
    db = openDatabase(dir, { migrations: MIGRATIONS.slice(0, 7) });
    try {
      expect(schemaVersion(db)).toBe(7);
      expect(db.prepare('SELECT action FROM log').get()).toEqual({ action: 'kept' });

      const runs = new RunRepo(db);
      const run = { agentId: 'a', boardId: 'b', taskId: 't1', workflow: 'pickup', trigger: 'created' };
      const first = runs.insert(run);
      expect(first).toBe(1);
      // One active run per agent and task: a replayed trigger is a no-op, a finished run allows a new one.
      expect(runs.insert(run)).toBeUndefined();
      runs.update(first!, { state: 'done' });
      const second = runs.insert(run)!;
      expect(second).toBeGreaterThan(first!);
      // One digest per agent and day.
      const digest = { agentId: 's', boardId: 'b', taskId: null, workflow: 'digest', trigger: 'schedule' };
      expect(runs.insert({ ...digest, dedupeKey: 'digest:s:2026-01-01' })).toBeDefined();
      expect(runs.insert({ ...digest, dedupeKey: 'digest:s:2026-01-01' })).toBeUndefined();
      expect(() => db.prepare("UPDATE agent_runs SET state = 'exploded' WHERE id = 1").run()).toThrow(/CHECK/);

      runs.startStep(second, 0, 'demo', { protocol: 1 });
      runs.finishStep(
        second,
        0,
        { output: { notes: 'n' }, rawText: 'n', usage: { inputTokens: 1, outputTokens: 2, cost: null } },
        5,
      );
      // A finished step is never overwritten by a later start (its output is what a replay uses).
      runs.startStep(second, 0, 'demo', { protocol: 1, again: true });
      expect(runs.step(second, 0)).toMatchObject({ input: { protocol: 1 }, output: { notes: 'n' }, tokensOut: 2 });
    } finally {
      db.close();
    }
  });
});
