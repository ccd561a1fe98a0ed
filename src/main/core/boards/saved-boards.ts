import type { Database } from 'better-sqlite3';
import type { BoardSettingField } from '../../../shared/board-types';
import type { Problem } from '../../../shared/validation';
import { validateConfig, type BoardConfig } from '../config';
import { boardModule } from '.';

/** A board added from the UI. Secrets are not here: they live in the keychain under `secretNameFor`. */
export interface SavedBoard {
  id: string;
  type: string;
  name?: string;
  /** Non-secret settings by field key (`url`, `project`, `columns.working`, ...). */
  settings: Record<string, string | number>;
  /** Which secret settings have a value in the keychain. */
  secretKeys: string[];
  /**
   * Secret settings read from an environment variable of the Deckhand process
   * instead (key → variable name): the way for a server without a keychain.
   */
  secretEnv?: Record<string, string>;
}

const SETTINGS_KEY = 'boards.saved';

/** The keychain entry holding one secret setting of one saved board. */
export function secretNameFor(boardId: string, key: string): string {
  return `board.${boardId}.${key}`;
}

/** Boards saved from the UI, kept in the settings table (one JSON list; there are only ever a handful). */
export class SavedBoardsRepo {
  constructor(private readonly db: Database) {}

  list(): SavedBoard[] {
    const row = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(SETTINGS_KEY) as
      { value: string } | undefined;
    return row ? (JSON.parse(row.value) as SavedBoard[]) : [];
  }

  put(board: SavedBoard): void {
    const next = [...this.list().filter((b) => b.id !== board.id), board].sort((a, b) => a.id.localeCompare(b.id));
    this.write(next);
  }

  remove(id: string): boolean {
    const before = this.list();
    const next = before.filter((b) => b.id !== id);
    this.write(next);
    return next.length !== before.length;
  }

  private write(boards: SavedBoard[]): void {
    this.db
      .prepare(
        `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
         ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
      )
      .run(SETTINGS_KEY, JSON.stringify(boards), new Date().toISOString());
  }
}

/** Sets `a.b` style keys on a nested object. */
function setPath(target: Record<string, unknown>, key: string, value: unknown): void {
  const parts = key.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) {
    node[part] ??= {};
    node = node[part] as Record<string, unknown>;
  }
  node[parts.at(-1)!] = value;
}

/**
 * Turns a saved board into a config board entry (secrets as keychain
 * references) and validates it with the config schema itself, so the UI and a
 * config file accept exactly the same boards. Problems are named by field key.
 */
export function savedToConfig(
  saved: SavedBoard,
  secretKeys: readonly string[],
): { ok: true; board: BoardConfig } | { ok: false; problems: Problem[] } {
  const module = boardModule(saved.type);
  if (!module) return { ok: false, problems: [{ path: 'type', message: `unknown board type "${saved.type}"` }] };
  const raw: Record<string, unknown> = { id: saved.id, type: saved.type, ...(saved.name ? { name: saved.name } : {}) };
  const fields = new Map<string, BoardSettingField>(module.settingsFields.map((f) => [f.key, f]));
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(saved.settings)) {
    const field = fields.get(key);
    if (!field || field.kind === 'secret') problems.push({ path: key, message: 'unknown setting' });
    else if (value !== '')
      setPath(raw, key, field.kind === 'number-or-text' && /^\d+$/.test(String(value)) ? Number(value) : value);
  }
  const fromEnv = saved.secretEnv ?? {};
  for (const key of secretKeys) if (!fromEnv[key]) setPath(raw, key, { keychain: secretNameFor(saved.id, key) });
  for (const [key, name] of Object.entries(fromEnv)) {
    const field = fields.get(key);
    if (!field || field.kind !== 'secret') problems.push({ path: key, message: 'not a secret setting' });
    else setPath(raw, key, { env: name });
  }
  for (const field of module.settingsFields) {
    const present =
      field.kind === 'secret'
        ? secretKeys.includes(field.key) || Boolean(fromEnv[field.key])
        : saved.settings[field.key] !== undefined;
    if (field.required && !present) problems.push({ path: field.key, message: `${field.label} is required` });
  }
  if (problems.length > 0) return { ok: false, problems };
  const result = validateConfig({ schema_version: 1, boards: [raw] });
  if (!result.ok) {
    return {
      ok: false,
      problems: result.problems.map((p) => ({ ...p, path: p.path.replace(/^boards\[0\]\.?/, '') || 'board' })),
    };
  }
  return { ok: true, board: result.config.boards[0]! };
}
