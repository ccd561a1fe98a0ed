/**
 * TEST FAKE of Notion's REST API (version 2025-09-03, the data-sources API) on
 * 127.0.0.1, for the Notion board's tests and benchmark. Built from Notion's
 * documented wire format (developers.notion.com: the API reference for
 * databases, data sources and their query, pages, blocks, comments and users;
 * "Request limits"; "Status codes"; "Webhooks": the verification request,
 * X-Notion-Signature and the event shapes) and the official SDK's types and
 * client (`@notionhq/client` 5.x: `api-endpoints/*.d.ts`, `errors.ts`,
 * `webhooks.ts` signWebhookPayload). Served as the SDK calls it: `/v1/...`,
 * `Authorization: Bearer`, `Notion-Version`, JSON bodies.
 *
 * What it does as Notion does:
 * - Error bodies `{"object":"error","status":…,"code":…,"message":…}`: 400 validation_error /
 *   invalid_json / missing_version, 401 unauthorized, 404 object_not_found (also for objects
 *   not shared with the integration), 409 conflict_error, 429 rate_limited with Retry-After.
 * - `created_time` / `last_edited_time` rounded down to the minute; query filters compare those.
 * - Cursor paging (`start_cursor`, `next_cursor`, `has_more`, `page_size` ≤ 100).
 * - Rate limit: a bucket of `burst` requests refilled at `perSecond` (Notion: about 3 a second
 *   on average, bursts allowed).
 * - Pages in the trash: read with `in_trash: true`, left out of queries unless `in_trash: true`.
 * - Select and multi-select options are created on first use; status options are not.
 * - Webhooks: the unsigned verification request, then events signed
 *   `X-Notion-Signature: sha256=<hex HMAC-SHA256(body, verification_token)>`; events carry ids
 *   only; `page.content_updated` is aggregated per page until the next flush (Notion batches them).
 *
 * Known differences from real Notion:
 * - One workspace, one database with one data source; the integration sees all of it.
 * - Queries are consistent at once (real Notion's search index can lag a few seconds).
 * - Blocks have no children (nesting is not modelled); block types are stored as given.
 * - Filters: `last_edited_time`/`created_time` timestamps, `rich_text`/`title` equals/contains,
 *   `and`/`or`; sorts on those timestamps. Others answer 400.
 * - Webhooks fire for every change, the integration's own included, and go out in order.
 */
import { createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  minuteIso,
  NotionStore,
  richText,
  type PageRow,
  type PropertySchema,
  type RichTextRow,
  type StoreOptions,
} from './store';
import { takeFault } from '../faults';

export const NOTION_VERSIONS = ['2025-09-03'];

export interface FaultRequest {
  method: string;
  /** The path after `/v1`, e.g. `/data_sources/<id>/query`. */
  path: string;
  body: string;
}

export interface Fault {
  when?: (request: FaultRequest) => boolean;
  times?: number;
  delayMs?: number;
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  destroy?: boolean;
  afterRun?: boolean;
}

export interface FakeStats {
  requests: number;
  bytesIn: number;
  bytesOut: number;
  /** Per `METHOD /route` with ids replaced by `{id}`. */
  byPath: Record<string, number>;
  throttled: number;
  requestLog: { method: string; path: string; status: number }[];
}

export interface WebhookDeliveryLog {
  body: string;
  signed: boolean;
  status?: number;
  error?: string;
}

export interface FakeNotionOptions {
  token?: string;
  /** Requests per second on average, and the bucket size (Notion: about 3/s). */
  rateLimit?: { perSecond: number; burst: number } | null;
  clockOffsetMs?: number;
  schema?: StoreOptions['schema'];
}

const emptyStats = (): FakeStats => ({
  requests: 0,
  bytesIn: 0,
  bytesOut: 0,
  byPath: {},
  throttled: 0,
  requestLog: [],
});

