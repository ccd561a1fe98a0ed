/**
 * The three-way merge an agent write goes through just before it leaves
 * (design/sync.md): base = the last synced state, remote = the board now (what
 * people did), agent = the agent's intent. Pure: no I/O, no clock; the caller
 * passes change times. Every value that loses is returned with its side so the
 * engine can log it; nothing is dropped silently.
 *
 * Decisions:
 * - Owner `human` is enforced here too (not only by checkAgentWrite): a
 *   human-owned field is never written, whatever the policy.
 * - last-write-wins: the agent wins only when its change time is strictly
 *   later. Ties, and unknown (non-finite) times, go to the human: the board is
 *   left as people made it, which is also the outcome that writes nothing.
 * - Labels: the agent's change is a delta `{add, remove}` taken against the
 *   base when the intent was made, and is always applied onto the current
 *   remote set: `(remote − remove) ∪ add`. Replaying it is idempotent, and a
 *   stale list can never bring back a label a person removed. The policy only
 *   decides whether that delta is applied when people changed labels too:
 *   merge and agent-wins apply it; human-wins keeps remote; last-write-wins
 *   applies it when the agent's change is later; ask opens a conflict.
 * - `unchanged` means the board already holds the final value and nobody lost
 *   (including "nobody changed it" and "both made the same change");
 *   `keep-remote` means the agent's value differs from the board's and the
 *   board's stands.
 */
import type { FieldRule, OwnershipRules } from '../../../shared/ownership';
import { TASK_FIELDS, type FieldPatch, type TaskField, type TaskFields } from '../../../shared/task';
import { checkAgentWrite, type RefusedWrite } from './ownership';

/** An agent's change to the label set, relative to the base it saw. */
export interface LabelDelta {
  add: string[];
  remove: string[];
}

/** What an agent asks for: plain values, except labels, which are a delta. */
export type AgentIntentPatch = Omit<FieldPatch, 'labels'> & { labels?: LabelDelta };

/** Change times in epoch ms on one clock (the engine maps board time onto it). */
export interface MergeTimes {
  /** When the board's current value was last changed. */
  remoteChangedAt: number;
  /** When the agent made its intent. */
  agentChangedAt: number;
  /** Per field, when the board's value was set, where known more precisely than `remoteChangedAt`. */
  remoteFieldChangedAt?: Partial<Record<TaskField, number>>;
}

export type MergeOutcome = 'apply-agent' | 'keep-remote' | 'unchanged' | 'conflict';
export type Side = 'human' | 'agent';

export interface FieldMergeResult<F extends TaskField = TaskField> {
  field: F;
  outcome: MergeOutcome;
  /** The field's final value: what to write for apply-agent, the board's value otherwise; absent for conflict. */
  value?: TaskFields[F];
  /** The value that lost, and whose it was; log it with both sides. */
  loser?: { side: Side; value: TaskFields[F] };
  /** Why, in words, for the sync log. */
  reason: string;
}

/** A field waiting for a person: base, human and agent side by side. */
export interface FieldConflict<F extends TaskField = TaskField> {
  field: F;
  base: TaskFields[F];
  remote: TaskFields[F];
  /** The agent's value; for labels, its delta applied to the base. */
  agentValue: TaskFields[F];
  /** Labels only: the delta itself, so "take the agent's side" can apply it onto the then-current set. */
  labelDelta?: LabelDelta;
}

/** For labels the agent value may be a delta or, for convenience, a full list (turned into a delta against base). */
export type AgentValue<F extends TaskField> = F extends 'labels' ? LabelDelta | string[] : TaskFields[F];

export interface FieldMergeInput<F extends TaskField> extends MergeTimes {
  field: F;
  rule: FieldRule;
  base: TaskFields[F];
  remote: TaskFields[F];
  agent: AgentValue<F>;
}

export interface PatchMergeResult {
  /** One result per field the agent was allowed to write, in TASK_FIELDS order. */
  results: FieldMergeResult[];
  /** Only fields whose final value differs from the board's. */
  toWrite: FieldPatch;
  conflicts: FieldConflict[];
  /** Fields the agent may not write at all (owned by humans). */
  refused: RefusedWrite[];
}

// ---------------------------------------------------------------------------
// Labels

/** Deduplicated and sorted, so equal sets compare equal. */
export function normalizeLabels(labels: readonly string[]): string[] {
  return [...new Set(labels)].sort();
}

/** The delta that turns `base` into `next`. add and remove are disjoint and sorted. */
export function labelDelta(base: readonly string[], next: readonly string[]): LabelDelta {
  const b = new Set(base);
  const n = new Set(next);
  return {
    add: normalizeLabels([...n].filter((l) => !b.has(l))),
    remove: normalizeLabels([...b].filter((l) => !n.has(l))),
  };
}

