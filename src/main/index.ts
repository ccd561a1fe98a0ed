/**
 * Electron entry: lifecycle only. It builds the same core `deckhand serve`
 * uses and wires it to IPC, the window and the tray (all in ./shell).
 */
import { join, resolve } from 'node:path';
import { app, dialog, type BrowserWindow } from 'electron';
import { createCore, type Core } from './core/app';
import { errorMessage } from './core/api/dispatch';
import { createLogger } from './core/logger';
import { defaultDataDir, desktopConfigPath } from './core/paths';
import { startWebhookListener, webhookListenerOptions, type WebhookListener } from './core/server/webhook-listener';
import { applyStartAtLogin, startedAtLogin } from './shell/electron-login-item';
import { electronNotifier } from './shell/electron-notifications';
import { electronTrayFactory } from './shell/electron-tray';
import { registerIpc } from './shell/ipc';
import { createNotifier, type Notifier } from './shell/notifications';
import { watchPreferences, type PreferencesWatch } from './shell/preferences';
import { rendererLocation } from './shell/sender';
import { installTestHooks } from './shell/test-hooks';
import { createTrayActions, createTrayController, trayIconPath, type TrayController } from './shell/tray';
import { createMainWindow, hardenSession } from './shell/window';

const log = createLogger('app');

// One data folder for the app and the `deckhand` CLI (DECKHAND_DATA overrides it, as for the CLI).
// Set before the single-instance lock, which is keyed on it: one app per data folder.
app.setName('Deckhand');
app.setPath('userData', resolve(defaultDataDir()));

if (app.requestSingleInstanceLock()) main();
else app.quit();

function main(): void {
  const location = rendererLocation(__dirname);
  const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(__dirname, '../../resources');
  let core: Core | undefined;
  let window: BrowserWindow | undefined;
  let tray: TrayController | undefined;
  let notifier: Notifier | undefined;
  let preferences: PreferencesWatch | undefined;
  let webhooks: WebhookListener | null = null;
  let quitting = false;

  /** Opens (or raises) the window, optionally at a hash route such as `conflicts` or `board/local`. */
  const showWindow = (view?: string): void => {
    if (!core) return; // Still starting: the window opens when the core is up.
    if (!window || window.isDestroyed()) {
      const preload = join(__dirname, '../preload/index.js');
      window = createMainWindow({ location, preload, isQuitting: () => quitting, show: true, view });
      return;
    }
    window.show();
    window.focus();
    if (view) void window.webContents.executeJavaScript(`location.hash = ${JSON.stringify(`#/${view}`)}`);
  };

  app.on('second-instance', () => showWindow());
  app.on('activate', () => showWindow()); // macOS: the Dock icon.
  app.on('window-all-closed', () => undefined); // A tray app keeps running with its window closed.
  app.on('before-quit', () => {
    quitting = true;
  });
  // Close the core after the windows, so no IPC call lands on a closed database.
  app.on('will-quit', (event) => {
    if (!core) return;
    const closing = core;
    core = undefined;
    event.preventDefault();
    tray?.dispose();
    notifier?.dispose();
    preferences?.dispose();
    (webhooks?.close() ?? Promise.resolve())
      .then(() => closing.close())
      .catch((err: unknown) => log.error('closing the core failed', err))
      .finally(() => app.quit());
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit());

  app
    .whenReady()
    .then(async () => {
      hardenSession(location);
      const dataDir = app.getPath('userData');
      const configPath = desktopConfigPath(dataDir);
      const started = await createCore({ dataDir, ...(configPath ? { configPath } : {}) });
      core = started;
      registerIpc(started, () => window, location);
      // Boards push changes here; without it (port taken) every board is still polled.
      webhooks = await startWebhookListener(started, webhookListenerOptions(process.env));
      tray = createTrayController({
        factory: electronTrayFactory(),
        iconFile: trayIconPath(resourcesDir),
        getState: started.getState,
        events: started.events,
        act: createTrayActions({ core: started, open: showWindow, quit: () => app.quit() }),
      });
      preferences = await watchPreferences({
        handlers: started.handlers,
        events: started.events,
        onChange: (settings, before) => {
          if (before?.startAtLogin !== settings.startAtLogin) applyStartAtLogin(settings.startAtLogin);
        },
      });
      notifier = createNotifier({
        events: started.events,
        getState: started.getState,
        enabled: () => preferences?.current().notifications ?? true,
        show: electronNotifier(showWindow, join(resourcesDir, 'icon.png')),
      });
      installTestHooks(process.env, () => tray);
      // Started at login: stay in the tray until asked.
      if (!startedAtLogin()) showWindow();
    })
    .catch((err: unknown) => {
      log.error('start-up failed', err);
      dialog.showErrorBox('Deckhand could not start', errorMessage(err));
      app.exit(1);
    });
}
