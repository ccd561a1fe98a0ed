import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';
import { HumanFocalboard } from './human';
import { boardJson, FocalboardStore, newId, type BlockRow, type BoardRow, type UserRow } from './store';
import { takeFault } from '../faults';

/**
 * A fake Focalboard (standalone server, REST API v2) for tests: real HTTP on
 * 127.0.0.1, written from Focalboard's source (github:mattermost-community/
 * focalboard at de5e5cc, v8.0.0-5, 2024-09-27, the last commit of the
 * unmaintained repository); none of its code is copied. Where each behaviour
 * comes from:
 * - The CSRF check on every /api/v2 route: server/api/api.go requireCSRFToken
 *   (no `X-Requested-With: XMLHttpRequest` is 400 `{"error":"checkCSRFToken
 *   FAILED","errorCode":400}`), before any auth.
 * - Error bodies `{"error": ..., "errorCode": status}` and their statuses:
 *   api.go errorResponse; not-found texts `{block ID=…} not found`:
 *   model/error.go and sqlstore/blocks.go getBlock.
 * - Auth: api/auth.go attachSession and services/auth/request_parser.go
 *   (Bearer header, `token` header, FOCALBOARDAUTHTOKEN cookie or
 *   `access_token`). sessionRequired routes answer 401 "unable to get the
 *   session for the token"; GET board and GET blocks attach the session
 *   optionally and answer 401 "access denied to board" without one.
 * - Routes: api/boards.go, api/blocks.go, api/teams.go, api/users.go,
 *   api/auth.go (login). `GET /boards/{id}/blocks` takes `all`, `block_id`,
 *   `parent_id`, `type` (app/blocks.go GetBlocks); `POST` checks type,
 *   createAt, updateAt and boardId, regenerates only ids that another block
 *   of the same request refers to (model/blockid.go GenerateBlockIDs), stamps
 *   modifiedBy/updateAt and upserts by id (sqlstore insertBlock); `PATCH
 *   /blocks/{id}` applies a BlockPatch (model/block.go: updatedFields replace
 *   whole top-level keys, `properties` included) and answers `{}`; DELETE
 *   removes the block and its children and answers `{}`. Every save sets
 *   update_at to the server's clock, a save that changes nothing too.
 * - `PATCH /boards/{id}` applies a BoardPatch (model/board.go):
 *   updatedCardProperties replace templates by id or append them.
 *
 * - The websocket `/ws` (server/ws/server.go): `AUTH` with a bad token closes
 *   the socket; `SUBSCRIBE_TEAM` before AUTH is ignored; every saved block of
 *   a board is pushed to the subscribed members as `{"action":"UPDATE_BLOCK",
 *   "teamId", "block"}`; a deletion as a block with only id, boardId,
 *   updateAt and deleteAt (BroadcastBlockDelete). Nothing is replayed.
 *
 * Known differences: one team ("0"), no /cards routes, files,
 * views, templates, sharing, categories or history; a board's members are
 * editors unless added as viewers; session tokens never expire (they can be
 * revoked with `revokeTokens`).
 */

export interface FaultRequest {
  method: string;
  path: string;
  body: unknown;
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
  byPath: Record<string, number>;
}

export interface FakeFocalboardOptions {
  /** The Status property's options (default: Not Started, In Progress, Review, Blocked, Completed 🙌). */
  statuses?: string[];
}

const emptyStats = (): FakeStats => ({ requests: 0, bytesIn: 0, bytesOut: 0, byPath: {} });

/** An error as api.go errorResponse writes it. */
class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

interface Answer {
  status: number;
  body?: unknown;
  text?: string;
  contentType?: string;
}

interface Ctx {
  params: Record<string, string>;
  query: URLSearchParams;
  body: unknown;
  user: UserRow | undefined;
}

type Handler = (ctx: Ctx) => Answer | Promise<Answer>;

export const DEFAULT_STATUSES = ['Not Started', 'In Progress', 'Review', 'Blocked', 'Completed 🙌'];