/** `(labels − remove) ∪ add`, sorted. Applying the same delta twice gives the same set. */
export function applyLabelDelta(labels: readonly string[], delta: LabelDelta): string[] {
  const remove = new Set(delta.remove);
  return normalizeLabels([...labels.filter((l) => !remove.has(l)), ...delta.add]);
}

/** Three-way set merge: `(base − removed by either) ∪ added by either`, sorted. Commutative in a and b. */
export function mergeLabelSets(base: readonly string[], a: readonly string[], b: readonly string[]): string[] {
  const da = labelDelta(base, a);
  const db = labelDelta(base, b);
  const removed = new Set([...da.remove, ...db.remove]);
  return normalizeLabels([...base.filter((l) => !removed.has(l)), ...da.add, ...db.add]);
}

/** Deep for arrays (compared as sorted sets), strict otherwise. */
export function valuesEqual(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) {
    const x = normalizeLabels(a as string[]);
    const y = normalizeLabels(b as string[]);
    return x.length === y.length && x.every((v, i) => v === y[i]);
  }
  return a === b;
}

function agentIsLater(times: MergeTimes): boolean {
  // NaN compares false, so an unknown time goes to the human, like a tie.
  return Number.isFinite(times.agentChangedAt) && Number.isFinite(times.remoteChangedAt)
    ? times.agentChangedAt > times.remoteChangedAt
    : false;
}

// ---------------------------------------------------------------------------
// One field

type AnyResult = FieldMergeResult;
type Value = TaskFields[TaskField];

function mergeScalar(
  field: TaskField,
  rule: FieldRule,
  base: Value,
  remote: Value,
  agent: Value,
  times: MergeTimes,
): AnyResult {
  const keep = (reason: string, loser?: AnyResult['loser']): AnyResult => ({
    field,
    outcome: 'keep-remote',
    value: remote,
    ...(loser ? { loser } : {}),
    reason,
  });
  const apply = (reason: string, loser?: AnyResult['loser']): AnyResult => ({
    field,
    outcome: 'apply-agent',
    value: agent,
    ...(loser ? { loser } : {}),
    reason,
  });

  if (valuesEqual(agent, remote)) {
    return { field, outcome: 'unchanged', value: remote, reason: "the board already has the agent's value" };
  }
  if (valuesEqual(agent, base)) return keep('only the human changed it since the base');
  if (rule.owner === 'human') return keep(`${field} is owned by humans`, { side: 'agent', value: agent });
  if (valuesEqual(remote, base)) return apply('only the agent changed it since the base');

  const agentLoses = { side: 'agent' as const, value: agent };
  const humanLoses = { side: 'human' as const, value: remote };
  switch (rule.policy) {
    case 'human-wins':
      return keep('both changed it; human-wins', agentLoses);
    case 'agent-wins':
      return apply('both changed it; agent-wins', humanLoses);
    case 'last-write-wins':
      return agentIsLater(times)
        ? apply("both changed it; last-write-wins: the agent's change is later", humanLoses)
        : keep("both changed it; last-write-wins: the human's change is later or at the same time", agentLoses);
    case 'ask':
    case 'merge': // merge is only valid for labels; validated rules never get here, and asking is the safe reading
      return { field, outcome: 'conflict', reason: `both changed it; ${rule.policy}: waiting for a person` };
  }
}

