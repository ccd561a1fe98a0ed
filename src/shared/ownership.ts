/**
 * Field ownership: the per-board sync schema (see design/sync.md). Who may
 * write each task field, and how a conflict on it is settled. Plain data and
 * zod only, so the ownership editor in the renderer validates exactly like
 * the core does.
 */
import { z } from 'zod';
import { TASK_FIELDS, type TaskField } from './task';
import { describeProblems, problemsFromZod, type Problem } from './validation';

export const OWNERS = ['human', 'ai', 'shared'] as const;
/** Who may write a field: a person only, agents only, or both. Humans can always edit on the board itself. */
export type Owner = (typeof OWNERS)[number];

export const POLICIES = ['last-write-wins', 'human-wins', 'agent-wins', 'merge', 'ask'] as const;
/** How a conflict (both sides changed the field since the base) is settled. */
export type Policy = (typeof POLICIES)[number];

export interface FieldRule {
  owner: Owner;
  policy: Policy;
}

export type OwnershipRules = Record<TaskField, FieldRule>;

/** One saved version of a board's rules. Version 0 means "never saved: the config/default rules apply". */
export interface OwnershipSchema {
  boardId: string;
  version: number;
  rules: OwnershipRules;
  /** ISO-8601; empty for version 0. */
  updatedAt: string;
  /** Who saved it, e.g. "human:ui"; "default" for version 0. */
  updatedBy: string;
}

/** The policies each owner may use. A human-owned field is never written by an agent, so only human-wins or ask make sense. */
export const POLICIES_BY_OWNER: Readonly<Record<Owner, readonly Policy[]>> = Object.freeze({
  human: ['human-wins', 'ask'],
  ai: ['agent-wins', 'ask'],
  shared: ['last-write-wins', 'human-wins', 'agent-wins', 'merge', 'ask'],
});

/** Only a set can be merged element by element, and labels are the only set. */
export const MERGEABLE_FIELDS: readonly TaskField[] = ['labels'];

/** The policies allowed for a field with a given owner. */
export function allowedPolicies(field: TaskField, owner: Owner): Policy[] {
  return POLICIES_BY_OWNER[owner].filter((p) => p !== 'merge' || MERGEABLE_FIELDS.includes(field));
}

/** The policy an owner implies when none is given (config shorthand `title: human`, or the editor changing owner). */
export function defaultPolicyFor(field: TaskField, owner: Owner): Policy {
  if (owner === 'human') return 'human-wins';
  if (owner === 'ai') return 'agent-wins';
  return MERGEABLE_FIELDS.includes(field) ? 'merge' : 'last-write-wins';
}

/**
 * The default schema from design/sync.md. `parentId` and `dueDate` are not in
 * that table; they are structure a person decides, like priority.
 */
export const DEFAULT_OWNERSHIP_RULES: Readonly<{ [F in TaskField]: Readonly<FieldRule> }> = Object.freeze({
  title: Object.freeze({ owner: 'human', policy: 'human-wins' }),
  description: Object.freeze({ owner: 'human', policy: 'human-wins' }),
  status: Object.freeze({ owner: 'shared', policy: 'last-write-wins' }),
  assignee: Object.freeze({ owner: 'human', policy: 'human-wins' }),
  priority: Object.freeze({ owner: 'human', policy: 'human-wins' }),
  labels: Object.freeze({ owner: 'shared', policy: 'merge' }),
  agentNotes: Object.freeze({ owner: 'ai', policy: 'agent-wins' }),
  parentId: Object.freeze({ owner: 'human', policy: 'human-wins' }),
  dueDate: Object.freeze({ owner: 'human', policy: 'human-wins' }),
});

/** A fresh, mutable copy of the defaults. */
export function defaultOwnershipRules(): OwnershipRules {
  const out = {} as OwnershipRules;
  for (const field of TASK_FIELDS) out[field] = { ...DEFAULT_OWNERSHIP_RULES[field] };
  return out;
}

/** The message for an owner/policy pair that is not allowed, or undefined when it is. */
export function ruleProblem(field: TaskField, rule: FieldRule): string | undefined {
  const allowed = allowedPolicies(field, rule.owner);
  if (allowed.includes(rule.policy)) return undefined;
  if (rule.policy === 'merge' && !MERGEABLE_FIELDS.includes(field)) {
    return `merge is only valid for labels (a set); for ${field} use one of: ${allowed.join(', ')}`;
  }
  return `a field owned by ${rule.owner} settles conflicts with ${allowed.join(' or ')}, not ${rule.policy}`;
}