/** Notion's error bodies, by status (messages as the API words them). */
export const NOTION_ERRORS = {
  unauthorized: { status: 401, code: 'unauthorized', message: 'API token is invalid.' },
  rateLimited: {
    status: 429,
    code: 'rate_limited',
    message: 'You have been rate limited. Please try again in a few minutes.',
  },
  conflict: { status: 409, code: 'conflict_error', message: 'Conflict occurred while saving. Please try again.' },
  internal: { status: 500, code: 'internal_server_error', message: 'Unexpected error occurred.' },
} as const;

export const errorBody = (status: number, code: string, message: string): string =>
  JSON.stringify({ object: 'error', status, code, message, request_id: randomUUID() });

class Reply extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
const invalid = (message: string): never => {
  throw new Reply(400, 'validation_error', message);
};
const notFound = (kind: string, id: string): never => {
  throw new Reply(
    404,
    'object_not_found',
    `Could not find ${kind} with ID: ${id}. Make sure the relevant pages and databases are shared with your integration.`,
  );
};

const ID = '([0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12})';
const dashed = (id: string): string => {
  const h = id.replace(/-/g, '').toLowerCase();
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
};

type Json = Record<string, unknown>;

export class FakeNotion {
  readonly store: NotionStore;
  readonly token: string;
  clockOffsetMs: number;
  rateLimit: { perSecond: number; burst: number } | null;
  stats: FakeStats = emptyStats();
  readonly faults: Fault[] = [];
  readonly deliveries: WebhookDeliveryLog[] = [];
  webhook: { url: string; verificationToken: string } | null = null;
  private tokens: number;
  private refilledAt = Date.now();
  private pendingContent = new Map<string, string[]>();
  private aggregateTimer: NodeJS.Timeout | undefined;
  /** How long content edits are gathered into one event. */
  aggregateMs = 200;
  private queue: Promise<void> = Promise.resolve();
  private server: Server | undefined;
  private origin = '';

  private constructor(options: FakeNotionOptions) {
    this.clockOffsetMs = options.clockOffsetMs ?? 0;
    this.rateLimit = options.rateLimit === undefined ? { perSecond: 3, burst: 30 } : options.rateLimit;
    this.tokens = this.rateLimit?.burst ?? 0;
    this.token = options.token ?? `ntn_${randomUUID().replace(/-/g, '')}`;
    this.store = new NotionStore({
      now: () => Date.now() + this.clockOffsetMs,
      ...(options.schema ? { schema: options.schema } : {}),
    });
  }

