import type { BoardStatus, PauseState } from '../../../shared/model';
import type { Task } from '../../../shared/task';
import { createLogger } from '../logger';
import type { BoardSyncRepo } from '../store/board-sync-repo';
import type { PauseRepo } from '../store/pause-repo';
import { backoffMs } from './backoff';
import type { BoardContext } from './board-context';
import { deliver } from './deliver';
import { Mutex } from './mutex';
import { RateBudget } from '../boards/kit/rate/budget';
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
  requestsPerMinute: number;
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
  massDeletion: { min: 5, fraction: 0.2 },
  autoStart: true,
};

export interface RunnerDeps {
  ctx: BoardContext;
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
  private readonly budget: RateBudget;
  private readonly hinted = new Set<string>();
  private hintTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private outboxTimer: NodeJS.Timeout | undefined;
  private outboxDueAt = Infinity;
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
    this.budget = new RateBudget(deps.options.requestsPerMinute);
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
    for (const id of taskIds) this.hinted.add(id);
    if (this.hintTimer || this.stopped) return;
    this.hintTimer = setTimeout(() => {
      this.hintTimer = undefined;
      void this.flushHints();
    }, this.deps.options.coalesceMs);
  }

  /** Re-reads hinted tasks now. */
  async flushHints(): Promise<void> {
    if (this.hintTimer) clearTimeout(this.hintTimer);
    this.hintTimer = undefined;
    if (this.paused) return;
    const ids = [...this.hinted];
    this.hinted.clear();
    if (ids.length === 0) return;
    const answered = await this.guard(
      'webhook',
      async () => {
        for (const id of ids) {
          await this.spend();
          const task = await this.deps.ctx.adapter.getTask(id);
          if (task) reconcileTask(this.deps.ctx, task, 'webhook');
          else this.deleteTasks([id], 'webhook');
        }
      },
      'step',
    );
    // The board answers again while polls are backing off: poll now rather than at the end of the backoff.
    if (answered && this.pollError !== undefined && this.pollTimer && !this.stopped) this.reschedulePoll(0);
  }

  /** One incremental poll: tasks changed since the overlapping watermark, deduplicated by (id, version). */
  async poll(): Promise<{ changed: number }> {
    if (this.paused) return { changed: 0 };
    let changed = 0;
    await this.guard('poll', async () => {
      const { ctx, sync, options } = this.deps;
      const state = sync.get(this.boardId);
      const since = state.cursor ? new Date(Date.parse(state.cursor) - options.overlapMs).toISOString() : null;
      await this.spend();
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
      await this.spend();
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
        for (const entry of this.deps.ctx.outbox.pending(this.boardId)) {
          if (this.stopped && this.deps.options.autoStart) return;
          const key = entry.taskId ?? `create:${entry.id}`;
          if (waitingTasks.has(key) || entry.nextAttemptAt > Date.now()) {
            waitingTasks.add(key);
            continue;
          }
          await this.spend();
          const outcome = await deliver(this.deps.ctx, entry);
          if (outcome.kind === 'retry') waitingTasks.add(key);
          if (outcome.kind === 'board-blocked') {
            this.blockedUntil = outcome.untilMs;
            if (outcome.auth) throw new Error(outcome.error);
            return;
          }
        }
      },
      'step',
    );
    this.scheduleOutbox();
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

  /** Waits for the rate budget. */
  private async spend(): Promise<void> {
    for (let wait = this.budget.take(); wait > 0; wait = this.budget.take()) {
      await new Promise((r) => setTimeout(r, wait));
    }
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
      await this.lock.run(step);
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
