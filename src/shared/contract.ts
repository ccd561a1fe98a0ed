/**
 * The one API contract between the UI and the core.
 *
 * Every call the renderer can make is declared here with a zod schema for its
 * input and a TypeScript type for its output. Electron IPC and HTTP both carry
 * this contract, validate with these schemas and call the same handlers.
 */
import { z } from 'zod';
import type { BoardTypeInfo, SavedBoardView } from './board-types';
import type {
  AgentConfigView,
  AgentNotification,
  AgentRun,
  AgentSummary,
  AppState,
  Conflict,
  Health,
  InboxItem,
  McpTokenOnce,
  OnboardingInfo,
  OutboxItem,
  SecretName,
  Settings,
  SyncLogEntry,
  TaskRef,
} from './model';
import { ownershipRulesSchema, type OwnershipSchema } from './ownership';
import type { Comment, Task } from './task';
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

const taskIdSchema = z.string().min(1, 'must not be empty').max(200);
const agentIdSchema = z.string().min(1, 'must not be empty').max(64);
const AGENT_RUN_STATES = ['queued', 'claimed', 'running', 'waiting-for-human', 'done', 'failed', 'paused'] as const;
const columnSchema = z.string().min(1, 'must not be empty').max(200);

/**
 * Field values a person sets on the built-in local board. Shapes only: the
 * board itself checks what needs its data (the status is a column, the parent exists).
 */
/** The longest title a card may have, on every board (the form checks it before sending). */
export const TASK_TITLE_MAX = 500;

export const taskPatchSchema = z
  .object({
    title: z
      .string()
      .trim()
      .min(1, 'must not be blank')
      .max(TASK_TITLE_MAX, `must be at most ${TASK_TITLE_MAX} characters`),
    description: z.string().max(100_000),
    status: columnSchema,
    assignee: z.string().trim().max(200).nullable(),
    priority: z.number().int().min(0, 'must be 0 (none) to 4 (urgent)').max(4, 'must be 0 (none) to 4 (urgent)'),
    labels: z.array(z.string().trim().min(1, 'must not be blank').max(100)).max(100),
    agentNotes: z.string().max(100_000),
    parentId: taskIdSchema.nullable(),
    dueDate: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date as YYYY-MM-DD')
      .nullable(),
  })
  .partial()
  .strict();

export const newTaskSchema = taskPatchSchema.required({ title: true });

/** Setting values for a board connection; secret fields carry the new secret (never sent back). */
const boardSettingsSchema = z.record(
  z.string().min(1).max(100),
  z.union([z.string().max(4000, 'must be at most 4000 characters'), z.number()]),
);
/** Secret settings given as environment variables of the Deckhand process (key → variable name). */
const secretEnvSchema = z.record(
  z.string().min(1).max(100),
  z
    .string()
    .trim()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'must be an environment variable name, like KANBOARD_TOKEN')
    .max(128, 'must be at most 128 characters'),
);
const boardSlugSchema = z
  .string()
  .min(1, 'must not be empty')
  .max(64, 'must be at most 64 characters')
  .regex(/^[a-z0-9][a-z0-9_-]*$/, 'use lowercase letters, digits, "-" and "_" (it becomes part of the webhook URL)');

/** A model base URL: http(s) only, so a typo is caught before the first run. */
const modelBaseUrlSchema = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(500, 'must be at most 500 characters')
  .refine((value) => {
    try {
      return /^https?:$/.test(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be an http:// or https:// URL, like http://127.0.0.1:11434/v1');
const modelNameSchema = z.string().trim().min(1, 'must not be empty').max(200, 'must be at most 200 characters');
/** Goes to the OS keychain; never stored in the database nor sent back. */
const apiKeySchema = z.string().trim().min(1, 'must not be empty').max(4000, 'must be at most 4000 characters');

/** The model behind the default agent, as onboarding chooses it. An absent Anthropic key keeps the stored one. */
/**
 * How long "Test the model" waits for one short answer. A local model may first have to load (tens of seconds
 * on a small machine), so this is generous; the UI's call waits longer still, so the core's answer arrives.
 */
export const MODEL_TEST_TIMEOUT_MS = 60_000;

export const agentModelSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('demo') }).strict(),
  z
    .object({
      type: z.literal('openai'),
      baseUrl: modelBaseUrlSchema,
      model: modelNameSchema,
      apiKey: apiKeySchema.optional(),
      /** Test with this agent's stored key when none is typed (the agent editor). */
      agentId: agentIdSchema.optional(),
    })
    .strict(),
  z
    .object({
      type: z.literal('anthropic'),
      model: modelNameSchema,
      apiKey: apiKeySchema.optional(),
      agentId: agentIdSchema.optional(),
    })
    .strict(),
]);

