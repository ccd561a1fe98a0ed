import { ipcMain, type BrowserWindow } from 'electron';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL, type CallResult } from '../../shared/contract';
import type { Core } from '../core/app';
import { dispatch } from '../core/api/dispatch';
import { isTrustedSenderUrl } from './sender';
import type { RendererLocation } from './window';

const UNTRUSTED: CallResult<never> = { ok: false, error: { code: 'invalid_input', message: 'untrusted sender' } };

/**
 * The IPC transport: one handler for every contract call. The sender is
 * checked first; then the same dispatch as HTTP validates and runs the call.
 */
export function registerIpc(
  core: Core,
  window: () => BrowserWindow | undefined,
  location: RendererLocation,
): () => void {
  ipcMain.handle(IPC_CALL_CHANNEL, async (event, name: unknown, input: unknown) => {
    const win = window();
    const frameUrl = event.senderFrame?.url ?? '';
    if (!win || event.sender !== win.webContents || !isTrustedSenderUrl(frameUrl, location)) return UNTRUSTED;
    if (typeof name !== 'string')
      return { ok: false, error: { code: 'unknown_method', message: 'method must be a string' } };
    return dispatch(core.handlers, name, input, { transport: 'ipc' });
  });
  const unsubscribe = core.events.subscribe((event) => {
    const win = window();
    if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT_CHANNEL, event);
  });
  return () => {
    ipcMain.removeHandler(IPC_CALL_CHANNEL);
    unsubscribe();
  };
}
