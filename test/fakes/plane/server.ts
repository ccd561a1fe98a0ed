import { createHmac, randomBytes, randomUUID } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { HumanActions } from './human';
import { DRF_STYLE, PYTHON_DEFAULT_STYLE, pyClone, pyJsonDumps } from './pyjson';
import {
  renderComment,
  renderIssue,
  renderIssueForWebhook,
  renderLabel,
  renderProject,
  renderState,
  userLite,
  type RenderContext,
} from './render';
import {
  DEFAULT_STATE_SEEDS,
  PlaneStore,
  PRIORITIES,
  STATE_GROUPS,
  type ActivityRecord,
  type IssueRow,
  type LabelRow,
  type ProjectRow,
  type StateRow,
  type StateSeed,
  type UserRow,
} from './store';
import { parseIsoMicros } from './time';
import { validateComment, validateIssue, validateLabel } from './validate';
import { takeFault } from '../faults';

/**
 * A fake Plane (Community Edition, REST API v1) for tests: real HTTP on
 * 127.0.0.1 under `/api/v1/`, `X-API-Key` auth, the endpoints a board adapter
 * uses with Plane's JSON shapes and error bodies, the per-key throttle, and
 * webhooks posted after the answer (Celery in real Plane). Tests can count
 * requests and bytes, inject failures, skew the clock and act as a person in
 * the web app through `human()`.
 *
 * Where each behaviour comes from (makeplane/plane, apps/api/plane/...):
 * - Routes, `/issues/` alias, identifier lookup: api/urls/{work_item,state,label,project}.py; unknown
 *   routes: urls.py handler404 -> app/views/error_404.py `{"error": "Page not found."}`; missing
 *   trailing slash: Django CommonMiddleware APPEND_SLASH (301).
 * - Auth: api/middleware/api_authentication.py (a missing key authenticates nobody; a wrong, inactive
 *   or expired one raises AuthenticationFailed("Given API token is not valid")); DRF turns both into
 *   403 because the authenticator has no WWW-Authenticate header, then
 *   authentication/adapter/exception.py sets 401 for NotAuthenticated only. So: no key -> 401
 *   `{"detail":"Authentication credentials were not provided."}`, wrong key -> 403
 *   `{"detail":"Given API token is not valid"}`.
 * - Permissions: app/permissions/project.py (ProjectBasePermission, ProjectEntityPermission,
 *   ProjectMemberPermission, ProjectLitePermission): a project the key's user is not a member of
 *   (or that does not exist) is 403 `{"detail":"You do not have permission to perform this action."}`.
 * - Order of checks: DRF APIView.initial (authenticate, permissions, throttle), then 405.
 * - Throttle: api/rate_limit.py ApiKeyRateThrottle (`60/minute` per key, DRF SimpleRateThrottle sliding
 *   window), headers via api/views/base.py finalize_response; the 429 body comes from
 *   authentication/adapter/exception.py (`{"error_code":5900,"error_message":"RATE_LIMIT_EXCEEDED"}`)
 *   with DRF's `Retry-After` (ceil of the wait).
 * - Errors: api/views/base.py handle_exception (ObjectDoesNotExist -> 404 `{"error":"The requested
 *   resource does not exist."}`, IntegrityError -> 400 `{"error":"The payload is not valid"}`,
 *   Django ValidationError -> 400 `{"error":"Please provide valid detail"}`, anything else -> 500
 *   `{"error":"Something went wrong please try again later"}`).
 * - Pagination: utils/paginator.py (BasePaginator.paginate, OffsetPaginator, Cursor): per_page default
 *   and max 1000, cursor `per_page:page:is_prev` whose first part is NOT the page size (per_page is),
 *   the envelope keys and their order.
 * - Work items: api/views/issue.py (IssueListCreateAPIEndpoint, IssueDetailAPIEndpoint,
 *   WorkspaceIssueAPIEndpoint), api/serializers/issue.py (IssueSerializer: validation, label/assignee
 *   filtering, `updated_at` on every update), db/models/issue.py (sequence ids, sort_order, default
 *   state, completed_at, IssueManager), db/mixins.py (soft delete, auto_now).
 * - Labels: api/views/issue.py LabelListCreateAPIEndpoint, db/models/label.py (name unique per project).
 * - Comments: api/views/issue.py IssueCommentListCreateAPIEndpoint / DetailAPIEndpoint; edited_at is
 *   only set by the web app (app/views/issue/comment.py), not by the API.
 * - States / projects: api/views/{state,project}.py, api/serializers/{state,project}.py.
 * - Webhooks: bgtasks/webhook_task.py (model_activity: one POST per changed request key;
 *   webhook_send_task: headers, payload, HMAC-SHA256 over `json.dumps(payload)`, which is also the body
 *   `requests` sends), db/models/webhook.py (`plane_wh_<hex>` secrets, per-event toggles); no webhook for
 *   deletes (neither the API nor the app calls model_activity there).
 *
 * Known differences from real Plane:
 * - One workspace; projects, states and members are seeded, not created over the API. Only the endpoints
 *   above exist (links, attachments, activities, relations, cycles, modules, intake, state/label
 *   writes other than POST label answer 501 `{"error":"fake plane: not implemented"}`).
 * - Writable work-item fields: name, description_html, state, parent, priority, start_date,
 *   target_date, labels, assignees, external_id, external_source, is_draft (others are ignored).
 *   No issue types, estimates, cycles or modules (those keys are always null / absent).
 * - description_html goes through an approximation of lxml + nh3 (see validate.ts), not the real ones.
 * - Only JSON request bodies (DRF also takes form and multipart); the JSON parse error text is generic.
 * - List ties (same sort value) come back in creation order; Postgres leaves them unspecified. String
 *   ordering uses `Intl.Collator('en-US')` for text fields, not the database collation.
 * - Throttle: one rate for every key (no 300/minute service tokens); the window runs on the fake's
 *   clock, so moving `clockOffsetMs` ahead by a minute empties it.
 * - Webhooks: sent one at a time in order (Celery workers run them concurrently, in any order); the
 *   `data` is read when each POST is made, as Plane's task does. Localhost URLs are allowed (Plane
 *   refuses them). No retries unless `webhookRetries` is set (Plane: 5 with backoff from 10 minutes,
 *   then the webhook is deactivated); no deactivation. HTTP error answers are not failures, as in Plane.
 * - Timestamps are microsecond-precise but the sub-millisecond digits are synthetic.
 * - Gzip as Django's GZipMiddleware does (bodies of 200 bytes or more when the client accepts gzip);
 *   `stats.bytesOut` counts the bytes on the wire.
 */

