import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { ApiErrorCode } from '../../../shared/contract';
import { contentSecurityPolicy } from '../../../shared/csp';
import type { Core } from '../app';
import { dispatch } from '../api/dispatch';
import { createLogger } from '../logger';
import { BodyError, readJsonBody } from './body';
import { SECURITY_HEADERS, sendError, sendJson } from './respond';
import { listen, serverUrl } from './listen';
import { handleWebhook, webhookBoardId } from './webhook-endpoint';
import {
  hostAllowed,
  isLoopbackHost,
  originAllowed,
  SESSION_COOKIE,
  tokenAllowed,
  tokenMatches,
  type GuardOptions,
} from './request-guard';
import { serveStatic } from './static-files';
import { handleMcp, MCP_PATH } from '../mcp/endpoint';

const log = createLogger('server');

/** Calls are small JSON documents; anything bigger is a mistake or an attack. */
const CALL_BODY_LIMIT = 1024 * 1024;

const STATUS_BY_CODE: Record<ApiErrorCode, number> = {
  invalid_input: 400,
  unknown_method: 404,
  not_found: 404,
  unavailable: 503,
  internal: 500,
};

export interface ServerOptions {
  host: string;
  port: number;
  /** The built renderer (out/renderer). */
  staticDir: string;
  apiToken?: string;
}

export interface RunningServer {
  url: string;
  close(): Promise<void>;
}

export class UnsafeBindError extends Error {
  constructor(host: string) {
    super(
      `Refusing to listen on ${host} without an API token: anyone who can reach this address could control your agents. ` +
        'Set DECKHAND_API_TOKEN to a long random value, or bind 127.0.0.1.',
    );
    this.name = 'UnsafeBindError';
  }
}

/** A short token can be guessed over the network; 16 characters is the least we accept. */
export const MIN_API_TOKEN_LENGTH = 16;

export class WeakApiTokenError extends Error {
  constructor(length: number) {
    super(
      `DECKHAND_API_TOKEN is ${length} characters long; it must be at least ${MIN_API_TOKEN_LENGTH}. ` +
        'Make one with `openssl rand -hex 32`.',
    );
    this.name = 'WeakApiTokenError';
  }
}

/** Throws WeakApiTokenError for a token too short to protect the API; no token at all is allowed (loopback only). */
export function assertApiTokenStrong(apiToken: string | undefined): void {
  if (apiToken !== undefined && apiToken.length < MIN_API_TOKEN_LENGTH) throw new WeakApiTokenError(apiToken.length);
}

/**
 * The headless transport: the UI at `/`, the contract at `POST /api/call/<method>`,
 * events on the `/api/events` WebSocket, and `GET /api/health`.
 */
