import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HumanActions } from './human';
import { meteorId, WekanStore, type BoardRow, type CardRow, type UserRow } from './store';
import { takeFault } from '../faults';

/**
 * A fake WeKan REST API for tests: real HTTP on 127.0.0.1, written from
 * WeKan's source (github:wekan/wekan at f5cc8e3, 2026-08-22); none of its code
 * is copied. Where each behaviour comes from:
 * - The API gate (403 text unless WITH_API), Bearer / `?access_token=` parsing
 *   and `sendJsonResult`: server/apiMiddleware.js.
 * - Login: server/apiAuthRoutes.js (`{id, token, tokenExpires}`; a bad login is
 *   401 `{error: "login-failed", reason: "Incorrect username, email address or
 *   password."}`).
 * - Board access: server/authentication.js (checkBoardAccess: an active member
 *   that is not comment-only/worker, or an admin; checkBoardWriteAccess).
 * - Routes and their answers: server/models/{boards,lists,swimlanes,cards,
 *   cardComments,customFields,users}.js and models/export.js + exporter.js.
 *   Handlers that catch send the Meteor.Error itself with HTTP 200 (`{code:
 *   200, data: error}`: lists, board, swimlanes, users); the comment routes
 *   map it with httpStatusForError to `{error}`; the card routes do not catch,
 *   so a refused check is the web server's error page with the error's status
 *   [inferred: Express 5's final handler, as Meteor 3's WebApp uses].
 * - `GET /lists` with `cardsModifiedAt` (the newest `modifiedAt` or
 *   `dateLastActivity` of the list's cards, archived ones included; #5251).
 * - The card PUT: every field is a separate `Cards.direct.updateAsync` with the
 *   selector `{_id, listId: <the URL's list>, boardId, archived: false}`, so a
 *   stale list in the URL writes nothing and still answers 200 `{_id}`; falsy
 *   title/description/parentId are skipped; assignees who are not active
 *   members are dropped (assignableOnBoard); a move lands on top of the list.
 *   A PUT that touches nothing is 404 `{message: "Error"}`.
 * - The card POST ignores labels and its `parentId` (read from a route
 *   parameter that does not exist); board labels are made by `PUT
 *   /api/boards/:id/labels` by a board admin only (403 "Only a board admin can
 *   create or edit labels").
 * - Outgoing webhooks (server/notifications/outgoing.js): POST of `{text,
 *   description: "act-…", cardId, listId, boardId, card, user, username,
 *   comment, commentId}` with `X-Wekan-Token`, no signature, no retry, and only
 *   for changes made in the web UI (`this.userId` of a method): the human
 *   actions fire them, REST writes do not.
 *
 * Known differences: one server, no swimlane/list REST writes, no checklists,
 * attachments, rules, 2FA, LDAP, login throttling or token expiry (tokens can
 * be revoked with `revokeTokens`); loopback webhook targets are allowed (real
 * WeKan's SSRF guard refuses them); the export is the plain JSON document.
 * Injectable faults include `noop`: WeKan's silent no-op, HTTP 200 and the
 * usual body with nothing written.
 */

export interface FaultRequest {
  method: string;
  /** The path without the query. */
  path: string;
  body: unknown;
}

export interface Fault {
  when?: (request: FaultRequest) => boolean;
  /** How many matching requests (default 1). */
  times?: number;
  delayMs?: number;
  status?: number;
  body?: string;
  headers?: Record<string, string>;
  destroy?: boolean;
  /** Run the request first, then fail as above: the write happened and its answer is lost. */
  afterRun?: boolean;
  /** Answer as if written (HTTP 200, the usual body) without writing anything. */
  noop?: boolean;
}

export interface FakeStats {
  requests: number;
  bytesIn: number;
  bytesOut: number;
  /** Requests per `METHOD /route`, e.g. `PUT /api/boards/:boardId/lists/:listId/cards/:cardId`. */
  byPath: Record<string, number>;
  log: { method: string; path: string; status: number; body: string; answer: string }[];
}

