import type { TaskRef } from '../../shared/model';
import type { SyncEngine } from './engine/sync-engine';

/**
 * A task as a person recognises it: the title from the engine's last synced
 * state and the link its board's adapter builds. No board request: the UI asks
 * for every task an Activity page shows.
 */
export function taskRef(engine: SyncEngine, boardId: string, taskId: string): TaskRef {
  const snapshot = engine.base.get(boardId, taskId);
  const url = engine.adapterFor(boardId)?.taskUrl?.(taskId);
  return { boardId, taskId, title: snapshot?.fields.title ?? null, ...(url ? { url } : {}) };
}