export async function startServer(core: Core, options: ServerOptions): Promise<RunningServer> {
  assertApiTokenStrong(options.apiToken);
  if (!isLoopbackHost(options.host) && !options.apiToken) throw new UnsafeBindError(options.host);
  const guard: GuardOptions = { bindHost: options.host, apiToken: options.apiToken };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (!hostAllowed(req, guard) && !url.pathname.startsWith('/webhooks/')) {
      return sendError(res, 403, 'invalid_input', 'host not allowed');
    }

    // Boards post from elsewhere and carry their own signature, so the browser-facing checks do not apply.
    const webhookBoard = webhookBoardId(url.pathname);
    if (webhookBoard) return handleWebhook(core.engine, req, res, webhookBoard, url);

    // MCP clients authenticate as their agent (its own token), not with the API token.
    if (url.pathname === MCP_PATH) return handleMcp(core.mcp, guard, req, res);

    if (url.pathname.startsWith('/api/')) {
      if (!originAllowed(req)) return sendError(res, 403, 'invalid_input', 'cross-origin requests are not allowed');
      if (!tokenAllowed(req, guard)) return sendError(res, 401, 'invalid_input', 'missing or wrong API token');
      return handleApi(req, res, url.pathname);
    }

    if (req.method !== 'GET' && req.method !== 'HEAD')
      return sendError(res, 405, 'invalid_input', 'method not allowed');
    // Opening /?token=... once exchanges the token for an HttpOnly cookie, so the page never sees it.
    const offered = url.searchParams.get('token');
    if (offered !== null && tokenMatches(offered, guard)) {
      res.writeHead(302, {
        location: '/',
        'set-cookie': `${SESSION_COOKIE}=${encodeURIComponent(offered)}; HttpOnly; SameSite=Strict; Path=/`,
      });
      return void res.end();
    }
    if (!tokenAllowed(req, guard)) {
      res.writeHead(401, { 'content-type': 'text/plain; charset=utf-8' });
      return void res.end('Open this page with ?token=<DECKHAND_API_TOKEN> once to sign in.\n');
    }
    const host = req.headers.host ?? `${options.host}:${options.port}`;
    serveStatic(options.staticDir, url.pathname, res, {
      ...SECURITY_HEADERS,
      'content-security-policy': contentSecurityPolicy([`ws://${host}`, `wss://${host}`]),
    });
  };

  const exportLog = (res: ServerResponse, url: URL): void => {
    const filter = Object.fromEntries(
      ['boardId', 'taskId', 'actor', 'action', 'text'].flatMap((k) => {
        const v = url.searchParams.get(k);
        return v ? [[k, v]] : [];
      }),
    );
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'application/x-ndjson; charset=utf-8',
      'content-disposition': 'attachment; filename="deckhand-log.jsonl"',
      'cache-control': 'no-store',
    });
    for (const entry of core.logEntries(filter)) res.write(JSON.stringify(entry) + '\n');
    res.end();
  };

  const handleApi = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    if (path === '/api/health' && req.method === 'GET') {
      const result = await dispatch(core.handlers, 'health', {}, { transport: 'http' });
      return sendJson(res, result.ok ? 200 : 500, result.ok ? result.value : result);
    }
    if (path === '/api/log.jsonl' && req.method === 'GET') {
      return exportLog(res, new URL(req.url ?? '/', 'http://placeholder'));
    }
    const match = /^\/api\/call\/([A-Za-z][A-Za-z0-9]*)$/.exec(path);
    if (!match) return sendError(res, 404, 'not_found', `no such endpoint: ${path}`);
    if (req.method !== 'POST') return sendError(res, 405, 'invalid_input', 'calls must use POST');
    let input: unknown;
    try {
      input = await readJsonBody(req, CALL_BODY_LIMIT);
    } catch (err) {
      if (err instanceof BodyError) return sendError(res, err.status, 'invalid_input', err.message);
      throw err;
    }
    const result = await dispatch(core.handlers, match[1]!, input, { transport: 'http' });
    sendJson(res, result.ok ? 200 : STATUS_BY_CODE[result.error.code], result);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log.error('request failed', err);
      if (!res.headersSent) sendError(res, 500, 'internal', 'internal error');
      else res.destroy();
    });
  });

  const sockets = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://placeholder').pathname;
    if (path !== '/api/events' || !hostAllowed(req, guard) || !originAllowed(req) || !tokenAllowed(req, guard)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      socket.destroy();
      return;
    }
    sockets.handleUpgrade(req, socket, head, (ws) => attachEvents(ws));
  });

  const attachEvents = (ws: WebSocket): void => {
    const unsubscribe = core.events.subscribe((event) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(event));
    });
    // The socket is push-only; clients have nothing to say on it.
    ws.on('message', () => ws.close(1003, 'this socket only pushes events'));
    ws.on('close', unsubscribe);
    ws.on('error', unsubscribe);
  };

  await listen(server, options.port, options.host);
  const url = serverUrl(server);
  core.setWebhookReceiver({ url });

  let closing: Promise<void> | undefined;
  return {
    url,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const ws of sockets.clients) ws.close(1001, 'server shutting down');
        sockets.close();
        server.close(() => resolve());
        server.closeIdleConnections();
        // Give in-flight requests a moment, then cut the rest so shutdown never hangs.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      return closing;
    },
  };
}
