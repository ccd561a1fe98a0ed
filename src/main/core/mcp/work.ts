import type { LogAction } from '../../../shared/log-actions';
import type { OwnershipRules } from '../../../shared/ownership';
import type { Comment, FieldPatch, Task, TaskField } from '../../../shared/task';
import type { BoardAdapter } from '../boards/contract/adapter';
import type { AgentConfig } from '../config';
import { canonicalJson, sha256 } from '../engine/canonical-json';
import type { UpdateResult } from '../engine/deliver-update';
import { basisOf, idempotencyKey, intentSchema, type Basis, type Intent } from '../engine/intents';
import type { Append } from '../engine/journal';
import { checkAgentWrite } from '../engine/ownership';
import { IntentRejected, type SyncEngine } from '../engine/sync-engine';
import type { PauseRepo } from '../store/pause-repo';
import { budgetExceeded, budgetUse, localDay } from '../agents/budget';
import { acquireClaim, releaseClaim } from '../agents/claims';
import type { BoardColumns } from '../agents/columns';
import { excludedBy, isClaimLabel, routeTask } from '../agents/routing';
import { readTaskNow, runOperationId, type RunContext } from '../agents/run-context';
import type { RunRecord } from '../agents/run-repo';
import type { AgentRuntime } from '../agents/runtime';
import { changesSince, describeChanges, taskAsRead } from '../agents/task-changes';
import { planQuestion } from '../agents/workflows/ask-human';
import { estimateHours } from '../agents/workflows/breakdown';
import { ToolRefusal, type RefusedField } from './refusal';

/** How often a waiting ask_person looks at its run (a local read: the runtime finds the answer on the board). */
const ASK_WAIT_POLL_MS = 250;

/** How long a call waits for its writes to reach the board before it answers "queued" instead. */
const DELIVERY_WAIT_MS = 20_000;

/** What every write tool takes besides its own arguments. */
export interface WriteMeta {
  /** The client's id for this call: the same id again is a retry, and acts once. */
  requestId?: string | undefined;
  /** Why, in the agent's words: shown in the sync log. */
  reason?: string | undefined;
}

export interface EffectReport {
  kind: 'update' | 'comment' | 'create';
  step: string;
  /** done: on the board; pending: queued (a pause holds it, or the board is slow); parked: the board refused it. */
  state: 'done' | 'pending' | 'parked' | 'not-queued';
  /** True when this call was a retry of one already made: nothing new was sent. */
  duplicate: boolean;
  taskId?: string | undefined;
  /** Fields the merge left as a person set them, and why. */
  kept: { field: string; reason: string }[];
  /** Fields that wait for a person in a conflict. */
  conflicts: { field: string; conflictId: number }[];
  error?: string | undefined;
}

export interface WriteReport {
  taskId: string;
  effects: EffectReport[];
  /** What a person changed on the task since the agent last read it. */
  changedSinceRead: string | null;
}

interface PlannedWrite {
  step: string;
  intent: Intent;
}

interface McpWorkDeps {
  engine: SyncEngine;
  runtime: AgentRuntime;
  pauses: PauseRepo;
  ownership(boardId: string): OwnershipRules;
  /** Heard on every call (the Agents view's "last call"). */
  onCall(agentId: string, tool: string): void;
}

/** Task fields an agent sees, claim labels left out (they are Deckhand's bookkeeping). */
function taskView(task: Task) {
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    status: task.status,
    labels: task.labels.filter((l) => !isClaimLabel(l)),
    assignee: task.assignee,
    priority: task.priority,
    agentNotes: task.agentNotes,
    parentId: task.parentId,
    dueDate: task.dueDate,
    updatedAt: task.updatedAt,
  };
}

/**
 * What an MCP client may do on the board, as one agent: every write becomes
 * engine intents with the basis of the agent's last read of the task, inside
 * the agent's routing scope and claim, under its pause and budget. A claim is a
 * run of the agent (the runtime's run record and claim), so the Agents view, the
 * tray and waiting-for-an-answer work as for built-in agents.
 */
