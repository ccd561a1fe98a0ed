/**
 * Domain model shared by the core and the renderer.
 * Plain types only: no Node, no DOM, so both sides can import it.
 */

import type { TaskField } from './task';

export type Theme = 'system' | 'light' | 'dark';

/** User preferences kept in SQLite and edited from the UI. */
export interface Settings {
  theme: Theme;
  startAtLogin: boolean;
  notifications: boolean;
}

export const DEFAULT_SETTINGS: Settings = {
  theme: 'system',
  startAtLogin: false,
  notifications: true,
};

/** Who asked for something: a person in the UI/CLI, an agent, or Deckhand itself. */
export type Actor = { kind: 'human'; id?: string } | { kind: 'agent'; id: string } | { kind: 'system' };

export interface PauseState {
  paused: boolean;
  /** Who paused, e.g. "human:tray" or "system:budget". */
  by?: string;
  reason?: string;
  /** ISO-8601 time the pause was set. */
  at?: string;
}

export type BoardStatus = 'idle' | 'syncing' | 'paused' | 'error';

export interface BoardSummary {
  id: string;
  type: string;
  name: string;
  status: BoardStatus;
  /** The last poll that succeeded (an error stays on the board until the next one does). */
  lastPollAt?: string;
  /** When the next poll is due (later than usual while polls fail and back off). */
  nextPollAt?: string;
  error?: string;
  /** The board's request budget: every request to it (polls, deliveries, agents' reads) counts. */
  requestsPerMinute?: number;
  /** Who paused the board, when and why (a person, the mass-deletion brake, ...); only while paused. */
  pause?: PauseState;
  /** Absent for a board that takes no webhooks (the local board). */
  webhook?: WebhookSummary;
}

/** A board's webhook as Deckhand sees it. */
export interface WebhookSummary {
  /** Deliveries can be verified (a webhook token is set); without one every delivery is refused. */
  configured: boolean;
  lastAcceptedAt?: string;
  lastRejectedAt?: string;
  /** Why the last refused delivery was refused. */
  lastRejection?: string;
}

/** Where boards deliver webhooks: this Deckhand's listener, or why it is not listening. */
export interface WebhookReceiver {
  /** e.g. http://127.0.0.1:7717; a board posts to `<url>/webhooks/<board id>`. */
  url?: string;
  error?: string;
}

export type AgentStatus = 'idle' | 'running' | 'paused' | 'waiting';

export interface AgentSummary {
  id: string;
  board: string;
  workflow: string;
  status: AgentStatus;
  pause: PauseState;
  // --- agent runtime (issue 5): filled in by the runtime; absent before it runs ---
  role?: string;
  /** What does the work, e.g. "command ./agents/research.sh", "openai llama3.1", "demo (offline, no AI)". */
  provider?: string;
  /** The run in progress (claimed or running), if any. */
  currentTask?: { runId: number; taskId: string | null; state: AgentRunState };
  /** Runs waiting for a free slot (or for the agent to be resumed). */
  queued?: number;
  /** Runs waiting for a person's answer. */
  waitingForHuman?: number;
  budget?: AgentBudgetUse;
  /** The last failed run's error, while it is the latest finished run. */
  lastError?: string;
  /** MCP agents only (issue 14): their client's connection. */
  mcp?: McpConnection;
}

/**
 * An agent as the agent editor shows it: the config-file form of it, secrets
 * only as references (`{ keychain: NAME }` or `{ env: NAME }`), never values.
 * `config`: declared in config.yaml (read-only here); `app`: added or edited in
 * Deckhand; `setup`: the default agent onboarding set up.
 */
export interface AgentConfigView {
  id: string;
  source: 'config' | 'app' | 'setup';
  config: Record<string, unknown>;
}

/** A bearer token Deckhand made for an MCP agent: shown once, then never sent again. */
export interface McpTokenOnce {
  agentId: string;
  token: string;
  /** Where Deckhand reads it: the keychain entry, or (no keychain) the environment variable the person must set. */
  storedIn: { keychain: string } | { env: string };
}

