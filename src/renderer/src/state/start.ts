import type { Transport } from '../api/transport';
import { bindApi } from './api';
import { useAppStore } from './app-store';
import { useBoardStore } from './board-store';
import { useBoardsStore } from './boards-store';
import { useConflictStore } from './conflict-store';
import { useConnectionStore } from './connection-store';
import { useConnectionsStore } from './connections-store';
import { useInboxStore } from './inbox-store';
import { useLogStore } from './log-store';
import { useOwnershipStore } from './ownership-store';
import { useSettingsStore } from './settings-store';
import { followHistory } from './view-store';

/**
 * Wires a transport into the stores: events update state, and every time the
 * link comes (back) up everything already shown is fetched again, because
 * events sent while it was down are lost. Returns a function that undoes it.
 */
export function startApp(transport: Transport): () => void {
  bindApi(transport.api);
  useConnectionStore.setState({ logExportUrl: transport.logExportUrl ?? null });
  const unsubscribeEvents = transport.api.subscribe((event) => {
    switch (event.type) {
      case 'state.changed': {
        const before = useAppStore.getState().state?.counts;
        useAppStore.getState().receive(event.payload);
        // The inbox follows its count (and what feeds it), so a new question or an answered one shows at once.
        const after = event.payload.counts;
        if (!before || before.inbox !== after.inbox || before.blockedOnHuman !== after.blockedOnHuman) {
          void useInboxStore.getState().resync();
        }
        break;
      }
      case 'settings.changed':
        useSettingsStore.getState().receive(event.payload);
        break;
      case 'log.appended':
        useLogStore.getState().receive(event.payload);
        useBoardStore.getState().onLog(event.payload);
        useBoardsStore.getState().onLog(event.payload);
        break;
      case 'conflict.opened':
        useConflictStore.getState().receiveOpened(event.payload);
        break;
      case 'conflict.resolved':
        useConflictStore.getState().receiveResolved(event.payload);
        break;
    }
  });
  const refreshAll = (): void => {
    void useAppStore.getState().refresh();
    void useSettingsStore.getState().refresh();
  };
  /** Views already opened refetch what they show; the rest load when opened. */
  const resyncViews = (): void => {
    void useLogStore.getState().catchUp();
    void useConflictStore.getState().resync();
    void useInboxStore.getState().resync();
    void useOwnershipStore.getState().resync();
    if (useBoardStore.getState().status !== 'idle') void useBoardStore.getState().refresh();
    if (useBoardsStore.getState().status !== 'idle') void useBoardsStore.getState().loadOutbox();
    if (useConnectionsStore.getState().status !== 'idle') void useConnectionsStore.getState().load();
  };
  const unsubscribeConnection = transport.onConnection((status) => {
    const previous = useConnectionStore.getState().status;
    useConnectionStore.getState().setStatus(status);
    if (status === 'live' && previous !== 'live') {
      refreshAll();
      // Also on the first connect: a view may have loaded over HTTP before the socket was up.
      resyncViews();
    }
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
