import { LinearClient, LinearError } from '@linear/sdk';
import { registerSecretValue } from '../../logger';
import { BoardError } from '../contract/errors';
import { DEFAULT_TIMEOUT_MS, isResetError } from '../kit/http/client';
import { excerpt } from '../kit/http/excerpt';
import { ComplexityBudget, readRateHeaders } from './rate';

/** Linear's GraphQL endpoint; `url` in the config points elsewhere only for tests. */
export const LINEAR_API_URL = 'https://api.linear.app/graphql';

export interface LinearClientOptions {
  url: string;
  /** A personal API key (`lin_api_…`), sent as `Authorization: <key>` as Linear asks. */
  token: string;
  timeoutMs?: number;
  /** How long a request may wait for the complexity budget before it is refused as rate_limited. */
  maxBudgetWaitMs?: number;
}

/** One GraphQL error as Linear sends it (extensions.code RATELIMITED, extensions.type "ratelimited", …). */
interface RawGraphqlError {
  message?: string;
  extensions?: { code?: string; type?: string; userPresentableMessage?: string };
}

/**
 * Linear over the SDK's GraphQL client. Every call goes through
 * `rawRequest` with a hand-written document (queries.ts says why), because
 * only the raw answer carries the rate-limit headers the budget reads.
 * Failures become BoardErrors: network trouble and 5xx are transient, a
 * RATELIMITED answer (HTTP 400 or 429) is rate_limited, an authentication
 * error is auth, and any other GraphQL error is invalid.
 */
export class LinearApi {
  readonly sdk: LinearClient;
  readonly budget = new ComplexityBudget();
  private readonly timeoutMs: number;
  private readonly maxBudgetWaitMs: number;

  constructor(private readonly options: LinearClientOptions) {
    registerSecretValue(options.token);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxBudgetWaitMs = options.maxBudgetWaitMs ?? 10_000;
    this.sdk = new LinearClient({ apiKey: options.token, apiUrl: options.url });
    // The SDK spreads its options into every fetch; a getter gives each request its own timeout signal.
    Object.defineProperty((this.sdk.client as unknown as { options: object }).options, 'signal', {
      enumerable: true,
      get: () => AbortSignal.timeout(this.timeoutMs),
    });
  }

  /** Sends one document. `idempotent`: safe to resend once after a reset socket (reads, and creates with our id). */
  async request<T>(
    operation: string,
    query: string,
    variables: Record<string, unknown>,
    what: string,
    idempotent = false,
  ): Promise<T> {
    const wait = this.budget.waitFor(operation);
    if (wait > this.maxBudgetWaitMs) {
      throw new BoardError('rate_limited', `Deckhand's Linear complexity budget is spent; ${what} waits`, wait);
    }
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    for (let attempt = 0; ; attempt++) {
      try {
        const answer = await this.sdk.client.rawRequest<T, Record<string, unknown>>(query, variables);
        this.budget.record(operation, readRateHeaders(answer.headers));
        if (answer.data === undefined || answer.data === null) {
          throw new BoardError('transient', `Linear answered ${what} without data`);
        }
        return answer.data;
      } catch (err) {
        if (idempotent && attempt === 0 && isResetError(err)) continue;
        throw this.boardError(err, what);
      }
    }
  }

  private boardError(err: unknown, what: string): BoardError {
    if (err instanceof BoardError) return err;
    const name = (err as { name?: unknown } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new BoardError(
        'transient',
        `Linear did not answer ${what} within ${Math.round(this.timeoutMs / 1000)} s (slow or overloaded)`,
      );
    }
    if (!(err instanceof LinearError)) {
      if (err instanceof SyntaxError) {
        return new BoardError('transient', `Linear's answer to ${what} was not JSON (a proxy error page?)`);
      }
      const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
      const detail = typeof cause?.code === 'string' ? cause.code : err instanceof Error ? err.message : String(err);
      return new BoardError('transient', `cannot reach Linear at ${this.options.url} (${detail})`);
    }
    const response = (err.raw as { response?: { errors?: RawGraphqlError[]; headers?: Headers; error?: string } })
      ?.response;
    const errors = response?.errors ?? [];
    const status = err.status ?? 0;
    this.budget.record('error', readRateHeaders(response?.headers));
    const said = errors[0]?.extensions?.userPresentableMessage ?? errors[0]?.message ?? excerpt(response?.error ?? '');
    const code = errors[0]?.extensions?.code ?? '';
    const type = errors[0]?.extensions?.type ?? '';
    if (code === 'RATELIMITED' || type === 'ratelimited' || status === 429) {
      // Linear answers a rate limit as HTTP 400 with extensions.code RATELIMITED (sometimes 429): the same thing.
      const headers = response?.headers;
      const retryAfter = Number(headers?.get('retry-after'));
      const reset = Number(headers?.get('x-ratelimit-complexity-reset') ?? headers?.get('x-ratelimit-requests-reset'));
      const waitMs =
        Number.isFinite(retryAfter) && retryAfter > 0
          ? retryAfter * 1000
          : Number.isFinite(reset) && reset > Date.now()
            ? reset - Date.now()
            : 60_000;
      this.budget.blockFor(waitMs);
      return new BoardError('rate_limited', `Linear is rate limiting ${what}: ${said}`, waitMs);
    }
    if (code === 'AUTHENTICATION_ERROR' || type === 'authentication error' || status === 401) {
      return new BoardError(
        'auth',
        `Linear refused the API key for ${what} (${said}); check the key under Settings > Security & access > Personal API keys`,
      );
    }
    if (code === 'FORBIDDEN' || type === 'forbidden' || status === 403) {
      return new BoardError('auth', `Linear denied ${what} (${said}); the key's user may not be in this team`);
    }
    if (status >= 500 || status === 408 || code === 'INTERNAL_ERROR' || type === 'lock timeout') {
      return new BoardError('transient', `Linear answered HTTP ${status} to ${what}: ${said}`);
    }
    if (errors.length === 0 && status >= 200 && status < 300) {
      return new BoardError('transient', `Linear's answer to ${what} was not GraphQL: ${said}`);
    }
    return new BoardError('invalid', `Linear refused ${what}: ${said}`);
  }
}

/** Whether a refusal means the entity is not there (Linear says "Entity not found"). */
export function isNotFound(err: unknown): boolean {
  return err instanceof BoardError && err.kind === 'invalid' && /entity not found|could not find/i.test(err.message);
}
