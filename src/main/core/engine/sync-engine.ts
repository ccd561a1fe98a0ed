import type { Database } from 'better-sqlite3';
import type { OwnershipRules } from '../../../shared/ownership';
import type { BoardSummary } from '../../../shared/model';
import type { FieldPatch, TaskField } from '../../../shared/task';
import { describeProblems, problemsFromZod } from '../../../shared/validation';
import type { BoardAdapter, BoardHint, WebhookDelivery } from '../boards/contract/adapter';
import { WebhookRejected } from '../boards/contract/errors';
import { WebhookStatus } from './webhook-status';
import type { EventBus } from '../events';
import { BaseRepo } from '../store/base-repo';
import { BoardSyncRepo } from '../store/board-sync-repo';
import { ConflictRepo, type ConflictRecord } from '../store/conflict-repo';
import { DeliveryRepo } from '../store/delivery-repo';
import type { LogRepo } from '../store/log-repo';
import { OutboxRepo } from '../store/outbox-repo';
import type { PauseRepo } from '../store/pause-repo';
import { BoardClock, type BoardContext, type EngineHooks } from './board-context';
import { BoardBudget } from './board-budget';
import { BoardRunner, DEFAULT_RUNNER_OPTIONS, type RunnerOptions } from './board-runner';
import { crashPoint } from './crash-points';
import {
  idempotencyKey,
  intentSchema,
  markerFor,
  type CommentPayload,
  type CreatePayload,
  type Intent,
  type ParsedIntent,
  type UpdatePayload,
} from './intents';
import { Journal } from './journal';
import { RecentReads } from './recent-reads';
import { labelDelta, valuesEqual } from './merge';
import { blindWrite, checkAgentWrite, type RefusedWrite } from './ownership';

/** A request the engine will not carry out: `not_found` for a missing board or conflict, `invalid` for bad content. */
export class IntentRejected extends Error {
  constructor(
    message: string,
    readonly kind: 'not_found' | 'invalid' | 'conflict' = 'not_found',
  ) {
    super(message);
    this.name = 'IntentRejected';
  }
}

export interface SubmitResult {
  operationId: string;
  idemKey: string;
  /** False when the same intent was already queued (or delivered): nothing new will happen. */
  queued: boolean;
  refused: { field: string; reason: string }[];
}

export type ConflictResolution = { take: 'human' | 'agent' } | { value: unknown };

export interface EngineOptions {
  db: Database;
  events: EventBus;
  log: LogRepo;
  pauses: PauseRepo;
  boards: BoardAdapter[];
  ownership(boardId: string): OwnershipRules;
  hooks?: EngineHooks;
  runner?: Partial<RunnerOptions>;
  /** Per-board overrides (e.g. the configured poll interval). */
  runnerFor?(boardId: string): Partial<RunnerOptions>;
}

/** The two-way sync engine: intake (webhooks, polls), reconcile, the outbox and conflicts, for every board. */
export class SyncEngine {
  readonly journal: Journal;
  readonly base: BaseRepo;
  readonly outbox: OutboxRepo;
  readonly conflicts: ConflictRepo;
  private readonly deliveries: DeliveryRepo;
  private readonly webhooks: WebhookStatus;
  private readonly runners = new Map<string, BoardRunner>();
  private readonly adapters = new Map<string, BoardAdapter>();
  /** What agents read through: metered by the board's budget, getTask sharing the engine's reads. */
  private readonly views = new Map<string, BoardAdapter>();
  private readonly unwatch = new Map<string, () => void>();
  private readonly hintListeners = new Set<(boardId: string, hint: BoardHint) => void>();
  private readonly sync: BoardSyncRepo;
  private started = false;