const ownerSchema = z.enum(OWNERS, { error: `expected one of: ${OWNERS.join(', ')}` });
const policySchema = z.enum(POLICIES, { error: `expected one of: ${POLICIES.join(', ')}` });

/** One field's rule as the editor sends it. A missing policy means the owner's default for that field. */
export const fieldRuleInputSchema = z.object({ owner: ownerSchema, policy: policySchema.optional() }).strict();
export type FieldRuleInput = z.infer<typeof fieldRuleInputSchema>;

export const fieldRuleSchema = z.object({ owner: ownerSchema, policy: policySchema }).strict();

function addRuleIssues(
  rules: Partial<Record<TaskField, { owner: Owner; policy?: Policy | undefined }>>,
  ctx: z.RefinementCtx,
): void {
  for (const field of TASK_FIELDS) {
    const given = rules[field];
    if (!given) continue;
    const message = ruleProblem(field, {
      owner: given.owner,
      policy: given.policy ?? defaultPolicyFor(field, given.owner),
    });
    if (message) ctx.addIssue({ code: 'custom', path: [field, 'policy'], message });
  }
}

const partialShape = Object.fromEntries(TASK_FIELDS.map((f) => [f, fieldRuleInputSchema.optional()])) as {
  [F in TaskField]: z.ZodOptional<typeof fieldRuleInputSchema>;
};
const completeShape = Object.fromEntries(TASK_FIELDS.map((f) => [f, fieldRuleSchema])) as {
  [F in TaskField]: typeof fieldRuleSchema;
};

/**
 * An edit to the rules: any subset of fields, unknown fields refused. Owner and
 * policy must fit together (issues land at e.g. `labels.policy`).
 */
export const ownershipRulesSchema = z.object(partialShape).strict().superRefine(addRuleIssues);
export type OwnershipRulesPatch = z.input<typeof ownershipRulesSchema>;

/** A complete rule set: every field present, every pair valid. Used for what is stored. */
export const completeOwnershipRulesSchema = z
  .object(completeShape)
  .strict()
  .superRefine(addRuleIssues)
  .transform((r): OwnershipRules => r);

/** Thrown where rules must be valid (config load, saving); `problems` name each field. */
export class OwnershipRulesError extends Error {
  constructor(readonly problems: Problem[]) {
    super(`invalid ownership rules: ${describeProblems(problems)}`);
    this.name = 'OwnershipRulesError';
  }
}

export type RulesResult = { ok: true; rules: OwnershipRules } | { ok: false; problems: Problem[] };

/**
 * Applies a full or partial edit over the current rules. The result is always
 * a complete, valid rule set, or the problems, each naming its field.
 */
export function applyOwnershipPatch(current: OwnershipRules, patch: unknown): RulesResult {
  const parsed = ownershipRulesSchema.safeParse(patch);
  if (!parsed.success) return { ok: false, problems: problemsFromZod(parsed.error) };
  const rules = {} as OwnershipRules;
  for (const field of TASK_FIELDS) {
    const given = parsed.data[field];
    rules[field] = given
      ? { owner: given.owner, policy: given.policy ?? defaultPolicyFor(field, given.owner) }
      : { ...current[field] };
  }
  return validateOwnershipRules(rules);
}

/** Checks a complete rule set (e.g. one read back from storage). */
export function validateOwnershipRules(rules: unknown): RulesResult {
  const parsed = completeOwnershipRulesSchema.safeParse(rules);
  return parsed.success ? { ok: true, rules: parsed.data } : { ok: false, problems: problemsFromZod(parsed.error) };
}

const OWNER_TEXT: Record<Owner, string> = {
  human: 'Agents may not write it',
  ai: 'Agents write it; people normally only read it',
  shared: 'People and agents both write it',
};

const POLICY_TEXT: Record<Policy, string> = {
  'human-wins': 'when both change it, the human edit stands',
  'agent-wins': "when both change it, the agent's value replaces the human edit",
  'last-write-wins': 'when both change it, the later change wins (a tie goes to the human)',
  merge: "both sides' added and removed labels are kept",
  ask: 'when both change it, the conflict waits in the inbox for a person',
};

/** One line for the ownership editor explaining what a rule means in practice. */
export function describeRule(rule: FieldRule): string {
  // Agents never write a human-owned field, so its policy only ever protects the human edit.
  if (rule.owner === 'human') return 'Agents may not write it; a human edit always stands.';
  return `${OWNER_TEXT[rule.owner]}; ${POLICY_TEXT[rule.policy]}.`;
}
