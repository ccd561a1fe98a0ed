/** Linear's limits for a personal API key (linear.app/developers/rate-limiting): per hour, leaky bucket. */
export const LINEAR_REQUESTS_PER_HOUR = 5_000;
export const LINEAR_COMPLEXITY_PER_HOUR = 250_000;

/** What Linear's rate-limit headers said on the last answer. */
export interface RateHeaders {
  requestsRemaining?: number;
  complexityRemaining?: number;
  /** When the complexity bucket is full again (epoch ms). */
  complexityResetAt?: number;
  requestsResetAt?: number;
  /** This query's cost (`X-Complexity`). */
  complexity?: number;
}

const num = (headers: Headers, name: string): number | undefined => {
  const raw = headers.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  const value = Number(raw);
  return Number.isFinite(value) ? value : undefined;
};

export function readRateHeaders(headers: Headers | undefined): RateHeaders {
  if (!headers) return {};
  const out: RateHeaders = {};
  const set = <K extends keyof RateHeaders>(key: K, value: number | undefined) => {
    if (value !== undefined) out[key] = value;
  };
  set('requestsRemaining', num(headers, 'x-ratelimit-requests-remaining'));
  set('requestsResetAt', num(headers, 'x-ratelimit-requests-reset'));
  set('complexityRemaining', num(headers, 'x-ratelimit-complexity-remaining'));
  set('complexityResetAt', num(headers, 'x-ratelimit-complexity-reset'));
  set('complexity', num(headers, 'x-complexity'));
  return out;
}

/**
 * Deckhand's share of Linear's complexity budget. Linear meters points, not
 * requests, so every query is charged what Linear said it cost (`X-Complexity`;
 * before the first answer, 1 point; after, the last cost of that query). The
 * bucket keeps to 80% of the hourly allowance for the person's own tools, and when
 * Linear's headers say its own bucket is nearly empty, Deckhand waits for
 * the reset Linear names rather than meeting RATELIMITED.
 */
export class ComplexityBudget {
  private level: number;
  private last: number;
  private readonly costs = new Map<string, number>();
  private blockedUntil = 0;
  /** Totals since start, for the benchmark and the log. */
  spent = 0;
  requests = 0;

  constructor(
    private readonly perHour = LINEAR_COMPLEXITY_PER_HOUR * 0.8,
    private readonly now: () => number = Date.now,
  ) {
    this.level = perHour;
    this.last = now();
  }

  /**
   * A leaky bucket holding an hour's points, as Linear's does (the kit's
   * RateBudget holds a minute's, which would refuse a full listing that
   * Linear takes in its stride).
   */
  private take(points: number): number {
    const t = this.now();
    this.level = Math.min(this.perHour, this.level + ((t - this.last) * this.perHour) / 3_600_000);
    this.last = t;
    const need = Math.min(points, this.perHour);
    if (this.level >= need) {
      this.level -= need;
      return 0;
    }
    return Math.ceil(((need - this.level) * 3_600_000) / this.perHour);
  }

  /** How long to wait before sending `operation` (0: go now). */
  waitFor(operation: string): number {
    const blocked = this.blockedUntil - this.now();
    if (blocked > 0) return blocked;
    return this.take(this.costs.get(operation) ?? 1);
  }

  /** Records an answer's headers: the query's real cost, and Linear's own view of what is left. */
  record(operation: string, rate: RateHeaders): void {
    this.requests++;
    if (rate.complexity !== undefined) {
      const before = this.costs.get(operation) ?? 1;
      this.costs.set(operation, rate.complexity);
      this.spent += rate.complexity;
      // The bucket was charged the estimate; charge the rest now (a refund is not worth the bookkeeping).
      if (rate.complexity > before) this.level -= rate.complexity - before;
    }
    const lowComplexity = rate.complexityRemaining !== undefined && rate.complexityRemaining < 1_000;
    const lowRequests = rate.requestsRemaining !== undefined && rate.requestsRemaining < 10;
    if (lowComplexity && rate.complexityResetAt)
      this.blockedUntil = Math.max(this.blockedUntil, rate.complexityResetAt);
    if (lowRequests && rate.requestsResetAt) this.blockedUntil = Math.max(this.blockedUntil, rate.requestsResetAt);
  }

  /** Linear refused for rate: nothing more until it says so. */
  blockFor(ms: number): void {
    this.blockedUntil = Math.max(this.blockedUntil, this.now() + ms);
  }
}
