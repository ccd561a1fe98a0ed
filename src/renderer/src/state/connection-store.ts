import { create } from 'zustand';
import type { ConnectionStatus } from '../api/transport';

export interface ConnectionStore {
  status: ConnectionStatus;
  /** ISO time of the last change, for "offline since". */
  since: string;
  setStatus(status: ConnectionStatus): void;
}

export const useConnectionStore = create<ConnectionStore>()((set, get) => ({
  status: 'connecting',
  since: new Date().toISOString(),
  setStatus(status) {
    if (get().status !== status) set({ status, since: new Date().toISOString() });
  },
}));
