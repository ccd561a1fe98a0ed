import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { phpJsonEncode } from './php';
import {
  AccessDenied,
  appRoleAllows,
  bindArguments,
  InvalidParams,
  PROCEDURES,
  USER_ONLY,
  type CallContext,
} from './procedures';
import { KanboardStore, type KanboardEvent, type Session, type UserRow } from './store';
import { HumanActions } from './human';
import { takeFault } from '../faults';

/**
 * A fake Kanboard for tests: real HTTP on 127.0.0.1, Kanboard's JSON-RPC
 * protocol (batches, error codes, HTTP 401/403 for the whole request), HTTP
 * Basic auth in both modes, the procedures Deckhand uses with Kanboard's real
 * response shapes, and webhook posts to a configured URL with `?token=`, sent
 * before the API call answers (Kanboard without a worker sends them
 * synchronously). Tests can count requests and bytes, inject failures, skew
 * the clock and act as a human through `human()`.
 */

export interface Fault {
  /** Which requests it applies to, by the methods they call (default: any). */
  when?: (methods: string[]) => boolean;
  /** How many matching requests it affects (default 1). */
  times?: number;
  /** Wait this long before answering (a slow server); with nothing else set, the call then runs normally. */
  delayMs?: number;
  /** Answer with this status and body instead of running the calls. */
  status?: number;
  /** A fixed body, or one built from the parsed request (to echo JSON-RPC ids). */
  body?: string | ((request: unknown) => string);
  headers?: Record<string, string>;
  /** Drop the connection without an answer. */
  destroy?: boolean;
  /**
   * Run the calls first, then fail as above (`status` or `destroy`): the write
   * happened on the server but its answer is lost, as when a proxy times out.
   */
  afterRun?: boolean;
}

export interface FakeStats {
  requests: number;
  /** JSON-RPC calls, counting each item of a batch. */
  calls: number;
  bytesIn: number;
  bytesOut: number;
  byMethod: Record<string, number>;
  authFailures: number;
  /** The methods of each request, in order (a batch lists several). */
  requestLog: string[][];
}

export interface WebhookDelivery {
  event: string;
  status?: number;
  error?: string;
}

export interface FakeKanboardOptions {
  appToken?: string;
  timeZone?: string;
}

const emptyStats = (): FakeStats => ({
  requests: 0,
  calls: 0,
  bytesIn: 0,
  bytesOut: 0,
  byMethod: {},
  authFailures: 0,
  requestLog: [],
});

class AuthFailure extends Error {}

/** PHP with MySQL or before 8.1 returns every column as a string. */
function stringify(value: unknown): unknown {
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) return value.map(stringify);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, stringify(v)]));
  }
  return value;
}

export class FakeKanboard {
  readonly store: KanboardStore;
  appToken: string;
  timeZone: string;
  /** Board clock skew against the test machine. */
  clockOffsetMs = 0;
  /** Answer integers as strings, as Kanboard on MySQL does. */
  stringNumbers = false;
  /** Added to every request. */
  latencyMs = 0;
  readonly faults: Fault[] = [];
  stats: FakeStats = emptyStats();
  webhook: { url: string; token: string } | null = null;
  readonly deliveries: WebhookDelivery[] = [];
  private server: Server | undefined;
  private base = '';

  private constructor(options: FakeKanboardOptions) {
    this.appToken = options.appToken ?? 'fake-app-token-0123456789';
    this.timeZone = options.timeZone ?? 'UTC';
    this.store = new KanboardStore({ now: () => this.now(), timeZone: () => this.timeZone });
  }

