import { create } from 'zustand';
import type { AgentRun, SyncLogEntry } from '../../../shared/model';
import { describeError } from '../api/envelope';
import { api } from './api';
import type { ListStatus } from './log-store';

/** What agents did on one card: its latest runs and the writes ownership refused. For the card dialog. */
export interface CardHistory {
  status: ListStatus;
  error: string | null;
  runs: AgentRun[];
  refused: SyncLogEntry[];
}

export interface CardHistoryStore {
  cards: Record<string, CardHistory>;
  load(boardId: string, taskId: string): Promise<void>;
}

export const cardKey = (boardId: string, taskId: string): string => `${boardId}\n${taskId}`;

export const useCardHistoryStore = create<CardHistoryStore>()((set) => ({
  cards: {},
  async load(boardId, taskId) {
    const key = cardKey(boardId, taskId);
    set((s) => ({
      cards: { ...s.cards, [key]: { runs: [], refused: [], ...s.cards[key], status: 'loading', error: null } },
    }));
    try {
      const [runs, log] = await Promise.all([
        api().call('listRuns', { taskId, limit: 5 }),
        api().call('listLog', {
          before: Number.MAX_SAFE_INTEGER,
          limit: 10,
          filter: { boardId, taskId, action: 'write.refused' },
        }),
      ]);
      set((s) => ({
        cards: {
          ...s.cards,
          [key]: {
            status: 'ready',
            error: null,
            runs: runs.filter((r) => r.boardId === boardId),
            refused: log.entries,
          },
        },
      }));
    } catch (err) {
      set((s) => ({
        cards: { ...s.cards, [key]: { runs: [], refused: [], status: 'error', error: describeError(err) } },
      }));
    }
  },
}));