/** An MCP agent's client as Deckhand last heard it. */
export interface McpConnection {
  /** A call within the last few minutes (Streamable HTTP has no lasting connection to watch). */
  connected: boolean;
  lastCallAt?: string;
  lastTool?: string;
  /** Calls since this Deckhand started. */
  calls: number;
}

/** Today's use (local day) against the configured limits. */
export interface AgentBudgetUse {
  day: string;
  runs: number;
  tokens: number;
  /** The sum of the costs the provider reported (US dollars). */
  cost: number;
  /** Calls today that reported no cost: while any did, the day's cost is not known (at least `cost`). */
  uncostedCalls: number;
  runsPerDay?: number;
  tokensPerDay?: number;
  costPerDay?: number;
}

/** A run's life: queued → claimed → running → done | failed | waiting-for-human; paused at a safe point. */
export type AgentRunState = 'queued' | 'claimed' | 'running' | 'waiting-for-human' | 'done' | 'failed' | 'paused';

/** One run of an agent: a routed task it works on, or one day's digest. */
export interface AgentRun {
  id: number;
  agentId: string;
  boardId: string;
  /** The routed task; null for a digest. */
  taskId: string | null;
  workflow: string;
  /** What started it: created, changed, sweep, schedule, catch-up, retry. */
  trigger: string;
  state: AgentRunState;
  /** How a finished run ended: completed, asked, skipped: ..., or the failure. */
  outcome: string | null;
  /** Failed attempts so far (a retryable failure queues the run again). */
  attempt: number;
  /** 0, then one more for every answer a person gave. */
  round: number;
  question: string | null;
  askedAt: string | null;
  answer: string | null;
  /** A task the run created (the digest task). */
  resultTaskId: string | null;
  tokensIn: number;
  tokensOut: number;
  cost: number | null;
  durationMs: number;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  /** When a queued retry may start (ISO), if it waits. */
  nextAttemptAt: string | null;
  /** Provider calls, one per round: what went in and what came out. Only from getRun. */
  steps?: AgentRunStep[];
}

/** A field a person changed on the task between the run's read and its writes. */
export interface TaskChange {
  field: TaskField;
  before: unknown;
  after: unknown;
  /** In words: "moved to Done", "retitled", "unlabelled needs-ai". */
  summary: string;
}

export interface AgentRunStep {
  round: number;
  provider: string;
  input: unknown;
  output: unknown;
  rawText: string | null;
  tokensIn: number;
  tokensOut: number;
  cost: number | null;
  durationMs: number;
  startedAt: string;
  finishedAt: string | null;
  /** Present when a person changed the task while this round's agent worked. */
  changedDuringRun?: TaskChange[];
}

/** Something a person should know about now (desktop notification, tray). */
export interface AgentNotification {
  kind: 'question-unanswered' | 'budget-reached' | 'run-failed';
  agentId: string;
  runId?: number;
  boardId?: string;
  taskId?: string;
  message: string;
  at: string;
}

/** Everything the UI needs for its frame and the tray needs for its icon. */
export interface AppState {
  /**
   * Increases with every state the core computes (restarting at 1 with the
   * core, see startedAt), so a client can drop an older state that lands after
   * a newer one: a call's answer and an event travel on different connections.
   */
  revision: number;
  version: string;
  startedAt: string;
  pause: PauseState;
  boards: BoardSummary[];
  agents: AgentSummary[];
  /** `inbox`: everything waiting on the person (questions, open conflicts, failed runs, braked boards). */
  counts: { outbox: number; conflicts: number; errors: number; blockedOnHuman: number; inbox: number };
  /** The config file's path, or EMBEDDED_CONFIG_SOURCE when Deckhand runs without one. */
  configSource: string;
  webhooks: WebhookReceiver;
}

export interface Health {
  ok: boolean;
  version: string;
  uptimeSeconds: number;
  schemaVersion: number;
}

export interface SecretName {
  name: string;
  backend: 'keychain' | 'env';
}

/** One line of the append-only sync log: who changed what, from what to what, and why. */
export interface SyncLogEntry {
  seq: number;
  /** ISO-8601, local clock. */
  at: string;
  /** `human`, `human:<where>`, `agent:<id>` or `system`. */
  actor: string;
  /** e.g. `field.changed`, `field.written`, `field.lost`, `write.refused`, `echo`, `conflict.opened`. */
  action: string;
  boardId?: string;
  taskId?: string;
  field?: string;
  before?: unknown;
  after?: unknown;
  reason?: string;
  operationId?: string;
}

