const UNIT_MS = { d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 } as const;
type Unit = keyof typeof UNIT_MS;
/** Largest unit first: a compound duration must list its parts in this order, each once. */
const UNIT_ORDER: readonly Unit[] = ['d', 'h', 'm', 's', 'ms'];
const PART = /(\d+(?:\.\d+)?)(ms|d|h|m|s)/y;

const HOW = 'write a number followed by ms, s, m, h or d, for example 500ms, 15s, 10m, 2h or 1h30m';

/**
 * Parses a config duration such as `500ms`, `15s`, `10m`, `2h`, `1d` or `1h30m`
 * into milliseconds. Durations in config are always strings with a unit, because
 * a bare number is ambiguous (seconds? milliseconds?) and a wrong guess there
 * means hammering a board or never polling it. Throws an Error with a message
 * fit to show the user when the text is not a duration.
 */
export function parseDuration(text: string): number {
  const source = text.trim();
  if (source === '') throw new Error(`empty duration: ${HOW}`);
  let total = 0;
  let lastUnit = -1;
  let index = 0;
  PART.lastIndex = 0;
  while (index < source.length) {
    PART.lastIndex = index;
    const match = PART.exec(source);
    if (!match) throw new Error(`invalid duration "${text}": ${HOW}`);
    const unit = match[2] as Unit;
    const order = UNIT_ORDER.indexOf(unit);
    if (order <= lastUnit) {
      throw new Error(`invalid duration "${text}": list each unit once, largest first (like 1h30m)`);
    }
    lastUnit = order;
    total += Number(match[1]) * UNIT_MS[unit];
    index = PART.lastIndex;
  }
  const ms = Math.round(total);
  if (!Number.isSafeInteger(ms)) throw new Error(`duration "${text}" is too long`);
  return ms;
}