  static async start(options: FakeNotionOptions = {}): Promise<FakeNotion> {
    const fake = new FakeNotion(options);
    const server = createServer((req, res) => {
      fake.handle(req, res).catch((err: unknown) => {
        if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(`fake notion crashed: ${err instanceof Error ? err.stack : String(err)}`);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    fake.server = server;
    fake.origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return fake;
  }

  /** The API origin (the SDK's baseUrl). */
  get url(): string {
    return this.origin;
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

  fail(fault: Fault): void {
    this.faults.push(fault);
  }

  // ---- webhooks ----

  /**
   * Creating a subscription in the integration's Webhooks tab: Notion posts the
   * unsigned verification request at once. Returns the token it sent.
   */
  async subscribe(url: string, verificationToken = `secret_${randomUUID().replace(/-/g, '')}`): Promise<string> {
    this.webhook = { url, verificationToken };
    await this.post(JSON.stringify({ verification_token: verificationToken }), false);
    return verificationToken;
  }

  /** Sends the aggregated content events, then waits for every delivery so far. */
  async flushWebhooks(): Promise<void> {
    clearTimeout(this.aggregateTimer);
    this.aggregateTimer = undefined;
    for (const [pageId, authors] of this.pendingContent) this.event('page.content_updated', pageId, authors, false);
    this.pendingContent.clear();
    await this.queue;
  }

  private event(type: string, entityId: string, authors: string[], aggregate: boolean, data: Json = {}): void {
    if (!this.webhook) return;
    if (aggregate) {
      // Notion aggregates content edits of one page made close together into one event.
      this.pendingContent.set(entityId, [...new Set([...(this.pendingContent.get(entityId) ?? []), ...authors])]);
      this.aggregateTimer ??= setTimeout(() => {
        this.aggregateTimer = undefined;
        const pending = [...this.pendingContent];
        this.pendingContent.clear();
        for (const [pageId, who] of pending) this.event('page.content_updated', pageId, who, false);
      }, this.aggregateMs);
      return;
    }
    const comment = type.startsWith('comment.');
    const body = JSON.stringify({
      id: randomUUID(),
      timestamp: new Date(this.store.now()).toISOString(),
      workspace_id: this.store.workspaceId,
      workspace_name: 'Acme',
      subscription_id: randomUUID(),
      integration_id: randomUUID(),
      type,
      authors: authors.map((id) => ({ id, type: this.store.user(id)?.type ?? 'person' })),
      accessible_by: [],
      attempt_number: 1,
      api_version: NOTION_VERSIONS[0],
      entity: { id: entityId, type: comment ? 'comment' : 'page' },
      data: comment
        ? { page_id: data.page_id, parent: { id: data.page_id, type: 'page' } }
        : {
            parent: { id: this.store.dataSourceId, type: 'database', data_source_id: this.store.dataSourceId },
            ...data,
          },
    });
    void this.post(body, true);
  }

  private post(body: string, signed: boolean): Promise<void> {
    const hook = this.webhook!;
    const log: WebhookDeliveryLog = { body, signed };
    this.deliveries.push(log);
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (signed)
      headers['x-notion-signature'] =
        `sha256=${createHmac('sha256', hook.verificationToken).update(body).digest('hex')}`;
    this.queue = this.queue.then(async () => {
      try {
        const res = await fetch(hook.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(10_000) });
        log.status = res.status;
        await res.arrayBuffer();
      } catch (err) {
        log.error = err instanceof Error ? err.message : String(err);
      }
    });
    return this.queue;
  }

  // ---- a person in Notion's app ----

  /** What a person does in Notion (default alice); webhooks follow. */
  human(name = 'alice'): HumanNotion {
    const user = this.store.userByName(name);
    if (!user) throw new Error(`fake notion: no user "${name}"`);
    return new HumanNotion(this, user.id);
  }

  /** @internal for HumanNotion and the API */
  changed(type: string, pageId: string, by: string, data: Json = {}): void {
    this.event(type, pageId, [by], type === 'page.content_updated', data);
  }

  // ---- HTTP ----

  private takeFault(request: FaultRequest): Fault | undefined {
    return takeFault(this.faults, request);
  }

  private throttled(): number | undefined {
    if (!this.rateLimit) return undefined;
    const now = Date.now();
    this.tokens = Math.min(
      this.rateLimit.burst,
      this.tokens + ((now - this.refilledAt) / 1000) * this.rateLimit.perSecond,
    );
    this.refilledAt = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.rateLimit.perSecond));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://x');
    const path = url.pathname.replace(/^\/v1/, '');
    this.stats.requests++;
    this.stats.bytesIn += Buffer.byteLength(raw);
    const key = `${method} ${path.replace(new RegExp(ID, 'g'), '{id}')}`;
    this.stats.byPath[key] = (this.stats.byPath[key] ?? 0) + 1;
    const request: FaultRequest = { method, path, body: raw };
    const fault = this.takeFault(request);
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    const log = (status: number) => this.stats.requestLog.push({ method, path: path + url.search, status });

    if (fault && (fault.destroy || fault.status !== undefined)) {
      if (fault.afterRun) this.answer(method, url, req, raw);
      if (fault.destroy) {
        log(0);
        req.socket.destroy();
        return;
      }
      log(fault.status!);
      this.send(res, fault.status!, fault.body ?? '', { 'content-type': 'application/json', ...fault.headers });
      return;
    }
    const answer = this.answer(method, url, req, raw);
    log(answer.status);
    this.send(res, answer.status, answer.body, answer.headers);
  }

  private send(res: ServerResponse, status: number, body: string, headers: Record<string, string> = {}): void {
    const payload = Buffer.from(body, 'utf8');
    this.stats.bytesOut += payload.length;
    res.writeHead(status, {
      date: new Date(Date.now() + this.clockOffsetMs).toUTCString(),
      'content-type': 'application/json; charset=utf-8',
      'x-notion-request-id': randomUUID(),
      'content-length': payload.length,
      ...headers,
    });
    res.end(payload);
  }

  private answer(
    method: string,
    url: URL,
    req: IncomingMessage,
    raw: string,
  ): { status: number; body: string; headers?: Record<string, string> } {
    try {
      const auth = String(req.headers.authorization ?? '');
      if (auth !== `Bearer ${this.token}`) {
        const e = NOTION_ERRORS.unauthorized;
        throw new Reply(e.status, e.code, e.message);
      }
      const version = req.headers['notion-version'];
      if (version === undefined) {
        throw new Reply(
          400,
          'missing_version',
          'Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.',
        );
      }
      if (!NOTION_VERSIONS.includes(String(version))) {
        invalid(
          `Notion-Version header failed validation: Notion-Version header should be one of the supported versions, instead was \`${String(version)}\`.`,
        );
      }
      const wait = this.throttled();
      if (wait !== undefined) {
        this.stats.throttled++;
        const e = NOTION_ERRORS.rateLimited;
        return { status: 429, body: errorBody(e.status, e.code, e.message), headers: { 'retry-after': String(wait) } };
      }
      let body: Json = {};
      if (raw !== '') {
        try {
          body = JSON.parse(raw) as Json;
        } catch {
          throw new Reply(400, 'invalid_json', 'Error parsing JSON body.');
        }
      }
      return { status: 200, body: JSON.stringify(this.route(method, url, body)) };
    } catch (err) {
      if (err instanceof Reply) return { status: err.status, body: errorBody(err.status, err.code, err.message) };
      throw err;
    }
  }

  private route(method: string, url: URL, body: Json): unknown {
    const path = url.pathname.replace(/^\/v1/, '');
    const m = (pattern: string) => new RegExp(`^${pattern.replace(/\{id\}/g, ID)}$`).exec(path);
    let g: RegExpExecArray | null;
    if (method === 'GET' && (g = m('/databases/{id}'))) {
      if (dashed(g[1]!) !== this.store.databaseId) notFound('database', g[1]!);
      return this.store.renderDatabase();
    }
    if ((g = m('/data_sources/{id}'))) {
      if (dashed(g[1]!) !== this.store.dataSourceId) notFound('data_source', g[1]!);
      if (method === 'GET') return this.store.renderDataSource();
      if (method === 'PATCH') return this.updateDataSource(body);
    }
    if (method === 'POST' && (g = m('/data_sources/{id}/query'))) {
      if (dashed(g[1]!) !== this.store.dataSourceId) notFound('data_source', g[1]!);
      return this.query(body);
    }
    if (method === 'POST' && path === '/pages') return this.createPage(body);
    if ((g = m('/pages/{id}'))) {
      const page = this.store.page(dashed(g[1]!)) ?? notFound('page', g[1]!);
      if (method === 'GET') return this.store.renderPage(page);
      if (method === 'PATCH') return this.updatePage(page, body);
    }
    if ((g = m('/blocks/{id}/children'))) {
      const id = dashed(g[1]!);
      const page = this.store.page(id) ?? notFound('block', g[1]!);
      if (method === 'GET')
        return this.list(
          this.store.liveBlocks(page).map((b) => this.store.renderBlock(b, page)),
          url,
          'block',
        );
      if (method === 'PATCH') return this.appendBlocks(page, body);
    }
    if ((g = m('/blocks/{id}'))) {
      const id = dashed(g[1]!);
      const page = this.store.blockPage(id) ?? notFound('block', g[1]!);
      const block = this.store.block(id)!;
      if (block.inTrash) notFound('block', g[1]!);
      if (page.inTrash) invalid("Can't edit block that is archived. You must unarchive the block before editing.");
      if (method === 'GET') return this.store.renderBlock(block, page);
      if (method === 'PATCH') {
        const content = body[block.type];
        if (typeof content !== 'object' || content === null)
          invalid(`body failed validation: body.${block.type} should be defined, instead was \`undefined\`.`);
        checkRichTexts((content as Json).rich_text, `body.${block.type}.rich_text`);
        block.content = { ...block.content, ...(content as Json) };
        block.editedMs = this.store.now();
        this.store.touch(page, this.store.bot.id);
        this.changed('page.content_updated', page.id, this.store.bot.id);
        return this.store.renderBlock(block, page);
      }
      if (method === 'DELETE') {
        block.inTrash = true;
        this.store.touch(page, this.store.bot.id);
        this.changed('page.content_updated', page.id, this.store.bot.id);
        return this.store.renderBlock(block, page);
      }
    }
    if (path === '/comments') {
      if (method === 'GET') {
        const id = url.searchParams.get('block_id') ?? invalid('body failed validation: block_id should be defined.');
        const page = this.store.page(dashed(id)) ?? notFound('block', id);
        return this.list(
          this.store.comments.filter((c) => c.pageId === page.id).map((c) => this.store.renderComment(c)),
          url,
          'comment',
        );
      }
      if (method === 'POST') {
        const parent = body.parent as Json | undefined;
        const pageId =
          typeof parent?.page_id === 'string'
            ? parent.page_id
            : invalid('body failed validation: body.parent.page_id should be defined.');
        const page = this.store.page(dashed(pageId)) ?? notFound('page', pageId);
        if (page.inTrash) invalid("Can't edit block that is archived. You must unarchive the block before editing.");
        const rich = checkRichTexts(body.rich_text, 'body.rich_text');
        const row = this.store.addComment(page.id, rich, this.store.bot.id);
        this.changed('comment.created', row.id, this.store.bot.id, { page_id: page.id });
        return this.store.renderComment(row);
      }
    }
    if (method === 'GET' && path === '/users')
      return this.list(
        this.store.users.map((u) => this.store.renderUser(u)),
        url,
        'user',
      );
    if (method === 'GET' && path === '/users/me') return this.store.renderUser(this.store.bot);
    throw new Reply(400, 'invalid_request_url', 'Invalid request URL.');
  }

  /**
   * Notion's list envelope, paged by cursor (the id of the next result). Only the
   * page's slice is rendered: rendering every row per request made a listing of
   * 10,000 pages quadratic in the fake (a page's derived relations scan the store).
   */
  private list<T extends { id?: unknown }>(
    items: T[],
    url: URL | Json,
    type: string,
    render: (item: T) => Json = (item) => item as unknown as Json,
  ): Json {
    const param = (name: string): unknown =>
      url instanceof URL ? (url.searchParams.get(name) ?? undefined) : url[name];
    const size = param('page_size') === undefined ? 100 : Number(param('page_size'));
    if (!Number.isInteger(size) || size < 1 || size > 100) {
      invalid(
        `body failed validation: page_size should be a number between 1 and 100, instead was \`${String(param('page_size'))}\`.`,
      );
    }
    const cursor = param('start_cursor');
    let start = 0;
    if (cursor !== undefined && cursor !== null) {
      start = items.findIndex((i) => i.id === cursor);
      if (start < 0) invalid('The start_cursor provided is invalid: it is not the id of an item in this list.');
    }
    const slice = items.slice(start, start + size);
    const next = items[start + size];
    return {
      object: 'list',
      results: slice.map(render),
      next_cursor: next ? (next.id as string) : null,
      has_more: next !== undefined,
      type,
      [type]: {},
      request_id: randomUUID(),
    };
  }

  private query(body: Json): Json {
    const inTrash = body.in_trash === true;
    let pages = [...this.store.pages.values()].filter((p) => p.inTrash === inTrash);
    if (body.filter !== undefined) pages = pages.filter((p) => this.matches(p, body.filter as Json));
    for (const sort of ((body.sorts as Json[] | undefined) ?? []).slice().reverse()) {
      const field =
        sort.timestamp === 'created_time'
          ? 'createdMs'
          : sort.timestamp === 'last_edited_time'
            ? 'editedMs'
            : invalid('fake notion: only timestamp sorts');
      const dir = sort.direction === 'descending' ? -1 : 1;
      // Sorted on the rounded times Notion shows; ties keep creation order.
      pages.sort((a, b) => dir * (Math.floor(a[field] / 60_000) - Math.floor(b[field] / 60_000)));
    }
    return this.list(pages, body, 'page_or_data_source', (p) => this.store.renderPage(p));
  }

  private matches(page: PageRow, filter: Json): boolean {
    if (Array.isArray(filter.and)) return (filter.and as Json[]).every((f) => this.matches(page, f));
    if (Array.isArray(filter.or)) return (filter.or as Json[]).some((f) => this.matches(page, f));
    if (filter.timestamp === 'last_edited_time' || filter.timestamp === 'created_time') {
      const cond = filter[filter.timestamp] as Json | undefined;
      if (!cond) invalid(`body failed validation: body.filter.${filter.timestamp} should be defined.`);
      const value = Date.parse(minuteIso(filter.timestamp === 'created_time' ? page.createdMs : page.editedMs));
      const [op, at] = Object.entries(cond!)[0] ?? [];
      const t = Date.parse(String(at));
      if (Number.isNaN(t))
        invalid(
          `body failed validation: body.filter.${filter.timestamp}.${op} should be a valid ISO 8601 date string.`,
        );
      switch (op) {
        case 'on_or_after':
          return value >= t;
        case 'after':
          return value > t;
        case 'on_or_before':
          return value <= t;
        case 'before':
          return value < t;
        default:
          return invalid(`fake notion: timestamp filter "${op}" is not supported`);
      }
    }
    if (typeof filter.property === 'string') {
      const prop =
        this.store.property(filter.property) ?? invalid(`Could not find property with name or id: ${filter.property}`);
      const cond = (filter.rich_text ?? filter.title) as Json | undefined;
      if (!cond || !['rich_text', 'title'].includes(prop.type))
        invalid('fake notion: only rich_text and title property filters');
      const text = ((page.values[prop.id] as RichTextRow[] | undefined) ?? []).map((r) => r.plain_text).join('');
      if (typeof cond!.equals === 'string') return text === cond!.equals;
      if (typeof cond!.contains === 'string') return text.includes(cond!.contains);
      return invalid('fake notion: only equals and contains');
    }
    return invalid('body failed validation: body.filter should be a filter object.');
  }

  private updateDataSource(body: Json): Json {
    for (const [name, config] of Object.entries((body.properties as Json | undefined) ?? {})) {
      const entry = Object.entries(config as Json)[0];
      if (!entry) invalid(`body failed validation: body.properties.${name} should be a property schema.`);
      if (!this.store.property(name)) this.store.addProperty(name, entry![0], entry![1] as Json);
    }
    return this.store.renderDataSource();
  }

  /** Property values from a request, checked against the schema as Notion does; select options are created. */
  values(properties: Json, page?: PageRow): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const [name, value] of Object.entries(properties)) {
      const prop = this.store.property(name) ?? invalid(`${name} is not a property that exists.`);
      const v = value as Json;
      if (typeof v !== 'object' || v === null || !(prop.type in v)) invalid(`${name} is expected to be ${prop.type}.`);
      out[prop.id] = this.value(prop, v[prop.type], page);
    }
    return out;
  }

