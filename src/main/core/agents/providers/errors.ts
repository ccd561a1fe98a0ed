/** Why a provider call failed, so the runtime can choose between retrying and failing the run. */
export type ProviderErrorKind = 'timeout' | 'rate_limited' | 'provider' | 'exit' | 'config' | 'output';

/**
 * A provider failure. `retryable` failures (timeouts, 429, 5xx, a command's
 * non-zero exit) queue the run again with backoff; the others fail it at once
 * (a retry from the UI is still possible once the cause is fixed).
 */
export class ProviderError extends Error {
  constructor(
    readonly kind: ProviderErrorKind,
    message: string,
    readonly retryable: boolean,
    /** From Retry-After, when the provider sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'ProviderError';
  }
}

// One reading of Retry-After for boards and model providers alike.
export { parseRetryAfter } from '../../boards/kit/http/retry-after';
