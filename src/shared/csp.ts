/**
 * The renderer's Content-Security-Policy. The same policy is sent as a header
 * by `deckhand serve` and by the Electron session, and (without frame-ancestors,
 * see metaContentSecurityPolicy) as a meta tag in index.html. Only the WebSocket
 * origin differs between transports.
 */
export function contentSecurityPolicy(extraConnectSources: readonly string[] = []): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    ['connect-src', "'self'", ...extraConnectSources].join(' '),
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The policy as index.html's meta tag carries it. Browsers ignore frame-ancestors
 * in a meta tag (and warn on every load), so it lives only in the header.
 */
export function metaContentSecurityPolicy(): string {
  return contentSecurityPolicy()
    .split('; ')
    .filter((directive) => !directive.startsWith('frame-ancestors'))
    .join('; ');
}
