/** The IPC transport: exactly one handler carries every contract call; events go the other way. */
import { ipcMain, type BrowserWindow } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../../shared/ipc-channels';
import type { Handlers } from '../core/api/dispatch';
import type { EventBus } from '../core/events';
import { createCallHandler, forwardEvents, type RendererLocation } from './sender';

/** Registers the call handler and the event forwarder; returns a function that removes both. */
export function registerIpc(
  core: { handlers: Handlers; events: Pick<EventBus, 'subscribe'> },
  window: () => BrowserWindow | undefined,
  location: RendererLocation,
): () => void {
  const live = (): Electron.WebContents | undefined => {
    const win = window();
    return win && !win.isDestroyed() ? win.webContents : undefined;
  };
  const handle = createCallHandler({ handlers: core.handlers, location, ourWebContents: live });
  ipcMain.handle(IPC_CALL_CHANNEL, (event, name: unknown, input: unknown) => handle(event, name, input));
  const unsubscribe = forwardEvents(core.events, live, IPC_EVENT_CHANNEL);
  return () => {
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
    unsubscribe();
  };
}
