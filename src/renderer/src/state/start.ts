import type { Transport } from '../api/transport';
import { bindApi } from './api';
import { useAppStore } from './app-store';
import { useConnectionStore } from './connection-store';
import { useSettingsStore } from './settings-store';
import { followHistory } from './view-store';

/**
 * Wires a transport into the stores: events update state, and every time the
 * link comes (back) up the state and settings are fetched again, because
 * events sent while it was down are lost. Returns a function that undoes it.
 */
export function startApp(transport: Transport): () => void {
  bindApi(transport.api);
  const unsubscribeEvents = transport.api.subscribe((event) => {
    switch (event.type) {
      case 'state.changed':
        useAppStore.getState().receive(event.payload);
        break;
      case 'settings.changed':
        useSettingsStore.getState().receive(event.payload);
        break;
    }
  });
  const refreshAll = (): void => {
    void useAppStore.getState().refresh();
    void useSettingsStore.getState().refresh();
  };
  const unsubscribeConnection = transport.onConnection((status) => {
    const previous = useConnectionStore.getState().status;
    useConnectionStore.getState().setStatus(status);
    if (status === 'live' && previous !== 'live') refreshAll();
  });
  // Over HTTP the calls work before the socket is up, so do not wait for it to show something.
  if (useConnectionStore.getState().status !== 'live') refreshAll();
  const stopHistory = followHistory();
  return () => {
    unsubscribeEvents();
    unsubscribeConnection();
    stopHistory();
    transport.close();
  };
}
