import type { DeckhandApi } from '../../../shared/contract';
import type { LogFilter } from '../lib/log-entries';
import { createHttpTransport } from './http-client';
import { createIpcTransport } from './ipc-client';

/** How the link to the core is doing. IPC is always live; HTTP follows its event socket. */
export type ConnectionStatus = 'connecting' | 'live' | 'offline';

/**
 * A way to reach the core. The rest of the renderer only sees `api` and the
 * connection status, never whether it runs over Electron IPC or HTTP.
 */
export interface Transport {
  readonly api: DeckhandApi;
  /**
   * A URL that streams the filtered sync log as JSONL, where the transport has
   * one (HTTP: `GET /api/log.jsonl`). Electron has no HTTP server, so the IPC
   * transport leaves it out and the UI builds the file from `listLog` pages instead.
   */
  readonly logExportUrl?: (filter: LogFilter) => string;
  /** Calls the listener with the current status at once, then on every change. Returns an unsubscribe function. */
  onConnection(listener: (status: ConnectionStatus) => void): () => void;
  /** Stops reconnecting and closes sockets (tests, hot reload). */
  close(): void;
}

/** Picks the transport once at start-up: the preload bridge inside Electron, HTTP and WebSocket in a browser. */
export function createTransport(win: Window = window): Transport {
  const bridge = win.deckhandBridge;
  if (bridge) return createIpcTransport(bridge);
  return createHttpTransport({ origin: win.location.origin });
}