export interface FakeWekanOptions {
  /** WITH_API (default true). */
  withApi?: boolean;
  /** The board's lists (default: Backlog, Todo, Doing, Review, Blocked, Done). */
  lists?: string[];
  /** Turn the board export off (a server whose admin disabled exports). */
  exportDisabled?: boolean;
  /** A WeKan before v10.72 (commit 50083104c): its lists carry no `cardsModifiedAt`. */
  listsWithoutCardsModifiedAt?: boolean;
}

const emptyStats = (): FakeStats => ({ requests: 0, bytesIn: 0, bytesOut: 0, byPath: {}, log: [] });

class Refused extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly reason: string,
  ) {
    super(reason);
  }

  /** A Meteor.Error as JSON.stringify renders it. */
  meteorJson(): Record<string, unknown> {
    return {
      isClientSafe: true,
      error: this.error,
      reason: this.reason,
      message: `${this.reason} [${this.error}]`,
      errorType: 'Meteor.Error',
      statusCode: this.status,
    };
  }
}

const unauthorized = (): Refused => new Refused(401, 'Unauthorized', 'Unauthorized');
const forbidden = (): Refused => new Refused(403, 'Forbidden', 'Forbidden');
const boardNotFound = (): Refused => new Refused(404, 'NotFound', 'Board not found');

interface Answer {
  status: number;
  body?: unknown;
  text?: string;
  contentType?: string;
}

type Handler = (req: Ctx) => Promise<Answer> | Answer;

interface Ctx {
  method: string;
  path: string;
  params: Record<string, string>;
  query: URLSearchParams;
  body: Record<string, unknown>;
  userId: string | undefined;
}

/** How a route answers a refused check: as a 200 with the Meteor.Error, as `{error}` with its status, or uncaught. */
type Catching = 'meteor200' | 'status' | 'uncaught';

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  500: 'Internal Server Error',
};

const errorPage = (status: number): Answer => ({
  status,
  contentType: 'text/html; charset=utf-8',
  text: `<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>Error</title>\n</head>\n<body>\n<pre>${STATUS_TEXT[status] ?? 'Error'}</pre>\n</body>\n</html>\n`,
});

export class FakeWekan {
  readonly store: WekanStore;
  stats: FakeStats = emptyStats();
  faults: Fault[] = [];
  /** Webhook deliveries sent, with the answer status (undefined when the target did not answer). */
  readonly deliveries: { url: string; body: Record<string, unknown>; status?: number }[] = [];
  clockOffsetMs = 0;
  url = '';
  readonly admin: UserRow;
  readonly board: BoardRow;
  private readonly tokens = new Map<string, string>();
  private readonly routes: {
    method: string;
    pattern: string;
    regex: RegExp;
    keys: string[];
    catching: Catching;
    handler: Handler;
  }[] = [];
  private readonly pending = new Set<Promise<unknown>>();
  private server: Server | undefined;

  private constructor(private readonly options: FakeWekanOptions) {
    this.store = new WekanStore(() => this.now());
    this.admin = this.store.addUser('admin', 'admin-password', true);
    this.board = this.store.addBoard('Deckhand', this.admin);
    for (const title of options.lists ?? ['Backlog', 'Todo', 'Doing', 'Review', 'Blocked', 'Done']) {
      this.store.addList(this.board._id, title);
    }
    this.defineRoutes();
  }

