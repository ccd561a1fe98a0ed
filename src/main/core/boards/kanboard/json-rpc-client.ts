import { BoardError } from '../contract/errors';
import { excerpt } from '../kit/http/excerpt';
import { DEFAULT_TIMEOUT_MS, HttpClient, parseJson, type HttpAnswer, type ResponseMeta } from '../kit/http/client';

export { DEFAULT_TIMEOUT_MS, type ResponseMeta };

/**
 * The two ways Kanboard accepts HTTP Basic auth on its API: the `jsonrpc` user
 * with the application token (full access, no user context), or a real user
 * with a personal access token or password (project permissions apply).
 */
export type KanboardAuthMode = 'app' | 'user';

export interface RpcClientOptions {
  /** The config URL: Kanboard's base URL or its `jsonrpc.php` endpoint. */
  url: string;
  /** Absent or `jsonrpc` means the application API token. */
  username?: string;
  token: string;
  /** Per HTTP request; a slow server becomes a transient error instead of a hung sync. */
  timeoutMs?: number;
  /** For tests and the benchmark. */
  fetch?: typeof fetch;
}

export interface RpcCall {
  method: string;
  /** Named (object) or positional (array) parameters, as Kanboard's procedure handler takes both. */
  params?: Record<string, unknown> | unknown[];
}

/**
 * One item of a batch: its result, or the error that call alone got. `refused`
 * marks a plain `false` result, which some procedures use for "not found".
 */
export type RpcOutcome = { ok: true; result: unknown } | { ok: false; error: BoardError; refused?: boolean };

export interface RequestOptions {
  /** A read may be retried once at once when its socket was reset. */
  read?: boolean;
  meta?: ResponseMeta;
}

interface RpcResponse {
  id?: unknown;
  result?: unknown;
  error?: { code?: unknown; message?: unknown; data?: unknown };
}

/** Kanboard's endpoint for a config URL: `.../jsonrpc.php` as given, else the base URL plus `jsonrpc.php`. */
export function endpointFor(url: string): string {
  const parsed = new URL(url);
  if (!/\.php$/i.test(parsed.pathname)) {
    parsed.pathname = `${parsed.pathname.replace(/\/*$/, '')}/jsonrpc.php`;
  }
  return parsed.toString();
}

/**
 * A JSON-RPC 2.0 client for Kanboard's `jsonrpc.php`, mapping every failure to
 * a BoardError the engine acts on. It never retries on its own except once,
 * immediately, for a read whose socket was reset; backoff belongs to the engine.
 * The token is registered for log redaction and never put in a message.
 */
export class KanboardRpcClient {
  readonly endpoint: string;
  readonly mode: KanboardAuthMode;
  readonly username: string;
  private readonly http: HttpClient;
  private nextId = 1;

