import type { Database } from 'better-sqlite3';
import type { z } from 'zod';
import type { BoardSettingField, SavedBoardView } from '../../../../shared/board-types';
import type { SecretBackends } from '../../secrets/resolve';
import type { LocalBoardStore } from '../local/local-board-store';
import type { BoardAdapter } from './adapter';
import { BoardError } from './errors';

/** What a module may use to build its adapter. */
export interface BoardModuleDeps {
  db: Database;
  secrets: SecretBackends;
  localStore: LocalBoardStore;
}

/**
 * How the engine treats a board of this type when its config says nothing:
 * how often to poll, how often to list everything (deletions), and how many
 * requests a minute the board takes.
 */
export interface SyncPolicy {
  pollIntervalMs: number;
  fullReconcileMs: number;
  requestsPerMinute: number;
}

/**
 * Everything Deckhand knows about one board type, in its own folder
 * (`boards/<type>/module.ts`). The config's board entry, `deckhand check`,
 * the connection form and the Boards view are all derived from these, so a
 * new board type is its folder plus one line in `boards/index.ts`.
 */
export interface BoardModule<Type extends string = string, Config extends { id: string; type: Type } = never> {
  readonly type: Type;
  /** Shown in the UI ("Kanboard"). */
  readonly label: string;
  /** The board entry in a config file, `type` included; strict, with messages that name what is missing. */
  readonly configSchema: z.ZodType<Config>;
  /** The connection form's fields; their keys are the entry's keys (`webhook.token`, `columns.review`). */
  readonly settingsFields: readonly BoardSettingField[];
  readonly syncPolicy: SyncPolicy;
  /** Builds and connects the adapter; a wrong setting is an error now, an unreachable board is retried later. */
  create(config: Config, deps: BoardModuleDeps): Promise<BoardAdapter>;
}

/** Any module, for code that only reads the shared parts. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyBoardModule = BoardModule<string, any>;

function valueAt(entry: Record<string, unknown>, key: string): unknown {
  let node: unknown = entry;
  for (const part of key.split('.')) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/**
 * A config entry as the connection form shows it: each declared field's value,
 * secrets reduced to whether a reference is set (the value never leaves the keychain).
 */
export function settingsView(
  module: AnyBoardModule,
  entry: { id: string; type: string; name?: string },
): SavedBoardView['settings'] {
  const settings: SavedBoardView['settings'] = {};
  for (const field of module.settingsFields) {
    const value = valueAt(entry, field.key);
    if (value === undefined) continue;
    if (field.kind === 'secret') settings[field.key] = { secretSet: true };
    else if (typeof value === 'string' || typeof value === 'number') settings[field.key] = value;
  }
  return settings;
}

/**
 * Connects a new adapter: a wrong setting is an error now (the board is listed
 * in error with the reason); a board that is merely unreachable is logged and
 * connected on the engine's next attempt.
 */
export async function connectOrRetryLater<A extends { connect(): Promise<void> }>(
  adapter: A,
  boardId: string,
  service: string,
  warn: (message: string) => void,
): Promise<A> {
  try {
    await adapter.connect();
  } catch (err) {
    if (!(err instanceof BoardError && err.retryable)) throw err;
    warn(`board ${boardId}: ${service} is not reachable yet (${err.message}); will retry`);
  }
  return adapter;
}

/**
 * The form fields for the working, review and blocked column roles, in the
 * board's own word for a column ("state", "status") and with its default names.
 */
export function columnRoleFields(
  noun: string,
  placeholders: { working?: string; review?: string; blocked?: string } = {},
): BoardSettingField[] {
  return (['working', 'review', 'blocked'] as const).map((role) => ({
    key: `columns.${role}`,
    label: `${role[0]!.toUpperCase()}${role.slice(1)} ${noun}`,
    kind: 'text' as const,
    required: false,
    ...(placeholders[role] ? { placeholder: placeholders[role] } : {}),
  }));
}
