import type { Database } from 'better-sqlite3';

export interface BoardSyncState {
  boardId: string;
  cursor: string | null;
  lastPollAt: string | null;
  lastOkAt: string | null;
  lastFullAt: string | null;
  lastError: string | null;
  errorCount: number;
}

interface Row {
  board_id: string;
  cursor: string | null;
  last_poll_at: string | null;
  last_ok_at: string | null;
  last_full_at: string | null;
  last_error: string | null;
  error_count: number;
}

/** Per-board polling state: the watermark survives restarts, so a restart never re-lists history. */
export class BoardSyncRepo {
  constructor(private readonly db: Database) {}

  get(boardId: string): BoardSyncState {
    const r = this.db.prepare('SELECT * FROM board_sync WHERE board_id = ?').get(boardId) as Row | undefined;
    return {
      boardId,
      cursor: r?.cursor ?? null,
      lastPollAt: r?.last_poll_at ?? null,
      lastOkAt: r?.last_ok_at ?? null,
      lastFullAt: r?.last_full_at ?? null,
      lastError: r?.last_error ?? null,
      errorCount: r?.error_count ?? 0,
    };
  }

  private upsert(boardId: string, set: string, args: unknown[]): void {
    this.db.prepare('INSERT INTO board_sync (board_id) VALUES (?) ON CONFLICT DO NOTHING').run(boardId);
    this.db.prepare(`UPDATE board_sync SET ${set} WHERE board_id = ?`).run(...args, boardId);
  }

  pollOk(boardId: string, cursor: string | null, full: boolean): void {
    const now = new Date().toISOString();
    this.upsert(
      boardId,
      `cursor = ?, last_poll_at = ?, last_ok_at = ?, last_error = NULL, error_count = 0${full ? ', last_full_at = ?' : ''}`,
      full ? [cursor, now, now, now] : [cursor, now, now],
    );
  }

  pollFailed(boardId: string, error: string): number {
    this.upsert(boardId, 'last_poll_at = ?, last_error = ?, error_count = error_count + 1', [
      new Date().toISOString(),
      error,
    ]);
    return this.get(boardId).errorCount;
  }
}
