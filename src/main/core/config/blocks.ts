import { z } from 'zod';
import type { SecretRef } from '../secrets/secret-store';
import { cronProblem } from './cron';
import { parseDuration } from './duration';

/**
 * The pieces config schemas are built from: the whole file's schema and each
 * board module's own entry (boards/<type>/module.ts) use the same ones, so a
 * secret, a duration or a URL reads and fails alike wherever it appears.
 */

/**
 * The column roles the engine moves tasks between. `columns` maps a role to the
 * board's own column name. It is a closed set so a typo such as `reveiw` is an
 * error at `deckhand check`, not a role the engine silently never uses.
 */
export const COLUMN_ROLES = ['backlog', 'todo', 'working', 'review', 'blocked', 'done'] as const;
export type ColumnRole = (typeof COLUMN_ROLES)[number];

export const list = (items: readonly string[]): string => items.join(', ');

/**
 * A schema-level message for a wrong value that still says "required" when the
 * key is missing, since a custom message would otherwise replace that too.
 */
export const unlessMissing =
  (message: string) =>
  (iss: { input?: unknown }): string =>
    iss.input === undefined ? 'required' : message;

export const nonEmpty = z.string().min(1, 'must not be empty');

export const slug = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'expected a short id: lowercase letters, digits, "-" or "_" (like "kb")');

export const stringList = z.array(nonEmpty, {
  error: (iss) => (iss.code === 'invalid_type' ? unlessMissing('expected a list of strings')(iss) : undefined),
});

export const positiveInt = z.int().min(1, 'must be at least 1');

export const SECRET_HINT = 'secrets are never written in config; use { keychain: NAME } or { env: NAME }';

export const envName = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name, like KANBOARD_TOKEN');

/**
 * `{ keychain: NAME }` or `{ env: NAME }`, exactly one. A bare string is refused
 * with a message that says why, because a bare string there is almost always a
 * pasted token, and config files end up in repositories and backups.
 */
export const secretRefSchema = z
  .object(
    {
      keychain: z.string().regex(/^\S+$/, 'expected a keychain entry name without spaces').optional(),
      env: envName.optional(),
    },
    {
      error: (iss) => {
        if (iss.code !== 'invalid_type') return undefined;
        if (iss.input === undefined) return `required; ${SECRET_HINT}`;
        if (typeof iss.input === 'string' || typeof iss.input === 'number') return SECRET_HINT;
        return 'expected { keychain: NAME } or { env: NAME }';
      },
    },
  )
  .strict()
  .superRefine((ref, ctx) => {
    const given = (ref.keychain !== undefined ? 1 : 0) + (ref.env !== undefined ? 1 : 0);
    if (given === 0) ctx.addIssue({ code: 'custom', message: 'expected { keychain: NAME } or { env: NAME }' });
    if (given === 2) ctx.addIssue({ code: 'custom', message: 'give either keychain or env, not both' });
  })
  .transform((ref): SecretRef => (ref.keychain !== undefined ? { keychain: ref.keychain } : { env: ref.env ?? '' }));

/**
 * A duration string (`15s`, `10m`, `2h`, `1d`, `500ms`, `1h30m`), parsed to
 * milliseconds. The parsed config therefore holds numbers of milliseconds.
 */
export const durationSchema = z
  .string({
    error: (iss) =>
      iss.code === 'invalid_type' && iss.input !== undefined
        ? 'expected a duration with a unit, like 15s, 10m or 2h (a bare number has no unit)'
        : undefined,
  })
  .transform((text, ctx) => {
    let ms: number;
    try {
      ms = parseDuration(text);
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: (error as Error).message });
      return z.NEVER;
    }
    if (ms <= 0) {
      ctx.addIssue({ code: 'custom', message: 'must be longer than zero' });
      return z.NEVER;
    }
    return ms;
  });

export const httpUrl = z.url({ protocol: /^https?$/, error: unlessMissing('expected an http:// or https:// URL') });

export const cronSchema = z.string().superRefine((expression, ctx) => {
  const problem = cronProblem(expression);
  if (problem) ctx.addIssue({ code: 'custom', message: `invalid cron schedule: ${problem}` });
});

// ---------------------------------------------------------------------------
// Boards

export const columnsSchema = z
  .object({
    backlog: nonEmpty.optional(),
    todo: nonEmpty.optional(),
    working: nonEmpty.optional(),
    review: nonEmpty.optional(),
    blocked: nonEmpty.optional(),
    done: nonEmpty.optional(),
  } satisfies Record<ColumnRole, unknown>)
  .strict();

/**
 * A key a board type needs, with a message that says what it is for when it
 * is missing ("required for a kanboard board: its API token"), checked at
 * `deckhand check` rather than when the board first connects.
 */
export function requiredBecause<T extends z.ZodType>(schema: T, message: string) {
  return schema
    .optional()
    .refine((value) => value !== undefined, { message, abort: true })
    .transform((value) => value as z.output<T>);
}

/** A key this board type does not take, refused with the reason instead of a bare "unknown key". */
export const refusedBecause = (message: string) => z.never({ error: message }).optional();

/**
 * A duration within [min, max]. The bounds come as config text ("1s", "24h") so the
 * message shows the range the way the user writes it.
 */
export function boundedDuration(min: string, max: string) {
  const [minMs, maxMs] = [parseDuration(min), parseDuration(max)];
  return durationSchema.refine((ms) => ms >= minMs && ms <= maxMs, { message: `must be between ${min} and ${max}` });
}

/**
 * How often to poll a board: `poll: { interval: 15s }`. Faster than once a second
 * hammers the board's API; slower than once a day means changes are never seen.
 */
export const POLL_INTERVAL_RANGE = { min: '1s', max: '24h' } as const;
/** A board's request budget: below 6/min a poll and a write would not both fit; above 100,000/min is no limit. */
export const REQUESTS_PER_MINUTE_RANGE = { min: 6, max: 100_000 } as const;
const requestsPerMinuteMessage = `must be a whole number of requests between ${REQUESTS_PER_MINUTE_RANGE.min} and ${REQUESTS_PER_MINUTE_RANGE.max.toLocaleString('en-US')}`;
export const pollSchema = z
  .object({
    interval: boundedDuration(POLL_INTERVAL_RANGE.min, POLL_INTERVAL_RANGE.max).optional(),
    /** Every request to the board counts (polls, writes, agents' reads); the default is the board type's. */
    requests_per_minute: z
      .int(requestsPerMinuteMessage)
      .min(REQUESTS_PER_MINUTE_RANGE.min, requestsPerMinuteMessage)
      .max(REQUESTS_PER_MINUTE_RANGE.max, requestsPerMinuteMessage)
      .optional(),
  })
  .strict();

/** Keys every board entry has, whatever its type; a module adds its own and a `type` literal. */
export const boardEntryBase = {
  id: slug,
  /** Display name; the id is shown when absent. */
  name: nonEmpty.optional(),
  columns: columnsSchema.optional(),
};
