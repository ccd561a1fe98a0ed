/**
 * Exponential backoff with full jitter: attempt 1 waits up to base, attempt n
 * up to base * 2^(n-1), capped. Jitter spreads retries so a recovering board
 * is not hit by every client at once.
 */
export function backoffMs(attempt: number, baseMs = 1000, capMs = 5 * 60_000, random = Math.random): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}
