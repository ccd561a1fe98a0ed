import { join } from 'node:path';
import { BrowserWindow, session, shell } from 'electron';
import { contentSecurityPolicy } from '../../shared/csp';

export interface RendererLocation {
  /** Absolute path of the built index.html. */
  rendererFile: string;
  /** Set by `electron-vite dev`. */
  devServerUrl?: string;
}

export function rendererLocation(): RendererLocation {
  const devServerUrl = process.env.ELECTRON_RENDERER_URL;
  return {
    rendererFile: join(__dirname, '../renderer/index.html'),
    ...(devServerUrl ? { devServerUrl } : {}),
  };
}

/**
 * The one app window: sandboxed, isolated, no Node in the renderer, and no
 * way to navigate it anywhere but our own UI. Closing hides it to the tray.
 */
export function createMainWindow(location: RendererLocation, isQuitting: () => boolean): BrowserWindow {
  // The same CSP as the meta tag and the headless server, as a header too (defence in depth).
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy()] },
    });
  });

  const win = new BrowserWindow({
    width: 1120,
    height: 760,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'Deckhand',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
    },
  });

  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    const ours = location.devServerUrl ? url.startsWith(location.devServerUrl) : url.startsWith('file://');
    if (!ours) event.preventDefault();
  });
  win.on('close', (event) => {
    if (!isQuitting()) {
      event.preventDefault();
      win.hide();
    }
  });

  if (location.devServerUrl) void win.loadURL(location.devServerUrl);
  else void win.loadFile(location.rendererFile);
  return win;
}