export class FakeFocalboard {
  readonly store: FocalboardStore;
  stats: FakeStats = emptyStats();
  faults: Fault[] = [];
  clockOffsetMs = 0;
  url = '';
  readonly owner: UserRow;
  readonly board: BoardRow;
  /** The owner's session token (what a person copies from the browser). */
  readonly token: string;
  private readonly sessions = new Map<string, string>();
  private readonly routes: {
    method: string;
    pattern: string;
    regex: RegExp;
    keys: string[];
    session: 'required' | 'optional';
    handler: Handler;
  }[] = [];
  private server: Server | undefined;
  private wss: WebSocketServer | undefined;
  /** Open sockets and the user each authenticated as, with the teams they subscribed to. */
  private readonly listeners = new Map<WebSocket, { userId?: string; teams: Set<string> }>();

  private constructor(options: FakeFocalboardOptions) {
    this.store = new FocalboardStore(
      () => this.now(),
      (block) => this.broadcast(block),
    );
    this.owner = this.store.addUser('admin', 'admin-password');
    this.board = this.store.addBoard('Deckhand', this.owner, options.statuses ?? DEFAULT_STATUSES);
    this.token = this.newSession(this.owner);
    this.defineRoutes();
  }

  static async start(options: FakeFocalboardOptions = {}): Promise<FakeFocalboard> {
    const fake = new FakeFocalboard(options);
    fake.server = createServer((req, res) => void fake.handle(req, res));
    fake.server.keepAliveTimeout = 1_000;
    fake.wss = new WebSocketServer({ server: fake.server, path: '/ws' });
    fake.wss.on('connection', (socket) => fake.listen(socket));
    await new Promise<void>((resolve) => fake.server!.listen(0, '127.0.0.1', resolve));
    fake.url = `http://127.0.0.1:${(fake.server.address() as AddressInfo).port}`;
    return fake;
  }

  now(): number {
    return Date.now() + this.clockOffsetMs;
  }

  fail(fault: Fault): void {
    this.faults.push(fault);
  }

  resetStats(): void {
    this.stats = emptyStats();
  }

  /** A user who is a member of the board: an editor, or a viewer with `editor: false`. */
  addMember(
    username: string,
    password = `${username}-password`,
    role: { editor: boolean } = { editor: true },
  ): UserRow {
    const user = this.store.addUser(username, password);
    this.board.members.set(user.id, role);
    return user;
  }

  newSession(user: UserRow): string {
    const token = randomBytes(20).toString('hex');
    this.sessions.set(token, user.id);
    return token;
  }

  revokeTokens(): void {
    this.sessions.clear();
  }

  /** A person in Focalboard's web app. */
  human(username = 'admin'): HumanFocalboard {
    const user = this.store.userByName(username);
    if (!user) throw new Error(`fake focalboard: no user "${username}"`);
    return new HumanFocalboard(this, user);
  }

  /** How many sockets are open (a test's view of reconnects). */
  get socketCount(): number {
    return this.listeners.size;
  }

  /** Drops every websocket, as a server restart or a network change does. */
  dropSockets(): void {
    for (const socket of this.listeners.keys()) socket.terminate();
  }

  /** Websocket connections accepted so far. */
  socketConnections = 0;

  private listen(socket: WebSocket): void {
    this.socketConnections++;
    const session: { userId?: string; teams: Set<string> } = { teams: new Set() };
    this.listeners.set(socket, session);
    socket.on('close', () => this.listeners.delete(socket));
    socket.on('message', (data: Buffer) => {
      let command: { action?: string; token?: string; teamId?: string };
      try {
        command = JSON.parse(data.toString()) as typeof command;
      } catch {
        return;
      }
      if (command.action === 'AUTH') {
        if (session.userId) return;
        const userId = this.sessions.get(command.token ?? '');
        if (!userId) return void socket.close();
        session.userId = userId;
        return;
      }
      if (!session.userId) return;
      if (command.action === 'SUBSCRIBE_TEAM' && command.teamId === '0') session.teams.add('0');
      if (command.action === 'UNSUBSCRIBE_TEAM') session.teams.delete(command.teamId ?? '');
    });
  }

  private broadcast(block: BlockRow | { id: string; boardId: string; updateAt: number; deleteAt: number }): void {
    const board = this.store.board(block.boardId);
    if (!board) return;
    const message = JSON.stringify({ action: 'UPDATE_BLOCK', teamId: board.teamId, block });
    for (const [socket, session] of this.listeners) {
      if (session.userId && session.teams.has(board.teamId) && board.members.has(session.userId)) socket.send(message);
    }
  }

  async close(): Promise<void> {
    for (const socket of this.listeners.keys()) socket.terminate();
    this.wss?.close();
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }

