import {
  ApiError,
  type CallName,
  type CallOutput,
  type DeckhandApi,
  type DeckhandEvent,
} from '../../../shared/contract';
import { callTimeoutMs } from './call-timeouts';
import { describeError, unwrap } from './envelope';
import type { ConnectionStatus, Transport } from './transport';

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;

export interface HttpTransportOptions {
  /** Where `deckhand serve` runs, e.g. `http://127.0.0.1:7717` (the page's own origin). */
  origin: string;
}

function isEvent(value: unknown): value is DeckhandEvent {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.type === 'string' && 'payload' in v;
}

/**
 * The headless transport: calls are `POST /api/call/<name>` with a JSON body and
 * a `CallResult` envelope back; events arrive on the `/api/events` WebSocket,
 * which reconnects with capped exponential backoff when it drops.
 */
export function createHttpTransport(options: HttpTransportOptions): Transport {
  const origin = options.origin.replace(/\/$/, '');
  const eventsUrl = `${origin.replace(/^http/, 'ws')}/api/events`;
  const eventListeners = new Set<(event: DeckhandEvent) => void>();
  const connectionListeners = new Set<(status: ConnectionStatus) => void>();
  let status: ConnectionStatus = 'connecting';
  let socket: WebSocket | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  let attempt = 0;
  let closed = false;

  const setStatus = (next: ConnectionStatus): void => {
    if (next === status) return;
    status = next;
    for (const listener of connectionListeners) listener(next);
  };

  const scheduleReconnect = (): void => {
    if (closed || retryTimer !== undefined) return;
    // Jitter keeps many tabs from reconnecting in lockstep after a server restart.
    const base = Math.min(RECONNECT_MAX_MS, RECONNECT_MIN_MS * 2 ** attempt);
    const delay = base / 2 + Math.random() * (base / 2);
    attempt += 1;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      connect();
    }, delay);
  };

  const connect = (): void => {
    if (closed) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(eventsUrl);
    } catch {
      setStatus('offline');
      scheduleReconnect();
      return;
    }
    socket = ws;
    ws.addEventListener('open', () => {
      attempt = 0;
      setStatus('live');
    });
    ws.addEventListener('message', (message: MessageEvent) => {
      if (typeof message.data !== 'string') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(message.data);
      } catch {
        return;
      }
      if (!isEvent(parsed)) return;
      for (const listener of eventListeners) listener(parsed);
    });
    ws.addEventListener('close', () => {
      if (socket !== ws) return;
      socket = undefined;
      if (closed) return;
      setStatus('offline');
      scheduleReconnect();
    });
  };

  // Coming back online or to the tab is a good moment to retry without waiting out the backoff.
  const retryNow = (): void => {
    if (closed || socket !== undefined) return;
    if (retryTimer !== undefined) clearTimeout(retryTimer);
    retryTimer = undefined;
    attempt = 0;
    connect();
  };
  globalThis.addEventListener?.('online', retryNow);

  const api: DeckhandApi = {
    async call<N extends CallName>(name: N, input: unknown): Promise<CallOutput<N>> {
      let response: Response;
      try {
        response = await fetch(`${origin}/api/call/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(input ?? {}),
          signal: AbortSignal.timeout(callTimeoutMs(name)),
        });
      } catch (err) {
        // A timeout is Deckhand being slow to answer, not Deckhand being unreachable.
        if (err instanceof Error && err.name === 'TimeoutError') {
          const seconds = Math.round(callTimeoutMs(name) / 1000);
          throw new ApiError({
            code: 'unavailable',
            message: `Deckhand did not answer within ${seconds} s; try again`,
          });
        }
        throw new ApiError({ code: 'unavailable', message: `Cannot reach Deckhand (${describeError(err)})` });
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        throw new ApiError({
          code: response.status >= 500 ? 'internal' : 'unavailable',
          message: `Deckhand answered ${name} with HTTP ${response.status} and no result`,
        });
      }
      return unwrap<CallOutput<N>>(body, name);
    },
    subscribe(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
  };

  connect();

  return {
    api,
    logExportUrl(filter) {
      const query = new URLSearchParams();
      for (const [key, value] of Object.entries(filter)) if (typeof value === 'string' && value) query.set(key, value);
      const search = query.toString();
      return `${origin}/api/log.jsonl${search ? `?${search}` : ''}`;
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(status);
      return () => connectionListeners.delete(listener);
    },
    close() {
      closed = true;
      globalThis.removeEventListener?.('online', retryNow);
      if (retryTimer !== undefined) clearTimeout(retryTimer);
      socket?.close(1000, 'closing');
      socket = undefined;
    },
  };
}