export class McpWork {
  constructor(private readonly deps: McpWorkDeps) {}

  // ---------------------------------------------------------------------------
  // Reads

  async listWork(agent: AgentConfig, meta: { includeDone?: boolean } = {}) {
    this.called(agent, 'list_my_work');
    const columns = await this.columns(agent);
    const runs = this.deps.runtime.runs;
    const mine = new Map(
      runs
        .list({ agentId: agent.id, limit: 500 })
        .filter((r) => r.taskId && ['claimed', 'waiting-for-human'].includes(r.state))
        .map((r) => [r.taskId!, r]),
    );
    const tasks = [];
    for (const snapshot of this.deps.engine.base.all(agent.board)) {
      if (snapshot.deleted) continue;
      const fields = snapshot.fields;
      const run = mine.get(snapshot.taskId);
      const route = routeTask(agent, fields, columns);
      if (!run && !route.routed) continue;
      if (!run && !meta.includeDone && columns.is('done', fields.status)) continue;
      const claimedByOther = fields.labels.find((l) => isClaimLabel(l) && !l.startsWith(`claim:${agent.id}@`));
      tasks.push({
        id: snapshot.taskId,
        title: fields.title,
        status: fields.status,
        labels: fields.labels.filter((l) => !isClaimLabel(l)),
        claimedByMe: run !== undefined,
        ...(claimedByOther ? { claimedBy: claimedByOther.slice('claim:'.length) } : {}),
        claimable: run === undefined && route.startable && !claimedByOther,
        why: route.reason,
        waitingOnPerson:
          run?.state === 'waiting-for-human' ? { question: run.question ?? '', askedAt: run.askedAt } : null,
        answer: run && run.round > 0 ? run.answer : null,
      });
      if (tasks.length >= 200) break;
    }
    return { board: agent.board, tasks };
  }

  async getTask(agent: AgentConfig, taskId: string) {
    this.called(agent, 'get_task', taskId);
    const adapter = this.adapter(agent);
    const columns = await this.columns(agent);
    const task = await adapter.getTask(taskId);
    if (!task) throw new ToolRefusal('not_found', `no task ${taskId} on board ${agent.board}`);
    const run = this.activeRun(agent, taskId);
    if (!run) this.assertRouted(agent, task, columns);
    const comments: Comment[] = adapter.capabilities.comments ? await adapter.listComments(taskId) : [];
    if (run) this.rememberRead(run, task);
    const rules = this.deps.ownership(agent.board);
    return {
      task: taskView(task),
      comments: comments.map((c) => ({ id: c.id, author: c.author, body: c.body, createdAt: c.createdAt })),
      claimedByMe: run !== undefined,
      waitingOnPerson:
        run?.state === 'waiting-for-human' ? { question: run.question ?? '', askedAt: run.askedAt } : null,
      answer: run && run.round > 0 ? run.answer : null,
      ownership: ownershipView(rules),
    };
  }

  /** The ownership rules, columns, routes, budget and pause: what the board allows this agent, so it can plan. */
  async boardRules(agent: AgentConfig) {
    this.called(agent, 'board_rules');
    const columns = await this.columns(agent);
    const roles = Object.fromEntries(
      (['backlog', 'todo', 'working', 'review', 'blocked', 'done'] as const).map((r) => [r, columns.role(r) ?? null]),
    );
    const pause = this.pauseOf(agent);
    return {
      agent: agent.id,
      board: agent.board,
      ownership: ownershipView(this.deps.ownership(agent.board)),
      columns: { names: [...columns.names], roles },
      routes: {
        labels: agent.routes.labels,
        columns: agent.routes.columns,
        excludeLabels: ['needs-human-review', ...agent.routes.exclude_labels],
      },
      budget: budgetUse(agent, this.deps.runtime.budget),
      paused: pause ?? null,
      onDone: agent.on_done?.move_to ?? 'review',
    };
  }

