import { BoardColumns, columnRoleWarnings, CONVENTIONAL_NAMES } from '../agents/columns';
import type { ColumnRole } from '../config';
import type { SavedBoardView } from '../../../shared/board-types';
import { describeProblems } from '../../../shared/validation';
import type { BoardConfig } from '../config';
import { boardModule, boardTypeInfos, createAdapter, SUPPORTED_BOARD_TYPES } from '../boards';
import { settingsView } from '../boards/contract/module';
import { secretNameFor, savedToConfig, type SavedBoard } from '../boards/saved-boards';
import type { SecretBackends } from '../secrets/resolve';
import type { SecretStore } from '../secrets/secret-store';
import { KeychainUnavailableError } from '../secrets/secret-store';
import { keychainCall } from './keychain-call';
import { UserFacingError, type Handlers } from './dispatch';
import type { CoreServices } from './services';

/** The setting keys of a type that hold secrets. */
function secretKeysOf(type: string): string[] {
  return (boardModule(type)?.settingsFields ?? []).filter((f) => f.kind === 'secret').map((f) => f.key);
}

/** Splits submitted settings into plain values and new secret values (empty secret = keep the stored one). */
function split(type: string, settings: Record<string, string | number>) {
  const secretKeys = new Set(secretKeysOf(type));
  const plain: Record<string, string | number> = {};
  const secrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (!secretKeys.has(key)) plain[key] = value;
    else if (String(value) !== '') secrets[key] = String(value);
  }
  return { plain, secrets };
}

/** A keychain that answers from the values being tested first, so a connection can be tried before it is saved. */
function overlayKeychain(real: SecretStore, values: Map<string, string>): SecretStore {
  return {
    backend: 'keychain',
    get: async (name) => values.get(name) ?? (await real.get(name)),
    set: (name, value) => real.set(name, value),
    delete: (name) => real.delete(name),
    list: () => real.list(),
  };
}

function viewOfSaved(b: SavedBoard): SavedBoardView {
  const settings: SavedBoardView['settings'] = { ...b.settings };
  for (const key of secretKeysOf(b.type)) {
    const env = b.secretEnv?.[key];
    settings[key] = env ? { secretSet: true, env } : { secretSet: b.secretKeys.includes(key) };
  }
  return { id: b.id, type: b.type, name: b.name ?? b.id, settings, source: 'app' };
}

function viewOfConfig(b: BoardConfig): SavedBoardView {
  const module = boardModule(b.type);
  const settings = module ? settingsView(module, b) : {};
  return { id: b.id, type: b.type, name: b.name ?? b.id, settings, source: 'config' };
}

/** Adding, testing and removing board connections from the UI. Secrets go to the keychain and never come back. */
export function boardConnectionHandlers(
  s: CoreServices,
): Pick<
  Handlers,
  'listBoardTypes' | 'listBoardConnections' | 'testBoardConnection' | 'saveBoard' | 'removeBoard' | 'getSecretStorage'
