import { create } from 'zustand';
import type { ConnectionStatus } from '../api/transport';
import type { LogFilter } from '../lib/log-entries';

export interface ConnectionStore {
  status: ConnectionStatus;
  /** ISO time of the last change, for "offline since". */
  since: string;
  /** The transport's JSONL export URL builder, or null when it has none (Electron IPC). */
  logExportUrl: ((filter: LogFilter) => string) | null;
  setStatus(status: ConnectionStatus): void;
}

export const useConnectionStore = create<ConnectionStore>()((set, get) => ({
  status: 'connecting',
  since: new Date().toISOString(),
  logExportUrl: null,
  setStatus(status) {
    if (get().status !== status) set({ status, since: new Date().toISOString() });
  },
}));
