import { create } from 'zustand';
import { DEFAULT_SETTINGS, type Settings } from '../../../shared/model';
import type { CallInput } from '../../../shared/contract';
import { describeError } from '../api/envelope';
import { api } from './api';
import type { LoadStatus } from './app-store';

export type SettingsPatch = CallInput<'updateSettings'>;

export interface SettingsStore {
  /** Defaults until the core answers, so the theme is never undefined. */
  settings: Settings;
  load: LoadStatus;
  loadError: string | null;
  saving: boolean;
  saveError: string | null;
  refresh(): Promise<void>;
  /** Applies the patch at once and rolls it back if the core refuses it. */
  update(patch: SettingsPatch): Promise<void>;
  receive(settings: Settings): void;
}

let generation = 0;

export const useSettingsStore = create<SettingsStore>()((set, get) => ({
  settings: DEFAULT_SETTINGS,
  load: 'loading',
  loadError: null,
  saving: false,
  saveError: null,

  async refresh() {
    const started = generation;
    try {
      const settings = await api().call('getSettings', {});
      if (generation !== started) return;
      set({ settings, load: 'ready', loadError: null });
    } catch (err) {
      set((s) => ({ load: s.load === 'ready' ? 'ready' : 'error', loadError: describeError(err) }));
    }
  },

  async update(patch) {
    const before = get().settings;
    generation += 1;
    set({ settings: { ...before, ...patch }, saving: true, saveError: null });
    try {
      get().receive(await api().call('updateSettings', patch));
    } catch (err) {
      set({ settings: before, saveError: describeError(err) });
    } finally {
      set({ saving: false });
    }
  },

  receive(settings) {
    generation += 1;
    set({ settings, load: 'ready', loadError: null });
  },
}));