/** A field both sides changed, waiting for a person (or already decided). */
export interface Conflict {
  id: number;
  boardId: string;
  taskId: string;
  field: string;
  base: unknown;
  human: unknown;
  agent: unknown;
  /** The agent whose write collided. */
  actor: string;
  operationId: string;
  state: 'open' | 'resolved';
  openedAt: string;
  resolvedAt: string | null;
  resolvedBy: string | null;
  resolution: unknown;
}

/** An agent write on its way to a board. Parked items failed permanently and wait for a retry. */
export interface OutboxItem {
  id: number;
  boardId: string;
  taskId: string | null;
  kind: 'update' | 'comment' | 'create';
  actor: string;
  reason: string | null;
  operationId: string;
  state: 'pending' | 'done' | 'parked';
  attempts: number;
  lastError: string | null;
  createdAt: string;
}

// --- onboarding (issue 6) ---

/** The model behind the default agent, without its key (only whether one is stored). */
export interface OnboardingModel {
  type: 'demo' | 'openai' | 'anthropic' | 'command' | 'mcp';
  /** What the UI shows, e.g. "demo (offline, no AI)", "openai llama3.1 at http://…". */
  label: string;
  baseUrl?: string;
  model?: string;
  keySet: boolean;
}

/** A local OpenAI-compatible server that answered (Ollama, LM Studio). */
export interface LocalModelServer {
  name: string;
  baseUrl: string;
  model: string;
}

/** What the first-start onboarding needs to know. */
export interface OnboardingInfo {
  /** Show it: the embedded default runs and the person has neither finished nor skipped it. */
  show: boolean;
  status: 'pending' | 'completed' | 'skipped';
  /** Running without a config file; only then is there a default agent to set up. */
  embedded: boolean;
  /** The default agent (the embedded default's one agent), if there is one. */
  agent: { id: string; boardId: string; model: OnboardingModel } | null;
  /** Local model servers that answer now. */
  localModels: LocalModelServer[];
  /** Boards the default agent may work on. */
  boards: { id: string; name: string; type: string; error?: string }[];
}

// --- the inbox (issue 15) ---

/** A task as a person recognises it: its title and, where the board has one, a link to it in the board's own UI. */
export interface TaskRef {
  boardId: string;
  taskId: string;
  /** Null when Deckhand has never seen the task (or it was deleted). */
  title: string | null;
  /** "Open on board": built by the board's adapter; absent when the board has no web page for a task. */
  url?: string;
}

interface InboxBase {
  /** Stable across refreshes, for keyboard focus: `question:12`, `conflict:3`, `failed:7`, `brake:kb`. */
  key: string;
  at: string;
}

/** An agent asked a question and waits for the answer. */
export interface InboxQuestion extends InboxBase {
  kind: 'question';
  runId: number;
  agentId: string;
  task: TaskRef;
  question: string;
  /** What resumes the run: the answer alone, or the answer and the card moved out of `blockedColumn`. */
  resumeOn: 'answer-and-move' | 'answer';
  blockedColumn: string | null;
  /** Where the card goes back to when answered (null: it stays where it is). */
  returnColumn: string | null;
}

export interface InboxConflict extends InboxBase {
  kind: 'conflict';
  conflictId: number;
  task: TaskRef;
  field: string;
  actor: string;
}

/** A run that failed for good and was not retried since. */
export interface InboxFailedRun extends InboxBase {
  kind: 'failed-run';
  runId: number;
  agentId: string;
  task: TaskRef | null;
  error: string;
}

/** A board the mass-deletion brake paused: a person must confirm the deletions (resume) or look. */
export interface InboxBrakedBoard extends InboxBase {
  kind: 'braked-board';
  boardId: string;
  boardName: string;
  reason: string;
}

export type InboxItem = InboxQuestion | InboxConflict | InboxFailedRun | InboxBrakedBoard;

/** AppState.configSource when Deckhand runs on its embedded default, with no config file. */
export const EMBEDDED_CONFIG_SOURCE = 'embedded default';
