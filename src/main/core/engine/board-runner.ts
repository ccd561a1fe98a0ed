import type { BoardStatus, PauseState } from '../../../shared/model';
import type { Task } from '../../../shared/task';
import { createLogger } from '../logger';
import type { BoardSyncRepo } from '../store/board-sync-repo';
import type { PauseRepo } from '../store/pause-repo';
import { backoffMs } from './backoff';
import type { BoardBudget } from './board-budget';
import type { BoardContext } from './board-context';
import { deliver } from './deliver';
import { prefetchForDelivery } from './deliver-update';
import { Mutex } from './mutex';
import { reconcileTask } from './reconcile';

const log = createLogger('engine');

/** Who pauses a board when too many tasks vanish at once. */
export const BRAKE_ACTOR = 'system:mass-deletion-brake';

/** Polling backs off after failures up to this (or the poll interval, if longer): an outage never hides the board for long. */
export const MAX_POLL_BACKOFF_MS = 60_000;

/** Tasks reconciled per transaction when absorbing a listing. */
const ABSORB_CHUNK = 500;

export interface RunnerOptions {
  /** The configured poll interval: where the adaptive interval settles when the board is quiet. */
  pollIntervalMs: number;
  /** The interval right after activity. */
  minPollMs: number;
  /** Webhook hints and local events arriving within this window are handled as one. */
  coalesceMs: number;
  /** The polling watermark overlaps the previous poll by this much (same-second updates, late commits). */
  overlapMs: number;
  /** How often a full listing checks for deletions and anything the incremental poll missed. */
  fullReconcileMs: number;
  /** The board's request budget: every request to it (polls, deliveries, agents' reads) counts. */
  requestsPerMinute: number;
  /** A task read this recently stands in for a fresh read (a run's claim and its write's delivery share one). */
  reuseReadsMs: number;
  /** Vanishing tasks beyond max(min, fraction × known) in one pass pause the board instead of propagating. */
  massDeletion: { min: number; fraction: number };
  /** Start timers (false in tests that drive the runner step by step). */
  autoStart: boolean;
}

export const DEFAULT_RUNNER_OPTIONS: RunnerOptions = {
  pollIntervalMs: 15_000,
  minPollMs: 2_000,
  coalesceMs: 15,
  overlapMs: 120_000,
  fullReconcileMs: 10 * 60_000,
  requestsPerMinute: 120,
  reuseReadsMs: 250,
  massDeletion: { min: 5, fraction: 0.2 },
  autoStart: true,
};

export interface RunnerDeps {
  ctx: BoardContext;
  /** The board's one request budget (the engine meters ctx.adapter with it). */
  budget: BoardBudget;
  sync: BoardSyncRepo;
  pauses: PauseRepo;
  /** Global pause holds agent writes (the outbox) but keeps intake running, so the log stays current. */
  globalPaused(): boolean;
  onStatus(): void;
  options: RunnerOptions;
}

/**
 * Everything that happens to one board: polling, webhook hints, the periodic
 * full reconcile and outbox delivery, serialised by one lock so a reconcile
 * never interleaves with a write.
 */
export class BoardRunner {
  private readonly lock = new Mutex();
  private readonly hinted = new Set<string>();
  /** Callers waiting for a task's next read (agents, through readTask). */
  private waiters = new Map<string, { resolve(task: Task | null): void; reject(err: unknown): void }[]>();
  private hintTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private outboxTimer: NodeJS.Timeout | undefined;
  private outboxDueAt = Infinity;
  /** Set when a drain stopped for the rate budget: the next one is due when it refills. */
  private budgetWaitMs = 0;
  private interval: number;
  private blockedUntil = 0;
  private stopped = true;
  private busy = 0;
  /** Why the last poll or full reconcile failed; only a successful one clears it (a webhook read does not). */
  private pollError: string | undefined;
  /** Why the last webhook read or outbox pass failed. */
  private stepError: string | undefined;
  private lastPollAt: string | undefined;
  private nextPollAt: number | undefined;
  /** Set when a person resumes a board the deletion brake paused: the next deletions are real, apply them. */
  private deletionsConfirmed = false;

