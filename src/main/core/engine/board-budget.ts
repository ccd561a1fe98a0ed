import { AsyncLocalStorage } from 'node:async_hooks';
import type { BoardAdapter } from '../boards/contract/adapter';
import { RateBudget } from '../boards/kit/rate/budget';

/** Adapter methods that reach the board (the rest are local: webhooks, URLs, subscriptions). */
const BOARD_CALLS = new Set<string>([
  'listColumns',
  'listTasks',
  'listChangedSince',
  'getTask',
  'getTasks',
  'findTaskByMarker',
  'createTask',
  'updateTask',
  'listComments',
  'addComment',
  'findCommentByMarker',
]);

/**
 * The one request budget of a board: every request to it, the engine's and
 * the agents' alike, is counted here. A request made while its caller holds
 * the board lock never waits (it leaves a debt the next waiter pays off), so
 * waiting for the budget never holds up whoever needs the lock; everyone else
 * waits for the budget before they queue for the lock.
 */
export class BoardBudget {
  private readonly bucket: RateBudget;
  private readonly holding = new AsyncLocalStorage<true>();
  /** Requests counted since start (for the Boards view and the benchmark). */
  requests = 0;

  constructor(readonly perMinute: number) {
    this.bucket = new RateBudget(perMinute);
  }

  /** One request about to leave. */
  async request(cost = 1): Promise<void> {
    this.requests += cost;
    if (this.holding.getStore()) this.bucket.force(cost);
    else await this.bucket.spend(cost);
  }

  /** Waits until a request could go; called before queueing for the lock. */
  ready(): Promise<void> {
    return this.bucket.ready();
  }

  /** How long until a request could go without debt (0: now). */
  waitMs(): number {
    return this.bucket.waitMs();
  }

  /** Runs `step` as the lock holder: its requests go at once. */
  asHolder<T>(step: () => Promise<T>): Promise<T> {
    return this.holding.run(true, step);
  }

  /**
   * The adapter the engine and agents use: one whose every request is counted.
   * An adapter that meters its own HTTP requests (one JSON-RPC batch is one
   * request, however many calls it holds) is told to; any other is charged one
   * unit per board call.
   */
  meter(adapter: BoardAdapter): BoardAdapter {
    if (adapter.meterRequests) {
      adapter.meterRequests(() => this.request());
      return adapter;
    }
    return new Proxy(adapter, {
      get: (target, prop, receiver) => {
        const value = Reflect.get(target, prop, receiver) as unknown;
        if (typeof value !== 'function' || typeof prop !== 'string' || !BOARD_CALLS.has(prop)) {
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        }
        return async (...args: unknown[]) => {
          await this.request();
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    });
  }
}