  private value(prop: PropertySchema, v: unknown, page: PageRow | undefined): unknown {
    const name = prop.name;
    switch (prop.type) {
      case 'title':
      case 'rich_text':
        return checkRichTexts(v, `body.properties.${name}.${prop.type}`);
      case 'status': {
        if (v === null) return undefined;
        const wanted = (v as Json).name;
        const found = this.store.options(prop).find((o) => o.name === wanted);
        return found ?? invalid(`Invalid status option. Status option "${String(wanted)}" does not exist".`);
      }
      case 'select': {
        if (v === null) return undefined;
        const wanted = String((v as Json).name);
        if (wanted.includes(',')) invalid(`Invalid select option, commas not allowed: ${wanted}`);
        const options = this.store.options(prop);
        return (
          options.find((o) => o.name === wanted) ??
          options[options.push({ id: randomUUID().slice(0, 8), name: wanted, color: 'default', description: null }) - 1]
        );
      }
      case 'multi_select': {
        if (!Array.isArray(v)) invalid(`${name} is expected to be multi_select.`);
        const options = this.store.options(prop);
        return (v as Json[]).map((o) => {
          const wanted = String(o.name);
          return (
            options.find((x) => x.name === wanted) ??
            options[
              options.push({ id: randomUUID().slice(0, 8), name: wanted, color: 'default', description: null }) - 1
            ]!
          );
        });
      }
      case 'people':
        if (!Array.isArray(v)) invalid(`${name} is expected to be people.`);
        return (v as Json[]).map((u) => {
          const user =
            this.store.user(String(u.id)) ??
            invalid(`body failed validation: ${name}: user ${String(u.id)} does not exist.`);
          return user.id;
        });
      case 'date':
        if (v === null) return undefined;
        if (typeof (v as Json).start !== 'string' || Number.isNaN(Date.parse(String((v as Json).start)))) {
          invalid(`body failed validation: body.properties.${name}.date.start should be a valid ISO 8601 date string.`);
        }
        return { start: (v as Json).start, end: (v as Json).end ?? null, time_zone: null };
      case 'relation':
        if (!Array.isArray(v)) invalid(`${name} is expected to be relation.`);
        return (v as Json[]).map((r) => {
          const target = this.store.page(dashed(String(r.id)));
          if (!target || target.inTrash)
            invalid(`body failed validation: ${name}: page ${String(r.id)} could not be found.`);
          if (page && target!.id === page.id) invalid(`${name}: a page cannot relate to itself.`);
          return target!.id;
        });
      default:
        return v;
    }
  }

