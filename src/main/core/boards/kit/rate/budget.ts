/**
 * A token bucket per board: at most `perMinute` units of cost, refilled
 * smoothly. Most boards count requests (cost 1); a board that meters work,
 * such as a GraphQL API charging complexity points, passes the call's cost.
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

  /**
   * Takes `cost` if available; otherwise returns how long to wait (ms). A cost
   * above the whole budget waits for a full bucket rather than forever.
   */
  take(cost = 1): number {
    this.refill();
    const need = Math.min(cost, this.perMinute);
    if (this.tokens >= need) {
      this.tokens -= need;
      return 0;
    }
    return Math.ceil(((need - this.tokens) * 60_000) / this.perMinute);
  }

  /**
   * Takes `cost` now even when the bucket is dry, leaving a debt that later
   * callers wait off: for a request that must not wait (its caller holds a
   * lock others need). The average rate still stays within the budget.
   */
  force(cost = 1): void {
    this.refill();
    this.tokens -= cost;
  }

  /** Waits until `cost` can be taken, then takes it. */
  async spend(cost = 1): Promise<void> {
    for (let wait = this.take(cost); wait > 0; wait = this.take(cost)) await sleep(wait);
  }

  /** How long until `cost` could be taken (0: now), without taking it. */
  waitMs(cost = 1): number {
    this.refill();
    const need = Math.min(cost, this.perMinute);
    return this.tokens >= need ? 0 : Math.ceil(((need - this.tokens) * 60_000) / this.perMinute);
  }

  /** Waits until a request could go (the bucket holds at least one unit), without taking anything. */
  async ready(): Promise<void> {
    for (let wait = this.waitMs(); wait > 0; wait = this.waitMs()) await sleep(wait);
  }
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