  constructor(private readonly opts: EngineOptions) {
    this.journal = new Journal(opts.db, opts.log, opts.events);
    this.base = new BaseRepo(opts.db);
    this.outbox = new OutboxRepo(opts.db);
    this.conflicts = new ConflictRepo(opts.db);
    this.deliveries = new DeliveryRepo(opts.db);
    this.webhooks = new WebhookStatus((boardId) => this.deliveries.lastReceivedAt(boardId));
    // Conflicts are announced from the committed log entry, so the event never runs ahead of the data.
    this.journal.onAppend((entry) => {
      if (entry.action !== 'conflict.opened' || !entry.boardId || !entry.taskId || !entry.field) return;
      const open = this.conflicts.findOpen(entry.boardId, entry.taskId, entry.field);
      if (open) opts.events.emit('conflict.opened', open);
    });
    this.sync = new BoardSyncRepo(opts.db);
    for (const adapter of opts.boards) this.addBoard(adapter);
  }

  /**
   * Starts syncing one more board (at start-up, or when a board is added from
   * the UI). `policy` is its board type's cadence and rate budget; the
   * engine's options and the board's own config override it.
   */
  addBoard(adapter: BoardAdapter, policy: Partial<RunnerOptions> = {}): void {
    const { opts } = this;
    if (this.runners.has(adapter.boardId))
      throw new IntentRejected(`board "${adapter.boardId}" is already syncing`, 'conflict');
    const options = { ...DEFAULT_RUNNER_OPTIONS, ...policy, ...opts.runner, ...opts.runnerFor?.(adapter.boardId) };
    const budget = new BoardBudget(options.requestsPerMinute);
    const metered = budget.meter(adapter);
    const ctx: BoardContext = {
      boardId: adapter.boardId,
      adapter: metered,
      journal: this.journal,
      base: this.base,
      outbox: this.outbox,
      conflicts: this.conflicts,
      clock: new BoardClock(),
      hooks: opts.hooks ?? {},
      rules: () => opts.ownership(adapter.boardId),
      recent: new RecentReads(),
    };
    const runner = new BoardRunner({
      ctx,
      budget,
      sync: this.sync,
      pauses: opts.pauses,
      globalPaused: () => opts.pauses.get('global').paused,
      onStatus: () => this.statusChanged(),
      options,
    });
    this.views.set(adapter.boardId, sharedReads(metered, runner));
    this.adapters.set(adapter.boardId, adapter);
    this.runners.set(adapter.boardId, runner);
    const unwatch = adapter.watch?.((hint) => this.receiveHint(adapter.boardId, hint));
    if (unwatch) this.unwatch.set(adapter.boardId, unwatch);
    if (this.started) runner.start();
  }

  /**
   * Hears every hint a board gives (webhooks and watched events alike), after
   * the engine has queued its re-read. Returns the unsubscribe function.
   */
  onHint(listener: (boardId: string, hint: BoardHint) => void): () => void {
    this.hintListeners.add(listener);
    return () => this.hintListeners.delete(listener);
  }

  /** One hint, from wherever it came: the tasks are re-read, and listeners hear of it (a comment wakes waiting runs). */
  private receiveHint(boardId: string, hint: BoardHint): void {
    const runner = this.runners.get(boardId);
    if (!runner) return;
    runner.hint(hint.taskIds);
    for (const listener of this.hintListeners) listener(boardId, hint);
  }

  /** Stops syncing a board; its history (base, log, outbox) stays in the database. */
  async removeBoard(boardId: string): Promise<void> {
    const runner = this.runners.get(boardId);
    if (!runner) return;
    this.runners.delete(boardId);
    this.unwatch.get(boardId)?.();
    this.unwatch.delete(boardId);
    await runner.stop();
    await this.adapters.get(boardId)?.close?.();
    this.adapters.delete(boardId);
    this.views.delete(boardId);
    this.webhooks.forget(boardId);
  }

  private statusListeners = new Set<() => void>();
  onStatusChange(listener: () => void): () => void {
    this.statusListeners.add(listener);
    return () => this.statusListeners.delete(listener);
  }
  private statusChanged(): void {
    for (const l of this.statusListeners) l();
  }

