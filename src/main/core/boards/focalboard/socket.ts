import WebSocket from 'ws';
import type { BoardHint } from '../contract/adapter';
import type { FocalBlock } from './mapping';

export interface FocalboardSocketOptions {
  /** The server's root (http or https); the socket is `/ws` on it. */
  url: string;
  token: string;
  /** Read when the socket opens or a message arrives: the board may be found only after the first connect. */
  teamId(): string;
  boardId(): string | undefined;
  onHint(hint: BoardHint): void;
  /** First wait before reconnecting; doubled up to 30 s. */
  retryMs?: number;
}

const MAX_RETRY_MS = 30_000;

/**
 * Change hints from Focalboard's websocket (server/ws/server.go): after
 * `{"action":"AUTH","token"}` and `{"action":"SUBSCRIBE_TEAM","teamId"}` the
 * server pushes `{"action":"UPDATE_BLOCK","block"}` for every block saved on
 * the team's boards the user is a member of. A bad token closes the socket; a
 * subscription without access is ignored silently; nothing is replayed after
 * a disconnect. So these are hints only: the engine re-reads the named cards,
 * and the poll's full scan stays the reliable path (it also catches whatever
 * happened while the socket was down, and deletions, whose message names no card).
 */
export class FocalboardSocket {
  private socket: WebSocket | undefined;
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;
  private retryMs: number;

  constructor(private readonly options: FocalboardSocketOptions) {
    this.retryMs = options.retryMs ?? 1_000;
  }

  start(): void {
    if (this.stopped) return;
    const url = `${this.options.url.replace(/\/+$/, '').replace(/^http/i, 'ws')}/ws`;
    const socket = new WebSocket(url);
    this.socket = socket;
    socket.on('open', () => {
      this.retryMs = this.options.retryMs ?? 1_000;
      socket.send(JSON.stringify({ action: 'AUTH', token: this.options.token }));
      socket.send(JSON.stringify({ action: 'SUBSCRIBE_TEAM', teamId: this.options.teamId() }));
    });
    socket.on('message', (data: WebSocket.RawData) => this.receive(data.toString()));
    // An error is followed by close; reconnecting is the close handler's.
    socket.on('error', () => undefined);
    socket.on('close', () => {
      if (this.socket === socket) this.socket = undefined;
      if (this.stopped) return;
      this.timer = setTimeout(() => this.start(), this.retryMs);
      this.timer.unref?.();
      this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
    });
  }

  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.socket?.terminate();
    this.socket = undefined;
  }

  private receive(text: string): void {
    let message: { action?: unknown; block?: Partial<FocalBlock> };
    try {
      message = JSON.parse(text) as typeof message;
    } catch {
      return;
    }
    const block = message.block;
    if (message.action !== 'UPDATE_BLOCK' || !block || block.boardId !== this.options.boardId()) return;
    if (block.deleteAt) return;
    if (block.type === 'card' && block.id) {
      this.options.onHint({ kind: 'task', event: 'UPDATE_BLOCK card', taskIds: [block.id] });
    } else if (block.type === 'comment' && block.parentId) {
      this.options.onHint({ kind: 'comment', event: 'UPDATE_BLOCK comment', taskIds: [block.parentId] });
    } else if (block.type === 'text' && block.parentId) {
      this.options.onHint({ kind: 'task', event: 'UPDATE_BLOCK text', taskIds: [block.parentId] });
    }
  }
}
