/**
 * Who may call the core over IPC: only our own renderer, in our own window,
 * in its top frame. Pure, so the checks are unit-tested without Electron.
 */
import { join } from 'node:path';
import type { CallResult, DeckhandEvent } from '../../shared/contract';
import { dispatch, type Handlers } from '../core/api/dispatch';
import { createLogger } from '../core/logger';

const log = createLogger('ipc');

/** Where the renderer is loaded from. */
export interface RendererLocation {
  /** Absolute path of the built index.html. */
  rendererFile: string;
  /** Set by `electron-vite dev` (ELECTRON_RENDERER_URL); absent in a packaged app. */
  devServerUrl?: string;
}

/** Built layout: out/main/index.js next to out/renderer/index.html. */
export function rendererLocation(mainDir: string, env: NodeJS.ProcessEnv = process.env): RendererLocation {
  const devServerUrl = env.ELECTRON_RENDERER_URL;
  return { rendererFile: join(mainDir, '..', 'renderer', 'index.html'), ...(devServerUrl ? { devServerUrl } : {}) };
}

function fileUrlPath(path: string): string {
  const slashed = path.replace(/\\/g, '/');
  return slashed.startsWith('/') ? slashed : `/${slashed}`;
}

function decoded(path: string): string | undefined {
  try {
    return decodeURIComponent(path);
  } catch {
    return undefined;
  }
}

/**
 * Whether a URL is our renderer: the local file:// URL of index.html (any
 * hash or query), or the dev server's origin. A file URL with a host (a UNC
 * share) or any other page is refused.
 */
export function isTrustedSenderUrl(url: string, allowed: RendererLocation): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'file:') {
    if (parsed.host !== '') return false;
    const actual = decoded(parsed.pathname);
    const expected = decoded(new URL(`file://${fileUrlPath(allowed.rendererFile)}`).pathname);
    if (actual === undefined || expected === undefined) return false;
    // Windows paths are case-insensitive, and Chromium may change the drive letter's case.
    return /^\/[A-Za-z]:\//.test(expected) ? actual.toLowerCase() === expected.toLowerCase() : actual === expected;
  }
  if (!allowed.devServerUrl || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) return false;
  try {
    return parsed.origin === new URL(allowed.devServerUrl).origin;
  } catch {
    return false;
  }
}

/** The parts of Electron's IpcMainInvokeEvent the check reads. */
export interface IpcSender {
  sender: unknown;
  senderFrame: { url: string; parent: unknown } | null;
}

/** Our window's webContents, its top frame, and our renderer's URL: all three must hold. */
export function isTrustedSender(event: IpcSender, ourWebContents: unknown, allowed: RendererLocation): boolean {
  const frame = event.senderFrame;
  return (
    ourWebContents !== undefined &&
    event.sender === ourWebContents &&
    frame !== null &&
    frame.parent === null &&
    isTrustedSenderUrl(frame.url, allowed)
  );
}

export const UNTRUSTED_SENDER: CallResult<never> = {
  ok: false,
  error: { code: 'invalid_input', message: 'untrusted sender' },
};

export interface CallHandlerDeps {
  handlers: Handlers;
  location: RendererLocation;
  /** The webContents of our one window, or undefined when there is none. */
  ourWebContents(): unknown;
}

/**
 * The body of the one `ipcMain.handle`: check the sender before even looking
 * at the payload, then the same dispatch as HTTP validates and runs the call.
 */
export function createCallHandler(
  deps: CallHandlerDeps,
): (event: IpcSender, name: unknown, input: unknown) => Promise<CallResult<unknown>> {
  return async (event, name, input) => {
    if (!isTrustedSender(event, deps.ourWebContents(), deps.location)) {
      log.warn(`refused an IPC call from an untrusted sender (${event.senderFrame?.url ?? 'no frame'})`);
      return UNTRUSTED_SENDER;
    }
    if (typeof name !== 'string') {
      return { ok: false, error: { code: 'unknown_method', message: 'method name must be a string' } };
    }
    return dispatch(deps.handlers, name, input, { transport: 'ipc' });
  };
}

/** The parts of a webContents the event forwarder uses. */
export interface EventTarget {
  isDestroyed(): boolean;
  send(channel: string, event: DeckhandEvent): void;
}

/** Sends every core event to the window, if it is alive. Returns the unsubscribe. */
export function forwardEvents(
  events: { subscribe(listener: (event: DeckhandEvent) => void): () => void },
  target: () => EventTarget | undefined,
  channel: string,
): () => void {
  return events.subscribe((event) => {
    const to = target();
    if (to && !to.isDestroyed()) to.send(channel, event);
  });
}
