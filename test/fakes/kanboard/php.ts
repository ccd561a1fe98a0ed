/**
 * Small emulations of PHP behaviour that shows on Kanboard's wire: json_encode's
 * default escaping (webhook bodies), SQL LIKE matching, and local-time
 * arithmetic in the server's timezone (PHP's date functions).
 */

/** PHP's json_encode without flags: "/" as "\/" and every non-ASCII UTF-16 unit as \uXXXX. */
export function phpJsonEncode(value: unknown): string {
  return JSON.stringify(value)
    .replace(/\//g, '\\/')
    .replace(/[\u0080-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Case-insensitive SQL LIKE (% any run, _ one character), as SQLite's LIKE on ASCII. */
export function sqlLike(value: string, pattern: string): boolean {
  const regex = pattern
    .split('')
    .map((c) => (c === '%' ? '.*' : c === '_' ? '.' : c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  return new RegExp(`^${regex}$`, 'is').test(value);
}

interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

/** The wall-clock fields of an instant in a timezone. */
export function localParts(epochSeconds: number, timeZone: string): LocalParts {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(epochSeconds * 1000));
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return {
    year: get('year'),
    month: get('month'),
    day: get('day'),
    hour: get('hour'),
    minute: get('minute'),
    second: get('second'),
  };
}

/** PHP's mktime in a timezone: wall-clock fields to epoch seconds. */
export function mktime(fields: LocalParts, timeZone: string): number {
  const asUtc = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second) / 1000;
  let guess = asUtc;
  for (let i = 0; i < 2; i++) {
    const seen = localParts(guess, timeZone);
    const seenAsUtc = Date.UTC(seen.year, seen.month - 1, seen.day, seen.hour, seen.minute, seen.second) / 1000;
    guess += asUtc - seenAsUtc;
  }
  return guess;
}

/** DateParser::removeTimeFromTimestamp: midnight of that day, server time. */
export function startOfDay(epochSeconds: number, timeZone: string): number {
  const p = localParts(epochSeconds, timeZone);
  return mktime({ ...p, hour: 0, minute: 0, second: 0 }, timeZone);
}

/**
 * DateTime::createFromFormat for the formats Kanboard's DateParser tries
 * (m/d/Y, Y-m-d, Y_m_d, each optionally followed by " H:i"). A date without a
 * time takes the current time of day, as PHP does. Null when nothing matches.
 */
export function parseKanboardDate(value: string, timeZone: string, nowSeconds: number): number | null {
  const patterns: [RegExp, (m: RegExpMatchArray) => [number, number, number]][] = [
    [/^(\d{2})\/(\d{2})\/(\d{4})/, (m) => [Number(m[3]), Number(m[1]), Number(m[2])]],
    [/^(\d{4})-(\d{2})-(\d{2})/, (m) => [Number(m[1]), Number(m[2]), Number(m[3])]],
    [/^(\d{4})_(\d{2})_(\d{2})/, (m) => [Number(m[1]), Number(m[2]), Number(m[3])]],
  ];
  for (const [pattern, fields] of patterns) {
    const date = value.match(new RegExp(`${pattern.source}(?: (\\d{1,2}):(\\d{2}))?$`));
    if (!date) continue;
    const [year, month, day] = fields(date);
    if (month < 1 || month > 12 || day < 1 || day > 31) return null;
    const now = localParts(nowSeconds, timeZone);
    const hasTime = date[4] !== undefined;
    const hour = hasTime ? Number(date[4]) : now.hour;
    const minute = hasTime ? Number(date[5]) : now.minute;
    if (hour > 23 || minute > 59) return null;
    return mktime({ year, month, day, hour, minute, second: hasTime ? 0 : now.second }, timeZone);
  }
  return null;
}
