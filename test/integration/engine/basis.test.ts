import { describe, expect, it } from 'vitest';
import { basisOf } from '../../../src/main/core/engine/intents';
import { IntentRejected } from '../../../src/main/core/engine/sync-engine';
import { createEngineHarness } from '../../helpers/engine';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();
const AGENT = 'agent:mcp';

describe('an agent write says what it is based on', () => {
  it('is rejected without a basis, and a blind write may only set fields owned by AI', async () => {
    const h = createEngineHarness({ dir: tempDir() });
    try {
      const task = h.humanCreate({ title: 'Ship it', status: 'To do' });
      await h.runner.fullReconcile();
      const update = { kind: 'update' as const, boardId: h.boardId, taskId: task.id, actor: AGENT };

      expect(() => h.engine.submitIntent({ ...update, patch: { agentNotes: 'n' } })).toThrow(IntentRejected);
      expect(() => h.engine.submitIntent({ ...update, patch: { agentNotes: 'n' } })).toThrow(/basis: "blind"/);

      const blind = h.engine.submitIntent({
        ...update,
        basis: 'blind',
        patch: { agentNotes: 'notes', status: 'Done' },
        scope: 'blind',
      });
      expect(blind.queued).toBe(true);
      expect(blind.refused).toEqual([
        {
          field: 'status',
          reason: expect.stringMatching(/a blind write \(no basis\) may only set fields owned by AI/),
        },
      ]);
      await h.runner.drainOutbox();
      expect(h.boardTask(task.id)).toMatchObject({ agentNotes: 'notes', status: 'To do' });

      // With a basis, the same status write goes through.
      const based = h.engine.submitIntent({
        ...update,
        basis: basisOf(h.boardTask(task.id)),
        patch: { status: 'Done' },
        scope: 'based',
      });
      expect(based.refused).toEqual([]);
      await h.runner.drainOutbox();
      expect(h.boardTask(task.id).status).toBe('Done');
    } finally {
      await h.close();
    }
  });
});