  // ---------------------------------------------------------------------------
  // Claims

  async claim(agent: AgentConfig, taskId: string, meta: WriteMeta) {
    this.called(agent, 'claim_task', taskId);
    this.assertActive(agent, 'claim_task', taskId);
    const existing = this.activeRun(agent, taskId);
    if (existing)
      return { taskId, claimed: true, alreadyHeld: true, run: existing.id, status: await this.statusOf(agent, taskId) };
    const over = budgetExceeded(agent, this.deps.runtime.budget, localDay());
    if (over) {
      this.deps.runtime.pauseForBudget(agent, over);
      this.refuse(agent, 'claim_task', taskId, new ToolRefusal('budget', over));
    }
    const { engine, runtime } = this.deps;
    const runId = engine.journal.transaction((append) => {
      const id = runtime.runs.insert({
        agentId: agent.id,
        boardId: agent.board,
        taskId,
        workflow: agent.workflow,
        trigger: 'mcp',
      });
      if (id !== undefined) {
        append({
          actor: actorOf(agent),
          action: 'agent.run.queued',
          boardId: agent.board,
          taskId,
          reason: `mcp claim_task${meta.reason ? `: ${meta.reason}` : ''}`,
          operationId: runOperationId(id),
        });
      }
      return id;
    });
    const run = runId !== undefined ? runtime.runs.get(runId) : runtime.runs.activeForTask(agent.board, taskId)[0];
    if (!run) throw new ToolRefusal('unavailable', 'could not record the claim');
    if (run.agentId !== agent.id) {
      this.refuse(agent, 'claim_task', taskId, new ToolRefusal('not_claimable', `held by agent ${run.agentId}`));
    }
    const ctx = await this.context(agent, run);
    const outcome = await acquireClaim(ctx);
    if (outcome.kind !== 'claimed') {
      if (outcome.kind === 'contested') await releaseClaim(ctx, { restoreStatus: null, step: 'back-off' });
      this.finishRun(ctx, 'done', `skipped: ${outcome.reason}`, 'agent.run.skipped');
      this.refuse(
        agent,
        'claim_task',
        taskId,
        new ToolRefusal(outcome.kind === 'contested' ? 'contested' : 'not_claimable', outcome.reason),
      );
    }
    const claimed = outcome as Extract<typeof outcome, { kind: 'claimed' }>;
    ctx.transition((append) => {
      runtime.budget.add(agent.id, { runs: 1, cost: null }); // the client's model spends what it spends; Deckhand never hears
      runtime.runs.update(run.id, { state: 'claimed', claimedRound: 0, originalStatus: claimed.originalStatus });
      append({
        actor: actorOf(agent),
        action: 'agent.run.claimed',
        boardId: agent.board,
        taskId,
        after: { label: ctx.claimLabel, status: claimed.task.status },
        reason: `claimed over MCP (was in ${claimed.originalStatus})${meta.reason ? `: ${meta.reason}` : ''}`,
        operationId: runOperationId(run.id),
      });
    });
    this.rememberRead(runtime.runs.get(run.id)!, claimed.task);
    return { taskId, claimed: true, alreadyHeld: false, run: run.id, status: claimed.task.status };
  }

  async release(agent: AgentConfig, taskId: string, moveTo: string | undefined, meta: WriteMeta) {
    const tool = 'release_task';
    const { run, ctx, read } = await this.prepareWrite(agent, tool, taskId);
    const column = moveTo === undefined ? undefined : this.column(agent, ctx.columns, moveTo, tool, taskId);
    const labels = read.labels.filter((l) => l !== ctx.claimLabel);
    const patch: FieldPatch = {
      ...(labels.length !== read.labels.length ? { labels } : {}),
      ...(column && column !== read.status ? { status: column } : {}),
    };
    const writes = Object.keys(patch).length > 0 ? [this.update(agent, run, ctx, tool, patch, meta, { moveTo })] : [];
    const report = await this.apply(agent, tool, ctx, run, writes, meta);
    this.deps.runtime.claims.release(agent.board, taskId, run.id);
    this.finishRun(ctx, 'done', `released over MCP${column ? `; moved to ${column}` : ''}`, 'agent.run.done');
    return { ...report, released: true };
  }

