import type { Task } from '../../../shared/task';

/** Entries older than this are dropped when the map is pruned; far longer than any reuse window. */
const KEEP_MS = 10_000;

/**
 * The last read of each task and when it was made, so that steps a few
 * milliseconds apart (a run's claim and the delivery of its write, a write's
 * answer and the run's confirming read) share one read instead of asking the
 * board again. A webhook or local event naming a task drops its entry: the
 * board said it changed.
 */
export class RecentReads {
  private readonly reads = new Map<string, { task: Task | null; at: number }>();
  private readonly offers = new Map<string, Task | null>();

  constructor(private readonly now: () => number = Date.now) {}

  /** The task as read at most `maxAgeMs` ago (null: it was gone), or undefined when there is no such read. */
  get(id: string, maxAgeMs: number): Task | null | undefined {
    const hit = this.reads.get(id);
    if (!hit || maxAgeMs <= 0 || this.now() - hit.at > maxAgeMs) return undefined;
    return hit.task;
  }

  put(id: string, task: Task | null): void {
    if (this.reads.size > 2_000) this.prune();
    this.reads.set(id, { task, at: this.now() });
  }

  forget(id: string): void {
    this.reads.delete(id);
    this.offers.delete(id);
  }

  /** A read made for the next delivery of this task in the current outbox drain; taken once. */
  offer(id: string, task: Task | null): void {
    this.offers.set(id, task);
  }

  take(id: string): Task | null | undefined {
    const task = this.offers.get(id);
    this.offers.delete(id);
    return task;
  }

  /** The drain ended: reads it did not use are not kept for later ones. */
  dropOffers(): void {
    this.offers.clear();
  }

  private prune(): void {
    const cutoff = this.now() - KEEP_MS;
    for (const [id, read] of this.reads) if (read.at < cutoff) this.reads.delete(id);
  }
}