  constructor(private readonly deps: RunnerDeps) {
    this.interval = deps.options.pollIntervalMs;
    const sync = deps.sync.get(this.boardId);
    this.lastPollAt = sync.lastOkAt ?? undefined;
    this.pollError = sync.lastError ?? undefined;
  }

  private get error(): string | undefined {
    return this.pollError ?? this.stepError;
  }

  get boardId(): string {
    return this.deps.ctx.boardId;
  }

  get paused(): boolean {
    return this.deps.pauses.get('board', this.boardId).paused;
  }

  /** The board's request budget, as the Boards view shows it. */
  get requestsPerMinute(): number {
    return this.deps.budget.perMinute;
  }

  /**
   * What the board is doing, honestly: an error stays until a poll succeeds, `lastPollAt` is the last
   * successful poll, `nextPollAt` when the next one is due, and a pause says who paused and why.
   */
  status(): { status: BoardStatus; lastPollAt?: string; nextPollAt?: string; error?: string; pause?: PauseState } {
    const pause = this.deps.pauses.get('board', this.boardId);
    const status: BoardStatus = pause.paused ? 'paused' : this.error ? 'error' : this.busy > 0 ? 'syncing' : 'idle';
    const error = this.error;
    return {
      status,
      ...(this.lastPollAt ? { lastPollAt: this.lastPollAt } : {}),
      ...(this.nextPollAt !== undefined && !pause.paused
        ? { nextPollAt: new Date(this.nextPollAt).toISOString() }
        : {}),
      ...(error ? { error } : {}),
      ...(pause.paused ? { pause } : {}),
    };
  }

  start(): void {
    this.stopped = false;
    if (!this.deps.options.autoStart) return;
    this.schedulePoll(0);
    this.scheduleOutbox(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of [this.hintTimer, this.pollTimer, this.outboxTimer]) if (t) clearTimeout(t);
    this.hintTimer = undefined;
    // Runs still waiting for a read get it now rather than never.
    if (this.waiters.size > 0) await this.flushHints();
    // Wait for whatever holds the lock to reach its end.
    await this.lock.run(async () => undefined);
  }

  /** A person resumed the board after the mass-deletion brake, so the vanished tasks really are gone. */
  confirmDeletions(): void {
    this.deletionsConfirmed = true;
  }

  /**
   * "Sync now" from a person: a full reconcile (deletions included, which an incremental poll cannot see on
   * most boards), and polling starts over from the short interval instead of waiting out a backoff.
   */
  async syncNow(): Promise<{ changed: number }> {
    const result = await this.fullReconcile();
    this.interval = this.deps.options.minPollMs;
    if (!this.stopped && this.deps.options.autoStart && this.pollError === undefined)
      this.reschedulePoll(this.interval);
    return result;
  }

  /** A webhook or local event named these tasks; they are re-read (the hint itself is not trusted). */
  hint(taskIds: string[]): void {
    for (const id of taskIds) {
      this.hinted.add(id);
      // The board says the task changed: an earlier read no longer stands in for a fresh one.
      this.deps.ctx.recent.forget(id);
    }
    this.scheduleFlush();
  }

  private scheduleFlush(): void {
    if (this.hintTimer || this.stopped) return;
    this.hintTimer = setTimeout(() => {
      this.hintTimer = undefined;
      void this.flushHints();
    }, this.deps.options.coalesceMs);
  }

  /**
   * The task as the board has it, through the engine: a read made within the
   * reuse window is shared, otherwise it joins the next batched read (with
   * webhook hints and other runs' reads) and is reconciled like any hint.
   */
  readTask(id: string, maxAgeMs = this.deps.options.reuseReadsMs): Promise<Task | null> {
    const recent = this.deps.ctx.recent.get(id, maxAgeMs);
    if (recent !== undefined) return Promise.resolve(recent);
    return new Promise((resolve, reject) => {
      const list = this.waiters.get(id) ?? [];
      list.push({ resolve, reject });
      this.waiters.set(id, list);
      this.hinted.add(id);
      if (this.stopped) void this.flushHints();
      else this.scheduleFlush();
    });
  }

