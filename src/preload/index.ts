/**
 * The only bridge between the sandboxed renderer and main: two functions,
 * nothing else. The renderer never sees ipcRenderer or Node.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { CallResult, DeckhandEvent, PreloadBridge } from '../shared/contract';
import { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from '../shared/ipc-channels';

const bridge = {
  invoke: (name: string, input: unknown) =>
    ipcRenderer.invoke(IPC_CALL_CHANNEL, name, input) as Promise<CallResult<unknown>>,
  onEvent: (listener: (event: DeckhandEvent) => void) => {
    const wrapped = (_event: IpcRendererEvent, payload: DeckhandEvent): void => listener(payload);
    ipcRenderer.on(IPC_EVENT_CHANNEL, wrapped);
    return () => void ipcRenderer.removeListener(IPC_EVENT_CHANNEL, wrapped);
  },
} satisfies PreloadBridge;

contextBridge.exposeInMainWorld('deckhandBridge', bridge);
