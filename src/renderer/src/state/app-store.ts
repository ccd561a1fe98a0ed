import { create } from 'zustand';
import type { AppState } from '../../../shared/model';
import { describeError } from '../api/envelope';
import { api } from './api';

export type LoadStatus = 'loading' | 'ready' | 'error';

export interface AppStore {
  /** The last state the core reported; kept while offline so the UI shows what it last knew. */
  state: AppState | null;
  load: LoadStatus;
  /** Why the last getState failed, if it did. */
  loadError: string | null;
  pausePending: boolean;
  /** A failed user action (pause, resume), shown until dismissed. */
  actionError: string | null;
  refresh(): Promise<void>;
  pauseAll(reason?: string): Promise<void>;
  resumeAll(): Promise<void>;
  /** A fresh state from an event or a call result. */
  receive(state: AppState): void;
  dismissActionError(): void;
}

export const useAppStore = create<AppStore>()((set, get) => ({
  state: null,
  load: 'loading',
  loadError: null,
  pausePending: false,
  actionError: null,

  async refresh() {
    if (get().state === null) set({ load: 'loading', loadError: null });
    try {
      const state = await api().call('getState', {});
      get().receive(state);
    } catch (err) {
      set((s) => ({ load: s.state ? 'ready' : 'error', loadError: describeError(err) }));
    }
  },

  async pauseAll(reason) {
    set({ pausePending: true, actionError: null });
    try {
      get().receive(await api().call('pauseAll', reason ? { reason } : {}));
    } catch (err) {
      set({ actionError: `Could not pause: ${describeError(err)}` });
    } finally {
      set({ pausePending: false });
    }
  },

  async resumeAll() {
    set({ pausePending: true, actionError: null });
    try {
      get().receive(await api().call('resumeAll', {}));
    } catch (err) {
      set({ actionError: `Could not resume: ${describeError(err)}` });
    } finally {
      set({ pausePending: false });
    }
  },

  // A getState or call answer that was in flight can land after a newer event: keep the newer state.
  receive(state) {
    const current = get().state;
    if (current && current.startedAt === state.startedAt && state.revision < current.revision) return;
    set({ state, load: 'ready', loadError: null });
  },

  dismissActionError() {
    set({ actionError: null });
  },
}));