  // ---- HTTP ----

  private route(method: string, pattern: string, session: 'required' | 'optional', handler: Handler): void {
    const keys: string[] = [];
    const regex = new RegExp(
      `^/api/v2${pattern.replace(/\{([A-Za-z]+)\}/g, (_, key: string) => {
        keys.push(key);
        return '([^/]+)';
      })}$`,
    );
    this.routes.push({ method, pattern, regex, keys, session, handler });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://x');
    const method = req.method ?? 'GET';
    const match = this.routes.find((r) => r.method === method && r.regex.test(url.pathname));
    this.stats.requests++;
    this.stats.bytesIn += Buffer.byteLength(raw);
    const key = `${method} ${match?.pattern ?? url.pathname}`;
    this.stats.byPath[key] = (this.stats.byPath[key] ?? 0) + 1;
    let body: unknown;
    try {
      body = raw === '' ? undefined : JSON.parse(raw);
    } catch {
      body = Symbol.for('bad-json');
    }

    const fault = this.takeFault({ method, path: url.pathname, body });
    if (fault?.delayMs) await new Promise((r) => setTimeout(r, fault.delayMs));
    if (fault?.destroy && !fault.afterRun) return void req.socket.destroy();
    if (fault?.status !== undefined && !fault.afterRun) {
      return this.reply(res, { status: fault.status, text: fault.body ?? '' }, fault.headers);
    }
    const answer = this.run(match, url, body, req);
    const done = await answer;
    if (fault?.afterRun) {
      if (fault.destroy) return void req.socket.destroy();
      if (fault.status !== undefined)
        return this.reply(res, { status: fault.status, text: fault.body ?? '' }, fault.headers);
    }
    this.reply(res, done);
  }

  private takeFault(request: FaultRequest): Fault | undefined {
    return takeFault(this.faults, request);
  }

  private tokenOf(req: IncomingMessage, url: URL): string {
    const cookie = /(?:^|;\s*)FOCALBOARDAUTHTOKEN=([^;]+)/.exec(req.headers.cookie ?? '')?.[1];
    if (cookie) return cookie;
    const auth = req.headers.authorization ?? '';
    if (auth.length > 6 && auth.slice(0, 6).toUpperCase() === 'BEARER') return auth.slice(7);
    if (auth.length > 5 && auth.slice(0, 5).toLowerCase() === 'token') return auth.slice(6);
    return url.searchParams.get('access_token') ?? '';
  }

  private async run(
    match: (typeof this.routes)[number] | undefined,
    url: URL,
    body: unknown,
    req: IncomingMessage,
  ): Promise<Answer> {
    if (!url.pathname.startsWith('/api/v2/')) {
      return {
        status: 200,
        contentType: 'text/html; charset=utf-8',
        text: '<!DOCTYPE html><html><head><title>Focalboard</title></head><body><div id="focalboard-app"></div></body></html>',
      };
    }
    try {
      if (req.headers['x-requested-with'] !== 'XMLHttpRequest') throw new ApiError(400, 'checkCSRFToken FAILED');
      if (!match) return { status: 404, contentType: 'text/plain; charset=utf-8', text: '404 page not found\n' };
      const token = this.tokenOf(req, url);
      const userId = this.sessions.get(token);
      const user = userId ? this.store.users.find((u) => u.id === userId) : undefined;
      if (match.session === 'required' && !user) {
        throw new ApiError(
          401,
          token === '' ? 'no session token' : 'unable to get the session for the token: sql: no rows in result set',
        );
      }
      if (body === Symbol.for('bad-json')) throw new ApiError(400, 'invalid character in JSON body');
      const params = Object.fromEntries(
        match.keys.map((k, i) => [k, decodeURIComponent(match.regex.exec(url.pathname)![i + 1]!)]),
      );
      return await match.handler({ params, query: url.searchParams, body, user });
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const message = err.status === 500 ? 'internal server error' : err.message;
      return { status: err.status, body: { error: message, errorCode: err.status } };
    }
  }

  private reply(res: ServerResponse, answer: Answer, headers: Record<string, string> = {}): void {
    const text = answer.text ?? JSON.stringify(answer.body ?? {});
    this.stats.bytesOut += Buffer.byteLength(text);
    res.writeHead(answer.status, {
      'content-type': answer.contentType ?? 'application/json',
      date: new Date(this.now()).toUTCString(),
      ...headers,
    });
    res.end(text);
  }