  private createPage(body: Json): Json {
    const parent = body.parent as Json | undefined;
    const target = parent?.data_source_id ?? parent?.database_id;
    if (typeof target !== 'string')
      invalid('body failed validation: body.parent.data_source_id should be defined, instead was `undefined`.');
    if (!([this.store.dataSourceId, this.store.databaseId] as string[]).includes(dashed(target as string)))
      notFound('data_source', target as string);
    const values = this.values((body.properties as Json | undefined) ?? {});
    const blocks = checkBlocks(body.children);
    const page = this.store.createPage(values, blocks, this.store.bot.id);
    this.changed('page.created', page.id, this.store.bot.id);
    return this.store.renderPage(page);
  }

  private updatePage(page: PageRow, body: Json): Json {
    if (body.in_trash === false || body.archived === false) {
      page.inTrash = false;
      this.store.touch(page, this.store.bot.id);
      this.changed('page.undeleted', page.id, this.store.bot.id);
    }
    if (page.inTrash && body.properties !== undefined)
      invalid("Can't edit block that is archived. You must unarchive the block before editing.");
    if (body.properties !== undefined) {
      Object.assign(page.values, this.values(body.properties as Json, page));
      this.store.touch(page, this.store.bot.id);
      this.changed('page.properties_updated', page.id, this.store.bot.id);
    }
    if (body.in_trash === true || body.archived === true) {
      page.inTrash = true;
      this.store.touch(page, this.store.bot.id);
      this.changed('page.deleted', page.id, this.store.bot.id);
    }
    return this.store.renderPage(page);
  }

