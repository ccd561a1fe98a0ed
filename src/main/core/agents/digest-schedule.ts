import { Cron } from 'croner';
import { localDay } from './budget';

/** The digest's default: 09:00 local time, every day. */
export const DEFAULT_DIGEST_SCHEDULE = '0 9 * * *';

/**
 * Whether today's scheduled time has already passed: then a Deckhand that was
 * not running at that moment still makes today's digest when it starts (the
 * run's dedupe key keeps it to one per day however often it restarts).
 */
export function dueToday(schedule: string, now: Date): boolean {
  const probe = new Cron(schedule, { paused: true });
  const startOfDay = new Date(now.getFullYear(), now.getMonth(), now.getDate());
  const first = probe.nextRun(new Date(startOfDay.getTime() - 1));
  probe.stop();
  return first !== null && first.getTime() <= now.getTime() && localDay(first) === localDay(now);
}

/** Runs `fire` on the cron schedule (local time) until stopped. */
export function scheduleDigest(schedule: string, fire: () => void): { stop(): void } {
  const job = new Cron(schedule, { catch: true, protect: true }, fire);
  return { stop: () => job.stop() };
}