  /**
   * Re-reads hinted tasks now, all in one batched read where the board has
   * one. The wait for the rate budget comes before the board lock.
   */
  async flushHints(): Promise<void> {
    if (this.hintTimer) clearTimeout(this.hintTimer);
    this.hintTimer = undefined;
    const ids = [...this.hinted];
    const waiters = this.waiters;
    this.hinted.clear();
    this.waiters = new Map();
    if (ids.length === 0) return;
    const settle = (read: Map<string, Task | null> | undefined, err?: unknown): void => {
      for (const [id, list] of waiters) {
        for (const w of list) {
          if (read && read.has(id)) w.resolve(read.get(id)!);
          else w.reject(err ?? new Error(`task ${id} was not read`));
        }
      }
    };
    if (this.paused) {
      // A paused board takes in nothing, but a run reading its task still gets an answer.
      const asked = ids.filter((id) => waiters.has(id));
      if (asked.length === 0) return;
      await this.readMany(asked).then(settle, (err: unknown) => settle(undefined, err));
      return;
    }
    let read: Map<string, Task | null> | undefined;
    let failure: unknown;
    const answered = await this.guard(
      'webhook',
      async () => {
        try {
          read = await this.readMany(ids);
        } catch (err) {
          failure = err;
          throw err;
        }
        const found = [...read.values()].filter((t): t is Task => t !== null);
        this.absorb(found, 'webhook');
        // One by one, as the hints came: a few deleted tasks are not a mass deletion.
        for (const [id, task] of read) if (!task) this.deleteTasks([id], 'webhook');
      },
      'step',
    );
    settle(read, failure);
    // The board answers again while polls are backing off: poll now rather than at the end of the backoff.
    if (answered && this.pollError !== undefined && this.pollTimer && !this.stopped) this.reschedulePoll(0);
  }

  /** Several tasks in as few requests as the adapter allows; each read is kept for reuse. */
  private async readMany(ids: string[]): Promise<Map<string, Task | null>> {
    const { adapter, recent } = this.deps.ctx;
    let read: Map<string, Task | null>;
    if (adapter.getTasks && ids.length > 1) read = await adapter.getTasks(ids);
    else {
      read = new Map();
      for (const id of ids) read.set(id, await adapter.getTask(id));
    }
    for (const id of ids) if (!read.has(id)) read.set(id, null);
    for (const [id, task] of read) recent.put(id, task);
    return read;
  }

  /** One incremental poll: tasks changed since the overlapping watermark, deduplicated by (id, version). */
  async poll(): Promise<{ changed: number }> {
    if (this.paused) return { changed: 0 };
    let changed = 0;
    await this.guard('poll', async () => {
      const { ctx, sync, options } = this.deps;
      const state = sync.get(this.boardId);
      const since = state.cursor ? new Date(Date.parse(state.cursor) - options.overlapMs).toISOString() : null;
      const page = await ctx.adapter.listChangedSince(since);
      changed = this.absorb(page.tasks, 'poll');
      if (page.deletedIds?.length) changed += this.deleteTasks(page.deletedIds, 'poll');
      const cursor = maxTime(state.cursor, page.watermark);
      sync.pollOk(this.boardId, cursor, false);
      this.lastPollAt = new Date().toISOString();
    });
    return { changed };
  }

  /** Lists everything: catches what webhooks and polls missed, and notices deletions. */
  async fullReconcile(): Promise<{ changed: number }> {
    if (this.paused) return { changed: 0 };
    let changed = 0;
    await this.guard('full reconcile', async () => {
      const { ctx, sync } = this.deps;
      const tasks = await ctx.adapter.listTasks();
      changed = this.absorb(tasks, 'full reconcile');
      const listed = new Set(tasks.map((t) => t.id));
      const missing = ctx.base.liveIds(this.boardId).filter((id) => !listed.has(id));
      if (missing.length > 0) changed += this.deleteTasks(missing, 'full reconcile', tasks.length === 0);
      const cursor = tasks.reduce<string | null>((m, t) => maxTime(m, t.updatedAt), sync.get(this.boardId).cursor);
      sync.pollOk(this.boardId, cursor, true);
      this.lastPollAt = new Date().toISOString();
    });
    return { changed };
  }

