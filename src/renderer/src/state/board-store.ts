import { create } from 'zustand';
import type { BoardTask, CallInput } from '../../../shared/contract';
import type { SyncLogEntry } from '../../../shared/model';
import type { Comment } from '../../../shared/task';
import { describeCallError, describeError } from '../api/envelope';
import { api } from './api';
import type { ListStatus } from './log-store';

export type NewTask = CallInput<'createTask'>['fields'];
export type TaskPatch = CallInput<'updateTask'>['patch'];

/** Several log entries in a row (one edit touches many fields) are one refetch. */
const REFETCH_DEBOUNCE_MS = 250;

export interface TaskComments {
  status: ListStatus;
  items: Comment[];
  error: string | null;
  posting: boolean;
  postError: string | null;
}

export interface BoardStore {
  boardId: string | null;
  columns: string[];
  /** In board order: by column, then position. */
  tasks: BoardTask[];
  status: ListStatus;
  error: string | null;
  /** A failed move, create, edit or delete, shown until dismissed. */
  actionError: string | null;
  /** Task ids with a write on its way. */
  busy: Record<string, true>;
  comments: Record<string, TaskComments>;
  load(boardId: string): Promise<void>;
  refresh(): Promise<void>;
  /** A log entry arrived: refetch (debounced) when it concerns this board. */
  onLog(entry: SyncLogEntry): void;
  create(fields: NewTask): Promise<BoardTask | null>;
  update(taskId: string, patch: TaskPatch): Promise<BoardTask | null>;
  /** Moves a card at once on screen, then on the board; puts it back if the board refuses. */
  move(taskId: string, status: string, beforeId?: string | null): Promise<boolean>;
  remove(taskId: string): Promise<boolean>;
  loadComments(taskId: string): Promise<void>;
  addComment(taskId: string, body: string): Promise<boolean>;
  dismissError(): void;
}

let generation = 0;
let refetchTimer: ReturnType<typeof setTimeout> | undefined;

/** The task list with `task` moved into `status`, before `beforeId` or at the end of that column. */
export function placeTask(
  tasks: readonly BoardTask[],
  columns: readonly string[],
  task: BoardTask,
  status: string,
  beforeId?: string | null,
): BoardTask[] {
  const moved = { ...task, status };
  const rest = tasks.filter((t) => t.id !== task.id);
  let index = beforeId ? rest.findIndex((t) => t.id === beforeId) : -1;
  if (index === -1) {
    // After the last card of the column, or before the first card of any later column.
    const col = columns.indexOf(status);
    const lastInColumn = rest.map((t) => t.status).lastIndexOf(status);
    index =
      lastInColumn !== -1
        ? lastInColumn + 1
        : rest.findIndex((t) => columns.indexOf(t.status) > col) === -1
          ? rest.length
          : rest.findIndex((t) => columns.indexOf(t.status) > col);
  }
  return [...rest.slice(0, index), moved, ...rest.slice(index)];
}