  start(): void {
    this.started = true;
    for (const r of this.runners.values()) r.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.runners.values()].map((r) => r.stop()));
    // Pushed hints stop with the engine: an open board websocket would keep the process alive.
    for (const unwatch of this.unwatch.values()) unwatch();
    this.unwatch.clear();
  }

  hasBoard(boardId: string): boolean {
    return this.runners.has(boardId);
  }

  /**
   * A syncing board's adapter as agents use it: the agent runtime reads tasks and comments through it (writes go
   * through intents). Its requests count against the board's budget, and getTask is the engine's batched, shared read.
   */
  adapterFor(boardId: string): BoardAdapter | undefined {
    return this.views.get(boardId);
  }

  runner(boardId: string): BoardRunner {
    const runner = this.runners.get(boardId);
    if (!runner)
      throw new IntentRejected(`unknown board "${boardId}"; boards are: ${[...this.runners.keys()].join(', ')}`);
    return runner;
  }

  boardSummaries(): Omit<BoardSummary, 'name' | 'type'>[] {
    return [...this.runners.values()].map((r) => {
      const webhook = this.webhooks.summary(this.adapters.get(r.boardId)!);
      return {
        id: r.boardId,
        ...r.status(),
        requestsPerMinute: r.requestsPerMinute,
        ...(webhook ? { webhook } : {}),
      };
    });
  }

  /**
   * Queues an agent's intent. The outbox row and its log entry commit in one
   * transaction; the same intent submitted again (a retried run) is a no-op.
   * Fields the agent does not own are refused and logged, never queued.
   */
  submitIntent(raw: Intent): SubmitResult {
    const parsed = intentSchema.safeParse(raw);
    if (!parsed.success)
      throw new IntentRejected(`invalid intent: ${describeProblems(problemsFromZod(parsed.error))}`, 'invalid');
    const intent = parsed.data;
    const runner = this.runner(intent.boardId);
    const idemKey = idempotencyKey(intent);
    const operationId = `op-${idemKey.slice(0, 16)}`;
    const at = { boardId: intent.boardId, operationId };
    let refused: { field: string; reason: string }[] = [];
    let payload: UpdatePayload | CommentPayload | CreatePayload;
    let taskId: string | null = null;

    if (intent.kind === 'update') {
      taskId = intent.taskId;
      const update = this.updatePayload(intent);
      refused = update.refused;
      payload = update.payload;
    } else if (intent.kind === 'comment') {
      taskId = intent.taskId;
      payload = { body: intent.body, marker: markerFor(idemKey) };
    } else {
      payload = { fields: intent.fields, marker: markerFor(idemKey) };
    }
    const hasWork =
      intent.kind !== 'update' || Object.keys((payload as UpdatePayload).set).length > 0 || 'labels' in payload;

    const queued = this.journal.transaction((append) => {
      // The entry keeps what the agent tried to write and what the field holds, so a person sees what was kept out.
      const current =
        refused.length > 0 && taskId
          ? (this.base.get(intent.boardId, taskId)?.fields as Record<string, unknown> | undefined)
          : undefined;
      const attempted = intent.kind === 'update' ? (intent.patch as Record<string, unknown>) : {};
      for (const r of refused) {
        append({
          ...at,
          actor: intent.actor,
          action: 'write.refused',
          taskId: taskId!,
          field: r.field,
          ...(current && current[r.field] !== undefined ? { before: current[r.field] } : {}),
          ...(attempted[r.field] !== undefined ? { after: attempted[r.field] } : {}),
          reason: r.reason,
        });
      }
      if (!hasWork) return false;
      const { created } = this.outbox.enqueue({
        idemKey,
        boardId: intent.boardId,
        taskId,
        kind: intent.kind,
        payload,
        actor: intent.actor,
        reason: intent.reason,
        operationId,
        intentAtMs: Date.now(),
      });
      append({
        ...at,
        actor: intent.actor,
        action: created ? 'intent.queued' : 'intent.duplicate',
        ...(taskId ? { taskId } : {}),
        after: payload,
        reason: created ? intent.reason : 'the same intent was already queued; nothing new will be sent',
      });
      crashPoint('before-outbox-commit');
      return created;
    });
    crashPoint('after-outbox-commit');
    if (queued) runner.kickOutbox();
    return { operationId, idemKey, queued, refused };
  }

  /**
   * An update's payload: ownership-checked, labels as a delta, and `seen` (the merge
   * base at delivery) taken from the writer's basis, so an edit a person made after
   * the agent read the task is theirs, whatever the base holds when the intent comes.
   */
  private updatePayload(intent: Extract<ParsedIntent, { kind: 'update' }>): {
    payload: UpdatePayload;
    refused: RefusedWrite[];
  } {
    const isAgent = intent.actor.startsWith('agent');
    if (!isAgent) return { payload: this.humanPayload(intent), refused: [] };
    if (intent.basis === undefined) {
      throw new IntentRejected(
        'an agent update must say what it is based on: pass `basis` (the task as the agent read it) ' +
          'or `basis: "blind"` (only fields owned by AI may be written blind)',
        'invalid',
      );
    }
    const rules = this.opts.ownership(intent.boardId);
    const check = checkAgentWrite(rules, intent.patch);
    const refused = [...check.refused];
    let allowed = check.allowed;
    if (intent.basis === 'blind') {
      const blind = blindWrite(rules, allowed);
      allowed = blind.allowed;
      refused.push(...blind.refused);
    }
    const { labels, ...set } = allowed;
    const base = this.base.get(intent.boardId, intent.taskId);
    const current = base && !base.deleted ? base.fields : undefined;
    const basis = intent.basis === 'blind' ? undefined : intent.basis.fields;
    const seen: FieldPatch = {};
    for (const field of Object.keys(set) as (keyof UpdatePayload['set'])[]) {
      const value = basis && field in basis ? basis[field] : current?.[field];
      if (value !== undefined) (seen as Record<string, unknown>)[field] = value;
    }
    this.applyQueuedWrites(intent.boardId, intent.taskId, intent.actor, seen);
    const labelsSeen = basis?.labels ?? current?.labels;
    if (labels && labelsSeen) seen.labels = labelsSeen;
    const cas = (intent.onlyIfUnchanged ?? []).filter((f): f is keyof UpdatePayload['set'] => f in set);
    return {
      payload: {
        set,
        ...(labels ? { labels: labelDelta(labelsSeen ?? [], labels) } : {}),
        ...(Object.keys(seen).length > 0 ? { seen } : {}),
        ...(cas.length > 0 ? { onlyIfUnchanged: cas } : {}),
      },
      refused,
    };
  }

  /** A person's conflict resolution: written as-is (forced), merged against the base as it is now. */
  private humanPayload(intent: Extract<ParsedIntent, { kind: 'update' }>): UpdatePayload {
    const { labels, ...set } = intent.patch;
    const base = this.base.get(intent.boardId, intent.taskId);
    const current = base && !base.deleted ? base.fields : undefined;
    const seen: FieldPatch = {};
    for (const field of Object.keys(set) as (keyof UpdatePayload['set'])[]) {
      if (current) (seen as Record<string, unknown>)[field] = current[field];
    }
    this.applyQueuedWrites(intent.boardId, intent.taskId, undefined, seen);
    return {
      set,
      ...(labels ? { labels: labelDelta(current?.labels ?? [], labels) } : {}),
      force: true,
      ...(Object.keys(seen).length > 0 ? { seen } : {}),
    };
  }

  /**
   * The writer's own writes to the task still waiting in the outbox come before this one:
   * what they set is what this intent replaces, not a person's edit.
   */
  private applyQueuedWrites(boardId: string, taskId: string, actor: string | undefined, seen: FieldPatch): void {
    for (const entry of this.outbox.pendingForTask(boardId, taskId)) {
      if (entry.kind !== 'update' || (actor !== undefined && entry.actor !== actor)) continue;
      for (const [field, value] of Object.entries((entry.payload as UpdatePayload).set)) {
        if (field in seen) (seen as Record<string, unknown>)[field] = value;
      }
    }
  }

  /**
   * Verifies a webhook delivery through the board's adapter, drops repeats by
   * delivery id, and turns it into a hint. Nothing is changed for a bad delivery.
   */
  handleWebhook(boardId: string, delivery: WebhookDelivery): { status: number; message: string } {
    const runner = this.runners.get(boardId);
    if (!runner) return { status: 404, message: `no board "${boardId}"` };
    const adapter = this.adapters.get(boardId)!;
    if (!adapter.verifyWebhook) return { status: 404, message: `board "${boardId}" does not take webhooks` };
    let hint;
    try {
      hint = adapter.verifyWebhook(delivery);
    } catch (err) {
      const refused =
        err instanceof WebhookRejected
          ? { status: err.status, message: err.message }
          : { status: 400, message: `could not read delivery: ${err instanceof Error ? err.message : String(err)}` };
      this.webhooks.rejected(boardId, refused.message);
      this.statusChanged();
      return refused;
    }
    if (!this.deliveries.firstSeen(boardId, hint.deliveryId)) {
      return { status: 200, message: `delivery ${hint.deliveryId} already handled` };
    }
    this.receiveHint(boardId, hint);
    this.webhooks.accepted(boardId);
    this.statusChanged();
    return { status: 202, message: `accepted ${hint.event} for ${hint.taskIds.length} task(s)` };
  }

  /** A delivery refused before its board could read it (a wrong Content-Type): shown like any refusal. */
  refuseWebhook(boardId: string, message: string): void {
    if (!this.adapters.get(boardId)?.verifyWebhook) return;
    this.webhooks.rejected(boardId, message);
    this.statusChanged();
  }

  retryOutbox(id: number): boolean {
    const entry = this.outbox.byId(id);
    if (!entry || !this.outbox.retry(id)) return false;
    this.journal.append({
      actor: 'human',
      action: 'outbox.retry-requested',
      boardId: entry.boardId,
      operationId: entry.operationId,
    });
    this.runner(entry.boardId).kickOutbox();
    return true;
  }

  /**
   * Closes a conflict the way a person chose. Taking the agent's value, or an
   * edited one, goes to the board through the outbox like any other write.
   */
  resolveConflict(id: number, resolution: ConflictResolution, by: string): ConflictRecord {
    const conflict = this.conflicts.get(id);
    if (!conflict) throw new IntentRejected(`no conflict #${id}`);
    if (conflict.state !== 'open') throw new IntentRejected(`conflict #${id} is already resolved`, 'conflict');
    const value =
      'value' in resolution ? resolution.value : resolution.take === 'agent' ? conflict.agent : conflict.human;
    const how = 'value' in resolution ? 'edited value' : `took the ${resolution.take}'s value`;
    const current = this.base.get(conflict.boardId, conflict.taskId)?.fields;
    const needsWrite = current !== undefined && !valuesEqual(current[conflict.field as TaskField], value);
    // The resolution and the write it needs commit together: a write that cannot be queued
    // (say, an edited value the field does not accept) throws and leaves the conflict open.
    this.journal.transaction((append) => {
      this.conflicts.resolve(id, by, { how, value });
      append({
        actor: by,
        action: 'conflict.resolved',
        boardId: conflict.boardId,
        taskId: conflict.taskId,
        field: conflict.field,
        before: conflict.human,
        after: value,
        reason: how,
        operationId: conflict.operationId,
      });
      if (needsWrite) {
        this.submitIntent({
          kind: 'update',
          boardId: conflict.boardId,
          taskId: conflict.taskId,
          actor: resolverActor(by),
          patch: { [conflict.field]: value },
          reason: `conflict #${id} resolved: ${how}`,
          scope: `conflict-${id}`,
        });
      }
    });
    return this.conflicts.get(id)!;
  }
}

/** The adapter with getTask served by the runner: reads within the reuse window are shared, the rest batched. */
function sharedReads(adapter: BoardAdapter, runner: BoardRunner): BoardAdapter {
  return new Proxy(adapter, {
    get(target, prop, receiver) {
      if (prop === 'getTask') return (id: string) => runner.readTask(id);
      const value = Reflect.get(target, prop, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** Who resolved a conflict, as an intent actor (`human:<who>`), whatever characters their name has. */
function resolverActor(by: string): string {
  const who = by.replace(/^human:?/, '').replace(/[^\w.-]+/g, '_');
  return who ? `human:${who}` : 'human';
}
