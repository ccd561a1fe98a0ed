/**
 * The renderer's Content-Security-Policy. The same policy is sent as a header
 * by `deckhand serve` and by the Electron session, and as a meta tag in
 * index.html. Only the WebSocket origin differs between transports.
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
