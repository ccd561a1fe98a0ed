import type { OwnershipRules } from '../../../shared/ownership';
import { TASK_FIELDS, type FieldPatch, type Task, type TaskField, type TaskFields } from '../../../shared/task';
import { BoardError } from '../boards/contract/errors';
import type { OutboxEntry } from '../store/outbox-repo';
import type { BoardContext } from './board-context';
import { crashPoint } from './crash-points';
import { FORCED_RULES } from './forced-rules';
import type { UpdatePayload } from './intents';
import { applyLabelDelta, mergePatch, normalizeLabels, valuesEqual, type AgentIntentPatch } from './merge';
import type { RefusedWrite } from './ownership';
import { reconcileTask } from './reconcile';

/** What a delivered update did not write, as recorded on its outbox entry (the run that waits on it reads this). */
export interface UpdateResult {
  version?: string;
  kept?: { field: TaskField; value: unknown; reason: string }[];
  conflicts?: { field: TaskField; id: number }[];
}

/**
 * The merge's decision for one update, stored on the outbox entry before the
 * write is sent. If the board's answer is lost, the retry finds it there and
 * sees which of its writes landed, instead of merging again against a board
 * that already holds them (which would hide who lost, or re-apply a label a
 * person removed after the write landed).
 */
export interface UpdateDecision {
  /** The board's values of the written fields before the write. */
  before: FieldPatch;
  toWrite: FieldPatch;
  refused: RefusedWrite[];
  /** Values that lost (logged as field.lost once the write is done). */
  losers: { field: TaskField; lost: unknown; stands: unknown; reason: string }[];
  /** The agent's values the board keeps its own for, and why. */
  kept: { field: TaskField; value: unknown; reason: string }[];
  conflicts: { field: TaskField; base: unknown; human: unknown; agent: unknown }[];
  /** The task as the merge read it (version and board clock), to tell later whether anything wrote to it since. */
  seen?: { version: string; updatedAt: string };
  /**
   * Fields of `toWrite` the last attempt certainly did not write (the board answered 503 before running their
   * request): still as before on the board means "not written yet", never "a person undid it".
   */
  unwritten?: TaskField[];
}

/** "moved to Done by a person during the run; left there", and the like for other fields. */
export function changedSinceRead(field: TaskField, expected: unknown, now: unknown): string {
  const what =
    field === 'status'
      ? `moved to ${String(now)}`
      : `${field} changed from ${JSON.stringify(expected)} to ${JSON.stringify(now)}`;
  return `${what} by a person during the run; left there`;
}

/**
 * Compare-and-set fields (workflow moves) are written only while the board
 * still holds the value the writer saw. A person's change since then stands:
 * the write is dropped from the patch. Under `ask` the field stays in the
 * patch, so the merge opens a conflict instead.
 */
function compareAndSet(
  rules: OwnershipRules,
  payload: UpdatePayload,
  seen: TaskFields,
  remote: Task,
  patch: AgentIntentPatch,
): UpdateDecision['losers'] {
  const skipped: UpdateDecision['losers'] = [];
  for (const field of payload.onlyIfUnchanged ?? []) {
    const value = patch[field];
    if (value === undefined || valuesEqual(remote[field], seen[field]) || valuesEqual(remote[field], value)) continue;
    if (rules[field].policy === 'ask' && rules[field].owner !== 'human') continue;
    delete patch[field];
    skipped.push({
      field,
      lost: value,
      stands: remote[field],
      reason: changedSinceRead(field, seen[field], remote[field]),
    });
  }
  return skipped;
}

