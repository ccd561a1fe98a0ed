import type { Database } from 'better-sqlite3';
import type { SyncLogEntry } from '../../../shared/model';
import type { EventBus } from '../events';
import type { LogInput, LogRepo } from '../store/log-repo';

export type Append = (entry: LogInput) => void;

/**
 * Runs state changes and their log entries in one SQLite transaction, and
 * publishes `log.appended` only after the commit: a rolled-back change is
 * never announced, and a committed one is never missing from the log.
 */
export class Journal {
  private readonly listeners = new Set<(entry: SyncLogEntry) => void>();
  /** Entries of the outermost open transaction; nested transactions add to it. */
  private pending: SyncLogEntry[] | undefined;

  constructor(
    private readonly db: Database,
    private readonly log: LogRepo,
    private readonly events: EventBus,
  ) {}

  transaction<T>(fn: (append: Append) => T): T {
    const outer = this.pending;
    const mark = outer?.length ?? 0;
    const appended: SyncLogEntry[] = outer ?? [];
    this.pending = appended;
    let result: T;
    try {
      result = this.db.transaction(() => fn((entry) => appended.push(this.log.append(entry))))();
    } catch (err) {
      // A nested transaction rolled back to its savepoint: forget what it appended.
      appended.length = mark;
      throw err;
    } finally {
      this.pending = outer;
    }
    // Only the outermost commit makes entries durable, so only it announces them.
    if (outer) return result;
    for (const entry of appended) {
      this.events.emit('log.appended', entry);
      for (const l of this.listeners) l(entry);
    }
    return result;
  }

  append(entry: LogInput): void {
    this.transaction((append) => append(entry));
  }

  onAppend(listener: (entry: SyncLogEntry) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
