import { createServer } from 'node:http';
import type { Core } from '../app';
import { createLogger } from '../logger';
import { sendError } from './respond';
import { listen, serverUrl } from './listen';
import { handleWebhook, webhookBoardId } from './webhook-endpoint';
import { handleMcp, MCP_PATH } from '../mcp/endpoint';

const log = createLogger('webhooks');

/** The desktop app's default: one above `deckhand serve`'s 7717, so both can run on one machine. */
export const DEFAULT_WEBHOOK_PORT = 7718;

export interface WebhookListenerOptions {
  /** 127.0.0.1 unless configured otherwise: a board on another machine needs a tunnel or a wider bind. */
  host: string;
  port: number;
}

/**
 * Where the desktop app listens, from DECKHAND_WEBHOOK_HOST and DECKHAND_WEBHOOK_PORT (both optional). A bad value
 * is an error naming the variable, not a silent fallback: a board would post to a port nobody listens on.
 */
export function webhookListenerOptions(env: Readonly<Record<string, string | undefined>>): WebhookListenerOptions {
  const host = env.DECKHAND_WEBHOOK_HOST?.trim() || '127.0.0.1';
  const text = env.DECKHAND_WEBHOOK_PORT?.trim();
  if (!text) return { host, port: DEFAULT_WEBHOOK_PORT };
  const port = Number(text);
  if (!/^\d+$/.test(text) || port < 1 || port > 65535) {
    throw new Error(`DECKHAND_WEBHOOK_PORT must be a port number from 1 to 65535 (got "${text}")`);
  }
  return { host, port };
}

export interface WebhookListener {
  url: string;
  close(): Promise<void>;
}

/**
 * The desktop app's webhook receiver: `POST /webhooks/<board id>` and nothing else (no UI, no API), so binding it
 * wider never exposes the app. Every delivery is verified by its board's adapter. If it cannot listen (port taken),
 * the core is told why, the Boards view shows it, and polling keeps every board in sync.
 */
export async function startWebhookListener(
  core: Core,
  options: WebhookListenerOptions,
): Promise<WebhookListener | null> {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://placeholder');
    if (url.pathname === MCP_PATH) {
      return void handleMcp(core.mcp, { bindHost: options.host }, req, res).catch((err: unknown) => {
        log.error('MCP request failed', err);
        if (!res.headersSent) sendError(res, 500, 'internal', 'internal error');
      });
    }
    const boardId = webhookBoardId(url.pathname);
    if (!boardId) return sendError(res, 404, 'not_found', 'only POST /webhooks/<board id> and /mcp are served here');
    handleWebhook(core.engine, req, res, boardId, url).catch((err: unknown) => {
      log.error('webhook handling failed', err);
      if (!res.headersSent) sendError(res, 500, 'internal', 'internal error');
    });
  });
  server.requestTimeout = 10_000;
  try {
    await listen(server, options.port, options.host);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'EADDRINUSE'
        ? `port ${options.port} on ${options.host} is in use (another Deckhand?); boards are polled instead`
        : `could not listen on ${options.host}:${options.port} (${code ?? String(err)}); boards are polled instead`;
    log.warn(`webhook listener: ${why}`);
    core.setWebhookReceiver({ error: why });
    return null;
  }
  const url = serverUrl(server);
  core.setWebhookReceiver({ url });
  log.info(`receiving board webhooks on ${url}/webhooks/<board id>`);
  return {
    url,
    close: () =>
      new Promise<void>((resolve) => {
        core.setWebhookReceiver({ error: 'the webhook listener is stopped' });
        server.close(() => resolve());
        server.closeIdleConnections();
      }),
  };
}
