import { LocalBoardAdapter } from '../../../src/main/core/boards/local/local-adapter';
import { LocalBoardStore } from '../../../src/main/core/boards/local/local-board-store';
import { closeDatabase, openDatabase } from '../../../src/main/core/store/database';
import { describeBoardConformance } from '../../conformance/board-conformance';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();
const HUMAN = 'human:conformance';

describeBoardConformance('local', async () => {
  const db = openDatabase(tempDir());
  const store = new LocalBoardStore(db);
  const boardId = 'conformance';
  const adapter = new LocalBoardAdapter({ store, boardId });
  return {
    adapter,
    humanEdit: async (taskId, patch) => {
      store.updateTask(boardId, taskId, patch, HUMAN);
    },
    humanCreate: async (fields) => store.createTask(boardId, fields, HUMAN).id,
    humanDelete: async (taskId) => {
      store.deleteTask(boardId, taskId, HUMAN);
    },
    teardown: async () => closeDatabase(db),
  };
});