  constructor(options: RpcClientOptions) {
    this.endpoint = endpointFor(options.url);
    this.username = options.username && options.username.trim() !== '' ? options.username : 'jsonrpc';
    this.mode = this.username === 'jsonrpc' ? 'app' : 'user';
    const authorization = `Basic ${Buffer.from(`${this.username}:${options.token}`).toString('base64')}`;
    this.http = new HttpClient({
      service: 'Kanboard',
      baseUrl: this.endpoint,
      headers: () => ({ authorization }),
      secrets: [options.token, authorization],
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.fetch ? { fetch: options.fetch } : {}),
      errorFor: (answer, methods) => this.statusError(answer, methods),
    });
  }

  /** Awaited before every HTTP request (a batch is one): the engine's rate budget for the board. */
  meter(beforeRequest: () => Promise<void>): void {
    this.http.beforeRequest = beforeRequest;
  }

  /** Who we are, for messages: never the token. */
  describeAuth(): string {
    return this.mode === 'app'
      ? 'user "jsonrpc" with the application API token (Settings > API)'
      : `user "${this.username}" with a personal access token (user mode)`;
  }

  /** One call. A JSON-RPC error, or `false` where Kanboard signals failure that way, becomes a BoardError. */
  async call<T = unknown>(method: string, params?: RpcCall['params'], opts: RequestOptions = {}): Promise<T> {
    const [outcome] = await this.batch([{ method, ...(params !== undefined ? { params } : {}) }], opts);
    if (!outcome!.ok) throw outcome!.error;
    return outcome!.result as T;
  }

  /**
   * Several calls in one HTTP request (Kanboard runs them in order). Each item
   * gets its own outcome; a failure of the request as a whole (network, HTTP
   * status, garbage) throws for all of them.
   */
  async batch(calls: RpcCall[], opts: RequestOptions = {}): Promise<RpcOutcome[]> {
    if (calls.length === 0) return [];
    const ids = calls.map(() => this.nextId++);
    const payload = calls.map((c, i) => ({
      jsonrpc: '2.0',
      method: c.method,
      id: ids[i],
      ...(c.params !== undefined ? { params: c.params } : {}),
    }));
    // A single call goes unwrapped: some proxies and old servers mishandle one-item batches.
    const body = JSON.stringify(calls.length === 1 ? payload[0] : payload);
    const methods = [...new Set(calls.map((c) => c.method))].join(', ');
    const parsed = await this.post(body, methods, opts);
    const responses = Array.isArray(parsed) ? (parsed as RpcResponse[]) : [parsed as RpcResponse];
    const byId = new Map<unknown, RpcResponse>();
    for (const r of responses) if (r && typeof r === 'object') byId.set(r.id, r);
    // A whole-request error (id null) applies to every call.
    const whole = responses.find((r) => r && typeof r === 'object' && r.id === null && r.error);
    return calls.map((c, i): RpcOutcome => {
      const response = byId.get(ids[i]) ?? whole;
      if (!response) {
        return {
          ok: false,
          error: new BoardError('transient', `Kanboard sent no answer for ${c.method} in a batch; retrying later`),
        };
      }
      if (response.error) return { ok: false, error: this.rpcError(c.method, response.error) };
      if (response.result === false) {
        return {
          ok: false,
          refused: true,
          error: new BoardError('invalid', `Kanboard refused ${c.method} (it returned false)`),
        };
      }
      return { ok: true, result: response.result };
    });
  }

  private async post(body: string, methods: string, opts: RequestOptions): Promise<unknown> {
    const answer = await this.http.send({
      method: 'POST',
      path: this.endpoint,
      body,
      contentType: 'application/json',
      idempotent: opts.read === true,
      what: methods,
      ...(opts.meta ? { meta: opts.meta } : {}),
    });
    const parsed = parseJson<unknown>(answer, 'Kanboard', methods);
    const looksLikeRpc = (v: unknown): boolean =>
      typeof v === 'object' && v !== null && ('result' in v || 'error' in v);
    if (Array.isArray(parsed) ? !parsed.every(looksLikeRpc) : !looksLikeRpc(parsed)) {
      throw new BoardError(
        'transient',
        `Kanboard's answer to ${methods} was not a JSON-RPC response: ${excerpt(answer.text)}`,
      );
    }
    return parsed;
  }

  /** Kanboard's reading of a failed HTTP status: what to check for 401/403, a wrong URL for other 4xx. */
  private statusError(answer: HttpAnswer, methods: string): BoardError | undefined {
    const { status } = answer;
    if (status === 401) {
      return new BoardError(
        'auth',
        `Kanboard rejected the credentials (HTTP 401) as ${this.describeAuth()}. ` +
          (this.mode === 'app'
            ? 'Check the token against Settings > API in Kanboard, and leave `username` out (or set it to jsonrpc).'
            : 'Check the username and its personal access token (My profile > API), and that the user is active.'),
      );
    }
    if (status === 403) {
      return new BoardError(
        'auth',
        `Kanboard denied access (HTTP 403) to ${methods} as ${this.describeAuth()}. ` +
          (this.mode === 'user'
            ? 'The user needs a role in the project (member or manager to write), or use the application API token.'
            : 'This procedure needs a user context; it is not available with the application token.'),
      );
    }
    if (status === 429 || status === 408 || status >= 500) return undefined; // the shared mapping
    return new BoardError(
      'invalid',
      `Kanboard answered HTTP ${status} to ${methods} at ${this.endpoint}: ${excerpt(answer.text)}. Is the board URL right?`,
    );
  }

  /** A JSON-RPC error object as a BoardError naming the method and Kanboard's message. */
  private rpcError(method: string, error: NonNullable<RpcResponse['error']>): BoardError {
    const code = error.code;
    const message = typeof error.message === 'string' ? error.message : 'unknown error';
    const data = typeof error.data === 'string' && error.data !== '' ? ` (${error.data})` : '';
    if (code === 401 || code === 403) {
      return new BoardError(
        'auth',
        `Kanboard denied ${method}: ${message} [${String(code)}] as ${this.describeAuth()}`,
      );
    }
    // A PDO exception surfaces with its SQLSTATE as the code: a locked or busy database passes.
    if (typeof code === 'string' || /SQLSTATE|database is locked|deadlock/i.test(message)) {
      return new BoardError('transient', `Kanboard ${method} failed on its database: ${message}`);
    }
    const hint = code === -32601 ? ' (this Kanboard may be too old for this procedure)' : '';
    return new BoardError('invalid', `Kanboard ${method} failed: ${message}${data} [${String(code)}]${hint}`);
  }
}
