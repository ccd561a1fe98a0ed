import type { TaskChange } from '../../../shared/model';
import type { Comment, Task } from '../../../shared/task';
import type { UpdateResult } from '../engine/deliver-update';
import { basisOf, type Basis } from '../engine/intents';
import { createLogger } from '../logger';
import type { LogRepo } from '../store/log-repo';
import type { BudgetRepo } from './budget';
import { acquireClaim, ClaimContested, releaseClaim } from './claims';
import { agentCrashPoint } from './crash-points';
import { PausedAtSafePoint } from './effects';
import { excludedBy, isClaimLabel } from './routing';
import { readTaskNow, runOperationId, type RunContext } from './run-context';
import type { RunRecord } from './run-repo';
import { changesSince, describeChanges, taskAsRead } from './task-changes';
import type { AgentInput, AgentOutput, AgentProvider, AgentTaskView, DigestFacts, ProviderResult } from './types';
import { checkProviderUsage } from './usage';
import { planQuestion } from './workflows/ask-human';
import { planBreakdown } from './workflows/breakdown';
import { digestFacts, planDigest } from './workflows/digest';
import { planPickup } from './workflows/pickup';
import type { RunPlan } from './workflows/plan';

const log = createLogger('agents');

/**
 * The provider's result with its usage made safe to store: every provider's numbers pass this last check, and
 * each value clamped or dropped (here or by the provider) is logged, so a silly number never fails the run.
 */
function withSaneUsage(result: ProviderResult, run: RunRecord, providerLabel: string): ProviderResult {
  const checked = checkProviderUsage(result.usage);
  const problems = [...(result.usageProblems ?? []), ...checked.problems];
  if (problems.length === 0) return result;
  log.warn(`run #${run.id} of ${run.agentId}: ${providerLabel} reported unusable usage: ${problems.join('; ')}`);
  return { ...result, usage: checked.usage, usageProblems: problems };
}

/** A failure no retry will fix (the run fails at once; a person can still retry it). */
export class RunFailed extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RunFailed';
  }
}

export interface ExecutorDeps {
  budget: BudgetRepo;
  log: LogRepo;
  provider(): Promise<AgentProvider>;
  /** Aborted when Deckhand shuts down; the run is then resumed on the next start. */
  signal: AbortSignal;
}

const DEFAULT_INSTRUCTIONS: Record<string, string> = {
  pickup:
    'Work on the task below and write your result as notes. If you cannot do it without more information, ' +
    'ask one specific question instead of guessing.',
  breakdown:
    'Break the epic below into concrete subtasks, each small enough for one person in a day or less, ' +
    'each with an estimate. Summarise the plan in notes.',
  digest:
    'Write a short daily digest for the team lead from the activity below: what got done, what waits for ' +
    'people, what failed. Use Markdown bullets. Put it in notes.',
};

/** Stops the run here when a pause applies: nothing new starts after this point. */
function safePoint(ctx: RunContext): void {
  const why = ctx.paused();
  if (why) throw new PausedAtSafePoint(why);
}

function taskView(task: Task): AgentTaskView {
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
  };
}

function buildInput(ctx: RunContext, task: Task | null, comments: Comment[], digest: DigestFacts | null): AgentInput {
  const { run, agent } = ctx;
  return {
    protocol: 1,
    agent: { id: agent.id, role: agent.role ?? agent.workflow, workflow: agent.workflow },
    run: { id: run.id, round: run.round },
    instructions: agent.prompt ?? DEFAULT_INSTRUCTIONS[agent.workflow] ?? '',
    task: task ? taskView(task) : null,
    comments: comments.map((c) => ({ author: c.author, body: c.body, createdAt: c.createdAt })),
    question: run.round > 0 ? run.question : null,
    answer: run.round > 0 ? run.answer : null,
    digest,
  };
}

function setRun(ctx: RunContext, run: RunRecord): void {
  ctx.run = run;
}

/** Ends the run quietly: the task was not its to work (gone, no longer routed, held by someone else). */
function finishSkipped(ctx: RunContext, reason: string): void {
  ctx.transition((append) => {
    setRun(
      ctx,
      ctx.runs.update(ctx.run.id, {
        state: 'done',
        outcome: `skipped: ${reason}`,
        finishedAt: new Date().toISOString(),
      }),
    );
    append({
      actor: ctx.actor,
      action: 'agent.run.skipped',
      boardId: ctx.run.boardId,
      ...(ctx.run.taskId ? { taskId: ctx.run.taskId } : {}),
      reason,
      operationId: runOperationId(ctx.run.id),
    });
  });
}

