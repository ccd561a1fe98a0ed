import { create } from 'zustand';
import type { BoardTypeInfo, SavedBoardView } from '../../../shared/board-types';
import { describeError } from '../api/envelope';
import { api } from './api';
import { useAppStore } from './app-store';
import type { ListStatus } from './log-store';

/** What the connection form sends: the type's settings by key; an empty secret keeps the stored one. */
export interface ConnectionDraft {
  id: string;
  type: string;
  name: string;
  settings: Record<string, string>;
  /** Without a keychain, secret fields hold the names of environment variables instead of values. */
  secretsFromEnv?: boolean;
  /** Add these role columns to the board before testing (where its API allows). */
  createColumns?: ('review' | 'blocked')[];
}

export interface ConnectionTest {
  ok: boolean;
  message: string;
  columns?: string[];
  /** What the board lacks for agents (a review or blocked column). */
  warnings?: string[];
  missingRoles?: ('review' | 'blocked')[];
  created?: string[];
  canCreateColumns?: boolean;
}

export interface ConnectionsStore {
  types: BoardTypeInfo[];
  connections: SavedBoardView[];
  status: ListStatus;
  error: string | null;
  testing: boolean;
  testResult: ConnectionTest | null;
  saving: boolean;
  saveError: string | null;
  removing: Record<string, true>;
  removeError: string | null;
  /** Whether this Deckhand can keep secrets in an OS keychain; null until asked. */
  secretStorage: { keychain: boolean; message: string } | null;
  load(): Promise<void>;
  test(draft: ConnectionDraft): Promise<void>;
  /** True when saved; the form closes then. */
  save(draft: ConnectionDraft): Promise<boolean>;
  remove(id: string): Promise<void>;
  resetForm(): void;
}

/** Settings as the core takes them: empty optional values left out, a numeric project id as a number. */
export function settingsToSend(
  type: BoardTypeInfo | undefined,
  settings: Record<string, string>,
): Record<string, string | number> {
  const out: Record<string, string | number> = {};
  for (const field of type?.fields ?? []) {
    const value = (settings[field.key] ?? '').trim();
    if (value === '' && field.kind !== 'secret') continue;
    if (value === '') continue; // an empty secret keeps the one in the keychain
    out[field.key] = field.kind === 'number-or-text' && /^\d+$/.test(value) ? Number(value) : value;
  }
  return out;
}

/** The draft as the core takes it: secret fields become environment references when the draft says so. */
export function draftToSend(
  type: BoardTypeInfo | undefined,
  draft: ConnectionDraft,
): { settings: Record<string, string | number>; secretEnv?: Record<string, string> } {
  const settings = settingsToSend(type, draft.settings);
  if (!draft.secretsFromEnv) return { settings };
  const secretEnv: Record<string, string> = {};
  for (const field of type?.fields ?? []) {
    if (field.kind !== 'secret' || settings[field.key] === undefined) continue;
    secretEnv[field.key] = String(settings[field.key]);
    delete settings[field.key];
  }
  return { settings, ...(Object.keys(secretEnv).length > 0 ? { secretEnv } : {}) };
}

export const useConnectionsStore = create<ConnectionsStore>()((set, get) => ({
  types: [],
  connections: [],
  status: 'idle',
  error: null,
  testing: false,
  testResult: null,
  saving: false,
  saveError: null,
  removing: {},
  removeError: null,
  secretStorage: null,

  async load() {
    if (get().status !== 'ready') set({ status: 'loading', error: null });
    try {
      const [types, connections, secretStorage] = await Promise.all([
        api().call('listBoardTypes', {}),
        api().call('listBoardConnections', {}),
        api().call('getSecretStorage', {}),
      ]);
      set({ types, connections, secretStorage, status: 'ready', error: null });
    } catch (err) {
      set((s) => ({ status: s.status === 'ready' ? 'ready' : 'error', error: describeError(err) }));
    }
  },

  async test(draft) {
    const type = get().types.find((t) => t.type === draft.type);
    set({ testing: true, testResult: null });
    try {
      const result = await api().call('testBoardConnection', {
        type: draft.type,
        ...(draft.id ? { id: draft.id } : {}),
        ...draftToSend(type, draft),
        ...(draft.createColumns?.length ? { createColumns: draft.createColumns } : {}),
      });
      set({ testResult: result });
    } catch (err) {
      set({ testResult: { ok: false, message: describeError(err) } });
    } finally {
      set({ testing: false });
    }
  },

  async save(draft) {
    const type = get().types.find((t) => t.type === draft.type);
    set({ saving: true, saveError: null });
    try {
      await api().call('saveBoard', {
        id: draft.id,
        type: draft.type,
        ...(draft.name.trim() ? { name: draft.name.trim() } : {}),
        ...draftToSend(type, draft),
      });
      await Promise.all([get().load(), useAppStore.getState().refresh()]);
      return true;
    } catch (err) {
      set({ saveError: describeError(err) });
      return false;
    } finally {
      set({ saving: false });
    }
  },

  async remove(id) {
    set((s) => ({ removing: { ...s.removing, [id]: true }, removeError: null }));
    try {
      await api().call('removeBoard', { id });
      await Promise.all([get().load(), useAppStore.getState().refresh()]);
    } catch (err) {
      set({ removeError: `Could not remove ${id}: ${describeError(err)}` });
    } finally {
      set((s) => {
        const { [id]: _done, ...rest } = s.removing;
        return { removing: rest };
      });
    }
  },

  resetForm() {
    set({ testResult: null, saveError: null, testing: false });
  },
}));
