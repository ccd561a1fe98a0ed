import type { Database } from 'better-sqlite3';
import type { AgentNotification, AgentRun, AgentSummary, SyncLogEntry } from '../../../shared/model';
import { BoardError } from '../boards/contract/errors';
import type { AgentConfig, AgentDefaultsConfig, BoardConfig } from '../config';
import type { HumanChange } from '../engine/board-context';
import type { SyncEngine } from '../engine/sync-engine';
import type { EventBus } from '../events';
import { createLogger } from '../logger';
import type { SecretBackends } from '../secrets/resolve';
import type { LogRepo } from '../store/log-repo';
import type { PauseRepo, PauseScope } from '../store/pause-repo';
import { agentSettings } from './agent-settings';
import { BUDGET_PAUSER, BudgetRepo, budgetExceeded, localDay } from './budget';
import { releaseClaim } from './claims';
import { ClaimRepo } from './claim-repo';
import { BoardColumns } from './columns';
import { DEFAULT_DIGEST_SCHEDULE, dueToday, scheduleDigest } from './digest-schedule';
import { Effects, PausedAtSafePoint, Waker } from './effects';
import { executeRun, RunFailed } from './executor';
import { createProvider, ProviderError } from './providers';
import type { ProcessRegistry } from './providers/process-registry';
import { boardOutage, boardWaitMs, retryDecision } from './retry-policy';
import { claimLabel, routeTask } from './routing';
import {
  DEFAULT_RUNTIME_SETTINGS,
  runOperationId,
  type ResumeOn,
  type RunContext,
  type RuntimeSettings,
} from './run-context';
import { publicRun, RunRepo, type RunFilter, type RunRecord } from './run-repo';
import { agentSummary, effectivePause } from './summaries';
import { ACTIVE_STATES, type AgentProvider } from './types';
import type { McpConnection } from '../../../shared/model';

/** An agent its MCP client drives: the runtime queues and executes nothing for it. */
export function isMcpAgent(agent: AgentConfig): boolean {
  return agent.provider.type === 'mcp';
}
import { checkWaitingRun } from './waiting';
import { adapterWrites, postAnswer, returnColumn, type PersonWrites } from './answer';

const log = createLogger('agents');

export interface AgentRuntimeOptions {
  db: Database;
  engine: SyncEngine;
  events: EventBus;
  log: LogRepo;
  pauses: PauseRepo;
  agents: readonly AgentConfig[];
  /** The config's `agent_defaults`: runtime settings for every agent, below each agent's own keys. */
  agentDefaults?: AgentDefaultsConfig | undefined;
  /** The board's config (for its column roles). */
  boardConfig(boardId: string): BoardConfig | undefined;
  secrets: SecretBackends;
  secretEnvNames?: readonly string[];
  /** The app's pause switch (logs, persists and publishes state); the runtime uses it for budgets. */
  setPause(scope: PauseScope, target: string, paused: boolean, by: string, reason?: string): void;
  /** Something agents show changed (run state, counts): the app republishes its state. */
  onStateChange?(): void;
  settings?: Partial<RuntimeSettings>;
  /** Replaces the provider an agent's config describes (tests). */
  providerFor?(agent: AgentConfig): AgentProvider | undefined;
  /** LLM answers as SSE streams instead of one JSON body. */
  stream?: boolean;
  demoDelayMs?: number;
  /** Local time (digest schedule and budgets); tests move it. */
  now?(): Date;
  /** Start timers: the retry timer, the answer poll, cron schedules (default true). */
  autoStart?: boolean;
  /** Command agents running now; at start, those a crashed predecessor left running are stopped. */
  processes?: ProcessRegistry;
}

/** Runs that execute a step right now, and what they are waiting for. */
interface Executing {
  agentId: string;
  done: Promise<void>;
}

/**
 * The agent runtime: a queue of runs per agent with a concurrency limit, fed
 * by human changes (inside the engine's transaction), a sweep at start and the
 * digest schedule; runs execute through the executor, pause at safe points,
 * retry per policy, wait for people, and report every state change as a sync-log
 * entry and an `agent.state` event.
 */
export class AgentRuntime {
  readonly runs: RunRepo;
  readonly claims: ClaimRepo;
  readonly budget: BudgetRepo;
  readonly settings: RuntimeSettings;
  private readonly agents = new Map<string, AgentConfig>();
  private readonly columns = new Map<string, BoardColumns>();
  private readonly columnsAt = new Map<string, number>();
  private readonly providers = new Map<string, Promise<AgentProvider>>();
  private readonly executing = new Map<number, Executing>();
  private readonly retryTimers = new Map<string, { timer: NodeJS.Timeout; atMs: number }>();
  /** Runs waiting for their board to answer again: run id → board id and waits in a row (for the backoff). */
  private readonly boardWaits = new Map<number, { boardId: string; waits: number }>();
  private unwatchBoards: (() => void) | undefined;
  private readonly crons = new Map<string, { stop(): void }>();
  private readonly waker = new Waker();
  private readonly effects: Effects;
  private readonly abort = new AbortController();
  private readonly instance: string;
  private timers: NodeJS.Timeout[] = [];
  private closing = false;
  private started = false;
  private waitingCheck: Promise<void> | undefined;
  private waitingAgain = false;
  private unsubscribe: (() => void) | undefined;