/** The three-way merge of the entry against the board now, with `seen` (the writer's basis) as the merge base. */
function decide(ctx: BoardContext, entry: OutboxEntry, remote: Task): UpdateDecision {
  const payload = entry.payload as UpdatePayload;
  const base = ctx.base.get(ctx.boardId, remote.id);
  const baseFields = { ...(base && !base.deleted ? base.fields : remote), ...payload.seen };
  // Ownership is checked again at send time (inside mergePatch): the schema may have changed since queueing.
  const rules = payload.force ? FORCED_RULES : ctx.rules();
  const agentPatch: AgentIntentPatch = { ...payload.set, ...(payload.labels ? { labels: payload.labels } : {}) };
  // The board dates the task; a field the base already holds at its current value keeps the time it changed.
  const remoteFieldChangedAt: Partial<Record<TaskField, number>> = {};
  if (base && !base.deleted) {
    for (const [field, at] of Object.entries(base.changedAt) as [TaskField, string][]) {
      if (valuesEqual(base.fields[field], remote[field])) remoteFieldChangedAt[field] = ctx.clock.toLocalMs(at);
    }
  }
  const skipped = compareAndSet(rules, payload, baseFields, remote, agentPatch);
  const merge = mergePatch(rules, baseFields, remote, agentPatch, {
    remoteChangedAt: ctx.clock.toLocalMs(remote.updatedAt),
    agentChangedAt: entry.intentAtMs,
    remoteFieldChangedAt,
  });
  const before: Record<string, unknown> = {};
  for (const field of Object.keys(merge.toWrite)) before[field] = remote[field as TaskField];
  const losers: UpdateDecision['losers'] = [...skipped];
  for (const r of merge.results) {
    if (!r.loser) continue;
    const stands = r.outcome === 'apply-agent' ? r.value : remote[r.field];
    losers.push({
      field: r.field,
      lost: r.loser.value,
      stands,
      reason: `${r.loser.side}'s value lost under ${rules[r.field].policy}`,
    });
  }
  return {
    before: before as FieldPatch,
    toWrite: merge.toWrite,
    refused: merge.refused,
    losers,
    kept: [
      ...skipped.map((k) => ({ field: k.field, value: k.stands, reason: k.reason })),
      ...merge.results
        .filter((r) => r.outcome === 'keep-remote' && r.loser?.side === 'agent')
        .map((r) => ({ field: r.field, value: remote[r.field], reason: r.reason })),
    ],
    conflicts: merge.conflicts.map((c) => ({
      field: c.field,
      base: baseFields[c.field],
      human: remote[c.field],
      agent: c.agentValue,
    })),
    seen: { version: remote.version, updatedAt: remote.updatedAt },
  };
}

/** `undone?`: looks not landed, but the task was written since, so a person may have undone it. */
type Landed = 'yes' | 'no' | 'unknown' | 'undone?';

/**
 * Did a written field reach the board before its answer was lost? Yes when the
 * board holds what was sent, no when it still holds what was there before, and
 * unknown when a person changed it since. Labels are judged on the labels the
 * write changed only, so a person's other label edits do not blur the answer.
 */
function landed(field: TaskField, before: unknown, sent: unknown, now: unknown, untouched: boolean): Landed {
  if (field !== 'labels') return valuesEqual(now, sent) ? 'yes' : valuesEqual(now, before) ? 'no' : 'unknown';
  const b = new Set(before as string[]);
  const s = new Set(sent as string[]);
  const touched = new Set([...[...s].filter((l) => !b.has(l)), ...[...b].filter((l) => !s.has(l))]);
  const on = (set: Set<string> | string[]): string[] => normalizeLabels([...set].filter((l) => touched.has(l)));
  const current = on(now as string[]);
  if (valuesEqual(current, on(s))) return 'yes';
  if (!valuesEqual(current, on(b))) return 'unknown';
  // The labels look as they did before the write. That is also what a person undoing our landed label change
  // leaves (removing the label we added), so it proves "not landed" only if nothing wrote to the task since.
  return untouched ? 'no' : 'undone?';
}

/**
 * Whether the task is as the merge read it: same version and same board time. Both, because a board may
 * derive its version from the fields (Kanboard), so a person's undo of our write brings the old version back.
 */
function untouchedSince(prior: UpdateDecision, remote: Task): boolean {
  return prior.seen?.version === remote.version && prior.seen.updatedAt === remote.updatedAt;
}

/**
 * A retry of a write whose answer was lost: what landed is done, what did not
 * is sent again (labels as the same change onto today's set), and a field a
 * person changed meanwhile is theirs; the agent's value for it is logged as lost.
 */