  /** Reconciles a listing in chunks of one transaction each: far fewer commits, and a crash loses at most a chunk. */
  private absorb(tasks: Task[], source: string): number {
    let changed = 0;
    for (let i = 0; i < tasks.length; i += ABSORB_CHUNK) {
      this.deps.ctx.journal.transaction(() => {
        for (const task of tasks.slice(i, i + ABSORB_CHUNK)) {
          if (reconcileTask(this.deps.ctx, task, source).kind !== 'unchanged') changed++;
        }
      });
    }
    return changed;
  }

  /**
   * Applies deletions, unless too many tasks vanish at once: an empty answer,
   * a wrong project or revoked access looks exactly like mass deletion, so the
   * board is paused and a person asked instead.
   */
  private deleteTasks(ids: string[], source: string, emptyListing = false): number {
    const { ctx, options, pauses } = { ...this.deps, options: this.deps.options.massDeletion };
    const known = ctx.base.liveIds(this.boardId).length;
    const gone = ids.filter((id) => ctx.base.get(this.boardId, id)?.deleted === false);
    if (gone.length === 0) return 0;
    const tooMany = gone.length >= Math.max(options.min, Math.ceil(options.fraction * known));
    // An empty listing of a board we know has tasks is the classic broken answer, whatever the board's size.
    if ((tooMany || emptyListing) && !this.deletionsConfirmed) {
      const reason =
        `${gone.length} of ${known} tasks vanished from the board in one ${source}. Deckhand paused this board ` +
        'instead of propagating; check the board URL, project and token. If the tasks really were deleted, ' +
        'resume the board and the deletions will be applied.';
      ctx.journal.transaction((append) => {
        pauses.pause('board', this.boardId, BRAKE_ACTOR, reason);
        append({ actor: 'system', action: 'board.paused', boardId: this.boardId, reason });
      });
      log.warn(`board ${this.boardId}: ${reason}`);
      this.deps.onStatus();
      return 0;
    }
    this.deletionsConfirmed = false;
    ctx.journal.transaction((append) => {
      for (const id of gone) {
        ctx.base.markDeleted(this.boardId, id);
        append({
          actor: 'human',
          action: 'task.deleted',
          boardId: this.boardId,
          taskId: id,
          reason: `gone (${source})`,
        });
      }
    });
    return gone.length;
  }

  /** Delivers every due outbox entry, in order, keeping later entries of a task behind an earlier one that waits. */
  async drainOutbox(): Promise<void> {
    if (this.paused || this.deps.globalPaused() || Date.now() < this.blockedUntil) return;
    await this.guard(
      'outbox',
      async () => {
        const waitingTasks = new Set<string>();
        const pending = this.deps.ctx.outbox.pending(this.boardId);
        // One batched read for the tasks these writes are about, not one each (failing, each reads its own).
        await prefetchForDelivery(this.deps.ctx, pending).catch(() => undefined);
        try {
          for (const entry of pending) {
            if (this.stopped && this.deps.options.autoStart) return;
            const key = entry.taskId ?? `create:${entry.id}`;
            if (waitingTasks.has(key) || entry.nextAttemptAt > Date.now()) {
              waitingTasks.add(key);
              continue;
            }
            // Requests under the lock never wait for the budget; a dry budget ends the drain, which resumes once it refills.
            if (this.deps.budget.waitMs() > 0) {
              this.budgetWaitMs = this.deps.budget.waitMs();
              return;
            }
            const outcome = await deliver(this.deps.ctx, entry);
            if (outcome.kind === 'retry') waitingTasks.add(key);
            if (outcome.kind === 'board-blocked') {
              this.blockedUntil = outcome.untilMs;
              if (outcome.auth) throw new Error(outcome.error);
              return;
            }
          }
        } finally {
          this.deps.ctx.recent.dropOffers();
        }
      },
      'step',
    );
    const budgetWait = this.budgetWaitMs;
    this.budgetWaitMs = 0;
    this.scheduleOutbox(budgetWait > 0 ? budgetWait : undefined);
  }

