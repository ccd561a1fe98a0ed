import type { Database } from 'better-sqlite3';
import type { OwnershipRules } from '../../../shared/ownership';
import type { BoardSummary } from '../../../shared/model';
import type { TaskField, TaskFields } from '../../../shared/task';
import { describeProblems, problemsFromZod } from '../../../shared/validation';
import type { BoardAdapter, WebhookDelivery } from '../boards/adapter';
import { WebhookRejected } from '../boards/errors';
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
import { BoardRunner, DEFAULT_RUNNER_OPTIONS, type RunnerOptions } from './board-runner';
import { crashPoint } from './crash-points';
import {
  idempotencyKey,
  intentSchema,
  markerFor,
  type CommentPayload,
  type CreatePayload,
  type Intent,
  type UpdatePayload,
} from './intents';
import { Journal } from './journal';
import { labelDelta, valuesEqual } from './merge';
import { checkAgentWrite } from './ownership';

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

  /** Starts syncing one more board (at start-up, or when a board is added from the UI). */
  addBoard(adapter: BoardAdapter): void {
    const { opts } = this;
    if (this.runners.has(adapter.boardId))
      throw new IntentRejected(`board "${adapter.boardId}" is already syncing`, 'conflict');
    const ctx: BoardContext = {
      boardId: adapter.boardId,
      adapter,
      journal: this.journal,
      base: this.base,
      outbox: this.outbox,
      conflicts: this.conflicts,
      clock: new BoardClock(),
      hooks: opts.hooks ?? {},
      rules: () => opts.ownership(adapter.boardId),
    };
    const runner = new BoardRunner({
      ctx,
      sync: this.sync,
      pauses: opts.pauses,
      globalPaused: () => opts.pauses.get('global').paused,
      onStatus: () => this.statusChanged(),
      options: { ...DEFAULT_RUNNER_OPTIONS, ...opts.runner, ...opts.runnerFor?.(adapter.boardId) },
    });
    this.adapters.set(adapter.boardId, adapter);
    this.runners.set(adapter.boardId, runner);
    if (this.started) runner.start();
  }

  /** Stops syncing a board; its history (base, log, outbox) stays in the database. */
  async removeBoard(boardId: string): Promise<void> {
    const runner = this.runners.get(boardId);
    if (!runner) return;
    this.runners.delete(boardId);
    await runner.stop();
    await this.adapters.get(boardId)?.close?.();
    this.adapters.delete(boardId);
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
  }

  hasBoard(boardId: string): boolean {
    return this.runners.has(boardId);
  }

  /** A syncing board's adapter: the agent runtime reads tasks and comments through it (writes go through intents). */
  adapterFor(boardId: string): BoardAdapter | undefined {
    return this.adapters.get(boardId);
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
      return { id: r.boardId, ...r.status(), ...(webhook ? { webhook } : {}) };
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
      const isAgent = intent.actor.startsWith('agent');
      const check = isAgent
        ? checkAgentWrite(this.opts.ownership(intent.boardId), intent.patch)
        : { allowed: intent.patch, refused: [] };
      refused = check.refused;
      const { labels, ...set } = check.allowed;
      const base = this.base.get(intent.boardId, intent.taskId);
      const seen = base && !base.deleted ? this.seenValues(intent.boardId, intent.taskId, base.fields, set) : undefined;
      payload = {
        set,
        ...(labels ? { labels: labelDelta(base?.fields.labels ?? [], labels) } : {}),
        ...(isAgent ? {} : { force: true }),
        ...(seen && Object.keys(seen).length > 0 ? { seen } : {}),
      };
    } else if (intent.kind === 'comment') {
      taskId = intent.taskId;
      payload = { body: intent.body, marker: markerFor(idemKey) };
    } else {
      payload = { fields: intent.fields, marker: markerFor(idemKey) };
    }
    const hasWork =
      intent.kind !== 'update' || Object.keys((payload as UpdatePayload).set).length > 0 || 'labels' in payload;

    const queued = this.journal.transaction((append) => {
      for (const r of refused) {
        append({
          ...at,
          actor: intent.actor,
          action: 'write.refused',
          taskId: taskId!,
          field: r.field,
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

  /** The values `set` replaces, as they will be when this intent's turn comes: the base after the task's queued writes. */
  private seenValues(
    boardId: string,
    taskId: string,
    base: TaskFields,
    set: UpdatePayload['set'],
  ): UpdatePayload['seen'] {
    const seen: Record<string, unknown> = {};
    for (const field of Object.keys(set) as (keyof UpdatePayload['set'])[]) seen[field] = base[field];
    for (const entry of this.outbox.pendingForTask(boardId, taskId)) {
      if (entry.kind !== 'update') continue;
      for (const [field, value] of Object.entries((entry.payload as UpdatePayload).set)) {
        if (field in seen) seen[field] = value;
      }
    }
    return seen as UpdatePayload['seen'];
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
    runner.hint(hint.taskIds);
    this.webhooks.accepted(boardId);
    this.statusChanged();
    return { status: 202, message: `accepted ${hint.event} for ${hint.taskIds.length} task(s)` };
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

/** Who resolved a conflict, as an intent actor (`human:<who>`), whatever characters their name has. */
function resolverActor(by: string): string {
  const who = by.replace(/^human:?/, '').replace(/[^\w.-]+/g, '_');
  return who ? `human:${who}` : 'human';
}
