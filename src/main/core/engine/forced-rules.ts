import type { OwnershipRules } from '../../../shared/ownership';
import { TASK_FIELDS } from '../../../shared/task';

/**
 * Rules for a person's conflict resolution: their chosen value is written as
 * it is. Used only for writes whose actor is a human, never an agent.
 */
export const FORCED_RULES: OwnershipRules = Object.fromEntries(
  TASK_FIELDS.map((f) => [f, { owner: 'shared', policy: 'agent-wins' }]),
) as OwnershipRules;
