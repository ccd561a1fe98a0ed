/**
 * The only bridge between the sandboxed renderer and main: two functions,
 * nothing else. The renderer never sees ipcRenderer, its events or Node.
 * Sandboxed preloads are one CommonJS file that may require only 'electron',
 * so the channel names come from the import-free ipc-channels module.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CallResult, DeckhandEvent, PreloadBridge } from '../shared/contract';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../shared/ipc-channels';

const bridge = {
  invoke: (name: string, input: unknown): Promise<CallResult<unknown>> =>
    ipcRenderer.invoke(IPC_CALL_CHANNEL, name, input) as Promise<CallResult<unknown>>,
  onEvent: (listener: (event: DeckhandEvent) => void): (() => void) => {
    // Pass on the payload only: the IpcRendererEvent would hand the page a `sender` with ipcRenderer on it.
    const wrapped = (_event: IpcRendererEvent, payload: DeckhandEvent): void => listener(payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => {
      ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
    };
  },
} satisfies PreloadBridge;

contextBridge.exposeInMainWorld('deckhandBridge', bridge);
