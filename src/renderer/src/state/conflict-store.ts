import { create } from 'zustand';
import type { CallInput } from '../../../shared/contract';
import type { Conflict } from '../../../shared/model';
import { describeError } from '../api/envelope';
import { api } from './api';
import type { ListStatus } from './log-store';

/** How a person settles one conflict: keep a side, or an edited value. */
export type Resolution = { take: 'human' | 'agent' } | { value: unknown };

/** How many resolved conflicts the view keeps for "recently resolved". */
const RECENT = 10;

export interface ConflictStore {
  open: Conflict[];
  /** Most recent first. */
  resolved: Conflict[];
  status: ListStatus;
  error: string | null;
  /** Conflict ids whose resolution is on its way. */
  pending: Record<number, true>;
  /** Why a resolution was refused, per conflict. */
  errors: Record<number, string>;
  /** For conflicts on local boards: the columns (to edit a status) and task titles (to name the task). */
  boards: Record<string, { columns: string[]; titles: Record<string, string> }>;
  /** Fetches columns and titles of these local boards, best effort: the resolver works without them. */
  loadBoardInfo(boardIds: readonly string[]): Promise<void>;
  load(): Promise<void>;
  /** Refetches only if the view has loaded before (reconnects). */
  resync(): Promise<void>;
  resolve(id: number, resolution: Resolution): Promise<boolean>;
  receiveOpened(conflict: Conflict): void;
  receiveResolved(conflict: Conflict): void;
}

const byOpened = (a: Conflict, b: Conflict): number => a.openedAt.localeCompare(b.openedAt) || a.id - b.id;
const byResolvedDesc = (a: Conflict, b: Conflict): number =>
  (b.resolvedAt ?? '').localeCompare(a.resolvedAt ?? '') || b.id - a.id;

function withResolved(list: Conflict[], conflict: Conflict): Conflict[] {
  return [conflict, ...list.filter((c) => c.id !== conflict.id)].sort(byResolvedDesc).slice(0, RECENT);
}

let generation = 0;

export const useConflictStore = create<ConflictStore>()((set, get) => ({
  open: [],
  resolved: [],
  status: 'idle',
  error: null,
  pending: {},
  errors: {},
  boards: {},

  async loadBoardInfo(boardIds) {
    await Promise.all(
      boardIds.map(async (boardId) => {
        try {
          const board = await api().call('listTasks', { boardId });
          const titles = Object.fromEntries(board.tasks.map((t) => [t.id, t.title]));
          set((s) => ({ boards: { ...s.boards, [boardId]: { columns: board.columns, titles } } }));
        } catch {
          // Names and a column list are a convenience; the conflict itself is shown either way.
        }
      }),
    );
  },

  async load() {
    const mine = ++generation;
    if (get().status !== 'ready') set({ status: 'loading', error: null });
    try {
      const all = await api().call('listConflicts', { state: 'all' });
      if (mine !== generation) return;
      set({
        open: all.filter((c) => c.state === 'open').sort(byOpened),
        resolved: all
          .filter((c) => c.state === 'resolved')
          .sort(byResolvedDesc)
          .slice(0, RECENT),
        status: 'ready',
        error: null,
      });
    } catch (err) {
      if (mine !== generation) return;
      set((s) => ({ status: s.status === 'ready' ? 'ready' : 'error', error: describeError(err) }));
    }
  },

  async resync() {
    if (get().status !== 'idle') await get().load();
  },

  async resolve(id, resolution) {
    const input: CallInput<'resolveConflict'> =
      'take' in resolution ? { id, take: resolution.take } : { id, value: resolution.value };
    set((s) => ({ pending: { ...s.pending, [id]: true }, errors: omit(s.errors, id) }));
    try {
      const resolved = await api().call('resolveConflict', input);
      get().receiveResolved(resolved);
      return true;
    } catch (err) {
      set((s) => ({ errors: { ...s.errors, [id]: describeError(err) } }));
      return false;
    } finally {
      set((s) => ({ pending: omit(s.pending, id) }));
    }
  },

  receiveOpened(conflict) {
    generation++;
    set((s) => ({
      open: [...s.open.filter((c) => c.id !== conflict.id), conflict].sort(byOpened),
      status: s.status === 'idle' ? 'idle' : 'ready',
    }));
  },

  receiveResolved(conflict) {
    generation++;
    set((s) => ({
      open: s.open.filter((c) => c.id !== conflict.id),
      resolved: withResolved(s.resolved, conflict),
    }));
  },
}));

function omit<V>(record: Record<number, V>, id: number): Record<number, V> {
  const { [id]: _gone, ...rest } = record;
  return rest;
}