/**
 * An agent from the agent editor. Its shape is the config file's (`agents:` entry), checked in the core by the
 * config's own agent schema, so this only bounds the size. A new key goes to the keychain, never back.
 */
export const saveAgentSchema = z
  .object({
    agent: z.record(z.string(), z.unknown()),
    /** true: a new agent (refused when the id is taken); false: an edit of the agent with this id. */
    create: z.boolean().default(false),
    apiKey: apiKeySchema.optional(),
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
  listBoardTypes: empty,
  listBoardConnections: empty,
  testBoardConnection: z
    .object({
      type: z.string().min(1).max(50),
      id: boardSlugSchema.optional(),
      settings: boardSettingsSchema,
      secretEnv: secretEnvSchema.optional(),
      /** Add these columns first (where the board's API allows), named as Deckhand recognises them. */
      createColumns: z
        .array(z.enum(['review', 'blocked']))
        .max(2)
        .optional(),
    })
    .strict(),
  saveBoard: z
    .object({
      id: boardSlugSchema,
      type: z.string().min(1).max(50),
      name: z.string().trim().max(100).optional(),
      settings: boardSettingsSchema,
      secretEnv: secretEnvSchema.optional(),
    })
    .strict(),
  /** Where secrets can be kept here: a server without an OS keychain takes environment variables only. */
  getSecretStorage: empty,
  removeBoard: z.object({ id: boardSlugSchema }).strict(),
  // The built-in local board, edited by a person (actor `human:<transport>`). Other board types refuse these.
  listTasks: z.object({ boardId: boardIdSchema }).strict(),
  createTask: z.object({ boardId: boardIdSchema, fields: newTaskSchema }).strict(),
  updateTask: z.object({ boardId: boardIdSchema, taskId: taskIdSchema, patch: taskPatchSchema }).strict(),
  moveTask: z
    .object({
      boardId: boardIdSchema,
      taskId: taskIdSchema,
      status: columnSchema,
      /** Place the card before this one (in the target column); absent or null puts it at the end. */
      beforeId: taskIdSchema.nullable().optional(),
    })
    .strict(),
  deleteTask: z.object({ boardId: boardIdSchema, taskId: taskIdSchema }).strict(),
  listComments: z.object({ boardId: boardIdSchema, taskId: taskIdSchema }).strict(),
  addComment: z
    .object({
      boardId: boardIdSchema,
      taskId: taskIdSchema,
      body: z.string().trim().min(1, 'must not be blank').max(65_000),
    })
    .strict(),
  // --- agent runtime (issue 5) ---
  listAgents: empty,
  pauseAgent: z.object({ agentId: agentIdSchema, reason: reasonSchema.optional() }).strict(),
  resumeAgent: z.object({ agentId: agentIdSchema }).strict(),
  listRuns: z
    .object({
      agentId: agentIdSchema.optional(),
      taskId: taskIdSchema.optional(),
      state: z.enum(AGENT_RUN_STATES).optional(),
      /** Runs with an id below this (newest first paging). */
      before: z.number().int().min(1).optional(),
      limit: z.number().int().min(1).max(500).default(50),
    })
    .strict(),
  getRun: z.object({ id: z.number().int().min(1) }).strict(),
  retryRun: z.object({ id: z.number().int().min(1) }).strict(),
  /** A failed run leaves the inbox without a retry (kept on the run, logged). */
  dismissRun: z.object({ id: z.number().int().min(1) }).strict(),
  // --- onboarding (issue 6) ---
  getOnboarding: empty,
  /** `move`: the person confirmed moving an agent that already works elsewhere (re-running setup asks first). */
  setDefaultAgentBoard: z.object({ boardId: boardIdSchema, move: z.boolean().optional() }).strict(),
  setDefaultAgentModel: agentModelSchema,
  testAgentModel: agentModelSchema,
  // --- agents managed in the UI (issue 15) ---
  listAgentConfigs: empty,
  saveAgent: saveAgentSchema,
  rotateMcpToken: z.object({ agentId: agentIdSchema }).strict(),
  removeAgent: z.object({ agentId: agentIdSchema }).strict(),
  createFirstTask: z.object({ boardId: boardIdSchema }).strict(),
  completeOnboarding: z.object({ outcome: z.enum(['completed', 'skipped']).default('completed') }).strict(),
  restartOnboarding: empty,
  // --- the inbox (issue 15) ---
  listInbox: empty,
  answerQuestion: z
    .object({
      runId: z.number().int().min(1),
      answer: z.string().trim().min(1, 'must not be blank').max(65_000, 'must be at most 65000 characters'),
    })
    .strict(),
  /** Titles and "Open on board" links for tasks the UI shows by id (Activity, Agents, runs). */
  describeTasks: z
    .object({
      tasks: z.array(z.object({ boardId: boardIdSchema, taskId: taskIdSchema }).strict()).max(500),
    })
    .strict(),
} as const;

/** A card on the local board, in board order. */
export interface BoardTask extends Task {
  createdAt: string;
}

/** The local board as the board view draws it: its columns in order and its live tasks in board order. */
export interface BoardTasks {
  boardId: string;
  columns: string[];
  tasks: BoardTask[];
}

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
  listBoardTypes: BoardTypeInfo[];
  listBoardConnections: SavedBoardView[];
  /** `warnings`: what the board lacks for agents (no review or blocked column), said before it is added. */
  testBoardConnection: {
    ok: boolean;
    message: string;
    columns?: string[];
    warnings?: string[];
    /** Roles no column has (by name or by setting); the form offers to map an existing column to each. */
    missingRoles?: ('review' | 'blocked')[];
    /** Columns this test added to the board (createColumns). */
    created?: string[];
    /** The board's API lets Deckhand add a column. */
    canCreateColumns?: boolean;
  };
  saveBoard: SavedBoardView;
  getSecretStorage: { keychain: boolean; message: string };
  removeBoard: { removed: boolean };
  listTasks: BoardTasks;
  createTask: BoardTask;
  updateTask: BoardTask;
  moveTask: BoardTask;
  deleteTask: { deleted: boolean };
  listComments: Comment[];
  addComment: Comment;
  // --- agent runtime (issue 5) ---
  listAgents: AgentSummary[];
  pauseAgent: AppState;
  resumeAgent: AppState;
  /** Newest first. */
  listRuns: AgentRun[];
  /** With its steps (provider input and output per round). */
  getRun: AgentRun;
  retryRun: AgentRun;
  dismissRun: AgentRun;
  // --- onboarding (issue 6) ---
  getOnboarding: OnboardingInfo;
  setDefaultAgentBoard: OnboardingInfo;
  setDefaultAgentModel: OnboardingInfo;
  /** One tiny request to the model; the message says what went wrong. */
  testAgentModel: { ok: boolean; message: string };
  listAgentConfigs: AgentConfigView[];
  /** `mcpToken`: a token Deckhand just made, in this one answer only. */
  saveAgent: { agent: AgentConfigView; mcpToken?: McpTokenOnce };
  removeAgent: { removed: boolean };
  rotateMcpToken: { agent: AgentConfigView; mcpToken: McpTokenOnce };
  /** The setup's sample card: made once per board, the same card again on a re-run. */
  createFirstTask: BoardTask;
  completeOnboarding: OnboardingInfo;
  restartOnboarding: OnboardingInfo;
  // --- the inbox (issue 15) ---
  /** Newest first within each kind: questions, conflicts, failed runs, braked boards. */
  listInbox: InboxItem[];
  /** The run as it is after the answer was posted (queued again once the card left the blocked column). */
  answerQuestion: { run: AgentRun; movedTo: string | null };
  describeTasks: TaskRef[];
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
  // --- agent runtime (issue 5) ---
  /** Every run state change, after it is committed: the run and its agent as they are now. */
  'agent.state': { agent: AgentSummary; run?: AgentRun };
  /** A question left unanswered too long, a budget reached, a run that failed for good. */
  'agent.notification': AgentNotification;
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