  /** Wakes the outbox now (a new intent was queued). */
  kickOutbox(): void {
    if (!this.stopped && this.deps.options.autoStart) this.scheduleOutbox(0);
  }

  /**
   * Wakes the outbox when the earliest pending entry is due (never before a
   * board-wide block ends). An earlier wake-up already set is kept.
   */
  private scheduleOutbox(delay?: number): void {
    if (this.stopped || !this.deps.options.autoStart) return;
    const now = Date.now();
    let wait = delay;
    if (wait === undefined) {
      const pending = this.deps.ctx.outbox.pending(this.boardId);
      if (pending.length === 0) return;
      const earliest = Math.min(...pending.map((e) => e.nextAttemptAt - now));
      wait = Math.max(this.blockedUntil - now, earliest, 0);
    }
    const dueAt = now + Math.max(0, wait);
    if (this.outboxTimer && this.outboxDueAt <= dueAt) return;
    if (this.outboxTimer) clearTimeout(this.outboxTimer);
    this.outboxDueAt = dueAt;
    this.outboxTimer = setTimeout(() => {
      this.outboxTimer = undefined;
      void this.drainOutbox();
    }, dueAt - now);
    this.outboxTimer.unref();
  }

  private schedulePoll(delay: number): void {
    if (this.stopped) return;
    this.nextPollAt = Date.now() + delay;
    this.pollTimer = setTimeout(() => {
      this.pollTimer = undefined;
      void this.pollCycle();
    }, delay);
    this.pollTimer.unref();
  }

  /** Moves a waiting poll earlier; a poll cycle already running schedules its own successor. */
  private reschedulePoll(delay: number): void {
    if (!this.pollTimer || (this.nextPollAt !== undefined && this.nextPollAt <= Date.now() + delay)) return;
    clearTimeout(this.pollTimer);
    this.schedulePoll(delay);
  }

  private async pollCycle(): Promise<void> {
    const { options, sync } = this.deps;
    const state = sync.get(this.boardId);
    const due = !state.lastFullAt || Date.now() - Date.parse(state.lastFullAt) >= options.fullReconcileMs;
    const { changed } = due ? await this.fullReconcile() : await this.poll();
    const errors = sync.get(this.boardId).errorCount;
    const cap = Math.max(options.pollIntervalMs, MAX_POLL_BACKOFF_MS);
    if (errors > 0) this.interval = backoffMs(errors, Math.min(options.pollIntervalMs, cap), cap);
    else if (changed > 0) this.interval = options.minPollMs;
    else this.interval = Math.min(options.pollIntervalMs, Math.round(this.interval * 1.5));
    this.schedulePoll(this.interval);
    this.scheduleOutbox();
  }

  /**
   * Runs a step under the board lock, recording errors on the board instead of throwing. A poll's error is
   * cleared only by a poll that succeeds; a webhook read or outbox pass clears only its own kind. Returns
   * whether the step succeeded.
   */
  private async guard(what: string, step: () => Promise<void>, kind: 'poll' | 'step' = 'poll'): Promise<boolean> {
    this.busy++;
    this.deps.onStatus();
    try {
      // The budget is waited for before the lock, never while holding it.
      await this.deps.budget.ready();
      await this.lock.run(() => this.deps.budget.asHolder(step));
      if (kind === 'poll') this.pollError = undefined;
      else this.stepError = undefined;
      return true;
    } catch (err) {
      const message = `${what} failed: ${err instanceof Error ? err.message : String(err)}`;
      if (kind === 'poll') {
        this.pollError = message;
        this.deps.sync.pollFailed(this.boardId, message);
      } else this.stepError = message;
      log.warn(`board ${this.boardId}: ${message}`);
      return false;
    } finally {
      this.busy--;
      this.deps.onStatus();
    }
  }
}

function maxTime(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}