function resume(prior: UpdateDecision, remote: Task): { decision: UpdateDecision; toSend: FieldPatch } {
  const decision: UpdateDecision = { ...prior, toWrite: {}, losers: [...prior.losers], kept: [...prior.kept] };
  const toSend: Record<string, unknown> = {};
  const untouched = untouchedSince(prior, remote);
  const unwritten = new Set(prior.unwritten ?? []);
  delete decision.unwritten;
  for (const [field, sent] of Object.entries(prior.toWrite) as [TaskField, unknown][]) {
    const state = landed(field, prior.before[field], sent, remote[field], untouched || unwritten.has(field));
    if (state === 'unknown' || state === 'undone?') {
      const reason =
        state === 'undone?'
          ? `the task changed while Deckhand waited for the board's answer to its ${field} write, and its change is not there: a person may have undone it; not sent again`
          : unwritten.has(field)
            ? `a person changed ${field} before Deckhand's write of it reached the board; left as they made it`
            : `a person changed ${field} while Deckhand waited for the board's answer to its write; left as they made it`;
      decision.losers = decision.losers.filter((l) => l.field !== field);
      decision.losers.push({ field, lost: sent, stands: remote[field], reason });
      decision.kept.push({ field, value: remote[field], reason });
      continue;
    }
    (decision.toWrite as Record<string, unknown>)[field] = sent;
    if (state === 'no') {
      const b = prior.before.labels ?? [];
      const s = sent as string[];
      toSend[field] =
        field === 'labels'
          ? applyLabelDelta(remote.labels, {
              add: s.filter((l) => !b.includes(l)),
              remove: b.filter((l) => !s.includes(l)),
            })
          : sent;
    }
  }
  return { decision, toSend: toSend as FieldPatch };
}

/**
 * Reads, in one batched request, the tasks the first updates of a drain will write: each such delivery then starts
 * from that read instead of one of its own. Only first attempts, only the first entry per task (a later one must
 * see the earlier one's write), and only where the board reads many tasks at once.
 */
