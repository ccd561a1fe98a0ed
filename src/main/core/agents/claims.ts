import type { Task } from '../../../shared/task';
import { basisOf } from '../engine/intents';
import { ACTIVE_STATES } from './types';
import { excludedBy, isClaimLabel, routeTask } from './routing';
import { runOperationId, runScope, type RunContext } from './run-context';

export type ClaimOutcome =
  | { kind: 'claimed'; task: Task; originalStatus: string }
  /** Not this run's to work: gone, no longer routed, or held by someone else. The run ends quietly. */
  | { kind: 'skipped'; reason: string }
  /** Another claim landed at the same moment; both back off and try again later. */
  | { kind: 'contested'; reason: string };

export class ClaimContested extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClaimContested';
  }
}

/**
 * Reads the task into the engine's base first: label writes are sent as a
 * delta against the base, so a label only the board has (a person's edit not
 * yet reconciled) could not be removed otherwise.
 */
async function syncTask(ctx: RunContext, taskId: string): Promise<void> {
  if (!ctx.engine.hasBoard(ctx.run.boardId)) return;
  // Fresh, or the engine's read of a moment ago (the one that queued this run), batched with other reads.
  await ctx.engine.runner(ctx.run.boardId).readTask(taskId);
}

/** Claim labels on the task other than ours. */
function foreignClaims(ctx: RunContext, task: Task): string[] {
  return task.labels.filter((l) => isClaimLabel(l) && l !== ctx.claimLabel);
}

/**
 * Takes the run's task in this instance (one row per task) so no other agent
 * here can hold it at the same time. A row left by a run that is no longer
 * active is stale and taken over.
 */
function takeLocally(ctx: RunContext, taskId: string): string | undefined {
  const { run, claims, runs } = ctx;
  const claim = { boardId: run.boardId, taskId, agentId: run.agentId, runId: run.id, label: ctx.claimLabel };
  let holder = claims.take(claim);
  if (holder.runId === run.id) return undefined;
  const other = runs.get(holder.runId);
  if (other && ACTIVE_STATES.includes(other.state)) return `held by agent ${holder.agentId} (run #${holder.runId})`;
  claims.release(run.boardId, taskId, holder.runId);
  holder = claims.take(claim);
  return holder.runId === run.id ? undefined : `held by agent ${holder.agentId} (run #${holder.runId})`;
}

/**
 * Claims the run's task on the board, as design/agents.md asks: move it to the
 * working column and add this instance's claim label, wait until the board has
 * it, then re-read to confirm. Two instances that claim at the same moment both
 * see each other's label on the re-read and back off (write-then-read cannot
 * let both through); a label left by an instance that went away is removed once
 * it is older than the stale limit.
 */
