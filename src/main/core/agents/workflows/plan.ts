import type { Intent } from '../../engine/intents';

/** One write of a plan, named by its step so the executor can find it (the question comment, the digest task). */
export interface PlannedIntent {
  step: string;
  intent: Intent;
}

/** What the run becomes once every intent of the plan is on the board. */
export type PlanEnd =
  { kind: 'done'; outcome: string } | { kind: 'ask'; question: string } | { kind: 'digest'; outcome: string };

/**
 * The writes one round's output turns into, computed once and persisted with
 * the step before the first is submitted. A restart replays exactly these
 * (same payloads, same scopes), so the outbox sees duplicates and sends nothing twice.
 */
export interface RunPlan {
  intents: PlannedIntent[];
  end: PlanEnd;
}
