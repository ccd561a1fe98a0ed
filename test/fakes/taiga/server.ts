import { createHmac, randomBytes } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { HumanActions } from './human';
import { parseFilterDate, pyDumps, taigaDate } from './pyjson';
import {
  ApiError,
  errorBody,
  notAuthenticated,
  notFound,
  permissionDenied,
  TaigaStore,
  type ItemKind,
  type StoryRow,
  type TaskRow,
  type UserRow,
  type WebhookLogRow,
  type WebhookRow,
} from './store';
import { takeFault } from '../faults';

/**
 * A fake Taiga (taiga-back REST API, `/api/v1`) for tests: real HTTP on
 * 127.0.0.1, one Kanban project, user stories and tasks with optimistic
 * concurrency, comments through history, JWT auth with expiry and refresh,
 * header pagination, signed webhooks, optional throttling, injected faults and
 * a `human()` acting in the web UI. Written from taiga-back's source; none of
 * its code is copied.
 *
 * Where each behaviour comes from (taiga-back at 3bea7114, and
 * /work/shared/boards/taiga-real.md, "TR", checked against a real server):
 * - Login, refresh, token lifetimes and the 401 bodies: taiga/auth/{api,services,
 *   serializers,tokens,authentication,exceptions,settings}.py, settings/common.py
 *   SIMPLE_JWT (24 h / 8 d); refresh tokens rotate and the old one is denylisted;
 *   TR "Auth" for the wrong-password 401 and the admin (id 5, admin/123123).
 *   Authentication runs on every request (taiga/base/api/views.py initial), so an
 *   expired Bearer header fails even on /auth/refresh.
 * - Error bodies: taiga/base/exceptions.py format_exception (string details become
 *   `{_error_message, _error_type}`), Http404 -> `{_error_message}` (Django's
 *   get_object_or_404 text), WWW-Authenticate `Bearer realm="api"` on 401.
 * - Pagination: taiga/base/api/pagination.py (30 by default, `page_size` up to
 *   1000, `page=last`, `x-disable-pagination` by presence, `x-lazy-pagination`,
 *   404 for a bad page) and TR "Listing".
 * - Filters and ordering: taiga/base/filters.py (date filters parsed like dateutil,
 *   inclusive `__gte`, a bad date is a 500 as TR notes; `order_by` with `-id` as tie
 *   break), taiga/projects/userstories/api.py filter_fields.
 * - Fields and JSON: taiga/projects/userstories/serializers.py (list items lack
 *   `description`), mixins/serializers.py, tagging/serializers.py (tags as
 *   [[name, color]]), tagging/api.py + migration 0046 (tags lowercased, unknown
 *   tags join tags_colors with no color), base/api/renderers.py and
 *   utils/encoders.py (Python json.dumps spacing, `\u` escapes, ms dates with Z).
 * - Optimistic concurrency: taiga/projects/occ/mixins.py (400 only when the sent
 *   fields overlap the fields changed in the last N history entries) and TR "PATCH
 *   and optimistic concurrency" for the exact bodies.
 * - History and comments: taiga/projects/history/{api,services,freeze_impl,models,
 *   serializers}.py (only change entries, newest first, hidden order-only entries,
 *   values_diff, edit/delete_comment) and TR "Comments".
 * - Webhooks: taiga/webhooks/{signal_handlers,tasks,serializers}.py and TR
 *   "Webhooks" (body, HMAC-SHA1 of the raw body in X-TAIGA-WEBHOOK-SIGNATURE and
 *   X-Hub-Signature, headers as urllib3 sends them, last 10 logs kept, status name
 *   in diffs, the description_diff placeholder from taiga/timeline/signals.py).
 * - Throttling: taiga/base/throttling.py CommonThrottle and exceptions.Throttled
 *   (429, X-Throttle-Wait-Seconds, `Request was throttled.Expected available in N
 *   seconds.`); all rates are None by default (settings/common.py), so it is off.
 *
 * Known differences from real Taiga:
 * - One project only, always private and Kanban; no epics, issues, milestones,
 *   swimlanes, attachments, custom attributes, points other than "?", votes,
 *   timeline, notifications, wiki, imports, or `Application` tokens.
 * - Every user is a project member (admin is the owner); no per-role permissions.
 * - Webhooks are delivered after the answer by default (Taiga with Celery);
 *   `webhookMode: 'sync'` sends them before answering, as TR's Celery-less server.
 *   Deliveries time out after `webhookTimeoutMs` (Taiga sets no timeout).
 * - Markdown (`*_html`) is a small subset of Taiga's renderer; description diffs
 *   mark one changed middle instead of diff-match-patch's semantic diff.
 * - `q` is a case-insensitive substring/ref match, not Postgres full-text search.
 * - Django's error pages (404 for unknown URLs, 500) are short HTML, not the
 *   DEBUG pages; invalid JSON errors carry JavaScript's parser message.
 * - Key order in objects is close to, not exactly, Taiga's.
 * - Throttling is keyed by user id or "anon" (not the client IP) and never applies
 *   to /auth (Taiga uses login-fail / register throttles there, None by default).
 */

