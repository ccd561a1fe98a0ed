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

/** Parses a Retry-After header: seconds, or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}
