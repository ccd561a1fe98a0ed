/**
 * Whether an IPC message comes from our own renderer: the packaged file URL of
 * index.html, or the dev server in development. Anything else (an iframe, a page
 * the window was navigated to) is refused before its payload is even parsed.
 */
export function isTrustedSenderUrl(url: string, allowed: { rendererFile: string; devServerUrl?: string }): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'file:') {
    const expected = new URL(`file://${allowed.rendererFile.startsWith('/') ? '' : '/'}${allowed.rendererFile}`);
    return decodeURIComponent(parsed.pathname) === decodeURIComponent(expected.pathname);
  }
  if (!allowed.devServerUrl) return false;
  return parsed.origin === new URL(allowed.devServerUrl).origin;
}
