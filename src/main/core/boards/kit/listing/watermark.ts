import type { Task } from '../../../../../shared/task';

/** The later of two board-clock times (ISO strings); null counts as the earliest. */
export function laterTime(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(b) > Date.parse(a) ? b : a;
}

/**
 * The watermark after a listing: the highest `updatedAt` among the tasks, on
 * the board's own clock, never below the previous one (a listing that found
 * nothing keeps it).
 */
export function watermarkOf(tasks: readonly Pick<Task, 'updatedAt'>[], previous: string | null): string | null {
  return tasks.reduce<string | null>((mark, task) => laterTime(mark, task.updatedAt), previous);
}
