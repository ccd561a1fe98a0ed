/**
 * Taiga answers with Python's `json.dumps` (taiga/base/api/renderers.py): the
 * default separators `", "` and `": "`, `\uXXXX` escapes for non-ASCII in API
 * answers (JSONRenderer, ensure_ascii=True) and raw UTF-8 in webhook bodies
 * (UnicodeJSONRenderer). Dates go through taiga/base/api/utils/encoders.py:
 * isoformat cut to milliseconds, `+00:00` written as `Z`, and no fraction at
 * all when the microseconds are zero. Nothing here is Taiga's code.
 */

/** A Python float (webhook-log durations): always with a decimal point. */
export class PyFloat {
  constructor(readonly value: number) {}
}

const hex4 = (code: number): string => code.toString(16).padStart(4, '0');

function pyString(text: string, ensureAscii: boolean): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const code = text.charCodeAt(i);
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (code < 0x20 || (ensureAscii && code > 0x7e)) out += `\\u${hex4(code)}`;
    else out += ch;
  }
  return `${out}"`;
}

/** `json.dumps(value, ensure_ascii=ensureAscii)` for plain JSON data. */
export function pyDumps(value: unknown, ensureAscii = true): string {
  if (value === null || value === undefined) return 'null';
  if (value instanceof PyFloat) {
    const text = String(value.value);
    return /[.eE]|Infinity|NaN/.test(text) ? text : `${text}.0`;
  }
  if (typeof value === 'string') return pyString(value, ensureAscii);
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'NaN';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map((v) => pyDumps(v, ensureAscii)).join(', ')}]`;
  if (value instanceof Set) return pyDumps([...(value as Set<unknown>)], ensureAscii);
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${pyString(k, ensureAscii)}: ${pyDumps(v, ensureAscii)}`).join(', ')}}`;
}

// ---- time: the fake keeps every timestamp as epoch microseconds, as Postgres does ----

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function parts(us: number): { date: Date; micros: number } {
  const ms = Math.floor(us / 1000);
  return { date: new Date(ms), micros: ((us % 1_000_000) + 1_000_000) % 1_000_000 };
}

function isoSeconds(date: Date, sep: string): string {
  return (
    `${date.getUTCFullYear()}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())}` +
    `${sep}${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`
  );
}

/** How Taiga's JSON encoder writes an aware UTC datetime: `2024-05-01T10:00:00.123Z`. */
export function taigaDate(us: number | null): string | null {
  if (us === null) return null;
  const { date, micros } = parts(us);
  const fraction = micros === 0 ? '' : `.${pad(Math.floor(micros / 1000), 3)}`;
  return `${isoSeconds(date, 'T')}${fraction}Z`;
}

/** Python's `str(datetime)` (history snapshots store `finish_date` this way; `None` becomes "None"). */
export function pyStrDate(us: number | null): string {
  if (us === null) return 'None';
  const { date, micros } = parts(us);
  return `${isoSeconds(date, ' ')}${micros === 0 ? '' : `.${pad(micros, 6)}`}+00:00`;
}

/**
 * A date filter value as dateutil's parser reads the common forms: a date, or a
 * date and time with `T` or a space, optional fraction (to microseconds) and an
 * optional `Z`/`±HH:MM`/`±HHMM` offset. Naive values are UTC (Django's TIME_ZONE).
 * Returns epoch microseconds, or null where dateutil would raise (a 500 in Taiga).
 */
export function parseFilterDate(raw: string): number | null {
  const m =
    /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i.exec(
      raw.trim(),
    );
  if (!m) return null;
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', tz] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    return null;
  }
  let offsetMin = 0;
  if (tz && tz.toUpperCase() !== 'Z') {
    const sign = tz.startsWith('-') ? -1 : 1;
    const digits = tz.slice(1).replace(':', '');
    offsetMin = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0'));
  }
  const micros = Number((frac + '000000').slice(0, 6));
  return (ms - offsetMin * 60_000) * 1000 + micros;
}
