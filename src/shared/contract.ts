/**
 * The one API contract between the UI and the core.
 *
 * Every call the renderer can make is declared here with a zod schema for its
 * input and a TypeScript type for its output. Electron IPC and HTTP both carry
 * this contract, validate with these schemas and call the same handlers.
 */
import { z } from 'zod';
import type { AppState, Conflict, Health, OutboxItem, SecretName, Settings, SyncLogEntry } from './model';
import { ownershipRulesSchema, type OwnershipSchema } from './ownership';
import type { Problem } from './validation';

const empty = z.object({}).strict();

/** Secret names become keychain accounts and env-var lookups, so keep them boring. */
export const secretNameSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(128, 'must be at most 128 characters')
  .regex(/^[A-Za-z0-9._-]+$/, 'may only contain letters, digits, ".", "_" and "-"');

export const settingsPatchSchema = z
  .object({
    theme: z.enum(['system', 'light', 'dark']),
    startAtLogin: z.boolean(),
    notifications: z.boolean(),
  })
  .partial()
  .strict();

const reasonSchema = z.string().max(500, 'must be at most 500 characters');
const boardIdSchema = z.string().min(1, 'must not be empty').max(64);

export const logFilterSchema = z
  .object({
    boardId: boardIdSchema,
    taskId: z.string().max(200),
    /** Exact actor (`human`, `agent:researcher`) or a kind prefix (`agent`). */
    actor: z.string().max(200),
    /** Exact action or a prefix ending in a dot, e.g. `field.` or `conflict.`. */
    action: z.string().max(100),
    /** Case-insensitive text search over field, values and reason. */
    text: z.string().max(200),
  })
  .partial()
  .strict();

export const listLogSchema = z
  .object({
    /** Entries with seq greater than this; 0 for the start. */
    after: z.number().int().min(0).default(0),
    limit: z.number().int().min(1).max(1000).default(200),
    /** newest-first pages backwards from `before`, for the Activity view. */
    before: z.number().int().min(1).optional(),
    filter: logFilterSchema.default({}),
  })
  .strict();

/** Input schemas, one per call. */
export const callInputs = {
  health: empty,
  getState: empty,
  getSettings: empty,
  updateSettings: settingsPatchSchema,
  listSecrets: empty,
  setSecret: z.object({ name: secretNameSchema, value: z.string().min(1, 'must not be empty') }).strict(),
  deleteSecret: z.object({ name: secretNameSchema }).strict(),
  pauseAll: z.object({ reason: reasonSchema.optional() }).strict(),
  resumeAll: empty,
  listLog: listLogSchema,
  getOwnership: z.object({ boardId: boardIdSchema }).strict(),
  setOwnership: z.object({ boardId: boardIdSchema, rules: ownershipRulesSchema }).strict(),
  listConflicts: z.object({ state: z.enum(['open', 'resolved', 'all']).default('open') }).strict(),
  resolveConflict: z
    .object({
      id: z.number().int().min(1),
      take: z.enum(['human', 'agent']).optional(),
      /** An edited value; give either `take` or `value`. */
      value: z.unknown().optional(),
    })
    .strict()
    .refine((r) => (r.take === undefined) !== (r.value === undefined), {
      message: 'give exactly one of take or value',
      path: ['take'],
    }),
  listOutbox: z.object({ state: z.enum(['pending', 'done', 'parked']).optional() }).strict(),
  retryOutbox: z.object({ id: z.number().int().min(1) }).strict(),
  pauseBoard: z.object({ boardId: boardIdSchema, reason: reasonSchema.optional() }).strict(),
  resumeBoard: z.object({ boardId: boardIdSchema }).strict(),
  syncNow: z.object({ boardId: boardIdSchema.optional() }).strict(),
} as const;

/** Output types, one per call. */
export interface CallOutputs {
  health: Health;
  getState: AppState;
  getSettings: Settings;
  updateSettings: Settings;
  listSecrets: SecretName[];
  setSecret: { name: string };
  deleteSecret: { name: string; deleted: boolean };
  pauseAll: AppState;
  resumeAll: AppState;
  listLog: { entries: SyncLogEntry[] };
  getOwnership: OwnershipSchema;
  setOwnership: OwnershipSchema;
  listConflicts: Conflict[];
  resolveConflict: Conflict;
  listOutbox: OutboxItem[];
  retryOutbox: { retried: boolean };
  pauseBoard: AppState;
  resumeBoard: AppState;
  syncNow: { boards: string[] };
}

export type CallName = keyof typeof callInputs;
export type CallInput<N extends CallName> = z.input<(typeof callInputs)[N]>;
export type ParsedCallInput<N extends CallName> = z.output<(typeof callInputs)[N]>;
export type CallOutput<N extends CallName> = CallOutputs[N];

export const callNames = Object.keys(callInputs) as CallName[];

export function isCallName(name: string): name is CallName {
  return Object.prototype.hasOwnProperty.call(callInputs, name);
}

/** Events the core pushes to every connected UI. */
export interface EventPayloads {
  'state.changed': AppState;
  'settings.changed': Settings;
  'log.appended': SyncLogEntry;
  'conflict.opened': Conflict;
  'conflict.resolved': Conflict;
}

export type EventName = keyof EventPayloads;
export type DeckhandEvent = { [E in EventName]: { type: E; payload: EventPayloads[E] } }[EventName];

export type ApiErrorCode = 'invalid_input' | 'unknown_method' | 'not_found' | 'unavailable' | 'internal';

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  problems?: Problem[];
}

/** The envelope both transports use, so errors arrive with the same shape everywhere. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorBody };

/** What the renderer sees, whichever transport it runs on. */
export interface DeckhandApi {
  call<N extends CallName>(name: N, input: CallInput<N>): Promise<CallOutput<N>>;
  /** Returns an unsubscribe function. */
  subscribe(listener: (event: DeckhandEvent) => void): () => void;
}

/** The narrow surface the Electron preload exposes on `window.deckhandBridge`. */
export interface PreloadBridge {
  invoke(name: string, input: unknown): Promise<CallResult<unknown>>;
  onEvent(listener: (event: DeckhandEvent) => void): () => void;
}

export { IPC_CALL_CHANNEL, IPC_EVENT_CHANNEL } from './ipc-channels';

/** Raised on the renderer side when a call fails; carries the core's error body. */
export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly problems?: Problem[];
  constructor(body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.code = body.code;
    this.problems = body.problems;
  }
}
