import { Cron } from 'croner';

interface CronField {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

const FIELDS: readonly CronField[] = [
  { name: 'minute', min: 0, max: 59 },
  { name: 'hour', min: 0, max: 23 },
  { name: 'day of month', min: 1, max: 31 },
  { name: 'month', min: 1, max: 12, names: MONTHS },
  // 7 is Sunday too, as in most crons.
  { name: 'day of week', min: 0, max: 7, names: DAYS },
];

function value(text: string, field: CronField): number | undefined {
  if (/^\d+$/.test(text)) return Number(text);
  const named = field.names?.indexOf(text.toLowerCase()) ?? -1;
  if (named < 0) return undefined;
  // Months are numbered from 1, days of the week from 0.
  return field.min + named;
}

function checkItem(item: string, field: CronField): string | undefined {
  const [range = '', step, extra] = item.split('/');
  if (extra !== undefined) return `"${item}" has more than one "/"`;
  if (step !== undefined && !/^[1-9]\d*$/.test(step)) return `"${item}": the step after "/" must be a positive number`;
  if (range === '*') return undefined;
  const [from = '', to, more] = range.split('-');
  if (more !== undefined) return `"${item}" is not a valid range`;
  // "5/15" means different things to different crons (the scheduler refuses it): ask for the explicit range.
  if (step !== undefined && to === undefined)
    return `"${item}": a step needs a range, like "${from}-${field.max}/${step}"`;
  const start = value(from, field);
  if (start === undefined) return `"${from}" is not a number`;
  if (start < field.min || start > field.max) return `${start} is outside ${field.min}-${field.max}`;
  if (to === undefined) return undefined;
  const end = value(to, field);
  if (end === undefined) return `"${to}" is not a number`;
  if (end < field.min || end > field.max) return `${end} is outside ${field.min}-${field.max}`;
  if (end < start) return `range "${range}" runs backwards`;
  return undefined;
}

/**
 * Checks a standard 5-field cron expression (minute hour day-of-month month
 * day-of-week) and returns what is wrong with it, or undefined when it is fine.
 * This is validation only, so a typo fails at `deckhand check` rather than as a
 * digest that silently never runs; the scheduler does the actual matching.
 */
export function cronProblem(expression: string): string | undefined {
  const parts = expression.trim().split(/\s+/);
  if (parts.length !== 5 || parts[0] === '') {
    return `expected 5 fields (minute hour day-of-month month day-of-week), like "0 9 * * *"; got ${parts[0] === '' ? 0 : parts.length}`;
  }
  for (let i = 0; i < FIELDS.length; i++) {
    const field = FIELDS[i]!;
    for (const item of parts[i]!.split(',')) {
      const problem = checkItem(item, field);
      if (problem) return `${field.name} field: ${problem}`;
    }
  }
  return schedulerProblem(expression);
}

/** The scheduler has the last word: what it refuses, or a date that never comes (31 February), fails here too. */
function schedulerProblem(expression: string): string | undefined {
  let job: Cron;
  try {
    job = new Cron(expression, { paused: true });
  } catch (err) {
    return `not understood by the scheduler: ${err instanceof Error ? err.message : String(err)}`;
  }
  const next = job.nextRun();
  job.stop();
  return next === null ? 'never matches a real date (for example 31 February)' : undefined;
}
