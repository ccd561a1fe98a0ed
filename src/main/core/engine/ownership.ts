/**
 * Ownership as the engine enforces it: the config's `ownership:` block turned
 * into rules, and the gate every agent write passes before anything else.
 * Enforcement lives here, never in an agent or its prompt.
 */
import { OWNERSHIP_TASK_FIELDS, type OwnershipField } from '../config/schema';
import {
  applyOwnershipPatch,
  defaultOwnershipRules,
  OwnershipRulesError,
  type Owner,
  type OwnershipRules,
  type Policy,
} from '../../../shared/ownership';
import type { TaskField } from '../../../shared/task';

/** Config keys are snake_case; task fields are camelCase. One map, owned by the config schema. */
export const CONFIG_OWNERSHIP_KEYS = OWNERSHIP_TASK_FIELDS;

export { OwnershipRulesError };

/** A config entry: shorthand owner, or owner with an optional policy. */
export type ConfigFieldOwnership = Owner | { owner: Owner; policy?: Policy };
export type ConfigOwnership = Partial<Record<OwnershipField, ConfigFieldOwnership>>;

const TASK_TO_CONFIG = Object.fromEntries(Object.entries(CONFIG_OWNERSHIP_KEYS).map(([k, v]) => [v, k])) as Partial<
  Record<TaskField, string>
>;

/**
 * Maps the config's ownership block onto the defaults. Shorthand (`status: ai`)
 * takes the owner's default policy for that field. Fields the config cannot
 * name (`parentId`) keep their default. Throws OwnershipRulesError when an
 * owner/policy pair is not allowed; problems are named by config key, like
 * `ownership.agent_notes.policy`.
 */
export function rulesFromConfig(
  configOwnership: ConfigOwnership | undefined,
  base = defaultOwnershipRules(),
): OwnershipRules {
  const patch: Partial<Record<TaskField, { owner: Owner; policy?: Policy }>> = {};
  for (const [key, value] of Object.entries(configOwnership ?? {}) as [string, ConfigFieldOwnership | undefined][]) {
    if (value === undefined) continue;
    const field = CONFIG_OWNERSHIP_KEYS[key as OwnershipField];
    if (!field) throw new OwnershipRulesError([{ path: `ownership.${key}`, message: 'unknown key' }]);
    patch[field] =
      typeof value === 'string'
        ? { owner: value }
        : { owner: value.owner, ...(value.policy ? { policy: value.policy } : {}) };
  }
  const result = applyOwnershipPatch(base, patch);
  if (result.ok) return result.rules;
  throw new OwnershipRulesError(
    result.problems.map((p) => {
      const [head, ...rest] = p.path.split('.');
      const key = TASK_TO_CONFIG[head as TaskField] ?? head;
      return { ...p, path: ['ownership', key, ...rest].join('.') };
    }),
  );
}

/** Whether an agent may write a field at all (before any merge). */
export function agentMayWrite(rules: OwnershipRules, field: TaskField): boolean {
  return rules[field].owner !== 'human';
}

export interface RefusedWrite {
  field: TaskField;
  reason: string;
}

/**
 * Splits an agent's patch into what it may write (fields owned by `ai` or
 * `shared`) and what is refused (owned by `human`), with a reason to log.
 * Generic over the value types so it gates both plain patches and intents
 * whose labels are a delta.
 */
export function checkAgentWrite<P extends Partial<Record<TaskField, unknown>>>(
  rules: OwnershipRules,
  patch: P,
): { allowed: P; refused: RefusedWrite[] } {
  return splitPatch(patch, (key) => {
    const rule = (rules as Partial<Record<string, OwnershipRules[TaskField]>>)[key];
    if (!rule) return `${key} is not a task field`;
    return rule.owner === 'human' ? `${key} is owned by humans; agents may not write it` : undefined;
  });
}

/**
 * A write with no basis (the writer read nothing first) cannot tell a person's
 * edit from the value it replaces, so it may only set fields agents own alone.
 */
export function blindWrite<P extends Partial<Record<TaskField, unknown>>>(
  rules: OwnershipRules,
  patch: P,
): { allowed: P; refused: RefusedWrite[] } {
  return splitPatch(patch, (key) =>
    rules[key as TaskField].owner === 'ai'
      ? undefined
      : `${key} is owned by ${rules[key as TaskField].owner === 'shared' ? 'both sides' : 'humans'}; a blind write (no basis) may only set fields owned by AI`,
  );
}

/** Splits a patch into the keys `refusal` lets through and the refused ones with their reasons. */
function splitPatch<P extends Partial<Record<TaskField, unknown>>>(
  patch: P,
  refusal: (key: string) => string | undefined,
): { allowed: P; refused: RefusedWrite[] } {
  const allowed = {} as P;
  const refused: RefusedWrite[] = [];
  for (const key of Object.keys(patch) as (keyof P & string)[]) {
    if (patch[key] === undefined) continue;
    const reason = refusal(key);
    if (reason) refused.push({ field: key as TaskField, reason });
    else allowed[key] = patch[key];
  }
  return { allowed, refused };
}
