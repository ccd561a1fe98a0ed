/** The one app window and its session hardening. The rules live in window-policy.ts. */
import { BrowserWindow, session, shell } from 'electron';
import { createLogger } from '../core/logger';
import type { RendererLocation } from './sender';
import { externalUrl, isAllowedNavigation, windowCsp } from './window-policy';

const log = createLogger('window');

/**
 * Defence in depth for the default session: the CSP as a response header
 * (index.html carries it as a meta tag too; Chromium sends no headers for
 * file:// loads, so this guards the dev server and anything that slips past
 * navigation blocking), and every permission request refused: the UI needs none.
 */
export function hardenSession(location: RendererLocation): void {
  const csp = windowCsp(location);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.setPermissionCheckHandler(() => false);
}

function openOutside(url: string): void {
  const target = externalUrl(url);
  if (target) shell.openExternal(target).catch((err: unknown) => log.warn(`could not open ${target}`, err));
}

export interface MainWindowOptions {
  location: RendererLocation;
  /** Absolute path of the built preload (out/preload/index.js). */
  preload: string;
  /** While false, closing the window hides it to the tray. */
  isQuitting(): boolean;
  /** Show once the first paint is ready (false when started hidden at login). */
  show: boolean;
  /** A hash route to open at, e.g. "conflicts". */
  view?: string | undefined;
}

/** Sandboxed, isolated, no Node in the renderer, and no way to navigate anywhere but our own UI. */
export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const { location } = options;
  const win = new BrowserWindow({
    width: 1120,
    height: 760,
    minWidth: 640,
    minHeight: 480,
    show: false,
    title: 'Deckhand',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    },
  });

  if (options.show) win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    openOutside(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event) => {
    if (isAllowedNavigation(event.url, location)) return;
    event.preventDefault();
    openOutside(event.url);
  });
  win.webContents.on('will-attach-webview', (event) => event.preventDefault());
  win.on('close', (event) => {
    if (options.isQuitting()) return;
    event.preventDefault();
    win.hide();
  });

  const hash = options.view ? `/${options.view}` : '';
  const loaded = location.devServerUrl
    ? win.loadURL(hash ? `${location.devServerUrl}#${hash}` : location.devServerUrl)
    : win.loadFile(location.rendererFile, hash ? { hash } : {});
  loaded.catch((err: unknown) => log.error('the renderer failed to load', err));
  return win;
}