  private appendBlocks(page: PageRow, body: Json): Json {
    if (page.inTrash) invalid("Can't edit block that is archived. You must unarchive the block before editing.");
    const blocks = checkBlocks(body.children);
    const rows = this.store.appendBlocks(
      page,
      blocks,
      this.store.bot.id,
      typeof body.after === 'string' ? body.after : undefined,
    );
    this.changed('page.content_updated', page.id, this.store.bot.id);
    return {
      object: 'list',
      results: rows.map((r) => this.store.renderBlock(r, page)),
      next_cursor: null,
      has_more: false,
      type: 'block',
      block: {},
    };
  }
}

const BLOCK_TYPES = new Set([
  'paragraph',
  'heading_1',
  'heading_2',
  'heading_3',
  'bulleted_list_item',
  'numbered_list_item',
  'to_do',
  'toggle',
  'quote',
  'callout',
  'code',
  'divider',
]);

function checkBlocks(children: unknown): { type: string; content: Json }[] {
  if (children === undefined) return [];
  if (!Array.isArray(children)) invalid('body failed validation: body.children should be an array.');
  const list = children as Json[];
  if (list.length > 100)
    invalid(`body failed validation: body.children.length should be ≤ \`100\`, instead was \`${list.length}\`.`);
  return list.map((child, i) => {
    const type = typeof child.type === 'string' ? child.type : Object.keys(child).find((k) => BLOCK_TYPES.has(k));
    if (!type || !BLOCK_TYPES.has(type))
      invalid(`body failed validation: body.children[${i}] should be a block object.`);
    const content = (child[type!] ?? {}) as Json;
    if (content.rich_text !== undefined)
      content.rich_text = checkRichTexts(content.rich_text, `body.children[${i}].${type}.rich_text`);
    return { type: type!, content };
  });
}

