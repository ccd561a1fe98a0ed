/**
 * Value conversions between Kanboard's wire format and the canonical task.
 * Kanboard sends integers as numbers on PHP 8.1+ with SQLite, and as strings
 * on MySQL or older PHP, so every read tolerates both.
 */

/** A number from a Kanboard value (number, numeric string, null). */
export function num(value: unknown): number {
  const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
  return Number.isFinite(n) ? n : 0;
}

/** Text from a Kanboard value (null and absent are empty). */
export function text(value: unknown): string {
  return value === null || value === undefined ? '' : String(value);
}

/** Unix seconds on the board's clock as ISO-8601. */
export function isoFromUnix(seconds: unknown): string {
  return new Date(num(seconds) * 1000).toISOString();
}

export interface PriorityRange {
  start: number;
  end: number;
}

/**
 * Kanboard priorities are integers from the project's priority_start to
 * priority_end (default 0..3, higher is more urgent); the canonical scale is
 * 0 (none) .. 4 (urgent). With five or more levels the ends map to the ends
 * and the middle spreads evenly, so 0..4 round-trips exactly. With fewer, the
 * lowest level is "none" and the others take the top of the scale: on the
 * default 0..3 that is P0 = 0, P1 = 2, P2 = 3, P3 = 4, and a canonical 1 (low)
 * is written as P0.
 */
function canonicalLevels(levels: number): number[] {
  if (levels >= 5) return [];
  return [[0], [0, 4], [0, 2, 4], [0, 2, 3, 4]][Math.max(0, levels - 1)]!;
}

function normalRange(range: PriorityRange): PriorityRange {
  const start = Math.trunc(num(range.start));
  const end = Math.trunc(num(range.end));
  return end >= start ? { start, end } : { start: end, end: start };
}

export function priorityToCanonical(value: unknown, range: PriorityRange): number {
  const { start, end } = normalRange(range);
  const p = Math.min(end, Math.max(start, Math.trunc(num(value))));
  const levels = end - start + 1;
  if (levels >= 5) return Math.round(((p - start) * 4) / (end - start));
  return canonicalLevels(levels)[p - start] ?? 0;
}

export function priorityFromCanonical(value: number, range: PriorityRange): number {
  const { start, end } = normalRange(range);
  const c = Math.min(4, Math.max(0, Math.trunc(value)));
  const levels = end - start + 1;
  if (levels >= 5) return start + Math.round((c * (end - start)) / 4);
  const points = canonicalLevels(levels);
  let index = 0;
  points.forEach((point, i) => {
    if (point <= c) index = i;
  });
  return start + index;
}

/** The calendar date (YYYY-MM-DD) of a Kanboard timestamp in the server's timezone; 0 means no date. */
export function dueDateFromKanboard(value: unknown, timeZone: string): string | null {
  const seconds = num(value);
  if (seconds <= 0) return null;
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
  }).formatToParts(new Date(seconds * 1000));
  const get = (type: string): string => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/**
 * A canonical date as Kanboard's `Y-m-d H:i` input, at noon server time: a
 * date-only value then reads back as the same day even when the server's and
 * the user's timezones differ by hours. An empty string clears the date.
 */
export function dueDateToKanboard(date: string | null): string {
  return date ? `${date} 12:00` : '';
}

/** A timezone name Intl accepts, or UTC. */
export function safeTimeZone(name: unknown): string {
  const zone = typeof name === 'string' && name !== '' ? name : 'UTC';
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return zone;
  } catch {
    return 'UTC';
  }
}