  // ---------------------------------------------------------------------------
  // Writes

  async writeNotes(agent: AgentConfig, taskId: string, notes: string, meta: WriteMeta) {
    const tool = 'write_notes';
    const { run, ctx } = await this.prepareWrite(agent, tool, taskId);
    const signed = `${notes.trim()}\n\n— ${agent.id} (via MCP, run #${run.id})`;
    return this.apply(
      agent,
      tool,
      ctx,
      run,
      [this.update(agent, run, ctx, tool, { agentNotes: signed }, meta, { notes })],
      meta,
    );
  }

  async setStatus(agent: AgentConfig, taskId: string, status: string, meta: WriteMeta) {
    const tool = 'set_status';
    const { run, ctx, read } = await this.prepareWrite(agent, tool, taskId);
    const column = this.column(agent, ctx.columns, status, tool, taskId);
    if (column === read.status) return { taskId, effects: [], changedSinceRead: null, unchanged: true };
    return this.apply(
      agent,
      tool,
      ctx,
      run,
      [this.update(agent, run, ctx, tool, { status: column }, meta, { status })],
      meta,
    );
  }

  async comment(agent: AgentConfig, taskId: string, body: string, meta: WriteMeta) {
    const tool = 'comment';
    const { run, ctx } = await this.prepareWrite(agent, tool, taskId);
    const write: PlannedWrite = {
      step: 'comment',
      intent: {
        kind: 'comment',
        boardId: agent.board,
        taskId,
        actor: actorOf(agent),
        body,
        reason: reasonOf(tool, meta),
        scope: scopeOf(agent, run, taskId, tool, meta, { body }),
      },
    };
    return this.apply(agent, tool, ctx, run, [write], meta);
  }

  async createSubtasks(
    agent: AgentConfig,
    taskId: string,
    subtasks: { title: string; estimate: string; description?: string | undefined }[],
    meta: WriteMeta,
  ) {
    const tool = 'create_subtasks';
    const { run, ctx } = await this.prepareWrite(agent, tool, taskId);
    const column = ctx.columns.role('todo') ?? ctx.columns.role('backlog');
    const scope = scopeOf(agent, run, taskId, tool, meta, { subtasks });
    const writes: PlannedWrite[] = subtasks.map((s, i) => ({
      step: `subtask-${i}`,
      intent: {
        kind: 'create',
        boardId: agent.board,
        actor: actorOf(agent),
        fields: {
          title: s.title,
          description: `${s.description ?? ''}\n\nEstimate: ${s.estimate}`.trim(),
          parentId: taskId,
          agentNotes: `Estimate: ${s.estimate}${estimateHours(s.estimate) !== undefined ? '' : ' (not a duration)'}. Created by agent ${agent.id} over MCP from ${taskId} (run #${run.id}).`,
          ...(column ? { status: column } : {}),
        },
        reason: `${reasonOf(tool, meta)} (subtask ${i + 1} of ${subtasks.length})`,
        scope: `${scope}-${i}`,
      },
    }));
    const report = await this.apply(agent, tool, ctx, run, writes, meta);
    const created = writes.map((w) => {
      const key = this.deps.engine.outbox.byKey(this.keyOf(w.intent));
      return (key?.result as { taskId?: string } | null)?.taskId ?? null;
    });
    return { ...report, created };
  }