/** Rich text as Notion stores it: text content at most 2,000 characters each, annotations filled in. */
function checkRichTexts(value: unknown, where: string): RichTextRow[] {
  if (!Array.isArray(value)) return invalid(`body failed validation: ${where} should be an array.`);
  if (value.length > 100)
    invalid(`body failed validation: ${where}.length should be ≤ \`100\`, instead was \`${value.length}\`.`);
  return (value as Json[]).map((rt, i) => {
    const text = rt.text as Json | undefined;
    if (typeof text?.content !== 'string')
      invalid(`body failed validation: ${where}[${i}].text.content should be defined.`);
    const content = text!.content as string;
    if (content.length > 2000)
      invalid(
        `body failed validation: ${where}[${i}].text.content.length should be ≤ \`2000\`, instead was \`${content.length}\`.`,
      );
    const link = (text!.link as Json | null | undefined)?.url;
    return richText(content, (rt.annotations as Json | undefined) ?? {}, typeof link === 'string' ? link : undefined);
  });
}

/** A person editing in Notion's app: the same store, their own user, and the events Notion sends. */
export class HumanNotion {
  constructor(
    private readonly fake: FakeNotion,
    readonly userId: string,
  ) {}

  private get store(): NotionStore {
    return this.fake.store;
  }

  private page(id: string): PageRow {
    const page = this.store.page(id);
    if (!page) throw new Error(`fake notion: no page ${id}`);
    return page;
  }