  constructor(private readonly opts: AgentRuntimeOptions) {
    this.runs = new RunRepo(opts.db);
    this.claims = new ClaimRepo(opts.db);
    this.budget = new BudgetRepo(opts.db);
    this.settings = { ...DEFAULT_RUNTIME_SETTINGS, ...opts.settings };
    for (const agent of opts.agents) this.agents.set(agent.id, agent);
    this.effects = new Effects({
      engine: opts.engine,
      waker: this.waker,
      deliveryTimeoutMs: this.settings.deliveryTimeoutMs,
    });
    this.instance = this.claims.instanceId();
  }

  private now(): Date {
    return this.opts.now?.() ?? new Date();
  }

  // ---------------------------------------------------------------------------
  // Life cycle

  /** Recovers interrupted runs, releases stale claims, sweeps for routed tasks, schedules digests, starts queues. */
  async start(): Promise<void> {
    if (this.started) return;
    this.started = true;
    this.unsubscribe = this.opts.engine.journal.onAppend((entry) => this.onLogEntry(entry));
    this.unwatchBoards = this.opts.engine.onStatusChange(() => this.resumeBoardWaits());
    for (const boardId of new Set([...this.agents.values()].map((a) => a.board))) await this.refreshColumns(boardId);
    // Before an interrupted run is queued again: a command agent a killed Deckhand left running must not go on
    // working the same task next to its re-run.
    await this.stopOrphanedAgents();
    this.recoverInterrupted();
    await this.releaseStaleClaims();
    this.sweep();
    this.liftBudgetPauses();
    for (const agent of this.agents.values()) this.scheduleDigestOf(agent);
    if (this.opts.autoStart !== false) {
      this.timers.push(setInterval(() => void this.checkWaiting(), this.settings.answerPollMs));
      this.timers.push(setInterval(() => this.liftBudgetPauses(), 60_000));
      for (const t of this.timers) t.unref();
    }
    this.pumpAll();
  }