export interface FaultRequest {
  method: string;
  /** The path after `/api/v1` with its query, e.g. `/workspaces/deckhand/projects/`. */
  path: string;
  /** The route template, e.g. `/workspaces/{slug}/projects/{project_id}/work-items/` ('' when none matched). */
  route: string;
}

export interface Fault {
  /** Which requests it applies to (default: any). */
  when?: (request: FaultRequest) => boolean;
  /** How many matching requests it affects (default 1). */
  times?: number;
  /** Wait this long before answering (a slow server); with nothing else set, the request then runs normally. */
  delayMs?: number;
  /** Answer with this status and body instead of running the request. */
  status?: number;
  /** A fixed body, or one built from the request. */
  body?: string | ((request: FaultRequest & { body: string }) => string);
  headers?: Record<string, string>;
  /** Drop the connection without an answer. */
  destroy?: boolean;
  /** Run the request first, then fail as above (`status` or `destroy`): the write happened, its answer is lost. */
  afterRun?: boolean;
}

export interface FakeStats {
  requests: number;
  bytesIn: number;
  bytesOut: number;
  /** Requests per `METHOD /route/template/` (or `METHOD /raw/path` when no route matched). */
  byPath: Record<string, number>;
  authFailures: number;
  throttled: number;
  requestLog: { method: string; path: string; route: string; status: number }[];
}

export type WebhookEvent = 'project' | 'issue' | 'module' | 'cycle' | 'issue_comment';

export interface WebhookConfig {
  url: string;
  /** Default: a fresh `plane_wh_<hex>` as Plane generates. */
  secret?: string;
  /** Event toggles (default: all, "Send me everything"). */
  events?: WebhookEvent[];
}

export interface WebhookDeliveryLog {
  deliveryId: string;
  event: string;
  action: string;
  field: string | null;
  /** The exact bytes posted (and signed). */
  body: string;
  status?: number;
  error?: string;
  attempts: number;
}

export interface FakePlaneOptions {
  /** The bot user's API key (default `plane_api_<hex>`). */
  apiKey?: string;
  workspaceSlug?: string;
  projectIdentifier?: string;
  projectName?: string;
  states?: StateSeed[];
  /** Label names seeded in the project (default `bug`, `feature`). */
  labels?: string[];
  /** ApiKeyRateThrottle's rate (API_KEY_RATE_LIMIT), default 60. */
  rateLimitPerMinute?: number;
  /** Board clock skew against the test machine. */
  clockOffsetMs?: number;
  /** The API user's `user_timezone`; DRF renders datetimes in it (default UTC, written with `Z`). */
  timeZone?: string;
  webhook?: WebhookConfig;
  /** Extra attempts after a connection failure or timeout (default 0). */
  webhookRetries?: number;
  webhookTimeoutMs?: number;
}

