/**
 * How a board call failed, in the terms the engine acts on:
 * - transient: network error, timeout, 5xx: retry with backoff;
 * - rate_limited: 429 or the board's equivalent: retry after `retryAfterMs`;
 * - auth: 401/403: stop the board and tell the user (retrying will not help);
 * - not_found: the task is gone;
 * - invalid: the board rejected this request (4xx) or answered garbage: park the item.
 */
export type BoardErrorKind = 'transient' | 'rate_limited' | 'auth' | 'not_found' | 'invalid';

export class BoardError extends Error {
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