  /**
   * Posts the question and moves the card to Blocked; then waits up to `waitSeconds` for the answer (found
   * by the runtime as for built-in agents: a reply from Deckhand's own account counts), or returns at once.
   */
  async askPerson(
    agent: AgentConfig,
    taskId: string,
    question: string,
    notes: string | undefined,
    meta: WriteMeta,
    waitSeconds = 0,
  ) {
    const tool = 'ask_person';
    const { run, ctx, read } = await this.prepareWrite(agent, tool, taskId, { allowWaiting: true });
    const answered = async <T extends object>(report: T) => {
      const answer = waitSeconds > 0 ? await this.waitForAnswer(run.id, waitSeconds * 1000) : null;
      return { ...report, waiting: answer === null, answer };
    };
    if (run.state === 'waiting-for-human') {
      if (run.question === question) return answered({ taskId, effects: [], changedSinceRead: null, duplicate: true });
      this.refuse(agent, tool, taskId, new ToolRefusal('waiting', `already waiting for an answer to: ${run.question}`));
    }
    const plan = planQuestion(ctx, read, { notes: notes ?? '' }, question);
    const writes = plan.intents.map((p) => ({ step: p.step, intent: { ...p.intent, reason: reasonOf(tool, meta) } }));
    const report = await this.apply(agent, tool, ctx, run, writes, meta);
    const questionKey = this.keyOf(writes.find((w) => w.step === 'ask-comment')!.intent);
    ctx.transition((append) => {
      this.deps.runtime.runs.update(run.id, {
        state: 'waiting-for-human',
        question,
        questionKey,
        askedAt: new Date().toISOString(),
        answer: null,
        notifiedAt: null,
        resumeRequested: false,
      });
      append({
        actor: actorOf(agent),
        action: 'agent.run.waiting',
        boardId: agent.board,
        taskId,
        after: question,
        reason: 'waiting for a person to answer (asked over MCP)',
        operationId: runOperationId(run.id),
      });
    });
    return answered({ ...report, duplicate: false });
  }

  /** The run's answer once a person gave it, or null when `ms` passed first (the run may still get one later). */
  private async waitForAnswer(runId: number, ms: number): Promise<string | null> {
    const deadline = Date.now() + ms;
    for (;;) {
      const run = this.deps.runtime.runs.get(runId);
      if (!run) return null;
      if (run.state !== 'waiting-for-human' && run.answer) return run.answer;
      if (Date.now() >= deadline) return null;
      await new Promise((r) => setTimeout(r, Math.min(ASK_WAIT_POLL_MS, deadline - Date.now())));
    }
  }

  // ---------------------------------------------------------------------------
  // The write path

  /**
   * Every write starts here: not while paused (answering who paused and why),
   * only on a task this agent holds, and based on the agent's last read.
   */
  private async prepareWrite(
    agent: AgentConfig,
    tool: string,
    taskId: string,
    opts: { allowWaiting?: boolean } = {},
  ): Promise<{ run: RunRecord; ctx: RunContext; read: Task; now: Task }> {
    this.called(agent, tool, taskId);
    this.assertActive(agent, tool, taskId);
    const run = this.activeRun(agent, taskId);
    if (!run) {
      this.refuse(
        agent,
        tool,
        taskId,
        new ToolRefusal('not_claimed', `task ${taskId} is not claimed by ${agent.id}; call claim_task first`),
      );
    }
    if (run.state === 'waiting-for-human' && !opts.allowWaiting && tool === 'set_status') {
      this.refuse(agent, tool, taskId, new ToolRefusal('waiting', `task ${taskId} waits for a person's answer`));
    }
    const ctx = await this.context(agent, run);
    const now = await readTaskNow(ctx, taskId);
    if (!now) throw new ToolRefusal('not_found', `task ${taskId} no longer exists`);
    const excluded = excludedBy(agent, now);
    if (excluded) this.refuse(agent, tool, taskId, new ToolRefusal('not_routed', `a person labelled it ${excluded}`));
    ctx.basis = this.lastRead(run) ?? basisOf(now);
    return { run, ctx, read: taskAsRead(ctx.basis, now), now };
  }

