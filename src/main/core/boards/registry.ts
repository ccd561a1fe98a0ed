import type { Database } from 'better-sqlite3';
import type { BoardConfig } from '../config';
import type { SecretBackends } from '../secrets/resolve';
import type { BoardAdapter } from './adapter';
import { createKanboardAdapter } from './kanboard';
import { LocalBoardAdapter } from './local/local-adapter';
import { LocalBoardStore } from './local/local-board-store';

export interface AdapterDeps {
  db: Database;
  secrets: SecretBackends;
  localStore: LocalBoardStore;
}

export class UnsupportedBoardError extends Error {
  constructor(type: string) {
    super(`board type "${type}" has no adapter in this version of Deckhand yet`);
    this.name = 'UnsupportedBoardError';
  }
}

/** Builds the adapter for one configured board. */
export async function createAdapter(board: BoardConfig, deps: AdapterDeps): Promise<BoardAdapter> {
  switch (board.type) {
    case 'local':
      return new LocalBoardAdapter({ store: deps.localStore, boardId: board.id });
    case 'kanboard':
      return createKanboardAdapter(board, deps.secrets);
    default:
      throw new UnsupportedBoardError(board.type);
  }
}

export { LocalBoardStore };
