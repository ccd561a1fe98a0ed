/**
 * Timestamps as Plane stores and renders them: Postgres keeps microseconds;
 * DRF's DateTimeField writes `datetime.isoformat()` in the active time zone
 * (the API user's `user_timezone`, activated by Plane's TimezoneMixin) and
 * turns a `+00:00` suffix into `Z`; `isoformat()` leaves the fraction out
 * when the microseconds are zero. Celery tasks (webhooks) run in UTC.
 */

/** Microseconds since the epoch. */
export type Micros = number;

function offsetMinutes(epochMs: number, timeZone: string): number {
  if (timeZone === 'UTC') return 0;
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
  }).formatToParts(new Date(epochMs));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const asUtc = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

/** DRF's rendering of a DateTimeField value, or null. */
export function drfDateTime(value: Micros | null, timeZone = 'UTC'): string | null {
  if (value === null) return null;
  const ms = Math.floor(value / 1000);
  const micro = value - Math.floor(value / 1_000_000) * 1_000_000;
  const offset = offsetMinutes(ms, timeZone);
  const local = new Date(ms + offset * 60_000);
  const base =
    `${pad(local.getUTCFullYear(), 4)}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}` +
    `T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}`;
  const fraction = micro === 0 ? '' : `.${pad(micro, 6)}`;
  if (offset === 0) return `${base}${fraction}Z`;
  const sign = offset < 0 ? '-' : '+';
  const abs = Math.abs(offset);
  return `${base}${fraction}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * Parses what Django's DateTimeField accepts from a request (`created_at` on a
 * create): ISO 8601 with an optional fraction and offset (naive means UTC here).
 */
export function parseIsoMicros(text: string): Micros | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6}))?)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, tz] = m;
  let ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0));
  if (tz && tz !== 'Z') {
    const sign = tz.startsWith('-') ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
  }
  return ms * 1000 + Number((frac ?? '').padEnd(6, '0'));
}

/** A clock in microseconds that never repeats or goes back (rows written in one request still differ). */
export class MicroClock {
  private last = 0;
  constructor(private readonly offsetMs: () => number) {}

  now(): Micros {
    const wall = Math.floor((Date.now() + this.offsetMs()) * 1000 + (performance.now() % 1) * 1000);
    this.last = Math.max(this.last + 1, wall);
    return this.last;
  }
}