> {
  const requireType = (type: string): void => {
    if (!boardModule(type)) {
      const known = SUPPORTED_BOARD_TYPES;
      throw new UserFacingError(
        'invalid_input',
        `type: unknown or unavailable board type "${type}"; use one of: ${known.join(', ')}`,
      );
    }
  };
  return {
    listBoardTypes: () => boardTypeInfos(),
    listBoardConnections: () => {
      const saved = new Map(s.savedBoards.list().map((b) => [b.id, b]));
      return s.boards.list().map((e) => {
        const mine = saved.get(e.config.id);
        return e.source === 'app' && mine ? viewOfSaved(mine) : viewOfConfig(e.config);
      });
    },
    getSecretStorage: async () => {
      try {
        await s.secrets.keychain.list();
        return { keychain: true, message: 'secrets are kept in the OS keychain' };
      } catch (err) {
        if (!(err instanceof KeychainUnavailableError)) throw err;
        return { keychain: false, message: 'This Deckhand has no OS keychain to keep tokens in' };
      }
    },
    testBoardConnection: async ({ type, id, settings, secretEnv, createColumns }, ctx) => {
      requireType(type);
      const boardId = id ?? 'connection-test';
      const { plain, secrets } = split(type, settings);
      const stored = s.savedBoards.list().find((b) => b.id === boardId && b.type === type)?.secretKeys ?? [];
      const secretKeys = [...new Set([...stored, ...Object.keys(secrets)])];
      const checked = savedToConfig(
        { id: boardId, type, settings: plain, secretKeys, ...(secretEnv ? { secretEnv } : {}) },
        secretKeys,
      );
      if (!checked.ok) return { ok: false, message: describeProblems(checked.problems) };
      const values = new Map(Object.entries(secrets).map(([k, v]) => [secretNameFor(boardId, k), v]));
      const backends: SecretBackends = { ...s.secrets, keychain: overlayKeychain(s.secrets.keychain, values) };
      try {
        const adapter = await createAdapter(checked.board, { ...s.adapterDeps, secrets: backends });
        try {
          const created: string[] = [];
          if (createColumns?.length && adapter.createColumn) {
            const existing = await adapter.listColumns();
            for (const role of createColumns) {
              const name = CONVENTIONAL_NAMES[role][0]!;
              if (existing.includes(name)) continue;
              await adapter.createColumn(name);
              created.push(name);
              s.engine.journal.append({
                actor: `human:${ctx.transport}`,
                action: 'board.column-created',
                ...(id ? { boardId: id } : {}),
                after: { column: name, role, type },
                reason: `the board had no ${role} column`,
              });
            }
          }
          const columns = await adapter.listColumns();
          const roles = (checked.board as { columns?: Partial<Record<ColumnRole, string>> }).columns ?? {};
          const byRole = new BoardColumns(roles, columns);
          const warnings = columnRoleWarnings(byRole);
          const missingRoles = (['review', 'blocked'] as const).filter((role) => !byRole.role(role));
          return {
            ok: true,
            message: `connected; ${columns.length} columns`,
            columns,
            ...(warnings.length > 0 ? { warnings } : {}),
            ...(missingRoles.length > 0 ? { missingRoles } : {}),
            ...(created.length > 0 ? { created } : {}),
            canCreateColumns: typeof adapter.createColumn === 'function',
          };
        } finally {
          await adapter.close?.();
        }
      } catch (err) {
        return { ok: false, message: err instanceof Error ? err.message : String(err) };
      }
    },
    saveBoard: async ({ id, type, name, settings, secretEnv }, ctx) => {
      requireType(type);
      const existing = s.boards.get(id);
      if (existing?.source === 'config') {
        throw new UserFacingError('invalid_input', `id: board "${id}" is declared in the config file; edit it there`);
      }
      const { plain, secrets } = split(type, settings);
      const previous = s.savedBoards.list().find((b) => b.id === id && b.type === type);
      const secretKeys = [...new Set([...(previous?.secretKeys ?? []), ...Object.keys(secrets)])].sort();
      const env = { ...previous?.secretEnv, ...secretEnv };
      // A secret typed now goes to the keychain and replaces an earlier environment reference.
      for (const key of Object.keys(secrets)) delete env[key];
      const saved: SavedBoard = {
        id,
        type,
        ...(name ? { name } : {}),
        settings: plain,
        secretKeys: secretKeys.filter((k) => !env[k]),
        ...(Object.keys(env).length > 0 ? { secretEnv: env } : {}),
      };
      const checked = savedToConfig(saved, saved.secretKeys);
      if (!checked.ok) throw new UserFacingError('invalid_input', describeProblems(checked.problems));
      await keychainCall(async () => {
        for (const [key, value] of Object.entries(secrets)) await s.secrets.keychain.set(secretNameFor(id, key), value);
      });
      s.savedBoards.put(saved);
      if (existing) await s.boards.disconnect(id);
      const entry = await s.boards.connect(checked.board, 'app');
      s.engine.journal.append({
        actor: `human:${ctx.transport}`,
        action: existing ? 'board.updated' : 'board.added',
        boardId: id,
        after: {
          type,
          name: name ?? id,
          settings: plain,
          secrets: saved.secretKeys,
          ...(saved.secretEnv ? { secretsFromEnv: saved.secretEnv } : {}),
        },
        ...(entry.error ? { reason: `saved, but not syncing: ${entry.error}` } : {}),
      });
      s.publishState();
      return viewOfSaved(saved);
    },
    removeBoard: async ({ id }, ctx) => {
      const entry = s.boards.get(id);
      if (!entry) throw new UserFacingError('not_found', `no board "${id}"`);
      if (entry.source === 'config') {
        throw new UserFacingError('invalid_input', `id: board "${id}" is declared in the config file; remove it there`);
      }
      const saved = s.savedBoards.list().find((b) => b.id === id);
      await s.boards.disconnect(id);
      s.savedBoards.remove(id);
      await keychainCall(async () => {
        for (const key of saved?.secretKeys ?? []) await s.secrets.keychain.delete(secretNameFor(id, key));
      });
      s.engine.journal.append({ actor: `human:${ctx.transport}`, action: 'board.removed', boardId: id });
      s.publishState();
      return { removed: true };
    },
  };
}