  // ---- routes ----

  private boardFor(ctx: Ctx, edit: boolean, denied = 'access denied to make board changes'): BoardRow {
    if (!ctx.user) throw new ApiError(401, 'access denied to board');
    const board = this.store.board(ctx.params.boardID!);
    if (!board) throw new ApiError(404, `{board ID=${ctx.params.boardID}} not found`);
    const member = board.members.get(ctx.user.id);
    if (!member) throw new ApiError(403, 'access denied to board');
    if (edit && !member.editor) throw new ApiError(403, denied);
    return board;
  }

  private defineRoutes(): void {
    this.route('POST', '/login', 'optional', ({ body }) => {
      const b = body as { type?: string; username?: string; password?: string } | undefined;
      const user = this.store.users.find((u) => u.username === b?.username && u.password === b?.password);
      if (b?.type !== 'normal' || !user) throw new ApiError(401, 'incorrect login');
      return { status: 200, body: { token: this.newSession(user) } };
    });
    this.route('GET', '/users/me', 'required', ({ user }) => ({ status: 200, body: userJson(user!) }));
    this.route('GET', '/teams/{teamID}/users', 'required', ({ params }) => {
      if (params.teamID !== '0') throw new ApiError(403, 'access denied to team');
      return { status: 200, body: this.store.users.map(userJson) };
    });
    this.route('GET', '/teams/{teamID}/boards', 'required', ({ user }) => ({
      status: 200,
      body: this.store.boards.filter((b) => b.deleteAt === 0 && b.members.has(user!.id)).map(boardJson),
    }));
    this.route('GET', '/boards/{boardID}', 'optional', (ctx) => ({
      status: 200,
      body: boardJson(this.boardFor(ctx, false)),
    }));
    this.route('PATCH', '/boards/{boardID}', 'required', (ctx) => {
      // PermissionManageBoardProperties: editors and admins (localpermissions.go).
      const board = this.boardFor(ctx, true, 'access denied to modifying board properties');
      const patch = (ctx.body ?? {}) as {
        title?: string;
        updatedCardProperties?: unknown[];
        deletedCardProperties?: string[];
      };
      if (patch.title !== undefined) board.title = patch.title;
      const updated = (patch.updatedCardProperties ?? []) as BoardRow['cardProperties'];
      const deleted = patch.deletedCardProperties ?? [];
      if (updated.length > 0 || deleted.length > 0) {
        const order = board.cardProperties.map((p) => p.id);
        const byId = new Map(board.cardProperties.map((p) => [p.id, p]));
        for (const id of deleted) byId.delete(id);
        for (const p of updated) {
          if (typeof p?.id !== 'string') continue;
          if (!byId.has(p.id) && !order.includes(p.id)) order.push(p.id);
          byId.set(p.id, structuredClone(p));
        }
        board.cardProperties = order.filter((id) => byId.has(id)).map((id) => byId.get(id)!);
      }
      board.modifiedBy = ctx.user!.id;
      board.updateAt = this.now();
      return { status: 200, body: boardJson(board) };
    });
    this.route('GET', '/boards/{boardID}/blocks', 'optional', (ctx) => {
      const board = this.boardFor(ctx, false);
      const q = ctx.query;
      const blocks = this.store.blocksOf(board.id);
      if (q.get('all')) return { status: 200, body: blocks };
      const blockId = q.get('block_id');
      if (blockId) {
        const block = this.store.blocks.get(blockId);
        if (!block) throw new ApiError(404, `{block ID=${blockId}} not found`);
        if (block.boardId !== board.id)
          throw new ApiError(404, `{block ID=${block.id} on BoardID=${board.id}} not found`);
        return { status: 200, body: [block] };
      }
      const parentId = q.get('parent_id') ?? '';
      const type = q.get('type') ?? '';
      return {
        status: 200,
        body: blocks.filter((b) => (parentId === '' || b.parentId === parentId) && (type === '' || b.type === type)),
      };
    });
    this.route('POST', '/boards/{boardID}/blocks', 'required', (ctx) => {
      const board = this.boardFor(ctx, true);
      if (!Array.isArray(ctx.body))
        throw new ApiError(400, 'json: cannot unmarshal object into Go value of type []*model.Block');
      // Go's json.Unmarshal leaves missing keys at their zero values.
      const blocks = (ctx.body as Partial<BlockRow>[]).map((b): BlockRow => ({
        schema: 0,
        fields: {},
        title: '',
        parentId: '',
        deleteAt: 0,
        createdBy: '',
        modifiedBy: '',
        id: '',
        type: '',
        boardId: '',
        createAt: 0,
        updateAt: 0,
        ...b,
      }));
      for (const b of blocks) {
        if (!b.type) throw new ApiError(400, `missing type for block id ${b.id}`);
        if (!(b.createAt >= 1)) throw new ApiError(400, `invalid createAt for block id ${b.id}`);
        if (!(b.updateAt >= 1)) throw new ApiError(400, `invalid UpdateAt for block id ${b.id}`);
        if (b.boardId !== board.id) throw new ApiError(400, `invalid BoardID for block id ${b.id}`);
      }
      const saved = generateBlockIds(blocks).map((b) => this.store.upsert(b, ctx.user!.id));
      return { status: 200, body: saved };
    });
    this.route('PATCH', '/boards/{boardID}/blocks/{blockID}', 'required', (ctx) => {
      const board = this.boardFor(ctx, true);
      const block = this.store.blocks.get(ctx.params.blockID!);
      if (!block) throw new ApiError(404, `{block ID=${ctx.params.blockID}} not found`);
      if (block.boardId !== board.id)
        throw new ApiError(404, `{block ID=${block.id} on BoardID=${board.id}} not found`);
      this.store.upsert(applyBlockPatch(block, ctx.body as BlockPatch), ctx.user!.id);
      return { status: 200, body: {} };
    });
    this.route('DELETE', '/boards/{boardID}/blocks/{blockID}', 'required', (ctx) => {
      const board = this.boardFor(ctx, true);
      const block = this.store.blocks.get(ctx.params.blockID!);
      if (!block || block.boardId !== board.id) throw new ApiError(404, `{block ID=${ctx.params.blockID}} not found`);
      this.store.delete(block.id);
      return { status: 200, body: {} };
    });
  }
}