  static async start(options: FakeWekanOptions = {}): Promise<FakeWekan> {
    const fake = new FakeWekan(options);
    fake.server = createServer((req, res) => void fake.handle(req, res));
    fake.server.keepAliveTimeout = 1_000;
    await new Promise<void>((resolve) => fake.server!.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  now(): Date {
    return new Date(Date.now() + this.clockOffsetMs);
  }

  fail(fault: Fault): void {
    this.faults.push(fault);
  }

  resetStats(): void {
    this.stats = emptyStats();
  }

  /** A user who is an active member of the board (`isAdmin` for a board admin). */
  addMember(username: string, password: string, options: { boardAdmin?: boolean; siteAdmin?: boolean } = {}): UserRow {
    const user = this.store.addUser(username, password, options.siteAdmin ?? false);
    this.board.members.push(this.store.member(user._id, options.boardAdmin ?? false));
    return user;
  }

  /** An outgoing webhook on the board, as the board menu's "Outgoing Webhooks" makes one. */
  addWebhook(url: string, token: string): void {
    this.store.integrations.push({
      _id: meteorId(),
      boardId: this.board._id,
      url,
      token,
      enabled: true,
      type: 'outgoing-webhooks',
      activities: ['all'],
    });
  }

  /** Every login token stops working (logged out everywhere, or the tokens expired). */
  revokeTokens(): void {
    this.tokens.clear();
  }

  /** A person in WeKan's web UI. */
  human(username = 'admin'): HumanActions {
    const user = this.store.users.find((u) => u.username === username);
    if (!user) throw new Error(`fake wekan: no user "${username}"`);
    return new HumanActions(this, user);
  }

  /** Sends the outgoing webhooks of an activity done in the web UI. */
  emit(activity: string, user: UserRow, card: CardRow, extra: Record<string, unknown> = {}): void {
    this.store.logActivity(activity.replace(/^act-/, ''), {
      boardId: card.boardId,
      cardId: card._id,
      listId: card.listId,
      userId: user._id,
    });
    for (const hook of this.store.integrations.filter((i) => i.boardId === card.boardId && i.enabled)) {
      const body = {
        text: `${user.username} ${activity} "${card.title}"\n${this.url}/b/${card.boardId}/x/${card._id}`,
        cardId: card._id,
        listId: card.listId,
        boardId: card.boardId,
        card: card.title,
        user: user.username,
        username: user.username,
        ...extra,
        description: activity,
      };
      const record: (typeof this.deliveries)[number] = { url: hook.url, body };
      this.deliveries.push(record);
      const sent = fetch(hook.url, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(hook.token ? { 'X-Wekan-Token': hook.token } : {}) },
        body: JSON.stringify(body),
      })
        .then(async (r) => {
          record.status = r.status;
          await r.arrayBuffer();
        })
        .catch(() => undefined);
      this.pending.add(sent);
      void sent.finally(() => this.pending.delete(sent));
    }
  }

  async flushWebhooks(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async close(): Promise<void> {
    await this.flushWebhooks();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  // ---- HTTP ----

  private route(method: string, pattern: string, catching: Catching, handler: Handler): void {
    const keys: string[] = [];
    const regex = new RegExp(
      `^${pattern.replace(/:([A-Za-z]+)/g, (_, key: string) => {
        keys.push(key);
        return '([^/]+)';
      })}$`,
    );
    this.routes.push({ method, pattern, regex, keys, catching, handler });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    let body: Record<string, unknown> = {};
    if (raw !== '') {
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return this.reply(res, method, url.pathname, raw, {
          status: 400,
          text: 'Bad Request',
          contentType: 'text/plain',
        });
      }
    }
    const match = this.routes.find((r) => r.method === method && r.regex.test(url.pathname));
    this.stats.requests++;
    this.stats.bytesIn += Buffer.byteLength(raw);
    const key = `${method} ${match?.pattern ?? url.pathname}`;
    this.stats.byPath[key] = (this.stats.byPath[key] ?? 0) + 1;

    const fault = this.takeFault({ method, path: url.pathname, body });
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.destroy && !fault.afterRun) return void req.socket.destroy();
    if (fault?.status !== undefined && !fault.afterRun) {
      return this.reply(
        res,
        method,
        url.pathname,
        raw,
        { status: fault.status, text: fault.body ?? '' },
        fault.headers,
      );
    }
    if (fault?.noop) return this.reply(res, method, url.pathname, raw, this.noopAnswer(method, url.pathname));

    const answer = await this.run(match, method, url, body, req);
    if (fault?.afterRun) {
      if (fault.destroy) return void req.socket.destroy();
      if (fault.status !== undefined) {
        return this.reply(
          res,
          method,
          url.pathname,
          raw,
          { status: fault.status, text: fault.body ?? '' },
          fault.headers,
        );
      }
    }
    return this.reply(res, method, url.pathname, raw, answer);
  }