const NOT_AUTHENTICATED = { detail: 'Authentication credentials were not provided.' };
const INVALID_TOKEN = { detail: 'Given API token is not valid' };
const PERMISSION_DENIED = { detail: 'You do not have permission to perform this action.' };
const THROTTLED = { error_code: 5900, error_message: 'RATE_LIMIT_EXCEEDED' };
const NOT_FOUND = { error: 'The requested resource does not exist.' };
const PAGE_NOT_FOUND = { error: 'Page not found.' };
const INTEGRITY = { error: 'The payload is not valid' };
const DJANGO_VALIDATION = { error: 'Please provide valid detail' };
const SERVER_ERROR = { error: 'Something went wrong please try again later' };
const NOT_IMPLEMENTED = { error: 'fake plane: not implemented' };
const MAX_PER_PAGE = 1000;

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** Thrown by handlers for an early answer (DRF exceptions and Plane's handle_exception). */
class Reply extends Error {
  constructor(readonly answer: Answer) {
    super(`reply ${answer.status}`);
  }
}
const reply = (status: number, body?: unknown): never => {
  throw new Reply({ status, body });
};

type Permission = 'workspace' | 'projectEntity' | 'projectMember' | 'projectLite' | 'projectIdentifier';

interface Call {
  method: string;
  params: Record<string, string>;
  query: URLSearchParams;
  user: UserRow;
  data: () => Record<string, unknown>;
}

interface Route {
  template: string;
  regex: RegExp;
  methods: string[];
  permission: Permission;
  handle: (call: Call) => Answer;
}

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const STR = '[^/]+';

const emptyStats = (): FakeStats => ({
  requests: 0,
  bytesIn: 0,
  bytesOut: 0,
  byPath: {},
  authFailures: 0,
  throttled: 0,
  requestLog: [],
});

const csv = (value: string | null): string[] | undefined => {
  const items = (value ?? '').split(',').filter((x) => x !== '');
  return items.length > 0 ? items : undefined;
};

const collator = new Intl.Collator('en-US');
const TEXT_FIELDS = new Set(['name', 'description_html', 'description_stripped', 'external_id', 'external_source']);

export class FakePlane {
  readonly store: PlaneStore;
  readonly apiKey: string;
  readonly workspaceSlug: string;
  readonly projectId: string;
  readonly botUser: UserRow;
  /** API keys and the users they belong to. */
  readonly apiKeys = new Map<string, string>();
  clockOffsetMs: number;
  rateLimitPerMinute: number;
  timeZone: string;
  /** Added to every request. */
  latencyMs = 0;
  webhookRetries: number;
  webhookTimeoutMs: number;
  readonly faults: Fault[] = [];
  stats: FakeStats = emptyStats();
  webhook: (Required<WebhookConfig> & { id: string; active: boolean }) | null = null;
  readonly deliveries: WebhookDeliveryLog[] = [];
  private readonly throttleHistory = new Map<string, number[]>();
  private deliveryQueue: Promise<void> = Promise.resolve();
  private pendingDeliveries = 0;
  private server: Server | undefined;
  private origin = '';
  private readonly routes: Route[];

  private constructor(options: FakePlaneOptions) {
    this.clockOffsetMs = options.clockOffsetMs ?? 0;
    this.rateLimitPerMinute = options.rateLimitPerMinute ?? 60;
    this.timeZone = options.timeZone ?? 'UTC';
    this.webhookRetries = options.webhookRetries ?? 0;
    this.webhookTimeoutMs = options.webhookTimeoutMs ?? 30_000;
    this.workspaceSlug = options.workspaceSlug ?? 'deckhand';
    this.store = new PlaneStore({
      offsetMs: () => this.clockOffsetMs,
      workspaceSlug: this.workspaceSlug,
      projectIdentifier: options.projectIdentifier ?? 'DEMO',
      projectName: options.projectName ?? 'Demo',
      states: options.states ?? DEFAULT_STATE_SEEDS,
    });
    const project = this.store.defaultProject;
    this.projectId = project.id;
    this.botUser = this.store.addUser({
      email: 'deckhand@example.com',
      first_name: 'Deckhand',
      display_name: 'deckhand',
    });
    this.store.addMember(project.id, this.botUser.id, 20);
    for (const name of ['alice', 'bob', 'carol']) {
      const user = this.store.addUser({
        email: `${name}@example.com`,
        first_name: name[0]!.toUpperCase() + name.slice(1),
        display_name: name,
      });
      this.store.addMember(project.id, user.id, name === 'alice' ? 20 : 15);
    }
    project.created_by = this.store.userByName('alice')!.id;
    const colors = ['#DC2626', '#2563EB', '#16A34A', '#9333EA'];
    (options.labels ?? ['bug', 'feature']).forEach((name, i) => {
      this.store.createLabel(project.id, { name, color: colors[i % colors.length] }, project.created_by);
    });
    this.apiKey = options.apiKey ?? `plane_api_${randomBytes(16).toString('hex')}`;
    this.apiKeys.set(this.apiKey, this.botUser.id);
    if (options.webhook) this.setWebhook(options.webhook);
    this.routes = this.buildRoutes();
  }

  static async start(options: FakePlaneOptions = {}): Promise<FakePlane> {
    const fake = new FakePlane(options);
    const server = createServer((req, res) => {
      fake.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake plane crashed: ${err instanceof Error ? err.stack : String(err)}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.server = server;
    fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  /** The instance URL (what a user types into Deckhand's config). */
  get url(): string {
    return this.origin;
  }

  /** `http://127.0.0.1:PORT/api/v1/`. */
  get apiBase(): string {
    return `${this.origin}/api/v1/`;
  }

  get project(): ProjectRow {
    return this.store.project(this.projectId);
  }

  state(name: string): StateRow {
    const state = this.store.stateByName(this.projectId, name);
    if (!state) throw new Error(`fake plane: no state "${name}"`);
    return state;
  }

  label(name: string): LabelRow {
    const label = this.store.labelByName(this.projectId, name);
    if (!label) throw new Error(`fake plane: no label "${name}"`);
    return label;
  }

  workItem(id: string): IssueRow | undefined {
    return this.store.liveIssue(id);
  }

  /** Another key (for another user, by display name; default the bot). */
  addApiKey(key: string, userName?: string): void {
    const user = userName ? this.store.userByName(userName) : this.botUser;
    if (!user) throw new Error(`fake plane: no user "${userName}"`);
    this.apiKeys.set(key, user.id);
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await this.flushWebhooks();
  }

  resetStats(): void {
    this.stats = emptyStats();
  }

  resetRateLimit(): void {
    this.throttleHistory.clear();
  }

  fail(fault: Fault): void {
    this.faults.push(fault);
  }

  /** Workspace settings > Webhooks: one webhook for the workspace. Returns its id and secret. */
  setWebhook(config: WebhookConfig): { id: string; secret: string } {
    const id = randomUUID();
    const secret = config.secret ?? `plane_wh_${randomUUID().replace(/-/g, '')}`;
    this.webhook = {
      url: config.url,
      secret,
      events: config.events ?? ['project', 'issue', 'module', 'cycle', 'issue_comment'],
      id,
      active: true,
    };
    return { id, secret };
  }

  clearWebhook(): void {
    this.webhook = null;
  }

  /** Resolves when every webhook scheduled so far (and any scheduled meanwhile) has been attempted. */
  async flushWebhooks(): Promise<void> {
    while (this.pendingDeliveries > 0) await this.deliveryQueue;
  }

  /** What a person does in Plane's web app (default alice, a project admin); webhooks follow asynchronously. */
  human(name = 'alice'): HumanActions {
    const user = this.store.userByName(name);
    if (!user) throw new Error(`fake plane: no user "${name}"`);
    return new HumanActions(this.store, this.projectId, user, () => this.scheduleDeliveries());
  }

  private nowSeconds(): number {
    return (Date.now() + this.clockOffsetMs) / 1000;
  }

  private renderContext(userId?: string): RenderContext {
    return { store: this.store, timeZone: this.timeZone, ...(userId ? { userId } : {}) };
  }

  // ---- HTTP ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    this.stats.requests++;
    this.stats.bytesIn += raw.length;
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://x');
    const match = this.match(url.pathname);
    const faultRequest: FaultRequest = {
      method,
      path: url.pathname.replace(/^\/api\/v1/, '') + url.search,
      route: match?.route.template ?? '',
    };
    const pathKey = `${method} ${match ? match.route.template : url.pathname}`;
    this.stats.byPath[pathKey] = (this.stats.byPath[pathKey] ?? 0) + 1;

    const fault = this.takeFault(faultRequest);
    const delay = this.latencyMs + (fault?.delayMs ?? 0);
    if (delay > 0) await new Promise((r) => setTimeout(r, delay));
    const log = (status: number) => this.stats.requestLog.push({ ...faultRequest, status });

    if (fault && (fault.destroy || fault.status !== undefined)) {
      if (fault.afterRun) {
        this.execute(method, url, match, req, raw);
        this.scheduleDeliveries();
      }
      if (fault.destroy) {
        log(0);
        req.socket.destroy();
        return;
      }
      const body =
        typeof fault.body === 'function'
          ? fault.body({ ...faultRequest, body: raw.toString('utf8') })
          : (fault.body ?? '');
      log(fault.status!);
      this.send(req, res, { status: fault.status!, body }, { 'content-type': 'application/json', ...fault.headers });
      return;
    }

    const answer = this.execute(method, url, match, req, raw);
    log(answer.status);
    this.send(req, res, { status: answer.status, body: answer.body === undefined ? '' : answer.body }, answer.headers);
    // Celery picks the webhook work up after the request has answered.
    setImmediate(() => this.scheduleDeliveries());
  }

  private send(
    req: IncomingMessage,
    res: ServerResponse,
    answer: { status: number; body: unknown },
    headers: Record<string, string> = {},
  ): void {
    const text = typeof answer.body === 'string' ? answer.body : pyJsonDumps(answer.body, DRF_STYLE);
    let payload = Buffer.from(text, 'utf8');
    const out: OutgoingHttpHeaders = {
      date: new Date(Date.now() + this.clockOffsetMs).toUTCString(),
      server: 'uvicorn',
      ...(answer.status === 204 || answer.status === 301 ? {} : { 'content-type': 'application/json' }),
      'x-frame-options': 'DENY',
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'same-origin',
      'cross-origin-opener-policy': 'same-origin',
      ...headers,
    };
    if (payload.length >= 200 && /\bgzip\b/.test(String(req.headers['accept-encoding'] ?? ''))) {
      payload = gzipSync(payload);
      out['content-encoding'] = 'gzip';
      out.vary = out.vary ? `${String(out.vary)}, Accept-Encoding` : 'Accept-Encoding';
    }
    out['content-length'] = payload.length;
    this.stats.bytesOut += payload.length;
    res.writeHead(answer.status, out);
    res.end(payload);
  }

  private takeFault(request: FaultRequest): Fault | undefined {
    return takeFault(this.faults, request);
  }

  private match(pathname: string): { route: Route; params: Record<string, string> } | undefined {
    let path: string;
    try {
      path = decodeURIComponent(pathname);
    } catch {
      return undefined;
    }
    if (!path.startsWith('/api/v1/')) return undefined;
    const rest = path.slice('/api/v1/'.length);
    for (const route of this.routes) {
      const m = route.regex.exec(rest);
      if (m) return { route, params: { ...m.groups } };
    }
    return undefined;
  }

  /** DRF's request pipeline: authenticate, permissions, throttle, method, then the view. */
  private execute(
    method: string,
    url: URL,
    match: { route: Route; params: Record<string, string> } | undefined,
    req: IncomingMessage,
    raw: Buffer,
  ): Answer {
    if (!match) {
      if (!url.pathname.endsWith('/') && this.match(`${url.pathname}/`)) {
        return {
          status: 301,
          body: '',
          headers: { location: `${url.pathname}/${url.search}`, 'content-type': 'text/html; charset=utf-8' },
        };
      }
      return { status: 404, body: PAGE_NOT_FOUND };
    }
    const { route, params } = match;
    const allow = { allow: route.methods.join(', ') };
    const key = req.headers['x-api-key'];
    const token = Array.isArray(key) ? key[0] : key;
    if (!token) {
      this.stats.authFailures++;
      return { status: 401, body: NOT_AUTHENTICATED, headers: allow };
    }
    const userId = this.apiKeys.get(token);
    const user = userId ? this.store.users.get(userId) : undefined;
    if (!user) {
      this.stats.authFailures++;
      return { status: 403, body: INVALID_TOKEN, headers: allow };
    }
    if (!this.permitted(route.permission, method, user, params)) {
      return { status: 403, body: PERMISSION_DENIED, headers: allow };
    }
    const throttle = this.throttle(token);
    if (!throttle.ok) {
      this.stats.throttled++;
      return {
        status: 429,
        body: THROTTLED,
        headers: { ...allow, ...(throttle.wait ? { 'retry-after': String(throttle.wait) } : {}) },
      };
    }
    const headers = {
      ...allow,
      'x-ratelimit-remaining': String(throttle.remaining),
      'x-ratelimit-reset': String(throttle.reset),
    };
    if (!route.methods.includes(method)) {
      return { status: 405, body: { detail: `Method "${method}" not allowed.` }, headers };
    }
    let parsed: Record<string, unknown> | undefined;
    const call: Call = {
      method,
      params,
      query: url.searchParams,
      user,
      data: () => (parsed ??= this.parseBody(req, raw)),
    };
    try {
      const answer = route.handle(call);
      return { ...answer, headers: { ...headers, ...answer.headers } };
    } catch (err) {
      if (err instanceof Reply) return { ...err.answer, headers: { ...headers, ...err.answer.headers } };
      throw err;
    }
  }

  /** DRF's JSONParser; an empty body is `{}`. */
  private parseBody(req: IncomingMessage, raw: Buffer): Record<string, unknown> {
    if (raw.length === 0) return {};
    const type = String(req.headers['content-type'] ?? '');
    if (!/^application\/json\b/i.test(type)) {
      return reply(415, { detail: `Unsupported media type "${type}" in request.` });
    }
    let value: unknown;
    try {
      value = JSON.parse(raw.toString('utf8'));
    } catch {
      return reply(400, { detail: 'JSON parse error - Expecting value: line 1 column 1 (char 0)' });
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      const type =
        value === null ? 'NoneType' : Array.isArray(value) ? 'list' : typeof value === 'string' ? 'str' : typeof value;
      return reply(400, { non_field_errors: [`Invalid data. Expected a dictionary, but got ${type}.`] });
    }
    return value as Record<string, unknown>;
  }

  private permitted(permission: Permission, method: string, user: UserRow, params: Record<string, string>): boolean {
    if (params.slug !== this.workspaceSlug) return false;
    const safe = method === 'GET' || method === 'HEAD' || method === 'OPTIONS';
    const inAnyProject = [...this.store.projects.values()].some((p) => p.members.has(user.id));
    const role = (projectId: string | undefined) =>
      projectId ? (this.store.projects.get(projectId)?.members.get(user.id) ?? 0) : 0;
    switch (permission) {
      case 'workspace':
        return inAnyProject;
      case 'projectIdentifier': {
        const project = this.store.projectByIdentifier(params.project_identifier ?? '');
        return project !== undefined && project.members.has(user.id);
      }
      case 'projectMember':
        return safe || method === 'POST' ? inAnyProject : role(params.project_id) >= 15;
      case 'projectEntity':
        return safe ? role(params.project_id) > 0 : role(params.project_id) >= 15;
      case 'projectLite':
        return role(params.project_id) > 0;
    }
  }

  /** SimpleRateThrottle with Plane's remaining/reset bookkeeping. */
  private throttle(key: string): { ok: true; remaining: number; reset: number } | { ok: false; wait: number | null } {
    const now = this.nowSeconds();
    const duration = 60;
    const limit = this.rateLimitPerMinute;
    const history = this.throttleHistory.get(key) ?? [];
    while (history.length > 0 && history[history.length - 1]! <= now - duration) history.pop();
    if (history.length >= limit) {
      const remaining = history.length > 0 ? duration - (now - history[history.length - 1]!) : duration;
      const available = limit - history.length + 1;
      return { ok: false, wait: available <= 0 ? null : Math.ceil(remaining / available) };
    }
    history.unshift(now);
    this.throttleHistory.set(key, history);
    return { ok: true, remaining: Math.max(0, limit - history.length), reset: Math.floor(now + duration) };
  }

  // ---- routes ----

  private buildRoutes(): Route[] {
    const routes: Route[] = [];
    const add = (template: string, methods: string[], permission: Permission, handle: (call: Call) => Answer) => {
      // Django's converters: <uuid:...> is lower-case hex; <str:...> is anything but a slash.
      const source = template
        .replace(/^\//, '')
        .split(/(\{\w+(?::uuid)?\})/)
        .map((part) => {
          const param = /^\{(\w+)(:uuid)?\}$/.exec(part);
          if (!param) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
          return `(?<${param[1]}>${param[2] ? UUID : STR})`;
        })
        .join('');
      routes.push({
        template: template.replace(/:uuid\}/g, '}'),
        regex: new RegExp(`^${source}$`),
        methods,
        permission,
        handle,
      });
    };
    const ws = '/workspaces/{slug}';
    const proj = `${ws}/projects/{project_id:uuid}`;
    for (const items of ['issues', 'work-items']) {
      add(`${ws}/${items}/search/`, ['GET'], 'workspace', () => ({ status: 501, body: NOT_IMPLEMENTED }));
      add(`${ws}/${items}/{project_identifier}-{issue_identifier}/`, ['GET'], 'projectIdentifier', (c) =>
        this.getByIdentifier(c),
      );
      add(`${proj}/${items}/`, ['GET', 'POST'], 'projectEntity', (c) =>
        c.method === 'GET' ? this.listIssues(c) : this.createIssue(c),
      );
      add(`${proj}/${items}/{pk:uuid}/`, ['GET', 'PATCH', 'DELETE'], 'projectEntity', (c) =>
        c.method === 'GET' ? this.getIssue(c) : c.method === 'PATCH' ? this.patchIssue(c) : this.deleteIssue(c),
      );
      add(`${proj}/${items}/{issue_id:uuid}/comments/`, ['GET', 'POST'], 'projectLite', (c) =>
        c.method === 'GET' ? this.listComments(c) : this.createComment(c),
      );
      add(`${proj}/${items}/{issue_id:uuid}/comments/{pk:uuid}/`, ['GET', 'PATCH', 'DELETE'], 'projectLite', (c) =>
        c.method === 'GET' ? this.getComment(c) : c.method === 'PATCH' ? this.patchComment(c) : this.deleteComment(c),
      );
    }
    add(`${ws}/projects/`, ['GET', 'POST'], 'workspace', (c) =>
      c.method === 'GET' ? this.listProjects(c) : notImpl(),
    );
    add(`${ws}/projects/{project_id:uuid}/`, ['GET', 'PATCH', 'DELETE'], 'workspace', (c) =>
      c.method === 'GET' ? this.getProject(c) : notImpl(),
    );
    add(`${proj}/states/`, ['GET', 'POST'], 'projectEntity', (c) =>
      c.method === 'GET' ? this.listStates(c) : notImpl(),
    );
    add(`${proj}/states/{state_id:uuid}/`, ['GET', 'PATCH', 'DELETE'], 'projectEntity', (c) =>
      c.method === 'GET' ? this.getState(c) : notImpl(),
    );
    // api/views/member.py ProjectMemberListCreateAPIEndpoint.get: UserLiteSerializer, a plain list (no pagination).
    add(`${proj}/members/`, ['GET', 'POST'], 'projectMember', (c) =>
      c.method === 'GET' ? this.listMembers(c) : notImpl(),
    );
    add(`${proj}/labels/`, ['GET', 'POST'], 'projectMember', (c) =>
      c.method === 'GET' ? this.listLabels(c) : this.createLabel(c),
    );
    add(`${proj}/labels/{pk:uuid}/`, ['GET', 'PATCH', 'DELETE'], 'projectMember', (c) =>
      c.method === 'GET' ? this.getLabel(c) : notImpl(),
    );
    return routes;
  }

  // ---- pagination ----

  /** BasePaginator.paginate over an already ordered list. */
  private paginate<T>(call: Call, items: T[], render: (item: T) => unknown, totalCount = items.length): Answer {
    const perPageText = call.query.get('per_page');
    let perPage = 1000;
    if (perPageText !== null) {
      if (!/^\s*[+-]?\d+(?:_\d+)*\s*$/.test(perPageText)) reply(400, { detail: 'Invalid per_page parameter.' });
      perPage = Number(perPageText.replace(/_/g, ''));
    }
    if (perPage > MAX_PER_PAGE) reply(400, { detail: `Invalid per_page value. Cannot exceed ${MAX_PER_PAGE}.` });
    const cursorText = call.query.get('cursor') ?? `${perPage}:0:0`;
    const bits = cursorText.split(':');
    const intRe = /^\s*[+-]?\d+(?:_\d+)*\s*$/;
    const floatRe = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?\s*$/i;
    if (
      bits.length !== 3 ||
      !(bits[0]!.includes('.') ? floatRe.test(bits[0]!) : intRe.test(bits[0]!)) ||
      !intRe.test(bits[1]!) ||
      !intRe.test(bits[2]!)
    ) {
      reply(400, { detail: 'Invalid cursor parameter.' });
    }
    const value = Number(bits[0]!.replace(/_/g, ''));
    const page = Number(bits[1]!.replace(/_/g, ''));
    const isPrev = Number(bits[2]!.replace(/_/g, '')) !== 0;
    const limit = Math.min(perPage, MAX_PER_PAGE);
    // Django refuses negative slices and the page count divides by the limit: both end as a 500.
    if (limit <= 0) reply(500, SERVER_ERROR);
    const offset = page * limit;
    if (offset < 0) reply(400, { detail: 'Error in parsing' });
    if (value !== limit && isPrev) reply(500, SERVER_ERROR);
    const window = items.slice(offset, offset + limit + 1);
    const results = window.slice(0, limit).map(render);
    return {
      status: 200,
      body: {
        grouped_by: null,
        sub_grouped_by: null,
        total_count: totalCount,
        next_cursor: `${limit}:${page + 1}:0`,
        prev_cursor: `${limit}:${page - 1}:1`,
        next_page_results: window.length > limit,
        prev_page_results: page > 0,
        count: results.length,
        total_pages: Math.ceil(totalCount / limit),
        total_results: totalCount,
        extra_stats: null,
        results,
      },
    };
  }

  // ---- projects, states, labels ----

  private listProjects(call: Call): Answer {
    const ctx = this.renderContext(call.user.id);
    const projects = [...this.store.projects.values()].filter((p) => p.members.has(call.user.id) || p.network === 2);
    return this.paginate(call, projects, (p) => this.shape(renderProject(ctx, p), call));
  }

  private getProject(call: Call): Answer {
    const project = this.store.projects.get(call.params.project_id!);
    if (!project || !(project.members.has(call.user.id) || project.network === 2)) return reply(404, NOT_FOUND);
    return { status: 200, body: this.shape(renderProject(this.renderContext(call.user.id), project), call) };
  }

  private listStates(call: Call): Answer {
    const ctx = this.renderContext();
    return this.paginate(call, this.store.projectStates(call.params.project_id!), (s) =>
      this.shape(renderState(ctx, s), call),
    );
  }

  private getState(call: Call): Answer {
    const state = this.store.liveState(call.params.state_id!);
    if (!state || state.project !== call.params.project_id) return reply(404, NOT_FOUND);
    return { status: 200, body: this.shape(renderState(this.renderContext(), state), call) };
  }

  private listMembers(call: Call): Answer {
    const project = this.store.project(call.params.project_id!);
    const users = [...project.members.keys()].map((id) => this.store.users.get(id)!).filter(Boolean);
    const body = users.map((u) => ({
      id: u.id,
      first_name: u.first_name,
      last_name: u.last_name,
      email: u.email,
      avatar: u.avatar,
      avatar_url: u.avatar === '' ? null : u.avatar,
      display_name: u.display_name,
    }));
    return { status: 200, body };
  }

  private listLabels(call: Call): Answer {
    const ctx = this.renderContext();
    const labels = this.store.projectLabels(call.params.project_id!).sort((a, b) => b.created_at - a.created_at);
    return this.paginate(call, labels, (l) => this.shape(renderLabel(ctx, l), call));
  }

  private getLabel(call: Call): Answer {
    const label = this.store.liveLabel(call.params.pk!);
    if (!label || label.project !== call.params.project_id) return reply(404, NOT_FOUND);
    return { status: 200, body: renderLabel(this.renderContext(), label) };
  }

  private createLabel(call: Call): Answer {
    const data = call.data();
    const projectId = call.params.project_id!;
    const result = validateLabel(data, this.store);
    if (!result.ok) return { status: 400, body: result.errors };
    if (data.external_id && data.external_source) {
      const existing = this.store
        .projectLabels(projectId)
        .find((l) => l.external_id === String(data.external_id) && l.external_source === String(data.external_source));
      if (existing) {
        return {
          status: 409,
          body: { error: 'Label with the same external id and external source already exists', id: existing.id },
        };
      }
    }
    const { label, created } = this.store.createLabel(projectId, result.values, call.user.id);
    if (!created) {
      return { status: 409, body: { error: 'Label with the same name already exists in the project', id: label.id } };
    }
    return { status: 201, body: renderLabel(this.renderContext(), label) };
  }

  /** BaseSerializer's `fields` filter and `expand` for the simpler serializers. */
  private shape(data: Record<string, unknown>, call: Call): Record<string, unknown> {
    const fields = csv(call.query.get('fields'));
    if (!fields) return data;
    return Object.fromEntries(Object.entries(data).filter(([k]) => fields.includes(k)));
  }

  // ---- work items ----

  private issueFieldsExpand(call: Call): [string[] | undefined, string[] | undefined] {
    return [csv(call.query.get('fields')), csv(call.query.get('expand'))];
  }

  private listIssues(call: Call): Answer {
    const projectId = call.params.project_id!;
    const ctx = this.renderContext(call.user.id);
    const [fields, expand] = this.issueFieldsExpand(call);
    const externalId = call.query.get('external_id');
    const externalSource = call.query.get('external_source');
    if (externalId && externalSource) {
      const issue = this.store.issueByExternal(projectId, externalId, externalSource);
      if (!issue) return reply(404, NOT_FOUND);
      return { status: 200, body: renderIssue(ctx, issue, fields, expand) };
    }
    const issues = this.orderIssues(this.store.projectIssues(projectId), call.query.get('order_by') ?? '-created_at');
    return this.paginate(call, issues, (i) => renderIssue(ctx, i, fields, expand));
  }

  /** The list view's ordering: priority, state group, label / assignee maxima, else any model field. */
  private orderIssues(issues: IssueRow[], orderBy: string): IssueRow[] {
    const base = [...issues].sort((a, b) => a.created_at - b.created_at);
    const desc = orderBy.startsWith('-');
    const key = desc ? orderBy.slice(1) : orderBy;
    const byIndex = (index: (i: IssueRow) => number) => base.sort((a, b) => index(a) - index(b));
    if (key === 'priority') {
      const order = desc ? [...PRIORITIES].reverse() : PRIORITIES;
      return byIndex((i) => order.indexOf(i.priority));
    }
    if (key === 'state__name' || key === 'state__group') {
      const order = desc ? [...STATE_GROUPS].reverse() : STATE_GROUPS;
      return byIndex((i) => {
        const group = i.state ? this.store.states.get(i.state)?.group : undefined;
        return group ? order.indexOf(group) : order.length;
      });
    }
    let value: ((i: IssueRow) => string | number | boolean | null) | undefined;
    let text = TEXT_FIELDS.has(key);
    if (key === 'labels__name' || key === 'assignees__first_name') {
      text = true;
      value = (i) => {
        const names =
          key === 'labels__name'
            ? i.labels.map((id) => this.store.labels.get(id)?.name)
            : i.assignees.map((id) => this.store.users.get(id)?.first_name);
        const present = names.filter((n): n is string => n !== undefined).sort(collator.compare);
        return present.length > 0 ? present[present.length - 1]! : null;
      };
    } else {
      const children = (i: IssueRow) => this.store.projectIssues(i.project).filter((c) => c.parent === i.id).length;
      const getters: Record<string, (i: IssueRow) => string | number | boolean | null> = {
        id: (i) => i.id,
        created_at: (i) => i.created_at,
        updated_at: (i) => i.updated_at,
        deleted_at: (i) => i.deleted_at,
        name: (i) => i.name,
        description_html: (i) => i.description_html,
        description_stripped: (i) => i.description_stripped,
        start_date: (i) => i.start_date,
        target_date: (i) => i.target_date,
        sequence_id: (i) => i.sequence_id,
        sort_order: (i) => i.sort_order,
        completed_at: (i) => i.completed_at,
        archived_at: (i) => i.archived_at,
        is_draft: (i) => i.is_draft,
        external_source: (i) => i.external_source,
        external_id: (i) => i.external_id,
        created_by: (i) => i.created_by,
        created_by_id: (i) => i.created_by,
        updated_by: (i) => i.updated_by,
        updated_by_id: (i) => i.updated_by,
        parent: (i) => i.parent,
        parent_id: (i) => i.parent,
        state: (i) => i.state,
        state_id: (i) => i.state,
        point: () => null,
        estimate_point: () => null,
        type: () => null,
        type_id: () => null,
        cycle_id: () => null,
        link_count: () => null,
        attachment_count: () => null,
        sub_issues_count: children,
      };
      value = getters[key];
    }
    // Django raises FieldError for anything else, which Plane answers with a 500.
    if (!value) return reply(500, SERVER_ERROR);
    const get = value;
    return base.sort((a, b) => {
      const va = get(a);
      const vb = get(b);
      // Postgres: NULLS LAST ascending, NULLS FIRST descending.
      if (va === null || vb === null) return va === vb ? 0 : va === null ? 1 : -1;
      const cmp =
        text && typeof va === 'string' && typeof vb === 'string'
          ? collator.compare(va, vb)
          : va < vb
            ? -1
            : va > vb
              ? 1
              : 0;
      return desc ? -cmp : cmp;
    });
  }

  private getIssue(call: Call): Answer {
    const issue = this.store.liveIssue(call.params.pk!);
    if (!issue || issue.project !== call.params.project_id || !this.store.isListed(issue)) return reply(404, NOT_FOUND);
    const [fields, expand] = this.issueFieldsExpand(call);
    return { status: 200, body: renderIssue(this.renderContext(call.user.id), issue, fields, expand) };
  }

  private getByIdentifier(call: Call): Answer {
    const project = this.store.projectByIdentifier(call.params.project_identifier!)!;
    const text = call.params.issue_identifier!.trim();
    // `sequence_id="abc"` is a ValueError in Django, which Plane answers with a 500.
    if (!/^[+-]?\d+$/.test(text)) return reply(500, SERVER_ERROR);
    const issue = this.store.issueBySequence(project.id, Number(text));
    if (!issue) return reply(404, NOT_FOUND);
    const [fields, expand] = this.issueFieldsExpand(call);
    return { status: 200, body: renderIssue(this.renderContext(call.user.id), issue, fields, expand) };
  }

  private createIssue(call: Call): Answer {
    const projectId = call.params.project_id!;
    const data = call.data();
    const result = validateIssue(data, { store: this.store, projectId, partial: false });
    if (!result.ok) return { status: 400, body: result.errors };
    if (data.external_id && data.external_source) {
      const existing = this.store.issueByExternal(projectId, String(data.external_id), String(data.external_source));
      if (existing) {
        return {
          status: 409,
          body: { error: 'Issue with the same external id and external source already exists', id: existing.id },
        };
      }
    }
    const values = result.values as typeof result.values & { name: string };
    const issue = this.store.createIssue(projectId, values, call.user.id);
    // The answer is serializer.data, read before the view re-saves created_at / created_by.
    const body = renderIssue(this.renderContext(call.user.id), issue);
    if (data.created_at !== undefined) {
      const at = typeof data.created_at === 'string' ? parseIsoMicros(data.created_at) : null;
      if (at === null) return reply(400, DJANGO_VALIDATION);
      issue.created_at = at;
    }
    if (data.created_by !== undefined) {
      const by = typeof data.created_by === 'string' ? this.store.users.get(data.created_by) : undefined;
      // The item stays (it was saved before); only the second save fails on the foreign key.
      if (!by) return reply(400, INTEGRITY);
      issue.created_by = by.id;
    }
    this.store.recordActivity('issue', issue.id, data, null, call.user.id);
    return { status: 201, body };
  }

  private patchIssue(call: Call): Answer {
    const projectId = call.params.project_id!;
    const issue = this.store.liveIssue(call.params.pk!);
    if (!issue || issue.project !== projectId) return reply(404, NOT_FOUND);
    const ctx = this.renderContext(call.user.id);
    const current = pyClone(renderIssue(ctx, issue));
    const data = call.data();
    const result = validateIssue(data, { store: this.store, projectId, partial: true });
    if (!result.ok) return { status: 400, body: result.errors };
    if (data.external_id && issue.external_id !== String(data.external_id)) {
      const source = data.external_source !== undefined ? String(data.external_source) : issue.external_source;
      const taken = this.store
        .projectIssues(projectId, false)
        .some((i) => i.external_id === String(data.external_id) && i.external_source === source);
      // Plane answers with the id of the item being patched, not of the one holding the external id.
      if (taken) {
        return {
          status: 409,
          body: { error: 'Issue with the same external id and external source already exists', id: issue.id },
        };
      }
    }
    this.store.updateIssue(issue, result.values, call.user.id);
    this.store.recordActivity('issue', issue.id, data, current, call.user.id);
    return { status: 200, body: renderIssue(ctx, issue) };
  }

  private deleteIssue(call: Call): Answer {
    const issue = this.store.liveIssue(call.params.pk!);
    if (!issue || issue.project !== call.params.project_id) return reply(404, NOT_FOUND);
    const role = this.store.project(issue.project).members.get(call.user.id) ?? 0;
    if (issue.created_by !== call.user.id && role !== 20) {
      return { status: 403, body: { error: 'Only admin or creator can delete the work item' } };
    }
    this.store.deleteIssue(issue, call.user.id);
    return { status: 204 };
  }

  // ---- comments ----

  private listComments(call: Call): Answer {
    const ctx = this.renderContext(call.user.id);
    const fields = csv(call.query.get('fields'));
    const expand = csv(call.query.get('expand'));
    const comments = this.store
      .issueComments(call.params.issue_id!)
      .filter((c) => c.project === call.params.project_id)
      .sort((a, b) => b.created_at - a.created_at);
    return this.paginate(call, comments, (c) =>
      renderComment(ctx, c, { annotated: true, ...(fields ? { fields } : {}), ...(expand ? { expand } : {}) }),
    );
  }

  private getComment(call: Call): Answer {
    const comment = this.store.liveComment(call.params.pk!);
    if (!comment || comment.issue !== call.params.issue_id || comment.project !== call.params.project_id) {
      return reply(404, NOT_FOUND);
    }
    const fields = csv(call.query.get('fields'));
    const expand = csv(call.query.get('expand'));
    return {
      status: 200,
      body: renderComment(this.renderContext(call.user.id), comment, {
        annotated: true,
        ...(fields ? { fields } : {}),
        ...(expand ? { expand } : {}),
      }),
    };
  }

  private createComment(call: Call): Answer {
    const projectId = call.params.project_id!;
    const data = call.data();
    // The external id check comes before validation here, unlike work items.
    if (data.external_id && data.external_source) {
      const existing = this.store.commentByExternal(projectId, String(data.external_id), String(data.external_source));
      if (existing) {
        return {
          status: 409,
          body: {
            error: 'Work item comment with the same external id and external source already exists',
            id: existing.id,
          },
        };
      }
    }
    const result = validateComment(data);
    if (!result.ok) return { status: 400, body: result.errors };
    // Only the foreign key is checked: a soft-deleted item still takes comments; a missing one fails.
    const issue = this.store.issues.get(call.params.issue_id!);
    if (!issue) return reply(400, INTEGRITY);
    const comment = this.store.createComment(issue, result.values, call.user.id);
    comment.project = projectId;
    if (data.created_at !== undefined) {
      const at = typeof data.created_at === 'string' ? parseIsoMicros(data.created_at) : null;
      if (at === null) return reply(400, DJANGO_VALIDATION);
      comment.created_at = at;
    }
    this.store.recordActivity('issue_comment', comment.id, data, null, call.user.id);
    return { status: 201, body: renderComment(this.renderContext(call.user.id), comment) };
  }

  private patchComment(call: Call): Answer {
    const projectId = call.params.project_id!;
    const comment = this.store.liveComment(call.params.pk!);
    if (!comment || comment.issue !== call.params.issue_id || comment.project !== projectId) {
      return reply(404, NOT_FOUND);
    }
    const ctx = this.renderContext(call.user.id);
    const current = pyClone(renderComment(ctx, comment));
    const data = call.data();
    if (data.external_id && comment.external_id !== String(data.external_id)) {
      const source = data.external_source !== undefined ? String(data.external_source) : comment.external_source;
      if (source !== null && this.store.commentByExternal(projectId, String(data.external_id), source)) {
        return {
          status: 409,
          body: {
            error: 'Work item comment with the same external id and external source already exists',
            id: comment.id,
          },
        };
      }
    }
    const result = validateComment(data);
    if (!result.ok) return { status: 400, body: result.errors };
    this.store.updateComment(comment, result.values, call.user.id);
    this.store.recordActivity('issue_comment', comment.id, data, current, call.user.id);
    return { status: 200, body: renderComment(ctx, comment) };
  }

  private deleteComment(call: Call): Answer {
    const comment = this.store.liveComment(call.params.pk!);
    if (!comment || comment.issue !== call.params.issue_id || comment.project !== call.params.project_id) {
      return reply(404, NOT_FOUND);
    }
    comment.deleted_at = this.store.now();
    comment.updated_at = comment.deleted_at;
    return { status: 204 };
  }

  // ---- webhooks ----

  /** Queues every pending activity record for delivery (webhook_activity + webhook_send_task). */
  private scheduleDeliveries(): void {
    for (const activity of this.store.activities.splice(0)) {
      this.pendingDeliveries++;
      this.deliveryQueue = this.deliveryQueue
        .then(() => this.deliver(activity))
        .catch(() => undefined)
        .finally(() => {
          this.pendingDeliveries--;
        });
    }
  }

  private async deliver(activity: ActivityRecord): Promise<void> {
    const webhook = this.webhook;
    if (!webhook || !webhook.active || !webhook.events.includes(activity.event)) return;
    // get_model_data runs now, not when the change happened; a row deleted meanwhile means no POST.
    const ctx: RenderContext = { store: this.store, timeZone: 'UTC' };
    let data: unknown;
    if (activity.event === 'issue') {
      const issue = this.store.liveIssue(activity.modelId);
      if (!issue) return;
      data = renderIssueForWebhook(ctx, issue);
    } else {
      const comment = this.store.liveComment(activity.modelId);
      if (!comment) return;
      data = renderComment(ctx, comment);
    }
    const actor = this.store.users.get(activity.actorId);
    if (!actor) return;
    const payload = {
      event: activity.event,
      action: activity.verb,
      webhook_id: webhook.id,
      workspace_id: this.store.workspace.id,
      data,
      activity: {
        field: activity.field,
        new_value: activity.newValue,
        old_value: activity.oldValue,
        actor: userLite(actor),
        old_identifier: null,
        new_identifier: null,
      },
    };
    const body = pyJsonDumps(payload, PYTHON_DEFAULT_STYLE);
    const deliveryId = randomUUID();
    const headers: OutgoingHttpHeaders = {
      'User-Agent': 'Autopilot',
      'Accept-Encoding': 'gzip, deflate',
      Accept: '*/*',
      Connection: 'keep-alive',
      'Content-Type': 'application/json',
      'X-Plane-Delivery': deliveryId,
      'X-Plane-Event': activity.event,
      'X-Plane-Signature': createHmac('sha256', webhook.secret).update(body, 'utf8').digest('hex'),
      'Content-Length': Buffer.byteLength(body),
    };
    const log: WebhookDeliveryLog = {
      deliveryId,
      event: activity.event,
      action: activity.verb,
      field: activity.field,
      body,
      attempts: 0,
    };
    for (;;) {
      log.attempts++;
      try {
        log.status = await this.post(webhook.url, headers, body);
        delete log.error;
        break;
      } catch (err) {
        log.error = err instanceof Error ? err.message : String(err);
        if (log.attempts > this.webhookRetries) break;
      }
    }
    this.deliveries.push(log);
  }

  private post(url: string, headers: OutgoingHttpHeaders, body: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const target = new URL(url);
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(target, { method: 'POST', headers, timeout: this.webhookTimeoutMs }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end(body);
    });
  }
}

const notImpl = (): Answer => ({ status: 501, body: NOT_IMPLEMENTED });
