/**
 * Named points where the crash tests kill the engine (SIGKILL, no cleanup).
 * Inert unless DECKHAND_CRASH_AT names the point, which only the tests set.
 */
export type CrashPoint = 'before-outbox-commit' | 'after-outbox-commit' | 'after-board-write' | 'mid-reconcile';

export function crashPoint(point: CrashPoint): void {
  if (process.env.DECKHAND_CRASH_AT === point) process.kill(process.pid, 'SIGKILL');
}
