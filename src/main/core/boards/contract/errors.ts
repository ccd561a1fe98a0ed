/**
 * How a board call failed, in the terms the engine acts on:
 * - transient: network error, timeout, 5xx: retry with backoff;
 * - rate_limited: 429 or the board's equivalent: retry after `retryAfterMs`;
 * - auth: 401/403: stop the board and tell the user (retrying will not help);
 * - not_found: the task is gone;
 * - invalid: the board rejected this request (4xx) or answered garbage: park the item.
 */
export type BoardErrorKind = 'transient' | 'rate_limited' | 'auth' | 'not_found' | 'invalid';

/**
 * Statuses a server or proxy answers without running the request (overloaded, down, throttled). A write answered
 * so did not happen; any other failure of a write may have landed with its answer lost.
 */
export const NOT_RUN_STATUSES: ReadonlySet<number> = new Set([429, 503]);

export class BoardError extends Error {
  /** The request certainly did not run on the board (a 503 or 429 answer, a refused connection). */
  notRun = false;
  /**
   * Set by an adapter's updateTask: the fields of the patch the board certainly did not write before this failure
   * (the engine then sends them again instead of judging from the board whether they landed).
   */
  unwritten?: readonly string[];

  constructor(
    readonly kind: BoardErrorKind,
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'BoardError';
  }

  get retryable(): boolean {
    return this.kind === 'transient' || this.kind === 'rate_limited';
  }
}

/** A webhook delivery that failed verification; the status is what the endpoint answers. */
export class WebhookRejected extends Error {
  constructor(
    readonly status: 400 | 401 | 413,
    message: string,
  ) {
    super(message);
    this.name = 'WebhookRejected';
  }
}

/** Marks `err` (when a BoardError) as not having written `fields`; other errors pass unchanged. */
export function unwrittenError(err: unknown, fields: readonly string[]): unknown {
  if (err instanceof BoardError && fields.length > 0)
    err.unwritten = [...new Set([...(err.unwritten ?? []), ...fields])];
  return err;
}