/** Calls the provider once for this round and persists its output before anything is written anywhere. */
async function callProvider(ctx: RunContext, deps: ExecutorDeps, input: AgentInput, basis?: Basis): Promise<void> {
  const { run } = ctx;
  const provider = await deps.provider();
  const firstCall = ctx.runs.step(run.id, 0) === undefined;
  ctx.transition((append) => {
    // A run counts against the daily budget once, when it first reaches its provider.
    if (firstCall) deps.budget.add(run.agentId, { runs: 1 });
    ctx.runs.startStep(run.id, run.round, provider.label, input);
    if (basis) ctx.runs.saveBasis(run.id, run.round, basis);
    setRun(ctx, ctx.runs.update(run.id, { state: 'running', startedAt: run.startedAt ?? new Date().toISOString() }));
    append({
      actor: ctx.actor,
      action: 'agent.run.started',
      boardId: run.boardId,
      ...(run.taskId ? { taskId: run.taskId } : {}),
      before: {
        provider: provider.label,
        round: run.round,
        task: input.task ? { id: input.task.id, title: input.task.title } : null,
        comments: input.comments.length,
        answer: input.answer,
      },
      reason: run.round > 0 ? 'resuming with the answer' : `attempt ${run.attempt + 1}`,
      operationId: runOperationId(run.id),
    });
  });
  const started = Date.now();
  const result = withSaneUsage(await provider.run({ input, signal: deps.signal }), run, provider.label);
  const durationMs = Date.now() - started;
  ctx.transition((append) => {
    ctx.runs.finishStep(run.id, run.round, result, durationMs);
    ctx.runs.addUsage(run.id, result.usage, durationMs);
    deps.budget.add(run.agentId, {
      tokens: result.usage.inputTokens + result.usage.outputTokens,
      cost: result.usage.cost,
    });
    setRun(ctx, ctx.runs.get(run.id)!);
    append({
      actor: ctx.actor,
      action: 'agent.run.output',
      boardId: run.boardId,
      ...(run.taskId ? { taskId: run.taskId } : {}),
      after: {
        notes: result.output.notes.slice(0, 500),
        ...(result.output.question ? { question: result.output.question } : {}),
        ...(result.output.subtasks ? { subtasks: result.output.subtasks.length } : {}),
        tokensIn: result.usage.inputTokens,
        tokensOut: result.usage.outputTokens,
        cost: result.usage.cost,
        ...(result.usageProblems ? { usageProblems: result.usageProblems } : {}),
        durationMs,
      },
      reason: provider.label,
      operationId: runOperationId(run.id),
    });
  });
  agentCrashPoint('after-output');
}

/** Submits every write of the plan (replays are no-ops), waits for the board, then moves the run on. */
async function applyPlan(ctx: RunContext, plan: RunPlan): Promise<void> {
  safePoint(ctx);
  const submitted = plan.intents.map((p) => ({ step: p.step, result: ctx.effects.submit(p.intent) }));
  const keys = submitted.map(({ step, result }) => ({ step, key: result.idemKey }));
  // Fields ownership kept out of the writes: the outcome says so, instead of reading as if all of it landed.
  const refused = submitted.flatMap(({ result }) => result.refused);
  await ctx.effects.delivered(
    keys.map((k) => k.key),
    ctx.held,
    (done) => {
      if (done > 0) agentCrashPoint('mid-apply');
    },
  );
  const { run } = ctx;
  const now = new Date().toISOString();
  const at = {
    actor: ctx.actor,
    boardId: run.boardId,
    ...(run.taskId ? { taskId: run.taskId } : {}),
    operationId: runOperationId(run.id),
  };
  const end = plan.end;
  if (end.kind === 'ask') {
    const questionKey = keys.find((k) => k.step === 'ask-comment')!.key;
    ctx.transition((append) => {
      setRun(
        ctx,
        ctx.runs.update(run.id, {
          state: 'waiting-for-human',
          question: end.question,
          questionKey,
          askedAt: now,
          answer: null,
          notifiedAt: null,
          resumeRequested: false,
        }),
      );
      append({ ...at, action: 'agent.run.waiting', after: end.question, reason: 'waiting for a person to answer' });
    });
    return;
  }
  const finish = finishingOutcome(ctx, keys.find((k) => k.step === 'done')?.key, withRefused(end.outcome, refused));
  if (finish.skipped) {
    if (run.taskId) ctx.claims.release(run.boardId, run.taskId, run.id);
    return finishSkipped(ctx, finish.outcome);
  }
  const digestKey = keys.find((k) => k.step === 'digest')?.key;
  const created = digestKey ? (ctx.engine.outbox.byKey(digestKey)?.result as { taskId?: string } | null) : null;
  if (run.taskId) ctx.claims.release(run.boardId, run.taskId, run.id);
  ctx.transition((append) => {
    setRun(
      ctx,
      ctx.runs.update(run.id, {
        state: 'done',
        outcome: finish.outcome,
        error: null,
        finishedAt: now,
        ...(created?.taskId ? { resultTaskId: created.taskId } : {}),
      }),
    );
    append({
      ...at,
      action: 'agent.run.done',
      after: {
        outcome: finish.outcome,
        tokensIn: ctx.run.tokensIn,
        tokensOut: ctx.run.tokensOut,
        cost: ctx.run.cost,
        durationMs: ctx.run.durationMs,
        ...(created?.taskId ? { createdTask: created.taskId } : {}),
      },
      reason: finish.outcome,
    });
  });
}