export const useBoardStore = create<BoardStore>()((set, get) => {
  const replaceTask = (task: BoardTask): void =>
    set((s) => ({
      tasks: s.tasks.some((t) => t.id === task.id)
        ? s.tasks.map((t) => (t.id === task.id ? task : t))
        : [...s.tasks, task],
    }));
  const setBusy = (taskId: string, on: boolean): void =>
    set((s) => {
      const { [taskId]: _was, ...rest } = s.busy;
      return { busy: on ? { ...rest, [taskId]: true } : rest };
    });

  return {
    boardId: null,
    columns: [],
    tasks: [],
    status: 'idle',
    error: null,
    actionError: null,
    busy: {},
    comments: {},

    async load(boardId) {
      if (get().boardId !== boardId) {
        set({ boardId, columns: [], tasks: [], status: 'loading', error: null, actionError: null, comments: {} });
      }
      await get().refresh();
    },

    async refresh() {
      const boardId = get().boardId;
      if (!boardId) return;
      const mine = ++generation;
      if (get().status !== 'ready') set({ status: 'loading', error: null });
      try {
        const board = await api().call('listTasks', { boardId });
        // Skip a stale answer, and do not undo an optimistic move while its write is still on the way.
        if (mine !== generation || get().boardId !== boardId || Object.keys(get().busy).length > 0) return;
        set({ columns: board.columns, tasks: board.tasks, status: 'ready', error: null });
      } catch (err) {
        if (mine !== generation) return;
        set((s) => ({ status: s.status === 'ready' ? 'ready' : 'error', error: describeError(err) }));
      }
    },

    onLog(entry) {
      const { boardId, status } = get();
      if (!boardId || entry.boardId !== boardId || status === 'idle') return;
      if (refetchTimer) clearTimeout(refetchTimer);
      refetchTimer = setTimeout(() => {
        refetchTimer = undefined;
        void get().refresh();
      }, REFETCH_DEBOUNCE_MS);
    },

    async create(fields) {
      const boardId = get().boardId;
      if (!boardId) return null;
      set({ actionError: null });
      try {
        const task = await api().call('createTask', { boardId, fields });
        generation++;
        replaceTask(task);
        return task;
      } catch (err) {
        set({ actionError: `Could not create the card: ${describeCallError(err)}` });
        return null;
      }
    },

    async update(taskId, patch) {
      const boardId = get().boardId;
      if (!boardId) return null;
      set({ actionError: null });
      setBusy(taskId, true);
      try {
        const task = await api().call('updateTask', { boardId, taskId, patch });
        generation++;
        const before = get().tasks.find((t) => t.id === taskId);
        if (before && before.status !== task.status)
          set((s) => ({ tasks: placeTask(s.tasks, s.columns, task, task.status) }));
        else replaceTask(task);
        return task;
      } catch (err) {
        set({ actionError: `Could not save the card: ${describeCallError(err)}` });
        return null;
      } finally {
        setBusy(taskId, false);
      }
    },

    async move(taskId, status, beforeId) {
      const { boardId, tasks, columns } = get();
      const task = tasks.find((t) => t.id === taskId);
      if (!boardId || !task || beforeId === taskId) return false;
      const previous = tasks;
      generation++;
      set({ tasks: placeTask(tasks, columns, task, status, beforeId), actionError: null });
      setBusy(taskId, true);
      try {
        const moved = await api().call('moveTask', { boardId, taskId, status, ...(beforeId ? { beforeId } : {}) });
        generation++;
        replaceTask(moved);
        return true;
      } catch (err) {
        generation++;
        set({ tasks: previous, actionError: `Could not move “${task.title}”: ${describeError(err)}` });
        return false;
      } finally {
        setBusy(taskId, false);
      }
    },

    async remove(taskId) {
      const boardId = get().boardId;
      if (!boardId) return false;
      set({ actionError: null });
      try {
        await api().call('deleteTask', { boardId, taskId });
        generation++;
        set((s) => ({ tasks: s.tasks.filter((t) => t.id !== taskId) }));
        return true;
      } catch (err) {
        set({ actionError: `Could not delete the card: ${describeError(err)}` });
        return false;
      }
    },

    async loadComments(taskId) {
      const boardId = get().boardId;
      if (!boardId) return;
      const current = get().comments[taskId];
      set((s) => ({
        comments: {
          ...s.comments,
          [taskId]: {
            items: current?.items ?? [],
            status: current?.items.length ? 'ready' : 'loading',
            error: null,
            posting: false,
            postError: null,
          },
        },
      }));
      try {
        const items = await api().call('listComments', { boardId, taskId });
        set((s) => ({
          comments: { ...s.comments, [taskId]: { ...s.comments[taskId]!, items, status: 'ready', error: null } },
        }));
      } catch (err) {
        set((s) => ({
          comments: { ...s.comments, [taskId]: { ...s.comments[taskId]!, status: 'error', error: describeError(err) } },
        }));
      }
    },

    async addComment(taskId, body) {
      const boardId = get().boardId;
      const current = get().comments[taskId];
      if (!boardId || !current) return false;
      set((s) => ({ comments: { ...s.comments, [taskId]: { ...current, posting: true, postError: null } } }));
      try {
        const comment = await api().call('addComment', { boardId, taskId, body });
        set((s) => {
          const c = s.comments[taskId]!;
          return { comments: { ...s.comments, [taskId]: { ...c, items: [...c.items, comment], posting: false } } };
        });
        return true;
      } catch (err) {
        set((s) => ({
          comments: {
            ...s.comments,
            [taskId]: { ...s.comments[taskId]!, posting: false, postError: describeError(err) },
          },
        }));
        return false;
      }
    },

    dismissError() {
      set({ actionError: null });
    },
  };
});
