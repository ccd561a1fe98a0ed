import type { RpcCall } from './json-rpc-client';

/** One write the adapter wants Kanboard to make. */
export interface WriteStep {
  call: RpcCall;
  /**
   * Whether the procedure fires a Kanboard event (task.update, comment.create, ...).
   * Kanboard attaches its automatic-action listeners again for every call of a
   * batch, so an event fired by the k-th call of a batch runs each matching
   * automatic action k times. Metadata saves and a bare `updateTask(id)` fire none.
   */
  fires: boolean;
  /** What a refusal (`false`) most likely means, for the error message. */
  hint?: string;
  /** The canonical fields this call writes (so a failure can say which fields certainly were not written). */
  fields?: readonly string[];
}

/**
 * Splits writes into HTTP batches, in order, so that each batch holds at most
 * one event-firing call and that call comes first: automatic actions then run
 * exactly once, as they would for the same edit made in Kanboard's UI.
 */
export function groupWrites(steps: readonly WriteStep[], projectHasActions = true): WriteStep[][] {
  // No automatic action to run twice: the whole write is one request.
  if (!projectHasActions) return steps.length > 0 ? [[...steps]] : [];
  const groups: WriteStep[][] = [];
  for (const step of steps) {
    const current = groups.at(-1);
    if (!current || step.fires) groups.push([step]);
    else current.push(step);
  }
  return groups;
}