  /** Sets properties by name in API value form, e.g. `{ Status: { status: { name: 'Done' } } }`. */
  setProperties(id: string, properties: Json): void {
    const page = this.page(id);
    Object.assign(page.values, this.fake.values(properties, page));
    this.store.touch(page, this.userId);
    this.fake.changed('page.properties_updated', page.id, this.userId);
  }

  createPage(properties: Json, body: { type: string; content: Json }[] = []): string {
    const page = this.store.createPage(this.fake.values(properties), body, this.userId);
    this.fake.changed('page.created', page.id, this.userId);
    return page.id;
  }

  /** Replaces the body's blocks except the ones `keep` says to keep (Deckhand's notes callout, which a person leaves alone). */
  setBody(
    id: string,
    blocks: { type: string; content: Json }[],
    keep: (type: string, content: Json) => boolean = () => false,
  ): void {
    const page = this.page(id);
    const kept = this.store.liveBlocks(page).filter((b) => keep(b.type, b.content));
    for (const b of this.store.liveBlocks(page)) if (!kept.includes(b)) b.inTrash = true;
    const rows = this.store.appendBlocks(page, blocks, this.userId);
    // The new blocks go above the kept ones, as a person types above the callout.
    page.blocks = [...page.blocks.filter((b) => !kept.includes(b) && !rows.includes(b)), ...rows, ...kept];
    this.fake.changed('page.content_updated', page.id, this.userId);
  }

  comment(id: string, text: string): string {
    const row = this.store.addComment(this.page(id).id, [richText(text)], this.userId);
    this.fake.changed('comment.created', row.id, this.userId, { page_id: id });
    return row.id;
  }

  trash(id: string): void {
    const page = this.page(id);
    page.inTrash = true;
    this.store.touch(page, this.userId);
    this.fake.changed('page.deleted', page.id, this.userId);
  }
}
