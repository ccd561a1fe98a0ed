import { constantTimeEqual } from '../boards/kit/webhooks/verify';
import type { IncomingMessage } from 'node:http';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host);
}

export interface GuardOptions {
  /** The host the server was asked to bind (e.g. 127.0.0.1 or 0.0.0.0). */
  bindHost: string;
  /** Required for every /api request when set; mandatory when binding beyond loopback. */
  apiToken?: string;
}

export const SESSION_COOKIE = 'deckhand_session';

/** Strips the port from a Host header value, keeping IPv6 brackets. */
function hostname(hostHeader: string): string {
  if (hostHeader.startsWith('[')) return hostHeader.slice(0, hostHeader.indexOf(']') + 1);
  return hostHeader.split(':')[0] ?? '';
}

/**
 * DNS-rebinding defence: on loopback, a browser page from evil.example that
 * resolves to 127.0.0.1 still sends `Host: evil.example`, so only loopback
 * names are accepted. Beyond loopback the API token does that job.
 */
export function hostAllowed(req: IncomingMessage, opts: GuardOptions): boolean {
  const host = req.headers.host;
  if (!host) return false;
  if (!isLoopbackHost(opts.bindHost)) return true;
  return isLoopbackHost(hostname(host));
}

/** A browser sends Origin on cross-site requests; only our own origin may call the API or open the socket. */
export function originAllowed(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (origin === undefined) return true; // Not a browser (CLI, curl): the host and token checks apply.
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

export function readCookie(req: IncomingMessage, name: string): string | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const [k, ...rest] = part.trim().split('=');
    if (k === name) return decodeURIComponent(rest.join('='));
  }
  return undefined;
}

export function tokenAllowed(req: IncomingMessage, opts: GuardOptions): boolean {
  if (!opts.apiToken) return true;
  const auth = req.headers.authorization;
  const bearer = auth?.startsWith('Bearer ') ? auth.slice(7) : undefined;
  const presented = bearer ?? readCookie(req, SESSION_COOKIE);
  return presented !== undefined && constantTimeEqual(presented, opts.apiToken);
}

export function tokenMatches(candidate: string, opts: GuardOptions): boolean {
  return opts.apiToken !== undefined && constantTimeEqual(candidate, opts.apiToken);
}
