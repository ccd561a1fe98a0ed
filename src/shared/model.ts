/**
 * Domain model shared by the core and the renderer.
 * Plain types only: no Node, no DOM, so both sides can import it.
 */

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
  lastPollAt?: string;
  error?: string;
}

export type AgentStatus = 'idle' | 'running' | 'paused' | 'waiting';

export interface AgentSummary {
  id: string;
  board: string;
  workflow: string;
  status: AgentStatus;
  pause: PauseState;
}

/** Everything the UI needs for its frame and the tray needs for its icon. */
export interface AppState {
  version: string;
  startedAt: string;
  pause: PauseState;
  boards: BoardSummary[];
  agents: AgentSummary[];
  counts: { outbox: number; conflicts: number; errors: number; blockedOnHuman: number };
  /** Where the config came from: a file path, or "embedded default". */
  configSource: string;
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