export interface FaultRequest {
  method: string;
  /** The path without the query, e.g. `/api/v1/userstories/3`. */
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface Fault {
  /** Which requests it applies to (default: any). */
  when?: (request: FaultRequest) => boolean;
  /** How many matching requests it affects (default 1). */
  times?: number;
  /** Wait this long before answering; with nothing else set, the request then runs normally. */
  delayMs?: number;
  /** Answer with this status and body instead of running the request. */
  status?: number;
  body?: string | ((request: FaultRequest) => string);
  headers?: Record<string, string>;
  /** Drop the connection without an answer. */
  destroy?: boolean;
  /** Run the request first (the change happens, webhooks included), then fail as above. */
  afterRun?: boolean;
}

export interface FakeStats {
  requests: number;
  bytesIn: number;
  bytesOut: number;
  /** Requests per `METHOD /route`, e.g. `PATCH /api/v1/userstories/{id}`. */
  byPath: Record<string, number>;
  authFailures: number;
  throttled: number;
  requestLog: { method: string; url: string; status: number }[];
}

export interface WebhookDeliveryRecord {
  webhookId: number;
  url: string;
  action: string;
  type: string;
  /** The exact bytes sent, as text. */
  body: string;
  headers: Record<string, string>;
  status?: number;
  error?: string;
}

export type ThrottleScope = 'anon-read' | 'anon-write' | 'user-read' | 'user-write';
/** Rates like DRF's: "10/minute", "100/hour", a list of them, or null for none. */
export type ThrottleRates = Partial<Record<ThrottleScope, string | string[] | null>>;

export interface FakeTaigaOptions {
  /** Default `admin-demo`. */
  projectSlug?: string;
  /** Default `Demo`. */
  projectName?: string;
  /** Project tag colors known from the start: name -> "#rrggbb" or null. */
  projectTags?: Record<string, string | null>;
  /** More project members besides admin/123123 (id 5); they get ids 6, 7, ... */
  users?: { username: string; password: string; fullName?: string; email?: string }[];
  /** Access token lifetime, default 24 h. */
  accessTokenTtlMs?: number;
  /** Refresh token lifetime, default 8 days. */
  refreshTokenTtlMs?: number;
  /** Off unless given (Taiga's defaults are all None). */
  throttle?: ThrottleRates;
  /** `async` (default): after the answer, one at a time. `sync`: before the answer. */
  webhookMode?: 'async' | 'sync';
  webhookTimeoutMs?: number;
}

const emptyStats = (): FakeStats => ({
  requests: 0,
  bytesIn: 0,
  bytesOut: 0,
  byPath: {},
  authFailures: 0,
  throttled: 0,
  requestLog: [],
});

const b64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

interface Answer {
  status: number;
  /** Rendered with Python's json.dumps; a string is sent as is when `raw`. */
  body?: unknown;
  raw?: boolean;
  headers?: Record<string, string | number>;
}

interface Ctx {
  method: string;
  url: URL;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: unknown;
  user: UserRow | null;
  host: string;
}

const HTML_404 =
  '<!doctype html>\n<html lang="en">\n<head>\n  <title>Not Found</title>\n</head>\n<body>\n  <h1>Not Found</h1><p>The requested resource was not found on this server.</p>\n</body>\n</html>\n';
const HTML_500 =
  '<!doctype html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server Error (500)</h1><p></p>\n</body>\n</html>\n';

class ServerError extends Error {}

export class FakeTaiga {
  readonly store: TaigaStore;
  readonly faults: Fault[] = [];
  stats: FakeStats = emptyStats();
  readonly deliveries: WebhookDeliveryRecord[] = [];
  /** Server clock skew against the test machine; raise it to expire tokens. */
  clockOffsetMs = 0;
  /** Added to every request. */
  latencyMs = 0;
  accessTokenTtlMs: number;
  refreshTokenTtlMs: number;
  webhookMode: 'async' | 'sync';
  webhookTimeoutMs: number;
  private throttleRates: ThrottleRates;
  private throttleHistory = new Map<string, number[]>();
  private readonly secret = randomBytes(32);
  private readonly denylist = new Set<string>();
  private server: Server | undefined;
  private base = '';
  private queue: { hook: WebhookRow; payload: Record<string, unknown> }[] = [];
  private worker: Promise<void> | null = null;

  private constructor(options: FakeTaigaOptions) {
    this.accessTokenTtlMs = options.accessTokenTtlMs ?? 24 * 3600_000;
    this.refreshTokenTtlMs = options.refreshTokenTtlMs ?? 8 * 86_400_000;
    this.throttleRates = options.throttle ?? {};
    this.webhookMode = options.webhookMode ?? 'async';
    this.webhookTimeoutMs = options.webhookTimeoutMs ?? 30_000;
    this.store = new TaigaStore({
      now: () => Math.floor((performance.timeOrigin + performance.now() + this.clockOffsetMs) * 1000),
      frontUrl: () => this.base,
      projectSlug: options.projectSlug ?? 'admin-demo',
      projectName: options.projectName ?? 'Demo',
      projectTags: options.projectTags,
      users: options.users,
    });
  }