export async function prefetchForDelivery(ctx: BoardContext, entries: OutboxEntry[], now = Date.now()): Promise<void> {
  if (!ctx.adapter.getTasks) return;
  const seen = new Set<string>();
  const ids: string[] = [];
  for (const e of entries) {
    const key = e.taskId ?? `create:${e.id}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (e.kind === 'update' && e.taskId && e.attempts === 0 && e.nextAttemptAt <= now) ids.push(e.taskId);
  }
  if (ids.length < 2) return;
  const read = await ctx.adapter.getTasks(ids);
  for (const id of ids) ctx.recent.offer(id, read.get(id) ?? null);
}

export async function deliverUpdate(ctx: BoardContext, entry: OutboxEntry): Promise<void> {
  const taskId = entry.taskId!;
  // Read in this drain, never a shared read of earlier: a person's edit of a moment ago must be merged, not
  // overwritten (the adapter's write then works from this same read instead of asking again).
  const offered = ctx.recent.take(taskId);
  const remote = offered !== undefined ? offered : await ctx.adapter.getTask(taskId);
  ctx.recent.put(taskId, remote);
  if (!remote) throw new PermanentDeliveryError(`task ${taskId} no longer exists on the board`);
  const prior = entry.sent as UpdateDecision | null;
  const fresh = prior ? undefined : decide(ctx, entry, remote);
  const { decision, toSend } = fresh ? { decision: fresh, toSend: fresh.toWrite } : resume(prior!, remote);
  // Absorb whatever the human changed since our base (logged as human edits; our own earlier write as an echo).
  // On a first attempt this entry has not been sent yet, so nothing on the board can be its echo.
  reconcileTask(ctx, remote, 'outbox re-read', entry.attempts === 0 ? { notSent: entry.id } : {});

  let written: Task = remote;
  if (Object.keys(toSend).length > 0) {
    // The decision is committed before the request leaves: a lost answer is then resumed, not re-merged.
    if (!prior) ctx.outbox.markSent(entry.id, decision);
    const sentAt = Date.now();
    // What was read before the write no longer stands; a claim's confirming read must be its own, after the write.
    ctx.recent.forget(taskId);
    try {
      written = await ctx.adapter.updateTask(taskId, toSend);
    } catch (err) {
      noteUnwritten(ctx, entry, prior ?? decision, toSend, err);
      throw err;
    }
    crashPoint('after-board-write');
    ctx.clock.observeWrite(sentAt, written.updatedAt);
  }
  record(ctx, entry, remote, written, decision, toSend);
}

/**
 * After a failed write: which of the fields just sent the board says it certainly did not write. None of them
 * written on a first attempt: the write never happened, so the retry merges afresh. Otherwise the retry knows
 * those fields are still to send (their old value on the board is not a person's undo).
 */
function noteUnwritten(
  ctx: BoardContext,
  entry: OutboxEntry,
  decision: UpdateDecision,
  sent: FieldPatch,
  err: unknown,
): void {
  const said = err instanceof BoardError ? new Set(err.unwritten ?? []) : new Set<string>();
  const unwritten = (Object.keys(sent) as TaskField[]).filter((f) => said.has(f));
  const allOfIt = Object.keys(decision.toWrite).every((f) => unwritten.includes(f as TaskField));
  if (!entry.sent && allOfIt) ctx.outbox.markUnsent(entry.id);
  else ctx.outbox.markSent(entry.id, { ...decision, unwritten });
}

/** Logs the decision once the board has the write, and moves the base on. */
function record(
  ctx: BoardContext,
  entry: OutboxEntry,
  remote: Task,
  written: Task,
  decision: UpdateDecision,
  sent: FieldPatch,
): void {
  const taskId = remote.id;
  ctx.journal.transaction((append) => {
    const at = { boardId: ctx.boardId, taskId, operationId: entry.operationId };
    const asked = entry.payload as Partial<UpdatePayload> | null;
    for (const r of decision.refused) {
      const attempted =
        r.field === 'labels' ? asked?.labels : (asked?.set as Record<string, unknown> | undefined)?.[r.field];
      append({
        ...at,
        actor: entry.actor,
        action: 'write.refused',
        field: r.field,
        ...(remote[r.field] !== undefined ? { before: remote[r.field] } : {}),
        ...(attempted !== undefined ? { after: attempted } : {}),
        reason: r.reason,
      });
    }
    for (const field of Object.keys(decision.toWrite) as (keyof FieldPatch)[]) {
      append({
        ...at,
        actor: entry.actor,
        action: 'field.written',
        field,
        before: decision.before[field],
        after: written[field],
        ...(entry.reason ? { reason: entry.reason } : {}),
      });
    }
    for (const l of decision.losers) {
      append({
        ...at,
        actor: 'system',
        action: 'field.lost',
        field: l.field,
        before: l.lost,
        after: l.stands,
        reason: l.reason,
      });
    }
    const conflictIds: { field: TaskField; id: number }[] = [];
    for (const c of decision.conflicts) {
      const opened = ctx.conflicts.open({
        boardId: ctx.boardId,
        taskId,
        field: c.field,
        base: c.base,
        human: c.human,
        agent: c.agent,
        actor: entry.actor,
        operationId: entry.operationId,
      });
      append({
        ...at,
        actor: 'system',
        action: 'conflict.opened',
        field: c.field,
        before: c.human,
        after: c.agent,
        reason: `both sides changed ${c.field}; waiting for a person (conflict #${opened.id})`,
      });
      conflictIds.push({ field: c.field, id: opened.id });
    }
    if (written !== remote) {
      // The board answers with the whole task: a field we did not write that differs from our re-read is a
      // person's edit that landed while our write was in flight. It is theirs; storing it silently as base would hide it.
      const theirs = TASK_FIELDS.filter((f) => !(f in sent) && !valuesEqual(remote[f], written[f]));
      for (const field of theirs) {
        append({
          ...at,
          actor: 'human',
          action: 'field.changed',
          field,
          before: remote[field],
          after: written[field],
          reason: 'changed on the board while our write was in flight',
        });
      }
      const changedAt = { ...ctx.base.get(ctx.boardId, taskId)?.changedAt };
      for (const field of [...(Object.keys(sent) as TaskField[]), ...theirs]) changedAt[field] = written.updatedAt;
      ctx.base.put(ctx.boardId, written, changedAt);
      if (theirs.length > 0) ctx.hooks.onHumanChange?.({ boardId: ctx.boardId, task: written, fields: theirs });
    }
    const result: UpdateResult = {
      version: written.version,
      ...(decision.kept.length > 0 ? { kept: decision.kept } : {}),
      ...(conflictIds.length > 0 ? { conflicts: conflictIds } : {}),
    };
    ctx.outbox.markDone(entry.id, result);
  });
}

/** A failure no retry will fix (the task is gone, the board refuses the payload). */
export class PermanentDeliveryError extends Error {}
