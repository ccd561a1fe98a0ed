/**
 * A token bucket per board: at most `perMinute` requests, refilled smoothly.
 * The engine asks before every board call and waits when the bucket is dry,
 * so it stays inside the board's rate limit instead of discovering it via 429s.
 */
export class RateBudget {
  private tokens: number;
  private last: number;

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = perMinute;
    this.last = now();
  }

  private refill(): void {
    const t = this.now();
    this.tokens = Math.min(this.perMinute, this.tokens + ((t - this.last) * this.perMinute) / 60_000);
    this.last = t;
  }

  /** Takes a token if one is available; otherwise returns how long to wait (ms). */
  take(): number {
    this.refill();
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.ceil(((1 - this.tokens) * 60_000) / this.perMinute);
  }
}
