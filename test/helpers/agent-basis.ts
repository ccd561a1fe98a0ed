import { basisOf, type Basis, type Intent } from '../../src/main/core/engine/intents';
import type { SubmitResult, SyncEngine } from '../../src/main/core/engine/sync-engine';

/**
 * The basis of an agent that read the task just now: the engine's synced copy.
 * Tests that play an agent writing at once (no think time) submit with it; tests
 * of concurrent edits take the basis before the person's edit instead.
 */
export function readNow(engine: SyncEngine, boardId: string, taskId: string): Basis {
  const synced = engine.base.get(boardId, taskId);
  if (!synced || synced.deleted) return { fields: {} };
  return basisOf({ ...synced.fields, id: taskId, version: synced.version, updatedAt: synced.updatedAt });
}

/** Submits an intent as an agent that read the task right before (an update without a basis gets `readNow`). */
export function submitAfterRead(engine: SyncEngine, intent: Intent): SubmitResult {
  if (intent.kind !== 'update' || intent.basis !== undefined || !intent.actor.startsWith('agent'))
    return engine.submitIntent(intent);
  return engine.submitIntent({ ...intent, basis: readNow(engine, intent.boardId, intent.taskId) });
}
