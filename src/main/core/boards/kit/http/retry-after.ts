/**
 * How long a server asks us to wait, in milliseconds: `Retry-After` as
 * seconds or an HTTP date. Undefined when absent or unreadable, so the caller
 * falls back to its own backoff.
 */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * The wait a throttled answer asks for, from whichever header the board uses:
 * `Retry-After`, Taiga's `X-Throttle-Wait-Seconds`, or a reset time
 * (`X-RateLimit-Reset`, unix seconds) when the quota is spent.
 */
export function throttleWaitMs(headers: Headers, now = Date.now()): number | undefined {
  const retryAfter = parseRetryAfter(headers.get('retry-after'), now);
  if (retryAfter !== undefined) return retryAfter;
  const wait = headers.get('x-throttle-wait-seconds');
  if (wait !== null && /^\d+(\.\d+)?$/.test(wait.trim())) return Math.round(Number(wait) * 1000);
  const reset = Number(headers.get('x-ratelimit-reset'));
  if (Number.isFinite(reset) && reset > 0) {
    // Some boards send seconds until reset, some a unix time; a value below a day is a delay.
    return reset < 86_400 ? reset * 1000 : Math.max(0, reset * 1000 - now);
  }
  return undefined;
}
