import { registerSecretValue } from '../../../logger';
import { BoardError, NOT_RUN_STATUSES } from '../../contract/errors';
import { excerpt } from './excerpt';
import { throttleWaitMs } from './retry-after';

export const DEFAULT_TIMEOUT_MS = 30_000;

/** Filled in by a request when asked: when the server answered (its Date header, seconds) and how long it took here. */
export interface ResponseMeta {
  serverSeconds?: number;
  elapsedMs?: number;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  text: string;
  /** The request URL without its query (queries can carry tokens). */
  where: string;
}

export interface HttpRequest {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Appended to the base URL; an absolute URL is used as given (a server's own `next` link). */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  json?: unknown;
  /** Sent as is, with `contentType`. */
  body?: string;
  contentType?: string;
  headers?: Record<string, string>;
  /**
   * Safe to send twice: a read, or a write the board deduplicates. Such a
   * request is resent once, at once, when its kept-alive socket was reset.
   */
  idempotent?: boolean;
  /** What the call does, for messages ("list work items"). Defaults to method and path. */
  what?: string;
  meta?: ResponseMeta;
}

export interface HttpClientOptions {
  /** The board's name in messages ("Plane"). */
  service: string;
  baseUrl: string;
  /** Headers for every request (auth); asked per request so a renewed token is used at once. */
  headers?: () => Record<string, string>;
  /** Values that must never reach a log line; registered for redaction. */
  secrets?: readonly string[];
  timeoutMs?: number;
  /** For tests and the benchmark. */
  fetch?: typeof fetch;
  /**
   * The board's own reading of a failed answer (a more helpful 401, a 404
   * that means a wrong URL); undefined falls back to the shared mapping.
   */
  errorFor?: (answer: HttpAnswer, what: string) => BoardError | undefined;
}

/** Socket-level failures where one immediate resend usually succeeds (a kept-alive socket the server closed). */
export function isResetError(err: unknown): boolean {
  const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
  const code = typeof cause?.code === 'string' ? cause.code : '';
  return code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE';
}

/**
 * The shared HTTP client under every REST, JSON-RPC and GraphQL adapter.
 * Every failure becomes a BoardError the engine acts on: timeouts, resets and
 * 5xx are transient, 429 is rate_limited with the wait the server asked for,
 * 401/403 are auth, 404 not_found, other 4xx invalid. It never retries on its
 * own except one immediate resend of an idempotent request after a reset:
 * backoff belongs to the engine, which knows what else is waiting.
 */
export class HttpClient {
  readonly service: string;
  readonly baseUrl: string;
  private readonly timeoutMs: number;
  private readonly fetchImpl: typeof fetch;
  /** Awaited before every request, resends included: the engine's rate budget for the board. */
  beforeRequest: (() => Promise<void>) | undefined;

  constructor(private readonly options: HttpClientOptions) {
    this.service = options.service;
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.fetchImpl = options.fetch ?? fetch;
    for (const secret of options.secrets ?? []) registerSecretValue(secret);
  }

  /** Sends a request; a 2xx answer is returned, anything else thrown as a BoardError. */
  async send(request: HttpRequest): Promise<HttpAnswer> {
    const url = this.urlFor(request);
    const where = `${url.origin}${url.pathname}`;
    const method = request.method ?? 'GET';
    const what = request.what ?? `${method} ${url.pathname}`;
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...this.options.headers?.(),
      ...request.headers,
    };
    let body: string | undefined = request.body;
    if (request.json !== undefined) {
      body = JSON.stringify(request.json);
      headers['content-type'] = 'application/json';
    } else if (body !== undefined && request.contentType) {
      headers['content-type'] = request.contentType;
    }

    let answer: HttpAnswer;
    for (let attempt = 0; ; attempt++) {
      await this.beforeRequest?.();
      const started = Date.now();
      try {
        const response = await this.fetchImpl(url, {
          method,
          headers,
          ...(body !== undefined ? { body } : {}),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        answer = { status: response.status, headers: response.headers, text: await response.text(), where };
        if (request.meta) {
          const date = Date.parse(response.headers.get('date') ?? '');
          request.meta.elapsedMs = Date.now() - started;
          if (!Number.isNaN(date)) request.meta.serverSeconds = Math.floor(date / 1000);
        }
        break;
      } catch (err) {
        if (request.idempotent === true && attempt === 0 && isResetError(err)) continue;
        throw this.networkError(err, what, where);
      }
    }
    if (answer.status >= 200 && answer.status < 300) return answer;
    const error = this.options.errorFor?.(answer, what) ?? this.statusError(answer, what);
    if (NOT_RUN_STATUSES.has(answer.status)) error.notRun = true;
    throw error;
  }

  /** Sends a request and parses its JSON answer; a body that is not JSON is transient (a proxy page, a crash). */
  async json<T = unknown>(request: HttpRequest): Promise<T> {
    const answer = await this.send(request);
    return parseJson<T>(answer, this.service, request.what ?? request.path);
  }

  /** The shared reading of a failed status. */
  statusError(answer: HttpAnswer, what: string): BoardError {
    const { status } = answer;
    const said = excerpt(answer.text);
    if (status === 401 || status === 403) {
      return new BoardError(
        'auth',
        `${this.service} ${status === 401 ? 'rejected the credentials' : 'denied access'} (HTTP ${status}) to ${what}: ${said}`,
      );
    }
    if (status === 429) {
      return new BoardError(
        'rate_limited',
        `${this.service} is rate limiting requests (HTTP 429) to ${what}`,
        throttleWaitMs(answer.headers),
      );
    }
    if (status === 408 || status >= 500) {
      return new BoardError('transient', `${this.service} answered HTTP ${status} to ${what}: ${said}`);
    }
    if (status === 404)
      return new BoardError('not_found', `${this.service} has no ${answer.where} (HTTP 404): ${said}`);
    return new BoardError('invalid', `${this.service} refused ${what} (HTTP ${status}): ${said}`);
  }

  private urlFor(request: HttpRequest): URL {
    const url = /^https?:\/\//i.test(request.path)
      ? new URL(request.path)
      : new URL(`${this.baseUrl}/${request.path.replace(/^\/+/, '')}`);
    for (const [key, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(key, String(value));
    }
    return url;
  }

  private networkError(err: unknown, what: string, where: string): BoardError {
    const name = (err as { name?: unknown } | null)?.name;
    if (name === 'TimeoutError' || name === 'AbortError') {
      return new BoardError(
        'transient',
        `${this.service} did not answer ${what} within ${seconds(this.timeoutMs)} (slow or overloaded server)`,
      );
    }
    const cause = (err as { cause?: { code?: unknown } } | null)?.cause;
    const detail = typeof cause?.code === 'string' ? cause.code : err instanceof Error ? err.message : String(err);
    const error = new BoardError('transient', `cannot reach ${this.service} at ${where} (${detail})`);
    // Nothing listened: the request never left this machine.
    if (detail === 'ECONNREFUSED') error.notRun = true;
    return error;
  }
}

const seconds = (ms: number): string => (ms < 1000 ? `${ms} ms` : `${Math.round(ms / 1000)} s`);

/** An answer's body as JSON; garbage is transient, since a retry usually meets the real server again. */
export function parseJson<T>(answer: HttpAnswer, service: string, what: string): T {
  try {
    return JSON.parse(answer.text) as T;
  } catch {
    throw new BoardError(
      'transient',
      `${service}'s answer to ${what} was not JSON (a proxy error page or a server crash?): ${excerpt(answer.text)}`,
    );
  }
}
