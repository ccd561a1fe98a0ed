import type { Database } from 'better-sqlite3';
import type { PauseState } from '../../../shared/model';

export type PauseScope = 'global' | 'board' | 'agent';

interface PauseRow {
  paused_by: string;
  reason: string | null;
  paused_at: string;
}

/** Persisted pause switches; a row means "paused", its absence means "running". */
export class PauseRepo {
  constructor(private readonly db: Database) {}

  get(scope: PauseScope, target = ''): PauseState {
    const row = this.db
      .prepare('SELECT paused_by, reason, paused_at FROM pauses WHERE scope = ? AND target = ?')
      .get(scope, target) as PauseRow | undefined;
    if (!row) return { paused: false };
    return { paused: true, by: row.paused_by, at: row.paused_at, ...(row.reason ? { reason: row.reason } : {}) };
  }

  /** Pausing again keeps the original who/when: the first reason is the one that matters. */
  pause(scope: PauseScope, target: string, by: string, reason?: string): void {
    this.db
      .prepare(
        `INSERT INTO pauses (scope, target, paused_by, reason, paused_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT (scope, target) DO NOTHING`,
      )
      .run(scope, target, by, reason ?? null, new Date().toISOString());
  }

  resume(scope: PauseScope, target = ''): boolean {
    return this.db.prepare('DELETE FROM pauses WHERE scope = ? AND target = ?').run(scope, target).changes > 0;
  }
}
