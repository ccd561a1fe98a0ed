import { create } from 'zustand';
import type { OutboxItem, SyncLogEntry } from '../../../shared/model';
import { describeError } from '../api/envelope';
import { api } from './api';
import { useAppStore } from './app-store';
import type { ListStatus } from './log-store';

const REFETCH_DEBOUNCE_MS = 400;

export type BoardAction = 'pause' | 'resume' | 'sync';

export interface BoardsStore {
  /** Pending and parked outbox items, oldest first. */
  outbox: OutboxItem[];
  status: ListStatus;
  error: string | null;
  retrying: Record<number, true>;
  retryError: string | null;
  /** What is on its way per board. */
  pending: Record<string, BoardAction>;
  /** The last outcome per board ("Synced at 10:02", or why it failed). */
  messages: Record<string, { tone: 'good' | 'bad'; text: string }>;
  loadOutbox(): Promise<void>;
  /** Outbox-related log entries refetch the outbox (debounced) once it has been loaded. */
  onLog(entry: SyncLogEntry): void;
  retry(id: number): Promise<void>;
  pauseBoard(boardId: string): Promise<void>;
  resumeBoard(boardId: string): Promise<void>;
  syncNow(boardId: string): Promise<void>;
}

let generation = 0;
let refetchTimer: ReturnType<typeof setTimeout> | undefined;

export const useBoardsStore = create<BoardsStore>()((set, get) => {
  const run = async (boardId: string, action: BoardAction, op: () => Promise<string>): Promise<void> => {
    set((s) => ({ pending: { ...s.pending, [boardId]: action } }));
    try {
      const text = await op();
      set((s) => ({ messages: { ...s.messages, [boardId]: { tone: 'good', text } } }));
    } catch (err) {
      const verb = action === 'sync' ? 'sync' : action;
      set((s) => ({
        messages: { ...s.messages, [boardId]: { tone: 'bad', text: `Could not ${verb}: ${describeError(err)}` } },
      }));
    } finally {
      set((s) => {
        const { [boardId]: _done, ...rest } = s.pending;
        return { pending: rest };
      });
    }
  };

  return {
    outbox: [],
    status: 'idle',
    error: null,
    retrying: {},
    retryError: null,
    pending: {},
    messages: {},

    async loadOutbox() {
      const mine = ++generation;
      if (get().status !== 'ready') set({ status: 'loading', error: null });
      try {
        const [pending, parked] = await Promise.all([
          api().call('listOutbox', { state: 'pending' }),
          api().call('listOutbox', { state: 'parked' }),
        ]);
        if (mine !== generation) return;
        const outbox = [...parked, ...pending].sort((a, b) => a.id - b.id);
        set({ outbox, status: 'ready', error: null });
      } catch (err) {
        if (mine !== generation) return;
        set((s) => ({ status: s.status === 'ready' ? 'ready' : 'error', error: describeError(err) }));
      }
    },

    onLog(entry) {
      if (get().status === 'idle') return;
      if (!/^(outbox\.|intent\.|field\.written|comment\.added|task\.created|conflict\.)/.test(entry.action)) return;
      if (refetchTimer) clearTimeout(refetchTimer);
      refetchTimer = setTimeout(() => {
        refetchTimer = undefined;
        void get().loadOutbox();
      }, REFETCH_DEBOUNCE_MS);
    },

    async retry(id) {
      set((s) => ({ retrying: { ...s.retrying, [id]: true }, retryError: null }));
      try {
        await api().call('retryOutbox', { id });
        await get().loadOutbox();
      } catch (err) {
        set({ retryError: `Could not retry #${id}: ${describeError(err)}` });
      } finally {
        set((s) => {
          const { [id]: _done, ...rest } = s.retrying;
          return { retrying: rest };
        });
      }
    },

    pauseBoard(boardId) {
      return run(boardId, 'pause', async () => {
        useAppStore.getState().receive(await api().call('pauseBoard', { boardId }));
        return 'Paused: no polling and no writes until you resume.';
      });
    },

    resumeBoard(boardId) {
      return run(boardId, 'resume', async () => {
        useAppStore.getState().receive(await api().call('resumeBoard', { boardId }));
        return 'Resumed.';
      });
    },

    syncNow(boardId) {
      return run(boardId, 'sync', async () => {
        await api().call('syncNow', { boardId });
        await useAppStore.getState().refresh();
        return `Synced at ${new Date().toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' })}.`;
      });
    },
  };
});
