import { create } from 'zustand';
import type { InboxItem } from '../../../shared/model';
import { describeError } from '../api/envelope';
import { api } from './api';
import type { ListStatus } from './log-store';

/** What the person did with an item, while it is on its way, and what came back. */
export interface InboxAction {
  pending: boolean;
  error?: string;
  /** Said after an answer was posted: "Answer posted; moved to Work in progress." */
  done?: string;
}

export interface InboxStore {
  items: InboxItem[];
  status: ListStatus;
  error: string | null;
  /** Per item key. */
  actions: Record<string, InboxAction>;
  load(): Promise<void>;
  /** Refetches only if the view has loaded before (reconnects, a changed count). */
  resync(): Promise<void>;
  answer(runId: number, answer: string): Promise<boolean>;
  retryRun(runId: number): Promise<boolean>;
  dismissRun(runId: number): Promise<boolean>;
  resumeBoard(boardId: string): Promise<boolean>;
}

let generation = 0;

export const useInboxStore = create<InboxStore>()((set, get) => {
  /** Runs one action for an item, recording pending, error and what it did; the list is fetched again after. */
  const act = async (key: string, run: () => Promise<string>): Promise<boolean> => {
    set((s) => ({ actions: { ...s.actions, [key]: { pending: true } } }));
    try {
      const done = await run();
      set((s) => ({ actions: { ...s.actions, [key]: { pending: false, done } } }));
      await get().load();
      return true;
    } catch (err) {
      set((s) => ({ actions: { ...s.actions, [key]: { pending: false, error: describeError(err) } } }));
      return false;
    }
  };
  return {
    items: [],
    status: 'idle',
    error: null,
    actions: {},

    async load() {
      const mine = ++generation;
      if (get().status !== 'ready') set({ status: 'loading', error: null });
      try {
        const items = await api().call('listInbox', {});
        if (mine !== generation) return;
        set({ items, status: 'ready', error: null });
      } catch (err) {
        if (mine !== generation) return;
        set((s) => ({ status: s.status === 'ready' ? 'ready' : 'error', error: describeError(err) }));
      }
    },

    async resync() {
      if (get().status !== 'idle') await get().load();
    },

    answer: (runId, answer) =>
      act(`question:${runId}`, async () => {
        const { movedTo } = await api().call('answerQuestion', { runId, answer });
        return movedTo ? `Answer posted; the card moved to ${movedTo}.` : 'Answer posted.';
      }),

    retryRun: (runId) =>
      act(`failed:${runId}`, async () => {
        await api().call('retryRun', { id: runId });
        return 'Queued again.';
      }),

    dismissRun: (runId) =>
      act(`failed:${runId}`, async () => {
        await api().call('dismissRun', { id: runId });
        return 'Dismissed.';
      }),

    resumeBoard: (boardId) =>
      act(`brake:${boardId}`, async () => {
        await api().call('resumeBoard', { boardId });
        return 'Board resumed.';
      }),
  };
});