  /** What WeKan would answer had it written: `{_id}` of the card or a new comment id. */
  private noopAnswer(method: string, path: string): Answer {
    const card = /\/cards\/([^/]+)$/.exec(path)?.[1];
    if (method === 'PUT' && card) return { status: 200, body: { _id: card } };
    return { status: 200, body: { _id: meteorId() } };
  }

  private takeFault(request: FaultRequest): Fault | undefined {
    return takeFault(this.faults, request);
  }

  private async run(
    match: (typeof this.routes)[number] | undefined,
    method: string,
    url: URL,
    body: Record<string, unknown>,
    req: IncomingMessage,
  ): Promise<Answer> {
    if (url.pathname.startsWith('/api') && this.options.withApi === false) {
      return {
        status: 403,
        contentType: 'text/plain; charset=utf-8',
        text: 'WeKan API is disabled, so this address answers nothing.\n\nExports use it too - a board or card exported to PDF, Excel, JSON, .zip\nor CSV is a download from /api/..., so with the API off none of them can\nwork. Set the environment variable WITH_API=true and restart WeKan.\n',
      };
    }
    // Meteor's default for an unknown path is the app's HTML page.
    if (!match)
      return {
        status: 200,
        contentType: 'text/html; charset=utf-8',
        text: '<!DOCTYPE html><html><head><title>WeKan</title></head><body></body></html>',
      };
    const bearer =
      /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1] ??
      url.searchParams.get('access_token') ??
      undefined;
    const ctx: Ctx = {
      method,
      path: url.pathname,
      params: Object.fromEntries(
        match.keys.map((k, i) => [k, decodeURIComponent(match.regex.exec(url.pathname)![i + 1]!)]),
      ),
      query: url.searchParams,
      body,
      userId: bearer ? this.tokens.get(bearer) : undefined,
    };
    try {
      return await match.handler(ctx);
    } catch (err) {
      if (!(err instanceof Refused)) throw err;
      if (match.catching === 'meteor200') return { status: 200, body: err.meteorJson() };
      if (match.catching === 'status') return { status: err.status, body: { error: err.reason } };
      return errorPage(err.status);
    }
  }

  private reply(
    res: ServerResponse,
    method: string,
    path: string,
    raw: string,
    answer: Answer,
    headers: Record<string, string> = {},
  ): void {
    const text = answer.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
    this.stats.bytesOut += Buffer.byteLength(text);
    this.stats.log.push({ method, path, status: answer.status, body: raw, answer: text });
    if (this.stats.log.length > 500) this.stats.log.shift();
    res.writeHead(answer.status, {
      'Cache-Control': 'no-store',
      Pragma: 'no-cache',
      'Content-Type': answer.contentType ?? 'application/json',
      ...headers,
    });
    res.end(text);
  }

  // ---- Authentication (server/authentication.js) ----

  private loggedIn(userId: string | undefined): UserRow {
    const user = userId ? this.store.user(userId) : undefined;
    if (!user) throw unauthorized();
    return user;
  }

  private boardFor(boardId: string): BoardRow {
    const board = this.store.board(boardId);
    if (!board) throw boardNotFound();
    return board;
  }

  private checkBoardAccess(userId: string | undefined, boardId: string): BoardRow {
    const user = this.loggedIn(userId);
    const board = this.boardFor(boardId);
    const normal = board.members.some(
      (m) => m.userId === user._id && m.isActive && !m.isNoComments && !m.isCommentOnly && !m.isWorker,
    );
    if (!normal && !user.isAdmin) throw forbidden();
    return board;
  }

  private checkBoardWriteAccess(userId: string | undefined, boardId: string): BoardRow {
    const user = this.loggedIn(userId);
    const board = this.boardFor(boardId);
    const write = board.members.some(
      (m) => m.userId === user._id && m.isActive && !m.isCommentOnly && !m.isNoComments && !m.isWorker,
    );
    if (!write && !user.isAdmin) throw forbidden();
    return board;
  }

  private isActiveMember(board: BoardRow, userId: unknown): boolean {
    return typeof userId === 'string' && board.members.some((m) => m.userId === userId && m.isActive);
  }

  /** coerceRestArrayParam: null / "" / [] / one id / a list, always a list of strings. */
  private asIdList(value: unknown): string[] {
    if (value === null || value === undefined || value === '') return [];
    if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string' && v !== '');
    return typeof value === 'string' ? [value] : [];
  }

  private parseDate(value: unknown): Date | undefined {
    if (typeof value !== 'string' && typeof value !== 'number') return undefined;
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? undefined : d;
  }

  // ---- routes ----

  private defineRoutes(): void {
    const s = this.store;

    this.route('POST', '/users/login', 'uncaught', (ctx) => {
      const user = s.users.find((u) => u.username === ctx.body.username);
      if (!user || user.password !== ctx.body.password) {
        return {
          status: 401,
          body: { error: 'login-failed', reason: 'Incorrect username, email address or password.' },
        };
      }
      const token = randomBytes(32).toString('base64url');
      this.tokens.set(token, user._id);
      return {
        status: 200,
        body: { id: user._id, token, tokenExpires: new Date(this.now().getTime() + 90 * 86_400_000) },
      };
    });

    this.route('GET', '/api/user', 'meteor200', (ctx) => {
      const user = this.loggedIn(ctx.userId);
      const boards = s.boards
        .filter((b) => b.members.some((m) => m.userId === user._id))
        .map((b) => {
          const { userId: _drop, ...rest } = b.members.find((m) => m.userId === user._id)!;
          return { ...rest, boardId: b._id };
        });
      return {
        status: 200,
        body: {
          _id: user._id,
          username: user.username,
          isAdmin: user.isAdmin,
          profile: { fullname: user.fullname },
          boards,
        },
      };
    });

    this.route('GET', '/api/users', 'meteor200', (ctx) => {
      const user = this.loggedIn(ctx.userId);
      if (!user.isAdmin) throw forbidden();
      return { status: 200, body: s.users.map((u) => ({ _id: u._id, username: u.username })) };
    });

    this.route('GET', '/api/users/:userId/boards', 'meteor200', (ctx) => {
      const user = this.loggedIn(ctx.userId);
      if (user._id !== ctx.params.userId && !user.isAdmin) throw forbidden();
      const boards = s.boards.filter(
        (b) => !b.archived && b.members.some((m) => m.userId === ctx.params.userId && m.isActive),
      );
      return { status: 200, body: boards.map((b) => ({ _id: b._id, title: b.title })) };
    });

    this.route('GET', '/api/boards/:boardId', 'meteor200', (ctx) => {
      const board = this.checkBoardAccess(ctx.userId, ctx.params.boardId!);
      return { status: 200, body: board };
    });

    this.route('GET', '/api/boards/:boardId/lists', 'meteor200', (ctx) => {
      this.checkBoardAccess(ctx.userId, ctx.params.boardId!);
      const lists = s.lists.filter((l) => l.boardId === ctx.params.boardId && !l.archived);
      return {
        status: 200,
        body: lists.map((l) => ({
          _id: l._id,
          title: l.title,
          modifiedAt: l.modifiedAt,
          ...(this.options.listsWithoutCardsModifiedAt ? {} : { cardsModifiedAt: s.newestCardChange(l._id) }),
        })),
      };
    });

    this.route('GET', '/api/boards/:boardId/swimlanes', 'meteor200', (ctx) => {
      this.checkBoardAccess(ctx.userId, ctx.params.boardId!);
      const lanes = s.swimlanes.filter((l) => l.boardId === ctx.params.boardId && !l.archived);
      return { status: 200, body: lanes.map((l) => ({ _id: l._id, title: l.title })) };
    });

    this.route('GET', '/api/boards/:boardId/custom-fields', 'uncaught', (ctx) => {
      this.checkBoardAccess(ctx.userId, ctx.params.boardId!);
      const fields = s.customFields.filter((f) => f.boardIds.includes(ctx.params.boardId!));
      return { status: 200, body: fields.map((f) => ({ _id: f._id, name: f.name, type: f.type })) };
    });

    this.route('GET', '/api/boards/:boardId/lists/:listId/cards', 'uncaught', (ctx) => {
      this.checkBoardAccess(ctx.userId, ctx.params.boardId!);
      const cards = s.cards
        .filter((c) => c.boardId === ctx.params.boardId && c.listId === ctx.params.listId && !c.archived)
        .sort((a, b) => a.sort - b.sort);
      return {
        status: 200,
        body: cards.map((c) => ({
          _id: c._id,
          title: c.title,
          description: c.description,
          swimlaneId: c.swimlaneId,
          dueAt: c.dueAt,
          assignees: c.assignees,
          sort: c.sort,
        })),
      };
    });

    this.route('GET', '/api/cards/:cardId', 'uncaught', (ctx) => {
      const card = s.card(ctx.params.cardId!);
      if (!card) return { status: 404, body: { error: 'Card not found' } };
      this.checkBoardAccess(ctx.userId, card.boardId);
      return { status: 200, body: card };
    });

    this.route('POST', '/api/boards/:boardId/lists/:listId/cards', 'uncaught', (ctx) => {
      const user = this.loggedIn(ctx.userId);
      const board = this.boardFor(ctx.params.boardId!);
      // allowIsBoardMemberCommentOnly, or an admin.
      if (!board.members.some((m) => m.userId === user._id && m.isActive && !m.isNoComments) && !user.isAdmin)
        throw forbidden();
      const listId = ctx.params.listId!;
      const b = ctx.body;
      const card = s.insertCard({
        title: typeof b.title === 'string' ? b.title : '',
        boardId: board._id,
        listId,
        // `parentId: req.params.parentId`: the route has no such parameter.
        parentId: '',
        description: typeof b.description === 'string' ? b.description : '',
        userId: user._id,
        swimlaneId: typeof b.swimlaneId === 'string' ? b.swimlaneId : '',
        customFields: s.customFields
          .filter((f) => f.boardIds.includes(board._id) && (f.automaticallyOnCard || f.alwaysOnCard))
          .map((f) => ({ _id: f._id, value: null })),
        members: this.asIdList(b.members).filter((id) => this.isActiveMember(board, id)),
        assignees: this.asIdList(b.assignees).filter((id) => this.isActiveMember(board, id)),
        ...(this.parseDate(b.dueAt) ? { dueAt: this.parseDate(b.dueAt)! } : {}),
      });
      s.logActivity('createCard', { boardId: board._id, cardId: card._id, listId, userId: user._id });
      return { status: 200, body: { _id: card._id } };
    });

    this.route('PUT', '/api/boards/:boardId/lists/:listId/cards/:cardId', 'uncaught', (ctx) => this.putCard(ctx));

    this.route('PUT', '/api/boards/:boardId/labels', 'uncaught', (ctx) => {
      const board = s.board(ctx.params.boardId!);
      if (!ctx.userId) return { status: 401, body: { error: 'Unauthorized' } };
      if (!board) return { status: 404, body: { error: 'Board not found' } };
      const user = s.user(ctx.userId)!;
      const boardAdmin = board.members.some((m) => m.userId === user._id && m.isActive && m.isAdmin);
      if (!boardAdmin && !user.isAdmin)
        return { status: 403, body: { error: 'Only a board admin can create or edit labels' } };
      const raw = ctx.body.label;
      if (raw === undefined || raw === null) {
        return {
          status: 400,
          body: {
            error: 'Missing \'label\'. Send { "label": { "name": "...", "color": "green" } } or { "label": "..." }.',
          },
        };
      }
      const name = typeof raw === 'string' ? raw : String((raw as { name?: unknown }).name ?? '');
      const color = typeof raw === 'object' ? String((raw as { color?: unknown }).color ?? 'green') : 'green';
      const existing = board.labels.find((l) => l.name === name && l.color === color);
      if (existing) return { status: 200, body: existing._id };
      const label = { _id: meteorId(6), name, color };
      board.labels.push(label);
      return { status: 200, body: label._id };
    });

    this.route('GET', '/api/boards/:boardId/cards/:cardId/comments', 'status', (ctx) => {
      this.checkBoardAccess(ctx.userId, ctx.params.boardId!);
      const card = s.cards.find((c) => c._id === ctx.params.cardId && c.boardId === ctx.params.boardId);
      if (!card) return { status: 404, body: { error: 'Card not found' } };
      const comments = s.comments.filter((c) => c.cardId === card._id);
      return { status: 200, body: comments.map((c) => ({ _id: c._id, comment: c.text, authorId: c.userId })) };
    });

    this.route('GET', '/api/boards/:boardId/cards/:cardId/comments/:commentId', 'status', (ctx) => {
      this.checkBoardAccess(ctx.userId, ctx.params.boardId!);
      const comment = s.comments.find(
        (c) => c._id === ctx.params.commentId && c.cardId === ctx.params.cardId && c.boardId === ctx.params.boardId,
      );
      return comment ? { status: 200, body: comment } : { status: 200, text: '' };
    });

    this.route('POST', '/api/boards/:boardId/cards/:cardId/comments', 'status', (ctx) => {
      this.checkBoardAccess(ctx.userId, ctx.params.boardId!);
      const text = ctx.body.comment;
      if (typeof text !== 'string' || text.trim() === '') {
        return { status: 400, body: { error: "'comment' is required and must be a non-empty string" } };
      }
      // CardComments.direct.insertAsync: no check that the card exists.
      const card = s.card(ctx.params.cardId!);
      const comment = card ? s.insertComment(card, ctx.userId!, text) : { _id: meteorId() };
      if (card) s.logActivity('addComment', { boardId: card.boardId, cardId: card._id, userId: ctx.userId! });
      return { status: 200, body: { _id: comment._id } };
    });

    this.route('GET', '/api/boards/:boardId/export', 'uncaught', (ctx) => {
      const board = s.board(ctx.params.boardId!);
      if (!board) return { status: 404, body: { error: 'Not found' } };
      if (!ctx.userId) return { status: 401, body: { error: 'Unauthorized' } };
      if (this.options.exportDisabled) return { status: 403, body: { error: 'Forbidden' } };
      if (!board.members.some((m) => m.userId === ctx.userId && m.isActive) && !s.user(ctx.userId)?.isAdmin) {
        return { status: 403, body: { error: 'Forbidden' } };
      }
      return { status: 200, body: this.exportOf(board) };
    });
  }

  /** The board JSON export (models/exporter.js build), without attachments. */
  private exportOf(board: BoardRow): Record<string, unknown> {
    const s = this.store;
    const strip = <T extends { boardId?: string }>(row: T): Omit<T, 'boardId'> => {
      const { boardId: _drop, ...rest } = row;
      return rest;
    };
    const cards = s.cards.filter((c) => c.boardId === board._id && !c.linkedId);
    const cardIds = new Set(cards.map((c) => c._id));
    const users = new Set<string>(board.members.map((m) => m.userId));
    for (const c of cards) {
      users.add(c.userId);
      for (const m of c.members) users.add(m);
    }
    const comments = s.comments.filter((c) => cardIds.has(c.cardId));
    for (const c of comments) users.add(c.userId);
    return {
      _format: 'wekan-board-1.0.0',
      ...board,
      attachments: [],
      lists: s.lists.filter((l) => l.boardId === board._id).map(strip),
      cards: cards.map(strip),
      swimlanes: s.swimlanes.filter((l) => l.boardId === board._id).map(strip),
      customFields: s.customFields.filter((f) => f.boardIds.includes(board._id)).map(({ boardIds: _b, ...f }) => f),
      comments: comments.map(strip),
      activities: s.activities.filter((a) => a.boardId === board._id || (a.cardId && cardIds.has(a.cardId))).map(strip),
      rules: [],
      checklists: [],
      checklistItems: [],
      subtaskItems: cards.filter((c) => c.parentId && cardIds.has(c.parentId)).map(strip),
      triggers: [],
      actions: [],
      users: [...users]
        .map((id) => s.user(id))
        .filter((u): u is UserRow => u !== undefined)
        .map((u) => ({
          _id: u._id,
          username: u.username,
          profile: { fullname: u.fullname, initials: u.username.slice(0, 2).toUpperCase() },
        })),
    };
  }

  /** PUT …/cards/:cardId, field by field as server/models/cards.js does it. */
  private putCard(ctx: Ctx): Answer {
    const s = this.store;
    const { boardId, listId, cardId } = ctx.params as { boardId: string; listId: string; cardId: string };
    const board = this.checkBoardWriteAccess(ctx.userId, boardId);
    const b = ctx.body;
    const sel = { _id: cardId, listId, boardId, archived: false };
    let updated = false;
    const set = (fields: Partial<CardRow>, unset: (keyof CardRow)[] = []): void => {
      s.updateCard(sel, fields, unset);
      updated = true;
    };
    if (b.title) set({ title: String(b.title).slice(0, 1000) });
    if (b.sort) set({ sort: Number(b.sort) });
    if (b.parentId) {
      const parent = s.card(String(b.parentId));
      if (!parent) throw new Refused(404, 'NotFound', 'Parent card not found');
      set({ parentId: String(b.parentId) });
    }
    if (b.description) set({ description: String(b.description) });
    if (b.labelIds) {
      const ids = typeof b.labelIds === 'string' ? (b.labelIds === '' ? [] : [b.labelIds]) : (b.labelIds as string[]);
      set({ labelIds: ids });
    }
    for (const field of ['receivedAt', 'startAt', 'dueAt', 'endAt'] as const) {
      if (!(field in b)) continue;
      const value = b[field];
      if (value === null || value === '' || value === undefined) {
        if (field === 'dueAt') set({}, ['dueAt']);
        else updated = true;
        continue;
      }
      const parsed = this.parseDate(value);
      if (!parsed) continue;
      if (field === 'dueAt') set({ dueAt: parsed });
      else updated = true;
    }
    if (b.customFields) set({ customFields: b.customFields as CardRow['customFields'] });
    if (b.members !== undefined)
      set({ members: this.asIdList(b.members).filter((id) => this.isActiveMember(board, id)) });
    if (b.assignees !== undefined) {
      set({ assignees: this.asIdList(b.assignees).filter((id) => this.isActiveMember(board, id)) });
    }
    if (b.swimlaneId && !b.newBoardId) {
      if (!s.swimlanes.some((l) => l._id === b.swimlaneId && l.boardId === boardId)) {
        return {
          status: 400,
          body: {
            error:
              'swimlaneId does not belong to this board. To move a card to another board, send newBoardId, newSwimlaneId and newListId.',
          },
        };
      }
      set({ swimlaneId: String(b.swimlaneId) });
    }
    if (b.listId && !b.newBoardId) {
      const dest = String(b.listId);
      if (!s.lists.some((l) => l._id === dest && l.boardId === boardId)) {
        return {
          status: 400,
          body: {
            error:
              'listId does not belong to this board. To move a card to another board, send newBoardId, newSwimlaneId and newListId.',
          },
        };
      }
      const sorts = s.cards.filter((c) => c.listId === dest && !c.archived).map((c) => c.sort);
      const top = sorts.length === 0 ? 0 : Math.min(...sorts) - 1;
      const moved = s.updateCard(sel, { listId: dest, sort: top });
      updated = true;
      if (moved) s.logActivity('moveCard', { boardId, cardId, listId: dest, userId: ctx.userId! });
    }
    if ('archive' in b) {
      const archive = String(b.archive).toLowerCase() === 'true';
      s.updateCard({ _id: cardId, boardId, archived: !archive }, { archived: archive });
      updated = true;
    }
    if (!updated) return { status: 404, body: { message: 'Error' } };
    return { status: 200, body: { _id: cardId } };
  }
}