  /** Stops taking work; steps in flight stop at their next safe point and resume on the next start. */
  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.unsubscribe?.();
    this.unwatchBoards?.();
    for (const c of this.crons.values()) c.stop();
    for (const t of this.timers) clearInterval(t);
    for (const t of this.retryTimers.values()) clearTimeout(t.timer);
    this.abort.abort();
    this.waker.wake();
    await Promise.allSettled([...this.executing.values()].map((e) => e.done));
    await this.waitingCheck?.catch(() => undefined);
  }

  /** Resolves once no run is executing and none is due (tests). */
  async whenIdle(timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const due = [...this.agents.values()].some(
        (a) => !this.pausedReason(a) && this.runs.inState(a.id, 'queued').some((r) => r.nextAttemptAtMs <= Date.now()),
      );
      if (this.executing.size === 0 && !due) return;
      if (Date.now() > deadline) throw new Error('agent runtime did not become idle in time');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  // ---------------------------------------------------------------------------
  // Triggers

  /**
   * The engine's hook, called inside the transaction that records a human
   * change: queue a run for every agent the task is routed to (one active run
   * per agent and task, so a replayed change never doubles it).
   */
  onHumanChange(change: HumanChange): void {
    if (this.closing) return;
    const { task } = change;
    let touched = false;
    for (const agent of this.agents.values()) {
      if (agent.board !== change.boardId || agent.workflow === 'digest' || isMcpAgent(agent)) continue;
      const relevant = change.fields === 'created' || change.fields.some((f) => f === 'labels' || f === 'status');
      if (!relevant) continue;
      if (this.runs.activeForTask(change.boardId, task.id).some((r) => r.state === 'waiting-for-human')) {
        touched = true;
        continue;
      }
      const route = routeTask(agent, task, this.columnsOf(change.boardId));
      if (!route.startable) continue;
      const trigger = change.fields === 'created' ? 'created' : 'changed';
      if (this.enqueue(agent, task.id, trigger, route.reason)) touched = true;
    }
    // After the commit: start queued runs, and look at waiting runs whose task moved.
    if (touched) {
      setImmediate(() => {
        if (this.closing) return;
        this.pumpAll();
        void this.checkWaiting();
      });
    }
  }

  /** A comment was added to a task (the local board tells us at once; other boards are polled). */
  nudge(boardId: string, taskId: string): void {
    if (this.runs.activeForTask(boardId, taskId).some((r) => r.state === 'waiting-for-human')) {
      void this.checkWaiting();
    }
  }

  private enqueue(agent: AgentConfig, taskId: string, trigger: string, reason: string): boolean {
    return this.opts.engine.journal.transaction((append) => {
      const id = this.runs.insert({
        agentId: agent.id,
        boardId: agent.board,
        taskId,
        workflow: agent.workflow,
        trigger,
      });
      if (id === undefined) return false;
      append({
        actor: `agent:${agent.id}`,
        action: 'agent.run.queued',
        boardId: agent.board,
        taskId,
        reason: `${trigger}: ${reason}`,
        operationId: runOperationId(id),
      });
      return true;
    });
  }

  /** Queues the day's digest; the dedupe key keeps it to one per agent and day. */
  triggerDigest(agentId: string, trigger: string): number | undefined {
    const agent = this.agents.get(agentId);
    if (!agent || agent.workflow !== 'digest' || this.closing) return undefined;
    const day = localDay(this.now());
    const id = this.opts.engine.journal.transaction((append) => {
      const runId = this.runs.insert({
        agentId,
        boardId: agent.board,
        taskId: null,
        workflow: 'digest',
        trigger,
        dedupeKey: `digest:${agentId}:${day}`,
      });
      if (runId !== undefined) {
        append({
          actor: `agent:${agentId}`,
          action: 'agent.run.queued',
          boardId: agent.board,
          reason: `${trigger}: digest for ${day}`,
          operationId: runOperationId(runId),
        });
      }
      return runId;
    });
    if (id !== undefined) setImmediate(() => this.pump(agentId));
    return id;
  }

  /** Tasks that were routed before this agent existed (or before a restart) and never had a run. */
  private sweep(): void {
    for (const agent of this.agents.values()) {
      if (agent.workflow === 'digest' || isMcpAgent(agent)) continue;
      const columns = this.columnsOf(agent.board);
      for (const snapshot of this.opts.engine.base.all(agent.board)) {
        if (this.runs.hasAnyRun(agent.id, agent.board, snapshot.taskId)) continue;
        const route = routeTask(agent, snapshot.fields, columns);
        if (route.startable) this.enqueue(agent, snapshot.taskId, 'sweep', route.reason);
      }
    }
  }

  /** A digest agent's schedule, plus today's digest when its time has passed (one per day, whatever triggers it). */
  private scheduleDigestOf(agent: AgentConfig): void {
    this.crons.get(agent.id)?.stop();
    this.crons.delete(agent.id);
    if (agent.workflow !== 'digest') return;
    const schedule = agent.schedule ?? DEFAULT_DIGEST_SCHEDULE;
    if (dueToday(schedule, this.now())) this.triggerDigest(agent.id, 'catch-up');
    if (this.opts.autoStart !== false) {
      this.crons.set(
        agent.id,
        scheduleDigest(schedule, () => this.triggerDigest(agent.id, 'schedule')),
      );
    }
  }

  /** Runs a crash or shutdown interrupted go back to the queue; their persisted progress is kept. */
  private async stopOrphanedAgents(): Promise<void> {
    for (const { record, outcome } of (await this.opts.processes?.reapOrphans()) ?? []) {
      if (outcome !== 'stopped') continue;
      log.warn(`stopped ${record.command.join(' ')} (pid ${record.pid}), left running by a Deckhand that was killed`);
      this.opts.engine.journal.append({
        actor: 'system',
        action: 'agent.process.stopped',
        reason: `stopped ${record.command[0] ?? 'a command agent'} (pid ${record.pid}) left running by a Deckhand that was killed; its run starts again`,
      });
    }
  }

  private recoverInterrupted(): void {
    this.opts.engine.journal.transaction((append) => {
      for (const state of ['claimed', 'running'] as const) {
        for (const run of this.runs.allInState(state)) {
          const agent = this.agents.get(run.agentId);
          // An MCP agent's claim is held by its client, not by a step this process was executing.
          if (!agent || isMcpAgent(agent)) continue;
          this.runs.update(run.id, { state: 'queued' });
          append({
            actor: `agent:${run.agentId}`,
            action: 'agent.run.recovered',
            boardId: run.boardId,
            ...(run.taskId ? { taskId: run.taskId } : {}),
            reason: `interrupted while ${state}; resumes from its last saved step`,
            operationId: runOperationId(run.id),
          });
        }
      }
    });
    this.unpauseRuns();
  }

  /** Claims held here by runs that are no longer active: their label comes off the board. */
  private async releaseStaleClaims(): Promise<void> {
    for (const claim of this.claims.all()) {
      const run = this.runs.get(claim.runId);
      if (run && ACTIVE_STATES.includes(run.state)) continue;
      const ctx = run ? this.contextFor(run) : undefined;
      if (ctx) await releaseClaim(ctx, { restoreStatus: null, step: 'stale' }).catch(() => undefined);
      else this.claims.release(claim.boardId, claim.taskId, claim.runId);
    }
  }

  // ---------------------------------------------------------------------------
  // Queues

  /** Why the agent may do nothing now (its pause, all agents', its board's), or undefined. */
  pausedReason(agent: AgentConfig): string | undefined {
    if (this.closing) return 'Deckhand is shutting down';
    const { pauses } = this.opts;
    const pause = effectivePause(pauses, agent.id);
    if (pause.paused) {
      const who = pauses.get('global').paused ? 'all agents are paused' : `agent ${agent.id} is paused`;
      return `${who}${pause.reason ? `: ${pause.reason}` : ''}`;
    }
    if (pauses.get('board', agent.board).paused) return `board ${agent.board} is paused`;
    return undefined;
  }

  /** A pause that holds the agent's writes in the outbox (global or board), or undefined. */
  heldReason(agent: AgentConfig): string | undefined {
    if (this.closing) return 'Deckhand is shutting down';
    if (this.opts.pauses.get('global').paused) return 'all agents are paused (their writes are held)';
    if (this.opts.pauses.get('board', agent.board).paused) return `board ${agent.board} is paused`;
    return undefined;
  }

  private pumpAll(): void {
    for (const id of this.agents.keys()) this.pump(id);
  }

  /** Starts queued runs, oldest first, while the agent has free slots, is not paused and is within budget. */
  private pump(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent || isMcpAgent(agent) || !this.started || this.closing) return;
    const running = (): number => [...this.executing.values()].filter((e) => e.agentId === agentId).length;
    while (running() < agent.concurrency) {
      if (this.pausedReason(agent)) return;
      const queued = this.runs.inState(agentId, 'queued').filter((r) => !this.executing.has(r.id));
      const now = Date.now();
      const next = queued.find((r) => r.nextAttemptAtMs <= now);
      if (!next) {
        const soonest = Math.min(...queued.map((r) => r.nextAttemptAtMs));
        if (Number.isFinite(soonest)) this.wakeAt(agentId, soonest);
        return;
      }
      // A run whose output is already paid for may finish; only a new provider call needs budget.
      const needsProvider = !this.runs.step(next.id, next.round)?.output;
      const over = needsProvider ? budgetExceeded(agent, this.budget, localDay(this.now())) : undefined;
      if (over) {
        this.pauseForBudget(agent, over);
        return;
      }
      this.launch(agent, next);
    }
  }

  /** Pumps the agent's queue at `atMs`; an earlier wake-up already set is kept (a later one would strand it). */
  private wakeAt(agentId: string, atMs: number): void {
    if (this.opts.autoStart === false && atMs > Date.now() + 60_000) return;
    const current = this.retryTimers.get(agentId);
    if (current && current.atMs <= atMs && current.atMs > Date.now()) return;
    if (current) clearTimeout(current.timer);
    const timer = setTimeout(
      () => {
        this.retryTimers.delete(agentId);
        this.pump(agentId);
      },
      Math.max(0, atMs - Date.now()) + 5,
    );
    timer.unref();
    this.retryTimers.set(agentId, { timer, atMs });
  }

  private launch(agent: AgentConfig, run: RunRecord): void {
    const done = this.execute(agent, run).finally(() => {
      this.executing.delete(run.id);
      if (!this.closing) setImmediate(() => this.pump(agent.id));
    });
    this.executing.set(run.id, { agentId: agent.id, done });
  }

  private async execute(agent: AgentConfig, run: RunRecord): Promise<void> {
    const ctx = this.contextFor(run);
    try {
      if (!ctx) throw new BoardError('transient', `board ${run.boardId} is not connected`);
      await this.refreshColumns(run.boardId, 60_000);
      ctx.columns = this.columnsOf(run.boardId);
      await executeRun(ctx, {
        budget: this.budget,
        log: this.opts.log,
        signal: this.abort.signal,
        provider: () => this.provider(agent),
      });
      this.boardWaits.delete(run.id);
    } catch (err) {
      if (this.closing) return;
      if (err instanceof PausedAtSafePoint) return this.markPaused(ctx!, err.why);
      await this.failOrRetry(agent, ctx?.run ?? run, err, ctx);
    }
  }

  private markPaused(ctx: RunContext, why: string): void {
    ctx.transition((append) => {
      ctx.run = this.runs.update(ctx.run.id, { state: 'paused' });
      append({
        actor: ctx.actor,
        action: 'agent.run.paused',
        boardId: ctx.run.boardId,
        ...(ctx.run.taskId ? { taskId: ctx.run.taskId } : {}),
        reason: `stopped at a safe point: ${why}`,
        operationId: runOperationId(ctx.run.id),
      });
    });
  }

  private async failOrRetry(agent: AgentConfig, run: RunRecord, err: unknown, ctx?: RunContext): Promise<void> {
    const message = err instanceof Error ? err.message : String(err);
    if (boardOutage(err)) return this.waitForBoard(agent, run, err, message);
    this.boardWaits.delete(run.id);
    if (err instanceof ProviderError && err.kind === 'config') this.providers.delete(agent.id);
    const attempt = run.attempt + 1;
    const at = {
      actor: `agent:${agent.id}`,
      boardId: run.boardId,
      ...(run.taskId ? { taskId: run.taskId } : {}),
      operationId: runOperationId(run.id),
    };
    const decision = retryDecision(err, attempt, this.settings);
    if (decision.retry) {
      const delay = decision.delayMs;
      this.opts.engine.journal.transaction((append) => {
        this.runs.update(run.id, { state: 'queued', attempt, nextAttemptAtMs: Date.now() + delay, error: message });
        append({
          ...at,
          action: 'agent.run.retry',
          reason: `attempt ${attempt} failed: ${message}; retrying in ${Math.round(delay / 1000)}s`,
        });
      });
      this.wakeAt(agent.id, Date.now() + delay);
      return;
    }
    if (ctx && run.taskId) {
      await releaseClaim(ctx, { restoreStatus: ctx.run.originalStatus, step: 'failed', why: message }).catch(
        (e: unknown) => log.warn(`run #${run.id}: could not release its claim: ${String(e)}`),
      );
    } else if (run.taskId) {
      this.claims.release(run.boardId, run.taskId, run.id);
    }
    this.opts.engine.journal.transaction((append) => {
      this.runs.update(run.id, {
        state: 'failed',
        attempt,
        error: message,
        outcome: err instanceof RunFailed ? 'failed: needs a person' : 'failed',
        finishedAt: new Date().toISOString(),
      });
      append({ ...at, action: 'agent.run.failed', reason: message });
    });
    log.warn(`agent ${agent.id} run #${run.id} failed: ${message}`);
    this.notify({
      kind: 'run-failed',
      agentId: agent.id,
      runId: run.id,
      boardId: run.boardId,
      ...(run.taskId ? { taskId: run.taskId } : {}),
      message: `Agent ${agent.id} failed${run.taskId ? ` on task ${run.taskId}` : ''}: ${message}`,
    });
  }

  /**
   * The board, not the agent, failed the attempt: the run goes back to the queue
   * without spending an attempt and looks again after a backoff, or as soon as
   * the board's poll succeeds. The first wait of an outage is logged with why.
   */
  private waitForBoard(agent: AgentConfig, run: RunRecord, err: unknown, message: string): void {
    const waits = (this.boardWaits.get(run.id)?.waits ?? 0) + 1;
    this.boardWaits.set(run.id, { boardId: run.boardId, waits });
    const delay = boardWaitMs(err, waits, this.settings.retryBaseMs);
    this.opts.engine.journal.transaction((append) => {
      this.runs.update(run.id, {
        state: 'queued',
        nextAttemptAtMs: Date.now() + delay,
        error: `waiting for board ${run.boardId}: ${message}`,
      });
      if (waits === 1) {
        append({
          actor: `agent:${agent.id}`,
          action: 'agent.run.board-wait',
          boardId: run.boardId,
          ...(run.taskId ? { taskId: run.taskId } : {}),
          reason: `board ${run.boardId} did not answer (${message}); the run waits for it without spending an attempt`,
          operationId: runOperationId(run.id),
        });
      }
    });
    this.wakeAt(agent.id, Date.now() + delay);
  }

  /** A board answers again (its poll succeeded): runs waiting for it go now instead of at their backoff. */
  private resumeBoardWaits(): void {
    if (this.closing || this.boardWaits.size === 0) return;
    const healthy = new Set(
      this.opts.engine
        .boardSummaries()
        .filter((b) => b.status !== 'error' && b.status !== 'paused')
        .map((b) => b.id),
    );
    const agents = new Set<string>();
    for (const [runId, wait] of this.boardWaits) {
      if (!healthy.has(wait.boardId)) continue;
      const run = this.runs.get(runId);
      if (!run || run.state !== 'queued' || this.executing.has(runId)) continue;
      if (run.nextAttemptAtMs > Date.now()) this.runs.update(runId, { nextAttemptAtMs: Date.now() });
      agents.add(run.agentId);
    }
    if (agents.size > 0) setImmediate(() => agents.forEach((a) => this.pump(a)));
  }

  /** Pauses the agent for today, once, and says so (a notification). */
  pauseForBudget(agent: AgentConfig, reason: string): void {
    if (this.opts.pauses.get('agent', agent.id).paused) return;
    this.opts.setPause('agent', agent.id, true, BUDGET_PAUSER, reason);
    this.notify({ kind: 'budget-reached', agentId: agent.id, message: `Agent ${agent.id} paused: ${reason}` });
  }

  /** A budget pause lifts itself once the day has turned (a person's pause never does). */
  private liftBudgetPauses(): void {
    for (const agent of this.agents.values()) {
      const pause = this.opts.pauses.get('agent', agent.id);
      if (pause.paused && pause.by === BUDGET_PAUSER && !budgetExceeded(agent, this.budget, localDay(this.now()))) {
        this.opts.setPause('agent', agent.id, false, BUDGET_PAUSER);
      }
    }
  }

  /** Runs stopped at a safe point go back to the queue (in their original order) once nothing pauses them. */
  private unpauseRuns(): void {
    for (const agent of this.agents.values()) {
      if (this.pausedReason(agent)) continue;
      const paused = this.runs.inState(agent.id, 'paused');
      if (paused.length === 0) continue;
      this.opts.engine.journal.transaction((append) => {
        for (const run of paused) {
          this.runs.update(run.id, { state: 'queued' });
          append({
            actor: `agent:${agent.id}`,
            action: 'agent.run.resumed',
            boardId: run.boardId,
            ...(run.taskId ? { taskId: run.taskId } : {}),
            reason: 'the pause was lifted',
            operationId: runOperationId(run.id),
          });
        }
      });
    }
  }

  // ---------------------------------------------------------------------------
  // Waiting for people

  /** Looks at every run waiting for a person (coalesced: one check at a time, one more if asked meanwhile). */
  checkWaiting(): Promise<void> {
    if (this.waitingCheck) {
      this.waitingAgain = true;
      return this.waitingCheck;
    }
    this.waitingCheck = (async () => {
      do {
        this.waitingAgain = false;
        for (const run of this.runs.allInState('waiting-for-human')) {
          if (this.closing) return;
          const ctx = this.contextFor(run);
          if (!ctx) continue;
          try {
            const outcome = await checkWaitingRun(ctx);
            if (outcome === 'resumed') this.pump(run.agentId);
            if (outcome === 'overdue') {
              this.notify({
                kind: 'question-unanswered',
                agentId: run.agentId,
                runId: run.id,
                boardId: run.boardId,
                taskId: run.taskId!,
                message: `Agent ${run.agentId} is still waiting for an answer on task ${run.taskId}: ${run.question}`,
              });
            }
          } catch (err) {
            log.warn(`checking run #${run.id} for an answer failed: ${String(err)}`);
          }
        }
      } while (this.waitingAgain && !this.closing);
    })().finally(() => {
      this.waitingCheck = undefined;
    });
    return this.waitingCheck;
  }

  /**
   * A person answers a waiting run's question (from the inbox): the answer is
   * posted as a comment, the card moved back as the workflow expects, and the
   * run looked at at once, so it resumes without waiting for the answer poll.
   */
  async answerRun(
    id: number,
    answer: string,
    by: string,
    writes?: (ctx: RunContext) => PersonWrites | undefined,
  ): Promise<{ run: AgentRun; movedTo: string | null }> {
    const run = this.runs.get(id);
    if (!run) throw new RunFailed(`no run #${id}`);
    if (run.state !== 'waiting-for-human' || !run.taskId) {
      throw new RunFailed(`run #${id} is ${run.state}; only a run waiting for an answer can be answered`);
    }
    const ctx = this.contextFor(run);
    if (!ctx) throw new RunFailed(`run #${id}: agent ${run.agentId} or board ${run.boardId} is not available`);
    await this.refreshColumns(run.boardId, 60_000);
    ctx.columns = this.columnsOf(run.boardId);
    const { movedTo } = await postAnswer(ctx, answer, by, writes?.(ctx) ?? adapterWrites(ctx));
    await this.checkWaiting();
    return { run: publicRun(this.runs.get(id)!), movedTo };
  }

  /** What answering a waiting run does on its board: for the inbox to say before the person answers. */
  answerPlan(
    run: AgentRun,
    status: string | null,
  ): { resumeOn: ResumeOn; blockedColumn: string | null; returnColumn: string | null } {
    const record = this.runs.get(run.id);
    const ctx = record && this.contextFor(record);
    if (!ctx) return { resumeOn: this.settings.resumeOn, blockedColumn: null, returnColumn: null };
    return {
      resumeOn: ctx.settings.resumeOn,
      blockedColumn: ctx.columns.role('blocked') ?? null,
      returnColumn: returnColumn(ctx, status),
    };
  }

  /** Runs waiting for a person's answer, oldest question first. */
  waitingRuns(): AgentRun[] {
    return this.runs.allInState('waiting-for-human').map((r) => publicRun(r));
  }

  /** Failed runs no later run has replaced, newest first. */
  unresolvedFailures(): AgentRun[] {
    return this.runs.unresolvedFailures().map((r) => publicRun(r));
  }

  // ---------------------------------------------------------------------------
  // Contexts, providers, columns

  /** The board's columns by role, as last listed. */
  columnsOf(boardId: string): BoardColumns {
    return this.columns.get(boardId) ?? new BoardColumns(this.opts.boardConfig(boardId)?.columns ?? {}, []);
  }

  async refreshColumns(boardId: string, maxAgeMs = 0): Promise<void> {
    if (Date.now() - (this.columnsAt.get(boardId) ?? 0) < maxAgeMs && this.columns.has(boardId)) return;
    const adapter = this.opts.engine.adapterFor(boardId);
    if (!adapter) return;
    try {
      const names = await adapter.listColumns();
      this.columns.set(boardId, new BoardColumns(this.opts.boardConfig(boardId)?.columns ?? {}, names));
      this.columnsAt.set(boardId, Date.now());
    } catch (err) {
      log.warn(`could not list the columns of board ${boardId}: ${String(err)}`);
    }
  }

  private provider(agent: AgentConfig): Promise<AgentProvider> {
    const override = this.opts.providerFor?.(agent);
    if (override) return Promise.resolve(override);
    let provider = this.providers.get(agent.id);
    if (!provider) {
      // The agent's current config: a reconfigured agent's next call uses its new provider.
      provider = createProvider((this.agents.get(agent.id) ?? agent).provider, {
        secrets: this.opts.secrets,
        secretEnvNames: this.opts.secretEnvNames ?? [],
        ...(this.opts.stream ? { stream: true } : {}),
        ...(this.opts.demoDelayMs !== undefined ? { demoDelayMs: this.opts.demoDelayMs } : {}),
        ...(this.opts.processes ? { processes: this.opts.processes } : {}),
      });
      provider.catch(() => this.providers.delete(agent.id));
      this.providers.set(agent.id, provider);
    }
    return provider;
  }

  /** What one run's steps need (its agent, board, effects); undefined when its agent or board is gone. */
  contextFor(run: RunRecord): RunContext | undefined {
    const agent = this.agents.get(run.agentId);
    const adapter = this.opts.engine.adapterFor(run.boardId);
    if (!agent || !adapter) return undefined;
    const ctx: RunContext = {
      run,
      agent,
      adapter,
      columns: this.columnsOf(run.boardId),
      engine: this.opts.engine,
      effects: this.effects,
      runs: this.runs,
      claims: this.claims,
      actor: `agent:${agent.id}`,
      claimLabel: claimLabel(agent.id, this.instance),
      // The agent's config (`agent_defaults`, its own keys) over the runtime's settings.
      settings: agentSettings(this.settings, this.opts.agentDefaults, agent),
      held: () => this.heldReason(agent),
      paused: () => this.pausedReason(agent),
      transition: (fn) => this.opts.engine.journal.transaction(fn),
    };
    return ctx;
  }

  // ---------------------------------------------------------------------------
  // Events and reporting

  /** Every committed agent log entry becomes an `agent.state` event; pauses lifted let paused runs go on. */
  private onLogEntry(entry: SyncLogEntry): void {
    this.waker.wake();
    if (this.closing) return;
    const run = /^run-(\d+)$/.exec(entry.operationId ?? '');
    if (entry.action.startsWith('agent.run.') && run) {
      const record = this.runs.get(Number(run[1]));
      const agent = record && this.agents.get(record.agentId);
      if (record && agent)
        this.opts.events.emit('agent.state', { agent: this.summaryOf(agent), run: publicRun(record) });
      this.opts.onStateChange?.();
      return;
    }
    if (/^(agent|global|board)\.(paused|resumed)$/.test(entry.action)) {
      if (entry.action.endsWith('resumed')) {
        this.unpauseRuns();
        setImmediate(() => this.pumpAll());
      }
      for (const agent of this.agents.values()) this.opts.events.emit('agent.state', { agent: this.summaryOf(agent) });
    }
  }

  private notify(n: Omit<AgentNotification, 'at'>): void {
    this.opts.events.emit('agent.notification', { ...n, at: new Date().toISOString() });
  }

  private summaryOf(agent: AgentConfig): AgentSummary {
    const summary = agentSummary(agent, { pauses: this.opts.pauses, runs: this.runs, budget: this.budget });
    const connection = isMcpAgent(agent) ? this.mcpConnection?.(agent.id) : undefined;
    return connection ? { ...summary, mcp: connection } : summary;
  }

  /** How MCP agents' connections are described (set by the MCP service). */
  private mcpConnection: ((agentId: string) => McpConnection) | undefined;

  describeMcpConnections(describe: (agentId: string) => McpConnection): void {
    this.mcpConnection = describe;
  }

  /** Republishes an agent's state (an MCP client called, or went quiet). */
  announce(agentId: string): void {
    const agent = this.agents.get(agentId);
    if (!agent || this.closing) return;
    this.opts.events.emit('agent.state', { agent: this.summaryOf(agent) });
    this.opts.onStateChange?.();
  }

  agentConfig(id: string): AgentConfig | undefined {
    return this.agents.get(id);
  }

  hasAgent(id: string): boolean {
    return this.agents.has(id);
  }

  /**
   * Changes one agent's board, provider or role while running, keeping its id
   * (its runs, pauses and budget stay its own). Runs already executing finish
   * with what they started with; the next provider call uses the new one, and
   * tasks routed on a new board are swept in at once.
   */
  async reconfigureAgent(
    id: string,
    patch: Partial<Pick<AgentConfig, 'board' | 'provider' | 'role'>>,
  ): Promise<AgentSummary> {
    const current = this.agents.get(id);
    if (!current) throw new RunFailed(`no agent "${id}"`);
    const next: AgentConfig = { ...current, ...patch };
    this.agents.set(id, next);
    this.providers.delete(id);
    log.info(`agent ${id} reconfigured: board ${next.board}, provider ${next.provider.type}`);
    if (this.started && !this.closing) {
      if (next.board !== current.board) await this.refreshColumns(next.board);
      this.sweep();
      this.pumpAll();
    }
    const summary = this.summaryOf(next);
    this.opts.events.emit('agent.state', { agent: summary });
    this.opts.onStateChange?.();
    return summary;
  }

  /**
   * Adds an agent, or replaces one's whole config (the UI's agent editor), while
   * running. Same id, same runs, pauses and budget; runs executing now finish
   * with the config they started with. Tasks the new routes match are swept in at once.
   */
  async setAgent(next: AgentConfig): Promise<AgentSummary> {
    const current = this.agents.get(next.id);
    this.agents.set(next.id, next);
    this.providers.delete(next.id);
    log.info(`agent ${next.id} ${current ? 'reconfigured' : 'added'}: board ${next.board}, ${next.workflow}`);
    if (this.started && !this.closing) {
      if (next.board !== current?.board) await this.refreshColumns(next.board);
      this.scheduleDigestOf(next);
      this.sweep();
      this.pumpAll();
    }
    const summary = this.summaryOf(next);
    this.opts.events.emit('agent.state', { agent: summary });
    this.opts.onStateChange?.();
    return summary;
  }

  /**
   * Stops an agent taking work. A step executing now finishes (its claim comes
   * off at its end); queued runs stay in the database, to go on if the agent
   * comes back under the same id.
   */
  removeAgent(id: string): boolean {
    if (!this.agents.delete(id)) return false;
    this.providers.delete(id);
    this.crons.get(id)?.stop();
    this.crons.delete(id);
    log.info(`agent ${id} removed`);
    this.opts.onStateChange?.();
    return true;
  }

  agentConfigs(): AgentConfig[] {
    return [...this.agents.values()];
  }

  summaries(): AgentSummary[] {
    return [...this.agents.values()].map((a) => this.summaryOf(a));
  }

  /** Tasks whose agent waits for a person (the tray's "blocked on you"). */
  blockedOnHuman(): number {
    return this.runs.countWaitingForHuman();
  }

  listRuns(filter: RunFilter): AgentRun[] {
    return this.runs.list(filter).map((r) => publicRun(r));
  }

  getRun(id: number): AgentRun | undefined {
    const run = this.runs.get(id);
    return run && publicRun(run, this.runs.steps(id));
  }

  /** Queues a failed run again from where it stopped (its saved output is replayed, not recomputed). */
  /** Takes a failed run out of the inbox, for good and logged; the run itself stays failed. */
  dismissRun(id: number, by: string): AgentRun {
    const run = this.runs.get(id);
    if (!run) throw new RunFailed(`no run #${id}`);
    if (run.state !== 'failed') throw new RunFailed(`run #${id} is ${run.state}; only a failed run can be dismissed`);
    this.opts.engine.journal.transaction((append) => {
      if (!this.runs.dismiss(id, by)) return;
      append({
        actor: by,
        action: 'agent.run.dismissed',
        boardId: run.boardId,
        ...(run.taskId ? { taskId: run.taskId } : {}),
        before: { error: run.error ?? run.outcome ?? 'failed' },
        reason: 'dismissed from the inbox; not retried',
        operationId: runOperationId(id),
      });
    });
    return publicRun(this.runs.get(id)!);
  }

  retryRun(id: number, by: string): AgentRun {
    const run = this.runs.get(id);
    if (!run) throw new RunFailed(`no run #${id}`);
    if (run.state !== 'failed') throw new RunFailed(`run #${id} is ${run.state}; only a failed run can be retried`);
    if (!this.agents.has(run.agentId)) throw new RunFailed(`agent ${run.agentId} is no longer configured`);
    if (run.taskId && this.runs.activeForTask(run.boardId, run.taskId).some((r) => r.agentId === run.agentId)) {
      throw new RunFailed(`agent ${run.agentId} already has an active run on task ${run.taskId}`);
    }
    this.opts.engine.journal.transaction((append) => {
      this.runs.update(id, {
        state: 'queued',
        attempt: 0,
        nextAttemptAtMs: 0,
        error: null,
        outcome: null,
        finishedAt: null,
      });
      append({
        actor: by,
        action: 'agent.run.retry-requested',
        boardId: run.boardId,
        ...(run.taskId ? { taskId: run.taskId } : {}),
        reason: `retry of a failed run (${run.error ?? 'no error recorded'})`,
        operationId: runOperationId(id),
      });
    });
    // Writes of this run that the board refused get another chance too.
    for (const entry of this.opts.engine.outbox.list({ state: 'parked', boardId: run.boardId })) {
      if (entry.actor === `agent:${run.agentId}` && entry.taskId === run.taskId) this.opts.engine.retryOutbox(entry.id);
    }
    setImmediate(() => this.pump(run.agentId));
    return publicRun(this.runs.get(id)!);
  }
}