export interface BlockPatch {
  parentId?: string;
  title?: string;
  updatedFields?: Record<string, unknown>;
  deletedFields?: string[];
}

/** model/block.go BlockPatch.Patch: top-level field keys are replaced whole. */
export function applyBlockPatch(block: BlockRow, patch: BlockPatch | undefined): BlockRow {
  const out = structuredClone(block);
  if (patch?.parentId !== undefined) out.parentId = patch.parentId;
  if (patch?.title !== undefined) out.title = patch.title;
  for (const [key, value] of Object.entries(patch?.updatedFields ?? {})) out.fields[key] = structuredClone(value);
  for (const key of patch?.deletedFields ?? []) delete out.fields[key];
  return out;
}

/** model/blockid.go: an id another block of the batch refers to (parent, board, content order) is replaced. */
function generateBlockIds(blocks: BlockRow[]): BlockRow[] {
  const ids = new Map<string, string>();
  const refs = new Set<string>();
  for (const b of blocks) {
    if (!ids.has(b.id)) ids.set(b.id, b.type);
    refs.add(b.boardId);
    refs.add(b.parentId);
    const order = b.fields?.contentOrder;
    if (Array.isArray(order)) for (const id of order.flat()) if (typeof id === 'string') refs.add(id);
  }
  const renamed = new Map<string, string>();
  for (const [id, type] of ids) if (refs.has(id)) renamed.set(id, newId(type === 'card' ? 'c' : 'a'));
  const rename = (id: string) => renamed.get(id) ?? id;
  return blocks.map((b) => {
    const out = structuredClone(b);
    out.id = rename(b.id);
    out.parentId = rename(b.parentId);
    out.boardId = rename(b.boardId);
    const order = out.fields?.contentOrder;
    if (Array.isArray(order)) {
      out.fields.contentOrder = order.map((id: unknown) =>
        Array.isArray(id) ? id.map((i) => rename(String(i))) : rename(String(id)),
      );
    }
    return out;
  });
}

function userJson(user: UserRow): Record<string, unknown> {
  return {
    id: user.id,
    username: user.username,
    nickname: '',
    firstname: '',
    lastname: '',
    delete_at: 0,
    is_bot: user.is_bot,
    is_guest: false,
    roles: '',
  };
}

export { newId };
