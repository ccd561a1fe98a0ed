/** Where the window may go and what it may load, as pure rules the window code applies. */
import { contentSecurityPolicy } from '../../shared/csp';
import { isTrustedSenderUrl, type RendererLocation } from './sender';

/** In-window navigation is allowed only to our own renderer (a reload, or a hash route). */
export function isAllowedNavigation(url: string, location: RendererLocation): boolean {
  return isTrustedSenderUrl(url, location);
}

/**
 * The URL to hand to the OS browser, or undefined to drop it. Only http(s):
 * other schemes (file:, custom protocol handlers) can launch local programs.
 */
export function externalUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}

/** The CSP header for the window: the shared policy, plus the dev server's HMR socket in development. */
export function windowCsp(location: RendererLocation): string {
  if (!location.devServerUrl) return contentSecurityPolicy();
  const dev = new URL(location.devServerUrl);
  return contentSecurityPolicy([`${dev.protocol === 'https:' ? 'wss:' : 'ws:'}//${dev.host}`]);
}