  static async start(options: FakeKanboardOptions = {}): Promise<FakeKanboard> {
    const fake = new FakeKanboard(options);
    const server = createServer((req, res) => {
      fake.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake kanboard crashed: ${err instanceof Error ? err.stack : String(err)}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.server = server;
    fake.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  /** The base URL (what a user would type into Deckhand's config). */
  get url(): string {
    return this.base;
  }

  get endpoint(): string {
    return `${this.base}/jsonrpc.php`;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Epoch seconds on the board's clock. */
  now(): number {
    return Math.floor((Date.now() + this.clockOffsetMs) / 1000);
  }

  resetStats(): void {
    this.stats = emptyStats();
  }

  /** Kanboard's Settings > Webhooks: one global URL and its token. */
  setWebhook(url: string, token: string): void {
    this.webhook = { url, token };
  }

  /** Edits as a person in Kanboard's UI would make them (events and webhooks included). */
  human(username = 'admin'): HumanActions {
    const user = this.store.userByName(username);
    if (!user) throw new Error(`fake kanboard: no user "${username}"`);
    return new HumanActions(this.store, { user }, () => this.flushEvents());
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    this.stats.requests++;
    this.stats.bytesIn += Buffer.byteLength(raw);

    let payload: unknown;
    try {
      payload = JSON.parse(raw);
    } catch {
      payload = null;
    }
    const items = Array.isArray(payload) ? payload : [payload];
    const methods = items.map((i) => (i && typeof i === 'object' ? String((i as { method?: unknown }).method) : ''));
    this.stats.requestLog.push(methods);

    const fault = this.takeFault(methods);
    const delay = this.latencyMs + (fault?.delayMs ?? 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    if (fault?.afterRun) {
      await this.execute(payload, req.headers.authorization);
      await this.flushEvents();
    }
    if (fault?.destroy) {
      req.socket.destroy();
      return;
    }
    if (fault?.status !== undefined) {
      const body = typeof fault.body === 'function' ? fault.body(payload) : (fault.body ?? '');
      return this.send(res, fault.status, body, fault.headers);
    }

    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path !== '/jsonrpc.php') {
      return this.send(res, 200, '<!DOCTYPE html><html><head><title>Login</title></head><body>Kanboard</body></html>', {
        'content-type': 'text/html; charset=UTF-8',
      });
    }

    const { status, body, headers } = await this.execute(payload, req.headers.authorization);
    await this.flushEvents();
    this.send(res, status, body, headers);
  }

  private send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    this.stats.bytesOut += Buffer.byteLength(body);
    // The Date header comes from the board's clock, as on a real server.
    res.writeHead(status, {
      date: new Date(this.now() * 1000).toUTCString(),
      'content-type': 'application/json',
      connection: 'close',
      ...headers,
    });
    res.end(body);
  }

  private takeFault(methods: string[]): Fault | undefined {
    return takeFault(this.faults, methods);
  }

  /** Server::execute: parse, then each request in order; auth and access failures end the whole request. */
  private async execute(
    payload: unknown,
    authorization: string | undefined,
  ): Promise<{ status: number; body: string; headers?: Record<string, string> }> {
    const rpcError = (code: number, message: string, id: unknown, data?: string): string =>
      JSON.stringify({ jsonrpc: '2.0', error: { code, message, ...(data ? { data } : {}) }, id });
    if (payload === null || typeof payload !== 'object') {
      return { status: 200, body: rpcError(-32700, 'Parse error', null) };
    }
    const batch = Array.isArray(payload) && payload.length > 0;
    const items = batch ? (payload as unknown[]) : [payload];
    const responses: string[] = [];
    try {
      for (const item of items) {
        const response = this.runOne(item, authorization);
        if (response !== '') responses.push(response);
      }
    } catch (err) {
      if (err instanceof AuthFailure) {
        this.stats.authFailures++;
        return {
          status: 401,
          body: rpcError(401, 'Unauthorized', null),
          headers: { 'www-authenticate': 'Basic realm="JsonRPC"' },
        };
      }
      if (err instanceof AccessDenied) return { status: 403, body: rpcError(403, 'Forbidden', null) };
      throw err;
    }
    const body = batch ? (responses.length > 0 ? `[${responses.join(',')}]` : '') : (responses[0] ?? '');
    return { status: 200, body };
  }

  private authenticate(authorization: string | undefined): Session {
    const decoded = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
    const [username, ...rest] = decoded ? Buffer.from(decoded[1]!, 'base64').toString('utf8').split(':') : [''];
    const password = rest.join(':');
    if (username === 'jsonrpc') {
      if (password !== '' && password === this.appToken) return { user: null };
      throw new AuthFailure();
    }
    const user: UserRow | undefined = this.store.userByName(username ?? '');
    const ok =
      user !== undefined &&
      user.is_active === 1 &&
      password !== '' &&
      (password === user.password || (user.api_access_token !== null && password === user.api_access_token));
    if (!ok) throw new AuthFailure();
    return { user };
  }

  private runOne(item: unknown, authorization: string | undefined): string {
    const request = item as { jsonrpc?: unknown; method?: unknown; params?: unknown; id?: unknown } | null;
    const hasId = request !== null && typeof request === 'object' && 'id' in request && request.id !== null;
    const respond = (body: Record<string, unknown>): string =>
      hasId ? JSON.stringify({ jsonrpc: '2.0', ...body, id: request!.id }) : '';
    if (
      !request ||
      typeof request !== 'object' ||
      request.jsonrpc !== '2.0' ||
      typeof request.method !== 'string' ||
      (request.params !== undefined && (typeof request.params !== 'object' || request.params === null))
    ) {
      return JSON.stringify({ jsonrpc: '2.0', error: { code: -32600, message: 'Invalid Request' }, id: null });
    }
    const session = this.authenticate(authorization);
    const method = request.method;
    const procedure = Object.prototype.hasOwnProperty.call(PROCEDURES, method) ? PROCEDURES[method] : undefined;
    if (procedure) {
      if (!session.user && USER_ONLY.has(method)) throw new AccessDenied('not available with the API credentials');
      if (session.user && !appRoleAllows(procedure, method, session.user.role)) throw new AccessDenied('not allowed');
    }
    this.stats.calls++;
    this.stats.byMethod[method] = (this.stats.byMethod[method] ?? 0) + 1;
    if (!procedure) return respond({ error: { code: -32601, message: 'Method not found' } });
    let args: Record<string, unknown>;
    try {
      args = bindArguments(procedure, request.params);
    } catch (err) {
      if (!(err instanceof InvalidParams)) throw err;
      return respond({ error: { code: -32602, message: 'Invalid params', data: err.message } });
    }
    const ctx: CallContext = { store: this.store, session, baseUrl: this.base };
    let result: unknown;
    try {
      result = procedure.run(ctx, args);
    } catch (err) {
      if (err instanceof InvalidParams) {
        return respond({ error: { code: -32602, message: 'Invalid params', data: err.message } });
      }
      throw err;
    }
    return respond({ result: this.stringNumbers ? stringify(result) : result });
  }

  // ---- webhooks ----

  /** Posts every pending event to the configured URL, one at a time, as Kanboard's WebhookNotification does. */
  async flushEvents(): Promise<void> {
    const events = this.store.events.splice(0);
    for (const event of events) await this.post(event);
  }

  /** One POST with the headers PHP's curl client sends (no Accept or encodings, connection closed). */
  private async post(event: KanboardEvent): Promise<void> {
    if (!this.webhook || this.webhook.url === '') return;
    const { url, token } = this.webhook;
    const target = new URL(`${url}${url.includes('?') ? '&' : '?'}token=${token}`);
    const body = phpJsonEncode({ event_name: event.name, event_data: event.data, event_author: event.author });
    try {
      const status = await new Promise<number>((resolve, reject) => {
        const req = httpRequest(
          target,
          {
            method: 'POST',
            headers: {
              'content-length': Buffer.byteLength(body),
              'user-agent': 'Kanboard',
              connection: 'close',
              'content-type': 'application/json',
            },
            timeout: 10_000,
          },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('timeout', () => req.destroy(new Error('timeout')));
        req.on('error', reject);
        req.end(body);
      });
      this.deliveries.push({ event: event.name, status });
    } catch (err) {
      this.deliveries.push({ event: event.name, error: err instanceof Error ? err.message : String(err) });
    }
  }
}
