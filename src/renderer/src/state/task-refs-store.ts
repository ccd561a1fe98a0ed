import { useEffect } from 'react';
import { create } from 'zustand';
import type { TaskRef } from '../../../shared/model';
import { api } from './api';

/**
 * Titles and "Open on board" links of tasks the views show by id (Activity,
 * Agents, runs). Asked for in one batch per tick and kept: a title that
 * changes later shows on the next load of the app, which is good enough for a label.
 */
export interface TaskRefsStore {
  refs: Record<string, TaskRef>;
  want(boardId: string, taskId: string): void;
}

const keyOf = (boardId: string, taskId: string): string => `${boardId}\n${taskId}`;
const wanted = new Map<string, { boardId: string; taskId: string }>();
const asked = new Set<string>();
let scheduled = false;

export const useTaskRefsStore = create<TaskRefsStore>()((set) => {
  const flush = async (): Promise<void> => {
    scheduled = false;
    const batch = [...wanted.values()].slice(0, 500);
    for (const t of batch) wanted.delete(keyOf(t.boardId, t.taskId));
    if (batch.length === 0) return;
    try {
      const refs = await api().call('describeTasks', { tasks: batch });
      set((s) => ({ refs: { ...s.refs, ...Object.fromEntries(refs.map((r) => [keyOf(r.boardId, r.taskId), r])) } }));
    } catch {
      // A title is a convenience: the id stays on screen. Ask again next time.
      for (const t of batch) asked.delete(keyOf(t.boardId, t.taskId));
    }
    if (wanted.size > 0) schedule();
  };
  const schedule = (): void => {
    if (scheduled) return;
    scheduled = true;
    queueMicrotask(() => void flush());
  };
  return {
    refs: {},
    want(boardId, taskId) {
      const key = keyOf(boardId, taskId);
      if (asked.has(key)) return;
      asked.add(key);
      wanted.set(key, { boardId, taskId });
      schedule();
    },
  };
});

/** The task's title and link once known; asks for it on first use. */
export function useTaskRef(boardId: string | undefined, taskId: string | null | undefined): TaskRef | undefined {
  const ref = useTaskRefsStore((s) => (boardId && taskId ? s.refs[keyOf(boardId, taskId)] : undefined));
  const want = useTaskRefsStore((s) => s.want);
  useEffect(() => {
    if (boardId && taskId) want(boardId, taskId);
  }, [boardId, taskId, want]);
  return ref;
}