function mergeLabels(
  rule: FieldRule,
  baseIn: readonly string[],
  remoteIn: readonly string[],
  agentIn: LabelDelta | readonly string[],
  times: MergeTimes,
): { result: AnyResult; delta: LabelDelta; agentList: string[] } {
  const base = normalizeLabels(baseIn);
  const remote = normalizeLabels(remoteIn);
  const delta = isDelta(agentIn)
    ? { add: normalizeLabels(agentIn.add), remove: normalizeLabels(agentIn.remove) }
    : labelDelta(base, agentIn);
  const agentList = applyLabelDelta(base, delta);
  const onRemote = applyLabelDelta(remote, delta);
  const field = 'labels' as const;
  const out = (result: AnyResult) => ({ result, delta, agentList });

  if (valuesEqual(agentList, base)) {
    // The delta is a no-op against the base: it at most restates labels people have since changed.
    return valuesEqual(remote, base)
      ? out({ field, outcome: 'unchanged', value: remote, reason: 'nobody changed it since the base' })
      : out({ field, outcome: 'keep-remote', value: remote, reason: 'only the human changed it since the base' });
  }
  if (valuesEqual(onRemote, remote)) {
    return out({ field, outcome: 'unchanged', value: remote, reason: "the board already reflects the agent's change" });
  }
  const keep = (reason: string) =>
    out({ field, outcome: 'keep-remote', value: remote, loser: { side: 'agent', value: agentList }, reason });
  if (rule.owner === 'human') return keep('labels are owned by humans');
  const apply = (reason: string) => {
    // A human change is lost when the delta flips a label the human added or removed since the base.
    const flipped = normalizeLabels([...remote, ...onRemote]).filter(
      (l) => remote.includes(l) !== onRemote.includes(l),
    );
    const reverted = flipped.some((l) => base.includes(l) !== remote.includes(l));
    return out({
      field,
      outcome: 'apply-agent',
      value: onRemote,
      ...(reverted ? { loser: { side: 'human' as const, value: remote } } : {}),
      reason,
    });
  };
  if (valuesEqual(remote, base)) return apply('only the agent changed it since the base');

  switch (rule.policy) {
    case 'merge':
      return apply("both changed it; merge: both sides' adds and removes kept");
    case 'agent-wins':
      return apply("both changed it; agent-wins: the agent's adds and removes applied to the board's set");
    case 'human-wins':
      return keep('both changed it; human-wins');
    case 'last-write-wins':
      return agentIsLater(times)
        ? apply("both changed it; last-write-wins: the agent's change is later")
        : keep("both changed it; last-write-wins: the human's change is later or at the same time");
    case 'ask':
      return out({ field, outcome: 'conflict', reason: 'both changed it; ask: waiting for a person' });
  }
}

function isDelta(v: LabelDelta | readonly string[]): v is LabelDelta {
  return !Array.isArray(v);
}

/** Merges one field. See the module comment for the rules. */
export function mergeField<F extends TaskField>(input: FieldMergeInput<F>): FieldMergeResult<F> {
  return mergeFieldWithConflict(input).result as FieldMergeResult<F>;
}

function mergeFieldWithConflict<F extends TaskField>(
  input: FieldMergeInput<F>,
): { result: AnyResult; conflict?: FieldConflict } {
  const { field, rule, base, remote } = input;
  if (field === 'labels') {
    const agent = input.agent as LabelDelta | string[];
    const { result, delta, agentList } = mergeLabels(rule, base as string[], remote as string[], agent, input);
    if (result.outcome !== 'conflict') return { result };
    return {
      result,
      conflict: {
        field: 'labels',
        base: normalizeLabels(base as string[]),
        remote: normalizeLabels(remote as string[]),
        agentValue: agentList,
        labelDelta: delta,
      },
    };
  }
  const agent = input.agent as Value;
  const result = mergeScalar(field, rule, base, remote, agent, input);
  return result.outcome === 'conflict' ? { result, conflict: { field, base, remote, agentValue: agent } } : { result };
}

// ---------------------------------------------------------------------------
// A whole patch

/**
 * Merges an agent's intent into the board's current task. Fields owned by
 * humans are refused before merging; only fields whose final value differs
 * from the board's end up in `toWrite`.
 */
export function mergePatch(
  rules: OwnershipRules,
  base: TaskFields,
  remote: TaskFields,
  agent: AgentIntentPatch,
  times: MergeTimes,
): PatchMergeResult {
  const { allowed, refused } = checkAgentWrite(rules, agent);
  const results: FieldMergeResult[] = [];
  const conflicts: FieldConflict[] = [];
  const toWrite: Record<string, unknown> = {};
  for (const field of TASK_FIELDS) {
    const value = allowed[field];
    if (value === undefined) continue;
    const { result, conflict } = mergeFieldWithConflict({
      field,
      rule: rules[field],
      base: base[field],
      remote: remote[field],
      agent: value as AgentValue<typeof field>,
      agentChangedAt: times.agentChangedAt,
      remoteChangedAt: times.remoteFieldChangedAt?.[field] ?? times.remoteChangedAt,
    });
    results.push(result);
    if (conflict) conflicts.push(conflict);
    if (result.outcome === 'apply-agent' && !valuesEqual(result.value, remote[field])) toWrite[field] = result.value;
  }
  return { results, toWrite: toWrite as FieldPatch, conflicts, refused };
}

/**
 * Turns a plain patch into an intent at the moment the agent makes it: labels
 * become a delta against the base the agent saw. Do this before the intent is
 * stored, so a replay later applies the same change, not a stale list.
 */
export function intentFromPatch(base: TaskFields, patch: FieldPatch): AgentIntentPatch {
  const { labels, ...rest } = patch;
  return labels === undefined ? rest : { ...rest, labels: labelDelta(base.labels, labels) };
}
