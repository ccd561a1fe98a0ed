import { BoardError } from '../boards/contract/errors';
import { backoffMs } from '../engine/backoff';
import { ClaimContested } from './claims';
import { DeliveryFailed } from './effects';
import { ProviderError } from './providers/errors';

export type RetryDecision = { retry: true; delayMs: number } | { retry: false };

/** Longest wait between two looks at a board that is down; the runtime also looks as soon as a poll succeeds. */
const MAX_BOARD_WAIT_MS = 30_000;

/**
 * Whether the attempt failed on the board's side (down, timing out, 5xx, 429,
 * an answer that was not the board's, a write that did not reach it in time)
 * rather than on the agent's: such a failure is no fault of the attempt, so the
 * run waits for the board instead of spending an attempt.
 */
export function boardOutage(err: unknown): boolean {
  return (err instanceof BoardError || err instanceof DeliveryFailed) && err.retryable;
}

/** How long a run waits before it looks at a board that is down again (the n-th wait in a row). */
export function boardWaitMs(err: unknown, waits: number, retryBaseMs: number): number {
  const hinted = err instanceof BoardError ? (err.retryAfterMs ?? 0) : 0;
  return Math.min(MAX_DELAY_MS, Math.max(hinted, backoffMs(waits, retryBaseMs, MAX_BOARD_WAIT_MS)));
}

/** Longest wait between attempts, whatever the backoff or the server's Retry-After says. */
const MAX_DELAY_MS = 10 * 60_000;

/**
 * Whether a failed attempt is worth another: timeouts, 429, 5xx, a command's
 * non-zero exit, a board that did not answer and a contested claim are; a
 * wrong key, a refused write or an unknown error are not (a person can still
 * retry the run). The delay backs off per attempt, and a Retry-After wins when longer.
 */
export function retryDecision(
  err: unknown,
  attempt: number,
  settings: { maxAttempts: number; retryBaseMs: number },
): RetryDecision {
  const retryable =
    err instanceof ProviderError || err instanceof DeliveryFailed || err instanceof BoardError
      ? err.retryable
      : err instanceof ClaimContested;
  if (!retryable || attempt >= settings.maxAttempts) return { retry: false };
  const hinted = err instanceof ProviderError || err instanceof BoardError ? (err.retryAfterMs ?? 0) : 0;
  return {
    retry: true,
    delayMs: Math.min(MAX_DELAY_MS, Math.max(hinted, backoffMs(attempt, settings.retryBaseMs, MAX_DELAY_MS))),
  };
}