  private update(
    agent: AgentConfig,
    run: RunRecord,
    ctx: RunContext,
    tool: string,
    patch: FieldPatch,
    meta: WriteMeta,
    args: unknown,
  ): PlannedWrite {
    return {
      step: tool,
      intent: {
        kind: 'update',
        boardId: agent.board,
        taskId: run.taskId!,
        actor: actorOf(agent),
        patch,
        basis: ctx.basis!,
        // A move is compare-and-set, as for built-in agents: a person who moved the card since the read keeps it.
        ...('status' in patch ? { onlyIfUnchanged: ['status' as const] } : {}),
        reason: reasonOf(tool, meta),
        scope: scopeOf(agent, run, run.taskId!, tool, meta, args),
      },
    };
  }

  /** Submits the writes (a retry is a duplicate, sent never), waits for the board, and reports what landed. */
  private async apply(
    agent: AgentConfig,
    tool: string,
    ctx: RunContext,
    run: RunRecord,
    writes: PlannedWrite[],
    _meta: WriteMeta,
  ): Promise<WriteReport> {
    const taskId = run.taskId!;
    const now = await readTaskNow(ctx, taskId);
    const changes = now && ctx.basis ? changesSince(ctx.basis, now) : [];
    const ownChangesOnly = changes.filter((c) => !(c.field === 'labels' && onlyClaimLabels(c.before, c.after)));
    const refusedFields = this.refusedFields(agent, writes);
    const submitted = writes.map((w) => {
      try {
        return { w, result: this.deps.engine.submitIntent(w.intent) };
      } catch (err) {
        if (err instanceof IntentRejected) throw new ToolRefusal('invalid', err.message);
        throw err;
      }
    });
    if (refusedFields.length > 0) {
      const refusal = new ToolRefusal(
        'write_refused',
        refusedFields.map((r) => `${r.field} is owned by ${r.owner}: ${r.rule}`).join('; '),
        { refused: refusedFields, alsoWritten: submitted.filter((s) => s.result.queued).map((s) => s.w.step) },
      );
      this.refuse(agent, tool, taskId, refusal, false);
    }
    const keys = submitted.map((s) => s.result.idemKey);
    await this.waitDelivered(keys, () => this.deps.runtime.heldReason(agent));
    const effects = submitted.map(({ w, result }): EffectReport => {
      const entry = this.deps.engine.outbox.byKey(result.idemKey);
      const outcome = (entry?.result ?? null) as (UpdateResult & { taskId?: string }) | null;
      return {
        kind: w.intent.kind,
        step: w.step,
        state: entry ? (entry.state as EffectReport['state']) : 'not-queued',
        duplicate: !result.queued,
        ...(outcome?.taskId ? { taskId: outcome.taskId } : {}),
        kept: (outcome?.kept ?? []).map((k) => ({ field: k.field, reason: k.reason })),
        conflicts: (outcome?.conflicts ?? []).map((c) => ({ field: c.field, conflictId: c.id })),
        ...(entry?.lastError ? { error: entry.lastError } : {}),
      };
    });
    if (ownChangesOnly.length > 0) {
      ctx.transition((append) =>
        append({
          actor: 'human',
          action: 'agent.run.task-changed',
          boardId: agent.board,
          taskId,
          before: Object.fromEntries(ownChangesOnly.map((c) => [c.field, c.before])),
          after: Object.fromEntries(ownChangesOnly.map((c) => [c.field, c.after])),
          reason: `${describeChanges(ownChangesOnly)} since agent ${agent.id} last read it; its ${tool} was merged against that read`,
          operationId: runOperationId(run.id),
        }),
      );
    }
    return {
      taskId,
      effects,
      changedSinceRead: ownChangesOnly.length > 0 ? describeChanges(ownChangesOnly) : null,
    };
  }

  /** Fields of these writes the ownership rules keep from agents (the engine refuses and logs them too). */
  private refusedFields(agent: AgentConfig, writes: PlannedWrite[]): RefusedField[] {
    const rules = this.deps.ownership(agent.board);
    const out: RefusedField[] = [];
    for (const { intent } of writes) {
      if (intent.kind !== 'update') continue;
      for (const r of checkAgentWrite(rules, intent.patch).refused) {
        const rule = rules[r.field as TaskField];
        out.push({
          field: r.field,
          owner: rule?.owner ?? 'unknown',
          policy: rule?.policy ?? 'unknown',
          rule: r.reason,
        });
      }
    }
    return out;
  }