export async function acquireClaim(ctx: RunContext): Promise<ClaimOutcome> {
  const { run, agent, adapter, columns } = ctx;
  const taskId = run.taskId!;
  const local = takeLocally(ctx, taskId);
  if (local) return { kind: 'skipped', reason: local };
  const skip = (reason: string): ClaimOutcome => {
    ctx.claims.release(run.boardId, taskId, run.id);
    return { kind: 'skipped', reason };
  };

  await syncTask(ctx, taskId);
  const task = await adapter.getTask(taskId);
  if (!task) return skip('the task no longer exists');
  const ours = task.labels.includes(ctx.claimLabel);
  // The run's original column is recorded with its claim's write, before that reaches the board: a run that has
  // one and finds the card in the working column began claiming it (a crash, an outage or a contest cut it off
  // after the move), so the card is its own to claim again. Anywhere else, a person moved it: claim it afresh.
  const begun = run.originalStatus !== null && columns.is('working', task.status);
  const held = ours || begun || run.claimedRound !== null;
  // A first claim needs a routed, startable task; a run that already holds it (resuming after an answer or a
  // crash) keeps it unless a person excluded it.
  const excluded = excludedBy(agent, task);
  if (excluded) return skip(`labelled ${excluded}`);
  if (!held) {
    const route = routeTask(agent, task, columns);
    if (!route.startable) return skip(route.routed ? route.reason : `not routed to this agent: ${route.reason}`);
  }

  const now = Date.now();
  const foreign = foreignClaims(ctx, task);
  ctx.claims.forgetForeign(run.boardId, taskId, foreign);
  const stale: string[] = [];
  for (const label of foreign) {
    const seen = ctx.claims.foreignFirstSeen(run.boardId, taskId, label, now);
    if (now - seen < ctx.settings.staleClaimMs) return skip(`claimed on the board by ${label.slice('claim:'.length)}`);
    stale.push(label);
  }

  const working = columns.role('working');
  const labels = [...task.labels.filter((l) => !stale.includes(l)), ...(ours ? [] : [ctx.claimLabel])];
  const patch = { labels, ...(working && working !== task.status ? { status: working } : {}) };
  // Where the task came from, in the transaction that queues the move: failing or restarting, the run knows it.
  const result = ctx.transition(() => {
    if (ctx.run.originalStatus === null) ctx.run = ctx.runs.update(run.id, { originalStatus: task.status });
    return ctx.effects.submit({
      kind: 'update',
      boardId: run.boardId,
      taskId,
      actor: ctx.actor,
      patch,
      basis: basisOf(task),
      // The claim's move is compare-and-set: a person who moved the card since it was read keeps it there.
      ...('status' in patch ? { onlyIfUnchanged: ['status' as const] } : {}),
      reason: `claim for run #${run.id}${stale.length ? `; released stale claim ${stale.join(', ')}` : ''}`,
      scope: runScope(run, 'claim'),
    });
  });
  if (stale.length > 0) {
    ctx.transition((append) =>
      append({
        actor: ctx.actor,
        action: 'agent.claim.stale-released',
        boardId: run.boardId,
        taskId,
        before: stale,
        reason: `claim label older than ${Math.round(ctx.settings.staleClaimMs / 60_000)} min; its holder went away`,
        operationId: runOperationId(run.id),
      }),
    );
  }
  await ctx.effects.delivered([result.idemKey], ctx.held);

  const confirmed = await adapter.getTask(taskId);
  if (!confirmed) return skip('the task was deleted while claiming it');
  const labelsWritable = !result.refused.some((r) => r.field === 'labels');
  const rival = foreignClaims(ctx, confirmed);
  if (rival.length > 0 || (labelsWritable && !confirmed.labels.includes(ctx.claimLabel))) {
    await releaseClaim(ctx, { restoreStatus: null, step: 'back-off' });
    return { kind: 'contested', reason: `claimed at the same moment by ${rival.join(', ') || 'someone else'}` };
  }
  return { kind: 'claimed', task: confirmed, originalStatus: ctx.run.originalStatus ?? task.status };
}

/**
 * Gives the task back: removes the claim label and, when the run failed while
 * the task still sits in the working column, moves it back where it was. The
 * write goes through the outbox (no wait), so a failing board cannot wedge it.
 */
export async function releaseClaim(
  ctx: RunContext,
  options: { restoreStatus: string | null; step: string; why?: string },
): Promise<void> {
  const { run } = ctx;
  const taskId = run.taskId;
  if (!taskId) return;
  ctx.claims.release(run.boardId, taskId, run.id);
  await syncTask(ctx, taskId).catch(() => undefined);
  const task = await ctx.adapter.getTask(taskId).catch(() => null);
  const synced = ctx.engine.base.get(run.boardId, taskId);
  const read: Task | undefined =
    task ??
    (synced && !synced.deleted
      ? { ...synced.fields, id: taskId, version: synced.version, updatedAt: synced.updatedAt }
      : undefined);
  if (!read) return;
  const base = read;
  const basis = basisOf(read);
  const restore =
    options.restoreStatus && ctx.columns.is('working', base.status) && options.restoreStatus !== base.status
      ? { status: options.restoreStatus }
      : {};
  if (!base.labels.includes(ctx.claimLabel) && !('status' in restore)) return;
  ctx.effects.submit({
    kind: 'update',
    boardId: run.boardId,
    taskId,
    actor: ctx.actor,
    patch: { labels: base.labels.filter((l) => l !== ctx.claimLabel), ...restore },
    basis,
    // Restoring the column is compare-and-set: only while the card still sits in the working column.
    ...('status' in restore ? { onlyIfUnchanged: ['status' as const] } : {}),
    reason:
      `run #${run.id} released its claim (${options.step})` +
      ('status' in restore ? `; back to ${restore.status} so routing can start it again` : '') +
      (options.why ? `: ${options.why.slice(0, 500)}` : ''),
    scope: runScope(run, `release-${options.step}-${run.attempt}`),
  });
}
