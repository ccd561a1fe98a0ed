import type { OwnershipRules } from '../../../shared/ownership';
import type { Task, TaskField } from '../../../shared/task';
import type { BoardAdapter } from '../boards/contract/adapter';
import type { BaseRepo } from '../store/base-repo';
import type { ConflictRepo } from '../store/conflict-repo';
import type { OutboxRepo } from '../store/outbox-repo';
import type { Journal } from './journal';
import type { RecentReads } from './recent-reads';

/** A human (or another tool) changed a task on the board; agents may want to react. */
export interface HumanChange {
  boardId: string;
  task: Task;
  /** The fields that changed, or 'created' for a task seen for the first time. */
  fields: TaskField[] | 'created';
}

export interface EngineHooks {
  /**
   * Called inside the transaction that records the change, so whoever reacts
   * (the agent runtime queues a run) commits together with it: a crash can
   * neither lose the trigger nor fire it twice.
   */
  onHumanChange?(change: HumanChange): void;
}

/**
 * Maps the board's clock to ours. Estimated from our own writes: the board
 * stamps them, and we know when we sent them.
 */
export class BoardClock {
  private offsetMs = 0;

  observeWrite(sentAtMs: number, boardUpdatedAt: string): void {
    const boardMs = Date.parse(boardUpdatedAt);
    if (Number.isFinite(boardMs)) this.offsetMs = boardMs - sentAtMs;
  }

  toLocalMs(boardTime: string): number {
    return Date.parse(boardTime) - this.offsetMs;
  }
}

/** Everything the per-board sync steps need. */
export interface BoardContext {
  boardId: string;
  adapter: BoardAdapter;
  journal: Journal;
  base: BaseRepo;
  outbox: OutboxRepo;
  conflicts: ConflictRepo;
  clock: BoardClock;
  hooks: EngineHooks;
  rules(): OwnershipRules;
  /** Reads and write answers of the last moments, shared by the runner, deliveries and agents. */
  recent: RecentReads;
}