  static async start(options: FakeTaigaOptions = {}): Promise<FakeTaiga> {
    const fake = new FakeTaiga(options);
    const server = createServer((req, res) => {
      fake.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake taiga crashed: ${err instanceof Error ? err.stack : String(err)}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.server = server;
    fake.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  /** `http://127.0.0.1:PORT` (also where the permalinks point). */
  get url(): string {
    return this.base;
  }

  /** `http://127.0.0.1:PORT/api/v1/`. */
  get apiUrl(): string {
    return `${this.base}/api/v1/`;
  }

  get projectId(): number {
    return this.store.project.id;
  }

  get projectSlug(): string {
    return this.store.project.slug;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await this.flushWebhooks().catch(() => undefined);
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  /** Server time in epoch milliseconds. */
  nowMs(): number {
    return Date.now() + this.clockOffsetMs;
  }

  advanceClock(ms: number): void {
    this.clockOffsetMs += ms;
  }

  fail(fault: Fault): void {
    this.faults.push(fault);
  }

  resetStats(): void {
    this.stats = emptyStats();
  }

  setThrottle(rates: ThrottleRates | null): void {
    this.throttleRates = rates ?? {};
    this.throttleHistory.clear();
  }

  /** Registers a webhook as the project admin would (same as `POST /webhooks`). */
  addWebhook(url: string, key: string, name = 'deckhand'): WebhookRow {
    const admin = this.store.user(this.store.project.ownerId)!;
    return this.store.createWebhook({ project: this.store.project.id, name, url, key }, admin);
  }

  /** Tokens for a user without going through HTTP. */
  tokensFor(username = 'admin'): { auth_token: string; refresh: string } {
    const user = this.store.userByName(username);
    if (!user) throw new Error(`fake taiga: no user "${username}"`);
    return this.issueTokens(user);
  }

  /** Edits as a person in Taiga's web UI would make them (history and webhooks included). */
  human(username = 'admin'): HumanActions {
    const user = this.store.userByName(username);
    if (!user) throw new Error(`fake taiga: no user "${username}"`);
    return new HumanActions(this.store, user, () => this.commit());
  }

  /** Resolves when every queued webhook has been delivered (or failed). */
  async flushWebhooks(): Promise<void> {
    while (this.worker || this.queue.length > 0) {
      if (!this.worker) this.kick();
      await this.worker;
    }
  }

  // ---- JWT (simple-jwt as vendored in taiga/auth) ----

  private sign(payload: Record<string, unknown>): string {
    const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
    const body = b64url(JSON.stringify(payload));
    const sig = createHmac('sha256', this.secret).update(`${head}.${body}`).digest('base64url');
    return `${head}.${body}.${sig}`;
  }

  /** Decodes and verifies a token; throws the TokenError message. */
  private verify(token: string, type: 'access' | 'refresh'): Record<string, unknown> {
    const parts = token.split('.');
    let payload: Record<string, unknown>;
    try {
      if (parts.length !== 3) throw new Error();
      const sig = createHmac('sha256', this.secret).update(`${parts[0]}.${parts[1]}`).digest('base64url');
      if (sig !== parts[2]) throw new Error();
      payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      throw new Error('Token is invalid or expired');
    }
    if (type === 'refresh' && typeof payload.jti === 'string' && this.denylist.has(payload.jti)) {
      throw new Error('Token is denylisted');
    }
    if (typeof payload.exp !== 'number') throw new Error("Token has no 'exp' claim");
    if (payload.exp * 1000 <= this.nowMs()) throw new Error("Token 'exp' claim has expired");
    if (!('jti' in payload)) throw new Error('Token has no id');
    if (!('token_type' in payload)) throw new Error('Token has no type');
    if (payload.token_type !== type) throw new Error('Token has wrong type');
    return payload;
  }

  private access(userId: unknown, fromMs: number): string {
    return this.sign({
      token_type: 'access',
      exp: Math.floor((fromMs + this.accessTokenTtlMs) / 1000),
      jti: randomBytes(16).toString('hex'),
      user_id: userId,
    });
  }

  private issueTokens(user: UserRow): { auth_token: string; refresh: string } {
    const now = this.nowMs();
    const refresh = this.sign({
      token_type: 'refresh',
      exp: Math.floor((now + this.refreshTokenTtlMs) / 1000),
      jti: randomBytes(16).toString('hex'),
      user_id: user.id,
    });
    return { auth_token: this.access(user.id, now), refresh };
  }

  /** JWTAuthentication.authenticate: null for anonymous, or throws the 401. */
  private authenticate(authorization: string | undefined): UserRow | null {
    if (authorization === undefined) return null;
    const parts = authorization.split(/\s+/).filter(Boolean);
    if (parts.length === 0 || parts[0] !== 'Bearer') return null;
    const authFailed = (body: Record<string, unknown>): ApiError =>
      new ApiError(401, body, { 'WWW-Authenticate': 'Bearer realm="api"' });
    if (parts.length !== 2) {
      throw authFailed({
        detail: 'Authorization header must contain two space-delimited values',
        code: 'bad_authorization_header',
      });
    }
    let payload: Record<string, unknown>;
    try {
      payload = this.verify(parts[1]!, 'access');
    } catch (err) {
      throw authFailed({
        detail: 'Given token not valid for any token type',
        code: 'token_not_valid',
        messages: [{ token_class: 'AccessToken', token_type: 'access', message: (err as Error).message }],
      });
    }
    if (!('user_id' in payload)) {
      throw authFailed({ detail: 'Token contained no recognizable user identification', code: 'token_not_valid' });
    }
    const user = this.store.users.find((u) => u.id === payload.user_id);
    if (!user) throw authFailed({ detail: 'User not found', code: 'user_not_found' });
    if (!user.isActive) throw authFailed({ detail: 'User is inactive', code: 'user_inactive' });
    return user;
  }

  // ---- throttling (taiga/base/throttling.py CommonThrottle) ----

  private checkThrottle(method: string, user: UserRow | null): void {
    const scope: ThrottleScope = `${user ? 'user' : 'anon'}-${['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) ? 'write' : 'read'}`;
    const configured = this.throttleRates[scope];
    if (!configured) return;
    const rates = (Array.isArray(configured) ? configured : [configured]).map((rate) => {
      const [num, period] = rate.split('/');
      const duration = { s: 1, m: 60, h: 3600, d: 86400 }[(period ?? 's')[0] as 's'] ?? 1;
      return { rate, num: Number(num), duration };
    });
    const now = this.nowMs() / 1000;
    const ident = user ? String(user.id) : 'anon';
    const waits: number[] = [];
    const writes: number[][] = [];
    for (const { rate, num, duration } of rates) {
      const key = `${scope}_${rate}_${ident}`;
      const history = this.throttleHistory.get(key) ?? [];
      while (history.length > 0 && history[history.length - 1]! <= now - duration) history.pop();
      this.throttleHistory.set(key, history);
      if (history.length >= num) {
        const remaining = history.length > 0 ? duration - (now - history[history.length - 1]!) : duration;
        const available = num - history.length + 1;
        waits.push(available <= 0 ? remaining : remaining / available);
      }
      writes.push(history);
    }
    if (waits.length > 0) {
      const wait = Math.max(...waits);
      this.stats.throttled++;
      const headers: Record<string, string> = {};
      if (Math.ceil(wait)) headers['X-Throttle-Wait-Seconds'] = String(Math.ceil(wait));
      throw new ApiError(
        429,
        errorBody(
          `Request was throttled.Expected available in ${Math.trunc(wait)} second${wait !== 1 ? 's' : ''}.`,
          'Throttled',
        ),
        headers,
      );
    }
    for (const history of writes) history.unshift(now);
  }

  // ---- HTTP ----

  private takeFault(request: FaultRequest): Fault | undefined {
    return takeFault(this.faults, request);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const rawBody = Buffer.concat(chunks);
    this.stats.requests++;
    this.stats.bytesIn += rawBody.length;
    const method = (req.method ?? 'GET').toUpperCase();
    const host = req.headers.host ?? this.base.replace(/^http:\/\//, '');
    const url = new URL(req.url ?? '/', `http://${host}`);
    const route = this.routeName(url.pathname);
    this.stats.byPath[`${method} ${route}`] = (this.stats.byPath[`${method} ${route}`] ?? 0) + 1;
    const logEntry = { method, url: `${url.pathname}${url.search}`, status: 0 };
    this.stats.requestLog.push(logEntry);

    let parsed: unknown = undefined;
    const contentType = String(req.headers['content-type'] ?? '');
    if (rawBody.length > 0 && /json/i.test(contentType)) {
      try {
        parsed = JSON.parse(rawBody.toString('utf8'));
      } catch {
        parsed = undefined;
      }
    }
    const faultRequest: FaultRequest = { method, path: url.pathname, query: url.searchParams, body: parsed };
    const fault = this.takeFault(faultRequest);
    const delay = this.latencyMs + (fault?.delayMs ?? 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));

    const run = async (): Promise<Answer> => {
      let answer: Answer;
      try {
        answer = await this.execute(method, url, req.headers, rawBody, host);
      } catch (err) {
        if (err instanceof ApiError) {
          if (err.status === 401) this.stats.authFailures++;
          answer = { status: err.status, body: err.body, raw: err.raw, headers: err.headers };
        } else if (err instanceof ServerError) {
          answer = { status: 500, body: HTML_500, raw: true, headers: { 'Content-Type': 'text/html' } };
        } else throw err;
      }
      return answer;
    };

    if (fault?.afterRun) {
      await run();
      await this.commit();
    }
    if (fault?.destroy) {
      logEntry.status = -1;
      req.socket.destroy();
      return;
    }
    if (fault?.status !== undefined) {
      const body = typeof fault.body === 'function' ? fault.body(faultRequest) : (fault.body ?? '');
      logEntry.status = fault.status;
      this.send(res, { status: fault.status, body, raw: true, headers: fault.headers });
      return;
    }

    const answer = await run();
    logEntry.status = answer.status;
    if (this.webhookMode === 'sync') {
      this.enqueueEvents();
      await this.flushWebhooks();
      this.send(res, answer);
    } else {
      this.enqueueEvents();
      res.once('finish', () => this.kick());
      this.send(res, answer);
    }
  }

  private send(res: ServerResponse, answer: Answer): void {
    let text = '';
    const headers: Record<string, string | number> = {
      Date: new Date(this.nowMs()).toUTCString(),
      'X-Frame-Options': 'DENY',
      ...answer.headers,
    };
    if (answer.raw) text = typeof answer.body === 'string' ? answer.body : '';
    else if (answer.body !== undefined) text = pyDumps(answer.body, true);
    if (text !== '' && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
      headers['Content-Type'] = 'application/json';
    }
    const bytes = Buffer.from(text, 'utf8');
    headers['Content-Length'] = bytes.length;
    this.stats.bytesOut += bytes.length;
    res.writeHead(answer.status, headers);
    res.end(bytes);
  }

  /** A stable route label for the stats. */
  private routeName(path: string): string {
    return path.replace(/\/\d+(?=\/|$)/g, '/{id}');
  }

  private parseBody(headers: IncomingHttpHeaders, raw: Buffer): unknown {
    if (raw.length === 0) return {};
    const type = String(headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    if (type === 'application/x-www-form-urlencoded')
      return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
    if (type !== 'application/json' && !type.endsWith('+json')) {
      throw new ApiError(415, errorBody(`Unsupported media type '${type}' in request.`, 'UnsupportedMediaType'));
    }
    try {
      return JSON.parse(raw.toString('utf8'));
    } catch (err) {
      throw new ApiError(400, errorBody(`JSON parse error - ${(err as Error).message}`, 'ParseError'));
    }
  }

  private async execute(
    method: string,
    url: URL,
    headers: IncomingHttpHeaders,
    rawBody: Buffer,
    host: string,
  ): Promise<Answer> {
    const path = url.pathname;
    if (!path.startsWith('/api/v1/'))
      return { status: 404, body: HTML_404, raw: true, headers: { 'Content-Type': 'text/html' } };
    const rest = path.slice('/api/v1/'.length);
    const user = this.authenticate(headers.authorization);
    const isAuth = rest === 'auth' || rest.startsWith('auth/');
    if (!isAuth) this.checkThrottle(method, user);
    const ctx: Ctx = {
      method,
      url,
      path,
      query: url.searchParams,
      headers,
      body: ['POST', 'PUT', 'PATCH'].includes(method) ? this.parseBody(headers, rawBody) : {},
      user,
      host,
    };
    const seg = rest.split('/');
    const notAllowed = (): never => {
      throw new ApiError(405, errorBody(`Method '${method}' not allowed.`, 'MethodNotAllowed'));
    };
    const id = (s: string | undefined): number | null => (s && /^\d+$/.test(s) ? Number(s) : null);

    if (rest === 'auth') return method === 'POST' ? this.login(ctx) : notAllowed();
    if (rest === 'auth/refresh') return method === 'POST' ? this.refresh(ctx) : notAllowed();
    if (rest === 'users/me') return method === 'GET' ? this.me(ctx) : notAllowed();
    if (seg[0] === 'projects') return this.projects(ctx, seg.slice(1), notAllowed);
    if (seg[0] === 'userstory-statuses' || seg[0] === 'task-statuses') {
      if (method !== 'GET') return notAllowed();
      const kind = seg[0] === 'userstory-statuses' ? 'us' : 'task';
      const rows: { id: number; projectId: number }[] = kind === 'us' ? this.store.statuses : this.store.taskStatuses;
      const json = (r: { id: number }): unknown =>
        kind === 'us'
          ? this.store.statusJson(this.store.status(r.id)!)
          : this.store.taskStatusJson(this.store.taskStatus(r.id)!);
      if (seg.length === 1) {
        this.projectParam(ctx);
        const visible = ctx.user ? rows : [];
        const pid = ctx.query.get('project');
        return this.paginate(ctx, pid === null ? visible : visible.filter((r) => r.projectId === Number(pid)), json);
      }
      const sid = id(seg[1]);
      const row = sid === null || seg.length > 2 ? undefined : rows.find((r) => r.id === sid);
      if (seg.length > 2) return this.html404();
      if (!row) throw notFound(`No ${kind === 'us' ? 'UserStoryStatus' : 'TaskStatus'} matches the given query.`);
      if (!ctx.user) throw notAuthenticated();
      return { status: 200, body: json(row) };
    }
    if (seg[0] === 'userstories' || seg[0] === 'tasks') {
      const kind: ItemKind = seg[0] === 'userstories' ? 'userstory' : 'task';
      return this.items(ctx, kind, seg.slice(1), notAllowed);
    }
    if (seg[0] === 'history' && (seg[1] === 'userstory' || seg[1] === 'task')) {
      return this.historyRoute(ctx, seg[1], seg.slice(2), notAllowed);
    }
    if (seg[0] === 'webhooks') return this.webhooksRoute(ctx, seg.slice(1), notAllowed);
    if (rest === 'webhooklogs') {
      if (method !== 'GET') return notAllowed();
      const wid = ctx.query.get('webhook');
      const logs = ctx.user?.id === this.store.project.ownerId ? [...this.store.webhookLogs] : [];
      const filtered = wid === null ? logs : logs.filter((l) => String(l.webhookId) === wid);
      return this.paginate(
        ctx,
        filtered.sort((a, b) => b.id - a.id),
        (l) => this.store.webhookLogJson(l),
      );
    }
    return this.html404();
  }

  private html404(): Answer {
    return { status: 404, body: HTML_404, raw: true, headers: { 'Content-Type': 'text/html' } };
  }

  private data(ctx: Ctx): Record<string, unknown> {
    if (ctx.body === null || typeof ctx.body !== 'object' || Array.isArray(ctx.body)) throw new ServerError();
    return ctx.body as Record<string, unknown>;
  }

  private requireUser(ctx: Ctx): UserRow {
    if (!ctx.user) throw notAuthenticated();
    return ctx.user;
  }

  // ---- auth ----

  private login(ctx: Ctx): Answer {
    const data = this.data(ctx);
    const type = typeof data.type === 'string' ? data.type.toLowerCase() : '';
    if (type !== 'normal') throw new ApiError(400, errorBody('invalid login type', 'BadRequest'));
    const errors: Record<string, string[]> = {};
    for (const field of ['username', 'password']) {
      if (data[field] === undefined || data[field] === null || data[field] === '')
        errors[field] = ['This field is required.'];
    }
    if (Object.keys(errors).length > 0) throw new ApiError(400, errors);
    const user = this.store.findLogin(String(data.username));
    if (!user || user.password !== String(data.password) || !user.isActive) {
      throw new ApiError(
        401,
        { detail: 'No active account found with the given credentials', code: 'invalid_credentials' },
        { 'WWW-Authenticate': 'Bearer realm="api"' },
      );
    }
    const tokens = this.issueTokens(user);
    return {
      status: 200,
      body: { ...this.store.userAdmin(user), refresh: tokens.refresh, auth_token: tokens.auth_token },
    };
  }

  private refresh(ctx: Ctx): Answer {
    const data = this.data(ctx);
    if (data.refresh === undefined || data.refresh === null || data.refresh === '') {
      throw new ApiError(400, { refresh: ['This field is required.'] });
    }
    let payload: Record<string, unknown>;
    try {
      payload = this.verify(String(data.refresh), 'refresh');
    } catch {
      throw new ApiError(
        401,
        { detail: 'Token is invalid or expired', code: 'token_not_valid' },
        { 'WWW-Authenticate': 'Bearer realm="api"' },
      );
    }
    const now = this.nowMs();
    const authToken = this.access(payload.user_id, now);
    this.denylist.add(String(payload.jti));
    const rotated = this.sign({
      ...payload,
      jti: randomBytes(16).toString('hex'),
      exp: Math.floor((now + this.refreshTokenTtlMs) / 1000),
    });
    return { status: 200, body: { auth_token: authToken, refresh: rotated } };
  }

  private me(ctx: Ctx): Answer {
    return { status: 200, body: this.store.userAdmin(this.requireUser(ctx)) };
  }

  // ---- projects ----

  private projects(ctx: Ctx, seg: string[], notAllowed: () => never): Answer {
    if (ctx.method !== 'GET') return notAllowed();
    const viewer = ctx.user?.id ?? null;
    if (seg.length === 0) {
      return this.paginate(ctx, ctx.user ? [this.store.project] : [], () => this.store.projectJson(viewer));
    }
    if (seg.length === 1 && seg[0] === 'by_slug') {
      if (ctx.query.get('slug') !== this.store.project.slug) throw notFound('No Project matches the given query.');
      this.requireUser(ctx);
      return { status: 200, body: this.store.projectJson(viewer) };
    }
    if (seg.length === 1 && /^\d+$/.test(seg[0]!)) {
      if (Number(seg[0]) !== this.store.project.id) throw notFound('No Project matches the given query.');
      this.requireUser(ctx);
      return { status: 200, body: this.store.projectJson(viewer) };
    }
    return this.html404();
  }

  /** PermissionBasedFilterBackend: `project` must be an integer. */
  private projectParam(ctx: Ctx): void {
    const p = ctx.query.get('project');
    if (p !== null && !/^\s*[+-]?\d+\s*$/.test(p)) {
      throw new ApiError(400, errorBody("'project' must be an integer value.", 'BadRequest'));
    }
  }

  // ---- user stories and tasks ----

  private items(ctx: Ctx, kind: ItemKind, seg: string[], notAllowed: () => never): Answer {
    const store = this.store;
    const model = kind === 'userstory' ? 'UserStory' : 'Task';
    const viewer = ctx.user?.id ?? null;
    const detail = (item: StoryRow | TaskRow, neighbors = false): Record<string, unknown> =>
      kind === 'userstory'
        ? store.storyJson(item as StoryRow, viewer, neighbors)
        : store.taskJson(item as TaskRow, viewer, neighbors);
    if (seg.length === 0) {
      if (ctx.method === 'GET') return this.list(ctx, kind);
      if (ctx.method === 'POST') {
        const user = this.requireUser(ctx);
        const data = this.data(ctx);
        const item = kind === 'userstory' ? store.createStory(data, user) : store.createTask(data, user);
        return { status: 201, body: detail(item) };
      }
      return notAllowed();
    }
    if (seg.length === 1 && seg[0] === 'by_ref') {
      if (ctx.method !== 'GET') return notAllowed();
      if (!ctx.query.has('ref')) throw new ApiError(400, 'ref param is needed');
      if (!ctx.query.has('project') && !ctx.query.has('project__slug')) {
        throw new ApiError(400, 'project or project__slug param is needed');
      }
      const ref = ctx.query.get('ref')!;
      const project = ctx.query.get('project');
      const slug = ctx.query.get('project__slug');
      if (!/^\d+$/.test(ref) || (project !== null && !/^\d+$/.test(project))) throw notFound();
      const rows: (StoryRow | TaskRow)[] = kind === 'userstory' ? store.stories : store.tasks;
      const item = rows.find(
        (r) =>
          r.ref === Number(ref) &&
          (project === null || r.projectId === Number(project)) &&
          (slug === null || slug === store.project.slug),
      );
      if (!item) throw notFound(`No ${model} matches the given query.`);
      this.requireUser(ctx);
      return { status: 200, body: detail(item, true) };
    }
    if (seg.length !== 1 || !/^\d+$/.test(seg[0]!)) return this.html404();
    const itemId = Number(seg[0]);
    const item = store.item(kind, itemId);
    if (ctx.method === 'GET') {
      if (!item) throw notFound(`No ${model} matches the given query.`);
      this.requireUser(ctx);
      return { status: 200, body: detail(item, true) };
    }
    if (ctx.method === 'PATCH' || ctx.method === 'PUT') {
      const user = this.requireUser(ctx);
      const data = this.data(ctx);
      if (ctx.method === 'PUT' && item) {
        const errors: Record<string, string[]> = {};
        if (data.subject === undefined || data.subject === null || data.subject === '')
          errors.subject = ['This field is required.'];
        if (data.project === undefined || data.project === null) errors.project = ['This field is required.'];
        if (Object.keys(errors).length > 0) throw new ApiError(400, errors);
      }
      const updated =
        kind === 'userstory' ? store.updateStory(itemId, data, user) : store.updateTask(itemId, data, user);
      const headers: Record<string, string> = kind === 'userstory' ? { 'Taiga-Info-Order-Updated': '{}' } : {};
      return { status: 200, body: detail(updated), headers };
    }
    if (ctx.method === 'DELETE') {
      const user = this.requireUser(ctx);
      if (kind === 'userstory') store.deleteStory(itemId, user);
      else store.deleteTask(itemId, user);
      return { status: 204 };
    }
    return notAllowed();
  }

  private list(ctx: Ctx, kind: ItemKind): Answer {
    const store = this.store;
    const q = ctx.query;
    this.projectParam(ctx);
    let rows: (StoryRow | TaskRow)[] = ctx.user
      ? kind === 'userstory'
        ? store.orderedStories()
        : store.orderedTasks()
      : [];
    const bool = (name: string): boolean | undefined => {
      const v = q.get(name);
      if (v === null) return undefined;
      if (['true', 'True', 't', '1'].includes(v)) return true;
      if (['false', 'False', 'f', '0'].includes(v)) return false;
      throw new ServerError(); // Django's ValidationError escapes the filter as a 500
    };
    const project = q.get('project');
    if (project !== null) rows = rows.filter((r) => r.projectId === Number(project));
    const slug = q.get('project__slug');
    if (slug !== null && slug !== store.project.slug) rows = [];
    const ints = (name: string): (number | null)[] | undefined => {
      const raw = q.get(name);
      if (!raw) return undefined;
      return raw.split(',').map((x) => {
        const v = x.trim();
        if (/^[+-]?\d+$/.test(v)) return Number(v);
        if (v === 'null') return null;
        throw new ApiError(400, errorBody('Wrong arguments.', 'BadRequest'));
      });
    };
    const related = (name: string, get: (r: StoryRow | TaskRow) => number | null): void => {
      const include = ints(name);
      if (include) rows = rows.filter((r) => include.includes(get(r)));
      const exclude = ints(`exclude_${name}`);
      if (exclude) rows = rows.filter((r) => !exclude.includes(get(r)));
    };
    related('status', (r) => r.statusId);
    related('owner', (r) => r.ownerId);
    related('assigned_to', (r) => r.assignedTo);
    const tags = q.get('tags');
    if (tags) rows = rows.filter((r) => tags.split(',').some((t) => r.tags.includes(t)));
    const exTags = q.get('exclude_tags');
    if (exTags) rows = rows.filter((r) => !exTags.split(',').some((t) => r.tags.includes(t)));
    const statusOf = (r: StoryRow | TaskRow): { isClosed: boolean; isArchived?: boolean } | undefined =>
      kind === 'userstory' ? store.status(r.statusId) : store.taskStatus(r.statusId);
    const statusClosed = bool('status__is_closed');
    if (statusClosed !== undefined) rows = rows.filter((r) => !!statusOf(r)?.isClosed === statusClosed);
    if (kind === 'userstory') {
      const closed = bool('is_closed');
      if (closed !== undefined) rows = rows.filter((r) => (r as StoryRow).isClosed === closed);
      const archived = bool('status__is_archived');
      if (archived !== undefined) rows = rows.filter((r) => !!statusOf(r)?.isArchived === archived);
      const milestone = q.get('milestone');
      if (milestone !== null && milestone !== 'null') rows = [];
      const noMilestone = bool('milestone__isnull');
      if (noMilestone === false) rows = [];
    } else {
      const us = q.get('user_story');
      if (us !== null) {
        if (us === 'null') rows = rows.filter((r) => (r as TaskRow).userStoryId === null);
        else if (/^\d+$/.test(us)) rows = rows.filter((r) => (r as TaskRow).userStoryId === Number(us));
        else throw new ApiError(400, errorBody('Error in filter params types.', 'BadRequest'));
      }
    }
    const text = q.get('q');
    if (text) {
      const needle = text.toLowerCase();
      rows = rows.filter((r) => r.subject.toLowerCase().includes(needle) || String(r.ref) === text.trim());
    }
    const dateFields: [string, (r: StoryRow | TaskRow) => number | null][] = [
      ['created_date', (r) => r.createdDate],
      ['modified_date', (r) => r.modifiedDate],
      kind === 'userstory'
        ? ['finish_date', (r) => (r as StoryRow).finishDate]
        : ['finished_date', (r) => (r as TaskRow).finishedDate],
    ];
    for (const [field, get] of dateFields) {
      for (const op of ['', 'lt', 'gt', 'lte', 'gte']) {
        const raw = q.get(op ? `${field}__${op}` : field);
        if (raw === null) continue;
        const at = parseFilterDate(raw);
        if (at === null) throw new ServerError(); // dateutil raises; stock Taiga answers 500 (TR)
        rows = rows.filter((r) => {
          const v = get(r);
          if (v === null) return false;
          return op === '' ? v === at : op === 'lt' ? v < at : op === 'gt' ? v > at : op === 'lte' ? v <= at : v >= at;
        });
      }
    }
    const orderBy = q.get('order_by');
    if (orderBy) {
      const field = orderBy.replace(/^-/, '');
      const desc = orderBy.startsWith('-');
      const keys: Record<string, (r: StoryRow | TaskRow) => number | string | null> = {
        project: (r) => r.projectId,
        status: (r) => r.statusId,
        created_date: (r) => r.createdDate,
        modified_date: (r) => r.modifiedDate,
        subject: (r) => r.subject,
        assigned_to: (r) => {
          const u = store.user(r.assignedTo);
          return u ? u.fullName : null;
        },
        total_voters: () => 0,
        milestone: () => null,
        ...(kind === 'userstory'
          ? {
              backlog_order: (r: StoryRow | TaskRow) => (r as StoryRow).backlogOrder,
              sprint_order: (r: StoryRow | TaskRow) => (r as StoryRow).sprintOrder,
              kanban_order: (r: StoryRow | TaskRow) => (r as StoryRow).kanbanOrder,
              epic_order: () => null,
            }
          : { us_order: (r: StoryRow | TaskRow) => (r as TaskRow).usOrder }),
      };
      const key = keys[field];
      if (key) {
        const cmp = (a: number | string | null, b: number | string | null): number => {
          if (a === b) return 0;
          if (a === null) return 1; // Postgres: NULLS LAST ascending
          if (b === null) return -1;
          return a < b ? -1 : 1;
        };
        rows = [...rows].sort((a, b) => (desc ? -cmp(key(a), key(b)) : cmp(key(a), key(b))) || b.id - a.id);
      }
    }
    const viewer = ctx.user?.id ?? null;
    const answer = this.paginate(ctx, rows, (r) =>
      kind === 'userstory' ? store.storyListJson(r as StoryRow, viewer) : store.taskListJson(r as TaskRow, viewer),
    );
    if (kind === 'userstory' && project !== null && Number(project)) {
      answer.headers = {
        ...answer.headers,
        // json.dumps(exists()) of stories without a swimlane: every story here has none.
        'Taiga-Info-Userstories-Without-Swimlane': store.stories.some((s) => s.projectId === Number(project))
          ? 'true'
          : 'false',
      };
      if ((q.get('milestone') ?? '').toLowerCase() === 'null') {
        answer.headers['Taiga-Info-Backlog-Total-Userstories'] = store.stories.filter(
          (s) => s.projectId === Number(project),
        ).length;
      }
    }
    return answer;
  }

  /** PaginationMixin.paginate_queryset and the headers it sets. */
  private paginate<T>(ctx: Ctx, rows: T[], serialize: (row: T) => unknown): Answer {
    if ('x-disable-pagination' in ctx.headers) return { status: 200, body: rows.map(serialize) };
    let size = 30;
    const param = ctx.query.get('page_size');
    if (param !== null && /^\s*[+-]?\d+\s*$/.test(param) && Number(param) > 0) size = Math.min(Number(param), 1000);
    const lazy = 'x-lazy-pagination' in ctx.headers;
    const count = rows.length;
    const pages = Math.max(1, Math.ceil(count / size));
    const raw = ctx.query.get('page') ?? '1';
    let page: number;
    if (raw === 'last') page = pages;
    else if (/^\s*[+-]?\d+\s*$/.test(raw) && Number(raw) >= 1 && Number(raw) <= pages) page = Number(raw);
    else if (lazy && /^\s*\d+\s*$/.test(raw) && Number(raw) >= 1) page = Number(raw);
    else throw notFound("Page is not 'last', nor can it be converted to an int.");
    const slice = rows.slice((page - 1) * size, page * size);
    if (lazy && page > 1 && slice.length === 0) throw notFound(`Invalid page (${page}): That page contains no results`);
    const headers: Record<string, string | number> = {};
    if (!lazy) headers['x-pagination-count'] = count;
    headers['x-paginated'] = 'true';
    headers['x-paginated-by'] = size;
    headers['x-pagination-current'] = page;
    const link = (n: number): string => {
      const params = new URLSearchParams(ctx.query);
      params.set('page', String(n));
      return `http://${ctx.host}${ctx.path}?${params.toString()}`;
    };
    if (page * size < count) headers['X-Pagination-Next'] = link(page + 1);
    if (page > 1) headers['X-Pagination-Prev'] = link(page - 1);
    return { status: 200, body: slice.map(serialize), headers };
  }

  // ---- history ----

  private historyRoute(ctx: Ctx, kind: ItemKind, seg: string[], notAllowed: () => never): Answer {
    const store = this.store;
    const model = kind === 'userstory' ? 'UserStory' : 'Task';
    if (seg.length === 0) return ctx.method === 'GET' ? { status: 404, raw: true, body: '' } : notAllowed();
    if (!/^\d+$/.test(seg[0]!)) return this.html404();
    const itemId = Number(seg[0]);
    const action = seg[1];
    if (seg.length === 1) {
      if (ctx.method !== 'GET') return notAllowed();
      if (!store.item(kind, itemId)) throw notFound(`No ${model} matches the given query.`);
      this.requireUser(ctx);
      let entries = store.visibleEntries(kind, itemId);
      const type = ctx.query.get('type');
      if (type === 'activity') entries = entries.filter((e) => e.comment === '' && Object.keys(e.diff).length > 0);
      if (type === 'comment') entries = entries.filter((e) => e.comment !== '');
      entries = [...entries].sort((a, b) => b.createdAt - a.createdAt);
      return this.paginate(ctx, entries, (e) => store.historyJson(e));
    }
    if (
      seg.length !== 2 ||
      !['edit_comment', 'delete_comment', 'undelete_comment', 'comment_versions'].includes(action!)
    ) {
      return this.html404();
    }
    if (action === 'comment_versions') {
      if (ctx.method !== 'GET') return notAllowed();
      if (!store.item(kind, itemId)) throw notFound(`No ${model} matches the given query.`);
      this.requireUser(ctx);
      const entry = store.visibleEntries(kind, itemId).find((e) => e.id === ctx.query.get('id'));
      if (!entry) return { status: 404, raw: true, body: '' };
      return {
        status: 200,
        body:
          entry.commentVersions?.map((v) => ({
            ...v,
            date: taigaDate(v.date),
            user: this.store.userBasic(this.store.user(v.user.id)) ?? v.user,
          })) ?? null,
      };
    }
    if (ctx.method !== 'POST') return notAllowed();
    const user = this.requireUser(ctx);
    const entryId = ctx.query.get('id');
    if (action === 'edit_comment') store.editComment(kind, itemId, entryId, this.data(ctx).comment, user);
    else if (action === 'delete_comment') store.deleteComment(kind, itemId, entryId, user);
    else {
      if (!store.item(kind, itemId)) throw notFound(`No ${model} matches the given query.`);
      const entry = store.visibleEntries(kind, itemId).find((e) => e.id === entryId);
      if (!entry) return { status: 404, raw: true, body: '' };
      if (!entry.deleteCommentDate && !entry.deleteCommentUser)
        throw new ApiError(400, { error: 'Comment not deleted' });
      entry.deleteCommentDate = null;
      entry.deleteCommentUser = null;
    }
    return { status: 200, raw: true, body: '' };
  }

  // ---- webhooks ----

  private webhooksRoute(ctx: Ctx, seg: string[], notAllowed: () => never): Answer | Promise<Answer> {
    const store = this.store;
    const isAdmin = ctx.user?.id === store.project.ownerId;
    if (seg.length === 0) {
      if (ctx.method === 'GET') {
        this.projectParam(ctx);
        return this.paginate(ctx, isAdmin ? store.webhooks : [], (h) => store.webhookJson(h));
      }
      if (ctx.method === 'POST') {
        const user = this.requireUser(ctx);
        return { status: 201, body: store.webhookJson(store.createWebhook(this.data(ctx), user)) };
      }
      return notAllowed();
    }
    if (!/^\d+$/.test(seg[0]!) || seg.length > 2 || (seg.length === 2 && seg[1] !== 'test')) return this.html404();
    const hook = store.webhooks.find((h) => h.id === Number(seg[0]));
    if (seg.length === 2) {
      if (ctx.method !== 'POST') return notAllowed();
      if (!hook) throw notFound('No Webhook matches the given query.');
      const user = this.requireUser(ctx);
      if (!isAdmin) throw permissionDenied();
      return this.testWebhook(hook, user);
    }
    if (ctx.method === 'GET') {
      if (!hook) throw notFound('No Webhook matches the given query.');
      this.requireUser(ctx);
      if (!isAdmin) throw permissionDenied();
      return { status: 200, body: store.webhookJson(hook) };
    }
    if (ctx.method === 'PATCH' || ctx.method === 'PUT') {
      this.requireUser(ctx);
      if (!hook) throw notFound();
      if (!isAdmin) throw permissionDenied();
      const data = this.data(ctx);
      for (const field of ['name', 'url', 'key'] as const)
        if (typeof data[field] === 'string') hook[field] = data[field];
      return { status: 200, body: store.webhookJson(hook) };
    }
    if (ctx.method === 'DELETE') {
      this.requireUser(ctx);
      if (!hook) throw notFound();
      if (!isAdmin) throw permissionDenied();
      store.webhooks = store.webhooks.filter((h) => h !== hook);
      return { status: 204 };
    }
    return notAllowed();
  }

  /** `POST /webhooks/{id}/test`: sent inside the request, the answer is the webhook log. */
  private async testWebhook(hook: WebhookRow, user: UserRow): Promise<Answer> {
    const payload = {
      action: 'test',
      type: 'test',
      by: this.store.hookUser(user),
      date: taigaDate(this.store.now()),
      data: { test: 'test' },
    };
    const log = await this.deliver(hook, payload);
    return { status: 200, body: this.store.webhookLogJson(log) };
  }

  /** Moves the events of the last change into the delivery queue, one job per project webhook. */
  private enqueueEvents(): void {
    for (const event of this.store.events.splice(0)) {
      for (const hook of this.store.webhooks.filter((h) => h.projectId === event.projectId)) {
        this.queue.push({ hook, payload: event.payload });
      }
    }
  }

  /** What a committed change does: its webhooks go out (sync) or are scheduled (async). */
  private async commit(): Promise<void> {
    this.enqueueEvents();
    if (this.webhookMode === 'sync') await this.flushWebhooks();
    else setImmediate(() => this.kick());
  }

  private kick(): void {
    if (this.worker || this.queue.length === 0) return;
    this.worker = (async () => {
      try {
        while (this.queue.length > 0) {
          const job = this.queue.shift()!;
          await this.deliver(job.hook, job.payload);
        }
      } finally {
        this.worker = null;
      }
    })();
  }

  /** `_send_request` in taiga/webhooks/tasks.py: one POST, no retry, no redirects, a log row. */
  private async deliver(hook: WebhookRow, payload: Record<string, unknown>): Promise<WebhookLogRow> {
    const body = pyDumps(payload, false);
    const bytes = Buffer.from(body, 'utf8');
    const signature = createHmac('sha1', hook.key).update(bytes).digest('hex');
    const requestHeaders: Record<string, string> = {
      'X-TAIGA-WEBHOOK-SIGNATURE': signature,
      'X-Hub-Signature': `sha1=${signature}`,
      'Content-Type': 'application/json',
      'Content-Length': String(bytes.length),
    };
    const record: WebhookDeliveryRecord = {
      webhookId: hook.id,
      url: hook.url,
      action: String(payload.action),
      type: String(payload.type),
      body,
      headers: requestHeaders,
    };
    const started = performance.now();
    try {
      const { status, text, headers } = await new Promise<{
        status: number;
        text: string;
        headers: Record<string, string>;
      }>((resolve, reject) => {
        const req = httpRequest(
          hook.url,
          {
            method: 'POST',
            agent: false,
            headers: { 'User-Agent': 'python-urllib3/1.26.12', 'Accept-Encoding': 'identity', ...requestHeaders },
            timeout: this.webhookTimeoutMs,
          },
          (res) => {
            const parts: Buffer[] = [];
            res.on('data', (c: Buffer) => parts.push(c));
            res.on('end', () => {
              const headers: Record<string, string> = {};
              for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers[k] = String(v);
              resolve({ status: res.statusCode ?? 0, text: Buffer.concat(parts).toString('utf8'), headers });
            });
            res.on('error', reject);
          },
        );
        req.on('timeout', () => req.destroy(new Error('Read timed out.')));
        req.on('error', reject);
        req.end(bytes);
      });
      record.status = status;
      if ([301, 302, 303, 307, 308].includes(status)) {
        record.error = 'Redirects are not allowed';
        this.deliveries.push(record);
        return this.store.addWebhookLog({
          webhookId: hook.id,
          url: hook.url,
          status,
          requestData: payload,
          requestHeaders,
          responseData: 'error-in-request: Redirects are not allowed',
          responseHeaders: {},
          duration: 0,
        });
      }
      this.deliveries.push(record);
      return this.store.addWebhookLog({
        webhookId: hook.id,
        url: hook.url,
        status,
        requestData: payload,
        requestHeaders,
        responseData: pyDumps({ content: text }),
        responseHeaders: headers,
        duration: (performance.now() - started) / 1000,
      });
    } catch (err) {
      record.error = err instanceof Error ? err.message : String(err);
      this.deliveries.push(record);
      return this.store.addWebhookLog({
        webhookId: hook.id,
        url: hook.url,
        status: 0,
        requestData: payload,
        requestHeaders,
        responseData: `error-in-request: ${record.error}`,
        responseHeaders: {},
        duration: 0,
      });
    }
  }
}
