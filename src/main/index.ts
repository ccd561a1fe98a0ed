/**
 * Electron entry: lifecycle only. It builds the same core `deckhand serve`
 * uses and wires it to the tray, the window and IPC.
 */
import { join } from 'node:path';
import { app, type BrowserWindow } from 'electron';
import { dispatch } from './core/api/dispatch';
import { createCore } from './core/app';
import { createLogger } from './core/logger';
import { registerIpc } from './shell/ipc';
import { createTray } from './shell/tray';
import type { TrayAction } from './shell/tray-model';
import { createMainWindow, rendererLocation } from './shell/window';

const log = createLogger('app');

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  let window: BrowserWindow | undefined;
  let quitting = false;
  const location = rendererLocation();
  const showWindow = (hash = ''): void => {
    window ??= createMainWindow(location, () => quitting);
    if (hash) void window.webContents.executeJavaScript(`location.hash = ${JSON.stringify(hash)}`);
    window.show();
    window.focus();
  };
  app.on('second-instance', () => showWindow());

  void app.whenReady().then(async () => {
    const core = await createCore({ dataDir: app.getPath('userData') });
    registerIpc(core, () => window, location);
    const resourcesDir = app.isPackaged ? join(process.resourcesPath, 'resources') : join(__dirname, '../../resources');
    const act = (action: TrayAction): void => {
      switch (action.kind) {
        case 'open':
          return showWindow(action.view ? `#/${action.view}` : '');
        case 'pause-all':
          return void core.pauseAll('human:tray');
        case 'resume-all':
          return void core.resumeAll('human:tray');
        case 'sync-now':
          return void core.handlers.syncNow({}, { transport: 'ipc' });
        case 'quit':
          return app.quit();
        case 'pause-agent':
        case 'resume-agent': {
          // Through dispatch, so the input is validated like any other call.
          const method = action.kind === 'pause-agent' ? 'pauseAgent' : 'resumeAgent';
          return void dispatch(core.handlers, method, { agentId: action.agentId }, { transport: 'ipc' }).then((r) => {
            if (!r.ok) log.warn(`tray: ${method} failed: ${r.error.message}`);
          });
        }
      }
    };
    createTray({
      resourcesDir,
      getState: core.getState,
      subscribe: (listener) => core.events.subscribe((e) => e.type === 'state.changed' && listener()),
      act,
    });
    showWindow();
    app.on('before-quit', () => {
      quitting = true;
    });
    app.on('will-quit', (event) => {
      event.preventDefault();
      void core.close().finally(() => app.exit(0));
    });
  });
  // A tray app keeps running with its window closed.
  app.on('window-all-closed', () => undefined);
}