  private async waitDelivered(keys: string[], held: () => string | undefined): Promise<void> {
    const deadline = Date.now() + DELIVERY_WAIT_MS;
    while (Date.now() < deadline) {
      const entries = keys.map((k) => this.deps.engine.outbox.byKey(k));
      if (entries.every((e) => e === undefined || e.state === 'done' || e.state === 'parked')) return;
      if (held()) return;
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The engine's idempotency key for an intent (the one submitIntent returns for it). */
  private keyOf(intent: Intent): string {
    return idempotencyKey(intentSchema.parse(intent));
  }

  // ---------------------------------------------------------------------------
  // Helpers

  private called(agent: AgentConfig, tool: string, taskId?: string): void {
    this.deps.onCall(agent.id, tool);
    this.deps.engine.journal.append({
      actor: actorOf(agent),
      action: 'mcp.call',
      boardId: agent.board,
      ...(taskId ? { taskId } : {}),
      after: { tool },
      reason: `MCP ${tool}`,
    });
  }

  /** Logs why a call did nothing and throws the refusal to the client. */
  private refuse(
    agent: AgentConfig,
    tool: string,
    taskId: string | undefined,
    refusal: ToolRefusal,
    log = true,
  ): never {
    // A refused field is logged by the engine itself (`write.refused`, with field and reason).
    if (log) {
      this.deps.engine.journal.append({
        actor: actorOf(agent),
        action: 'mcp.refused',
        boardId: agent.board,
        ...(taskId ? { taskId } : {}),
        after: { tool, code: refusal.code },
        reason: refusal.message,
      });
    }
    throw refusal;
  }

  private pauseOf(agent: AgentConfig): { by: string; reason: string; at: string | null } | undefined {
    const why = this.deps.runtime.pausedReason(agent);
    if (!why) return undefined;
    const { pauses } = this.deps;
    const pause = [pauses.get('global'), pauses.get('agent', agent.id), pauses.get('board', agent.board)].find(
      (p) => p.paused,
    );
    return { by: pause?.by ?? 'unknown', reason: why, at: pause?.at ?? null };
  }

  /** A paused agent writes nothing: the answer says who paused it and why. */
  private assertActive(agent: AgentConfig, tool: string, taskId: string): void {
    const pause = this.pauseOf(agent);
    if (!pause) return;
    this.refuse(
      agent,
      tool,
      taskId,
      new ToolRefusal('paused', `paused by ${pause.by}: ${pause.reason}; nothing was written`, {
        pausedBy: pause.by,
        why: pause.reason,
        since: pause.at,
      }),
    );
  }

  private assertRouted(agent: AgentConfig, task: Task, columns: BoardColumns): void {
    const route = routeTask(agent, task, columns);
    if (!route.routed) {
      this.refuse(
        agent,
        'get_task',
        task.id,
        new ToolRefusal('not_routed', `task ${task.id} is not routed to ${agent.id}: ${route.reason}`),
      );
    }
  }

  private column(agent: AgentConfig, columns: BoardColumns, target: string, tool: string, taskId: string): string {
    const column = columns.resolve(target);
    if (column) return column;
    this.refuse(
      agent,
      tool,
      taskId,
      new ToolRefusal(
        'invalid',
        `"${target}" is neither a column role nor a column here; columns are: ${columns.names.join(', ')}`,
      ),
    );
  }

  private activeRun(agent: AgentConfig, taskId: string): RunRecord | undefined {
    return this.deps.runtime.runs
      .activeForTask(agent.board, taskId)
      .find((r) => r.agentId === agent.id && (r.state === 'claimed' || r.state === 'waiting-for-human'));
  }

  private adapter(agent: AgentConfig): BoardAdapter {
    const adapter = this.deps.engine.adapterFor(agent.board);
    if (!adapter) throw new ToolRefusal('unavailable', `board ${agent.board} is not connected`);
    return adapter;
  }

  private async columns(agent: AgentConfig): Promise<BoardColumns> {
    await this.deps.runtime.refreshColumns(agent.board, 60_000);
    return this.deps.runtime.columnsOf(agent.board);
  }

  private async context(agent: AgentConfig, run: RunRecord): Promise<RunContext> {
    const columns = await this.columns(agent);
    const ctx = this.deps.runtime.contextFor(run);
    if (!ctx) throw new ToolRefusal('unavailable', `board ${agent.board} is not connected`);
    ctx.columns = columns;
    return ctx;
  }

  private async statusOf(agent: AgentConfig, taskId: string): Promise<string> {
    return (
      this.deps.engine.base.get(agent.board, taskId)?.fields.status ??
      (await this.adapter(agent).getTask(taskId))?.status ??
      ''
    );
  }

  /** The agent read the task: later writes are based on this, so a person's edit after it stays theirs. */
  private rememberRead(run: RunRecord, task: Task): void {
    const { runs } = this.deps.runtime;
    if (!runs.step(run.id, run.round)) runs.startStep(run.id, run.round, 'mcp', { read: 'get_task' });
    runs.saveBasis(run.id, run.round, basisOf(task));
  }

  /** The basis of the agent's last read of its task: this round's, or an earlier round's. */
  private lastRead(run: RunRecord): Basis | undefined {
    for (let round = run.round; round >= 0; round -= 1) {
      const basis = this.deps.runtime.runs.step(run.id, round)?.basis;
      if (basis) return basis;
    }
    return undefined;
  }

  private finishRun(ctx: RunContext, state: 'done', outcome: string, action: LogAction): void {
    ctx.transition((append: Append) => {
      this.deps.runtime.runs.update(ctx.run.id, { state, outcome, finishedAt: new Date().toISOString() });
      append({
        actor: ctx.actor,
        action,
        boardId: ctx.run.boardId,
        ...(ctx.run.taskId ? { taskId: ctx.run.taskId } : {}),
        reason: outcome,
        operationId: runOperationId(ctx.run.id),
      });
    });
  }
}

function actorOf(agent: AgentConfig): string {
  return `agent:${agent.id}`;
}

function reasonOf(tool: string, meta: WriteMeta): string {
  return `MCP ${tool}${meta.reason ? `: ${meta.reason}` : ''}`.slice(0, 2000);
}

/**
 * The idempotency scope of a call: agent, task and tool, then the client's request
 * id, or (without one) the claim and the arguments. The same call retried is the
 * same intent, which the outbox keeps to one effect.
 */
function scopeOf(
  agent: AgentConfig,
  run: RunRecord,
  taskId: string,
  tool: string,
  meta: WriteMeta,
  args: unknown,
): string {
  const call = meta.requestId
    ? `req-${sha256(meta.requestId).slice(0, 24)}`
    : `run-${run.id}-${sha256(canonicalJson(args)).slice(0, 24)}`;
  return `mcp-${sha256(`${agent.id}\0${taskId}`).slice(0, 16)}-${tool}-${call}`;
}

function onlyClaimLabels(before: unknown, after: unknown): boolean {
  const a = new Set((before as string[] | undefined)?.filter((l) => !isClaimLabel(l)) ?? []);
  const b = new Set((after as string[] | undefined)?.filter((l) => !isClaimLabel(l)) ?? []);
  return a.size === b.size && [...a].every((l) => b.has(l));
}

function ownershipView(rules: OwnershipRules) {
  return Object.fromEntries(
    Object.entries(rules).map(([field, rule]) => [
      field,
      { owner: rule.owner, policy: rule.policy, agentMayWrite: rule.owner !== 'human' },
    ]),
  );
}
