import { LocalBoardAdapter } from '../../src/main/core/boards/local/local-adapter';
import { LocalBoardStore } from '../../src/main/core/boards/local/local-board-store';
import { closeDatabase, openDatabase } from '../../src/main/core/store/database';
import type { FieldPatch, TaskFields } from '../../src/shared/task';

/**
 * The local board fixture: Deckhand's own board in a real SQLite file, its
 * adapter, and a person editing through the board store (as the app's Board
 * view does).
 */
export interface LocalFixture {
  store: LocalBoardStore;
  adapter: LocalBoardAdapter;
  boardId: string;
  configEntry: Record<string, unknown>;
  secrets: Record<string, string>;
  humanEdit(taskId: string, patch: FieldPatch): Promise<void>;
  humanCreate(fields: Partial<TaskFields> & { title: string }): Promise<string>;
  humanDelete(taskId: string): Promise<void>;
  stop(): Promise<void>;
}

export function startLocalFixture(dataDir: string, boardId = 'local', person = 'human:tester'): LocalFixture {
  const db = openDatabase(dataDir);
  const store = new LocalBoardStore(db);
  const adapter = new LocalBoardAdapter({ store, boardId });
  return {
    store,
    adapter,
    boardId,
    configEntry: { id: boardId, type: 'local' },
    secrets: {},
    humanEdit: async (taskId, patch) => void store.updateTask(boardId, taskId, patch, person),
    humanCreate: async (fields) => store.createTask(boardId, fields, person).id,
    humanDelete: async (taskId) => void store.deleteTask(boardId, taskId, person),
    stop: async () => closeDatabase(db),
  };
}
