import type { CallName, CallOutput, DeckhandApi, PreloadBridge } from '../../../shared/contract';
import { unwrap } from './envelope';
import type { ConnectionStatus, Transport } from './transport';

/** The Electron transport: every call and event goes through the preload's narrow bridge. */
export function createIpcTransport(bridge: PreloadBridge): Transport {
  const api: DeckhandApi = {
    async call<N extends CallName>(name: N, input: unknown): Promise<CallOutput<N>> {
      return unwrap<CallOutput<N>>(await bridge.invoke(name, input), name);
    },
    subscribe: (listener) => bridge.onEvent(listener),
  };
  return {
    api,
    // The main process lives as long as the window does, so IPC never drops.
    onConnection(listener: (status: ConnectionStatus) => void) {
      listener('live');
      return () => {};
    },
    close() {},
  };
}
