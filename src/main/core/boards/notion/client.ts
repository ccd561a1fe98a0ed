import { APIErrorCode, Client, isHTTPResponseError, isNotionClientError, RequestTimeoutError } from '@notionhq/client';
import { registerSecretValue } from '../../logger';
import { BoardError } from '../contract/errors';
import { isResetError } from '../kit/http/client';
import { excerpt } from '../kit/http/excerpt';
import { parseRetryAfter } from '../kit/http/retry-after';

/** Notion's API. */
export const NOTION_API_URL = 'https://api.notion.com';

/**
 * The API version Deckhand speaks, sent as `Notion-Version` on every request:
 * the first with data sources (a database holds one or more data sources; pages
 * belong to a data source) and `in_trash`. Pinned so a new default in the SDK
 * cannot change the wire format under a running sync.
 */
export const NOTION_VERSION = '2025-09-03';

export interface NotionClientOptions {
  token: string;
  /** The API's origin (tests point it at the fake); the SDK adds `/v1/`. */
  url?: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
}

/** The methods the SDK offers, for `call`. */
export type Sdk = Client;

const DEFAULT_TIMEOUT_MS = 30_000;

/** Reads (GETs and data source queries, which Notion sends as POST) and PATCHes, which set values. */
function safeToResend(input: string | URL | Request, init: RequestInit | undefined): boolean {
  const method = (init?.method ?? 'GET').toUpperCase();
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  return method === 'GET' || method === 'PATCH' || (method === 'POST' && /\/query(\?|$)/.test(url));
}

/**
 * A fetch that resends a request once, at once, when a kept-alive socket was
 * reset, as the kit's HTTP client does for the other boards, but only a
 * request that is safe to send twice: a create's answer lost to a reset is the
 * engine's to retry, after it has looked for the marker.
 */
function resendingOnReset(inner: typeof fetch, timeoutMs: number): typeof fetch {
  return async (input, init) => {
    const send = () => inner(input, { ...init, signal: AbortSignal.timeout(timeoutMs + 1_000) });
    try {
      return await send();
    } catch (err) {
      if (!isResetError(err) || !safeToResend(input, init)) throw err;
      return send();
    }
  };
}

/**
 * The official SDK (`@notionhq/client`) with the version pinned, its own
 * retries off (backoff belongs to the engine, which knows what else waits and
 * keeps the board's budget), and every failure turned into a BoardError.
 */
export class NotionClient {
  readonly sdk: Sdk;

  constructor(options: NotionClientOptions) {
    registerSecretValue(options.token);
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.sdk = new Client({
      auth: options.token,
      baseUrl: (options.url ?? NOTION_API_URL).replace(/\/+$/, '').replace(/\/v1$/, ''),
      notionVersion: NOTION_VERSION,
      timeoutMs,
      retry: false,
      fetch: resendingOnReset(options.fetch ?? fetch, timeoutMs),
      // The SDK logs failures itself at WARN; the engine already reports them once, in its own words.
      logger: () => undefined,
    });
  }

  /** Runs one SDK call; `what` names it in messages ("query the data source"). */
  async call<T>(what: string, run: (sdk: Sdk) => Promise<T>): Promise<T> {
    try {
      return await run(this.sdk);
    } catch (err) {
      throw boardErrorOf(err, what);
    }
  }
}

/** Notion's error bodies say `{"object":"error","status":…,"code":…,"message":…}`; the message is kept. */
export function boardErrorOf(err: unknown, what: string): BoardError {
  if (err instanceof BoardError) return err;
  if (RequestTimeoutError.isRequestTimeoutError(err) || (err as { name?: unknown })?.name === 'TimeoutError') {
    return new BoardError('transient', `Notion did not answer ${what} in time (slow or overloaded)`);
  }
  if (isHTTPResponseError(err)) {
    const said = err.message || excerpt(err.body);
    const code = String(err.code);
    if (err.status === 429 || code === APIErrorCode.RateLimited) {
      const header = (err.headers as Headers | undefined)?.get?.('retry-after');
      return new BoardError(
        'rate_limited',
        `Notion is rate limiting requests (HTTP 429) to ${what}; it allows about 3 a second`,
        parseRetryAfter(header),
      );
    }
    if (err.status === 401) {
      return new BoardError(
        'auth',
        `Notion refused ${what} (HTTP 401 ${code}: ${said}); check the integration's secret (Settings > Connections > Develop or manage integrations)`,
      );
    }
    if (err.status === 403) {
      return new BoardError(
        'auth',
        `Notion denied ${what} (HTTP 403 ${code}: ${said}); give the integration the capabilities it needs (read, update and insert content, read comments, insert comments, read user information)`,
      );
    }
    if (err.status === 404) return new BoardError('not_found', `Notion has no such object for ${what}: ${said}`);
    if (err.status === 409) {
      return new BoardError('transient', `Notion refused ${what} for a conflicting save (HTTP 409): ${said}`);
    }
    if (err.status === 408 || err.status >= 500) {
      return new BoardError('transient', `Notion answered HTTP ${err.status} to ${what}: ${said}`);
    }
    return new BoardError('invalid', `Notion refused ${what} (HTTP ${err.status} ${code}): ${said}`);
  }
  if (isNotionClientError(err)) return new BoardError('transient', `Notion call ${what} failed: ${err.message}`);
  if (err instanceof SyntaxError) {
    return new BoardError('transient', `Notion's answer to ${what} was not JSON (a proxy page or an outage?)`);
  }
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  const detail = typeof cause?.code === 'string' ? cause.code : err instanceof Error ? err.message : String(err);
  return new BoardError('transient', `cannot reach Notion for ${what} (${detail})`);
}
