import { MODEL_TEST_TIMEOUT_MS, type CallName } from '../../../shared/contract';

/** A call that hangs this long is reported instead of leaving a button busy forever. */
const CALL_TIMEOUT_MS = 15_000;

/** Calls that wait on something outside Deckhand get the core's own wait plus a margin, so its answer arrives. */
const SLOW_CALLS: Partial<Record<CallName, number>> = {
  testAgentModel: MODEL_TEST_TIMEOUT_MS + 15_000,
};

export function callTimeoutMs(name: CallName): number {
  return SLOW_CALLS[name] ?? CALL_TIMEOUT_MS;
}
