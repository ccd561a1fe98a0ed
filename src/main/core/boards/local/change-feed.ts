import { createLogger } from '../../logger';
import type { LocalChangeEvent, LocalChangeListener } from './types';

const log = createLogger('local-board');

/**
 * Holds change events until their transaction commits, then hands them to
 * listeners in seq order. Events from a rolled-back (savepoint) scope are
 * discarded, so listeners never hear of a change that did not happen.
 */
export class ChangeFeed {
  private readonly listeners = new Set<LocalChangeListener>();
  private readonly pending: LocalChangeEvent[] = [];
  private readonly ready: LocalChangeEvent[] = [];
  private delivering = false;

  subscribe(listener: LocalChangeListener): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  record(event: LocalChangeEvent): void {
    this.pending.push(event);
  }

  /** A point to roll back to when the scope that starts here fails. */
  mark(): number {
    return this.pending.length;
  }

  discardFrom(mark: number): void {
    this.pending.length = mark;
  }

  /**
   * Call after the outermost commit. A listener that writes to the store
   * queues its events behind the current ones instead of overtaking them.
   */
  deliver(): void {
    this.ready.push(...this.pending.splice(0));
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let event = this.ready.shift(); event; event = this.ready.shift()) {
        for (const listener of [...this.listeners]) {
          try {
            listener(event);
          } catch (err) {
            log.warn(`a change listener failed on ${event.kind} of task ${event.taskId}`, err);
          }
        }
      }
    } finally {
      this.delivering = false;
    }
  }
}