/**
 * The planned outcome with what ownership refused: "completed; not moved
 * (status is owned by humans...); not written: agentNotes is owned by humans...".
 */
export function withRefused(outcome: string, refused: readonly { field: string; reason: string }[]): string {
  if (refused.length === 0) return outcome;
  const moveRefused = refused.some((r) => r.field === 'status');
  const planned = moveRefused ? outcome.replace(/^completed; moved to [^;(]*/, 'completed; not moved') : outcome;
  const fields = [...new Set(refused.map((r) => r.reason))];
  return `${planned.trimEnd()}; not written: ${fields.join('; ')}`;
}

/**
 * The run's outcome once its finishing write is on the board, saying what of it
 * did not apply. A card a person moved to a done column while the agent worked
 * stays there, and the run ends as skipped (its notes are still delivered).
 */
function finishingOutcome(
  ctx: RunContext,
  key: string | undefined,
  planned: string,
): { outcome: string; skipped: boolean } {
  const result = key ? (ctx.engine.outbox.byKey(key)?.result as UpdateResult | null) : null;
  if (!result) return { outcome: planned, skipped: false };
  const moveKept = result.kept?.find((k) => k.field === 'status');
  const moveAsked = result.conflicts?.find((c) => c.field === 'status');
  const others = (result.kept ?? [])
    .filter((k) => k.field !== 'status')
    .map((k) => `${k.field} not written: ${k.reason}`);
  others.push(
    ...(result.conflicts ?? [])
      .filter((c) => c.field !== 'status')
      .map((c) => `${c.field} waits for you in conflict #${c.id}`),
  );
  const tail = others.length > 0 ? `; ${others.join('; ')}` : '';
  if (moveAsked) {
    const theirs = String(ctx.engine.conflicts.get(moveAsked.id)?.human ?? '');
    const where = `a person moved it to ${theirs} while the agent worked; the move waits for you in conflict #${moveAsked.id}`;
    return ctx.columns.is('done', theirs)
      ? { outcome: `${where}; notes delivered${tail}`, skipped: true }
      : { outcome: `completed; ${where}${tail}`, skipped: false };
  }
  if (moveKept) {
    const theirs = String(moveKept.value);
    return ctx.columns.is('done', theirs)
      ? { outcome: `${moveKept.reason}; notes delivered${tail}`, skipped: true }
      : { outcome: `completed; ${moveKept.reason}${tail}`, skipped: false };
  }
  return { outcome: `${planned}${tail}`, skipped: false };
}

/** Reads the task and its comments for a round, and checks it is still the run's to touch. */
async function readTask(ctx: RunContext): Promise<{ task: Task; comments: Comment[] } | { skip: string }> {
  const task = await ctx.adapter.getTask(ctx.run.taskId!);
  if (!task) return { skip: 'the task no longer exists' };
  // The claim may have moved the task out of a route column; from here on only an exclusion takes it away.
  const excluded = excludedBy(ctx.agent, task);
  if (excluded) return { skip: `a person labelled it ${excluded}` };
  const rival = task.labels.find((l) => isClaimLabel(l) && l !== ctx.claimLabel);
  if (rival && !task.labels.includes(ctx.claimLabel)) return { skip: `claimed on the board by ${rival}` };
  const comments = ctx.adapter.capabilities.comments ? await ctx.adapter.listComments(task.id) : [];
  return { task, comments };
}

function planFor(ctx: RunContext, task: Task, output: AgentOutput): RunPlan {
  if (output.question) {
    if (ctx.run.round + 1 >= ctx.settings.maxRounds) {
      throw new RunFailed(
        `the agent asked ${ctx.run.round + 1} questions without finishing; a person should take over. ` +
          `Last question: ${output.question}`,
      );
    }
    return planQuestion(ctx, task, output, output.question);
  }
  return ctx.agent.workflow === 'breakdown' ? planBreakdown(ctx, task, output) : planPickup(ctx, task, output);
}

/** pickup and breakdown: claim (once per round), call the provider (once per round), apply the plan (replayable). */
async function executeTaskRun(ctx: RunContext, deps: ExecutorDeps): Promise<void> {
  if (ctx.run.claimedRound !== ctx.run.round) {
    safePoint(ctx);
    const claim = await acquireClaim(ctx);
    if (claim.kind === 'skipped') {
      await releaseClaim(ctx, { restoreStatus: ctx.run.originalStatus, step: 'skip' });
      return finishSkipped(ctx, claim.reason);
    }
    if (claim.kind === 'contested') throw new ClaimContested(claim.reason);
    ctx.transition((append) => {
      setRun(
        ctx,
        ctx.runs.update(ctx.run.id, {
          state: 'claimed',
          claimedRound: ctx.run.round,
          originalStatus: ctx.run.originalStatus ?? claim.originalStatus,
        }),
      );
      append({
        actor: ctx.actor,
        action: 'agent.run.claimed',
        boardId: ctx.run.boardId,
        taskId: ctx.run.taskId!,
        after: { label: ctx.claimLabel, status: claim.task.status },
        reason: `claimed (was in ${claim.originalStatus})`,
        operationId: runOperationId(ctx.run.id),
      });
    });
  }

  let step = ctx.runs.step(ctx.run.id, ctx.run.round);
  if (!step?.output) {
    safePoint(ctx);
    const read = await readTask(ctx);
    if ('skip' in read) {
      await releaseClaim(ctx, { restoreStatus: ctx.run.originalStatus, step: 'skip' });
      return finishSkipped(ctx, read.skip);
    }
    await callProvider(ctx, deps, buildInput(ctx, read.task, read.comments, null), basisOf(read.task));
    step = ctx.runs.step(ctx.run.id, ctx.run.round)!;
  }

  let plan = step.plan as RunPlan | null;
  if (!plan) {
    safePoint(ctx);
    const now = await readTaskNow(ctx, ctx.run.taskId!);
    if (!now) return finishSkipped(ctx, 'the task was deleted before the result could be written');
    // The plan is made from what the agent read, not from now; a round persisted before bases were recorded has none.
    ctx.basis = step.basis ?? basisOf(now);
    noticeChanges(ctx, changesSince(ctx.basis, now));
    plan = planFor(ctx, taskAsRead(ctx.basis, now), step.output!);
    ctx.runs.savePlan(ctx.run.id, ctx.run.round, plan);
  }
  await applyPlan(ctx, plan);
}

/** A person changed the task while the agent worked: the run says so in its log and its detail. */
function noticeChanges(ctx: RunContext, changes: TaskChange[]): void {
  if (changes.length === 0) return;
  ctx.transition((append) => {
    ctx.runs.saveChanges(ctx.run.id, ctx.run.round, changes);
    append({
      actor: 'human',
      action: 'agent.run.task-changed',
      boardId: ctx.run.boardId,
      taskId: ctx.run.taskId!,
      before: Object.fromEntries(changes.map((c) => [c.field, c.before])),
      after: Object.fromEntries(changes.map((c) => [c.field, c.after])),
      reason: `${describeChanges(changes)} while agent ${ctx.agent.id} worked; its writes are merged against what it read`,
      operationId: runOperationId(ctx.run.id),
    });
  });
}

/** digest: gather the day's facts, call the provider once, create the one digest task of the day. */
async function executeDigestRun(ctx: RunContext, deps: ExecutorDeps): Promise<void> {
  const date = ctx.run.dedupeKey?.split(':').pop() ?? '';
  let step = ctx.runs.step(ctx.run.id, 0);
  if (!step?.output) {
    safePoint(ctx);
    const facts = digestFacts({ log: deps.log, base: ctx.engine.base, runs: ctx.runs }, ctx.run.boardId, date);
    await callProvider(ctx, deps, buildInput(ctx, null, [], facts));
    step = ctx.runs.step(ctx.run.id, 0)!;
  }
  let plan = step.plan as RunPlan | null;
  if (!plan) {
    plan = planDigest(ctx, step.output!, date);
    ctx.runs.savePlan(ctx.run.id, 0, plan);
  }
  await applyPlan(ctx, plan);
}

/**
 * Takes a run from wherever it stopped (queued, after a pause, after a crash)
 * to its next resting state: done, waiting for a person, or an error for the
 * scheduler to retry or fail. Every step is derived from what is persisted,
 * so running it again never repeats an effect.
 */
export function executeRun(ctx: RunContext, deps: ExecutorDeps): Promise<void> {
  return ctx.agent.workflow === 'digest' ? executeDigestRun(ctx, deps) : executeTaskRun(ctx, deps);
}
