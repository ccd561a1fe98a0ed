/**
 * The user's preferences as the shell sees them: read once through the
 * contract, then kept current from `settings.changed`, so a toggle in any
 * window (or browser tab) takes effect in the shell at once.
 */
import type { DeckhandEvent } from '../../shared/contract';
import { DEFAULT_SETTINGS, type Settings } from '../../shared/model';
import { dispatch, type Handlers } from '../core/api/dispatch';
import { createLogger } from '../core/logger';

const log = createLogger('shell');

export interface PreferencesWatch {
  current(): Settings;
  dispose(): void;
}

export async function watchPreferences(deps: {
  handlers: Handlers;
  events: { subscribe(listener: (event: DeckhandEvent) => void): () => void };
  /** Called with the first value read and after every change. */
  onChange(settings: Settings, before: Settings | undefined): void;
}): Promise<PreferencesWatch> {
  let current: Settings = { ...DEFAULT_SETTINGS };
  const unsubscribe = deps.events.subscribe((event) => {
    if (event.type !== 'settings.changed') return;
    const before = current;
    current = event.payload;
    deps.onChange(current, before);
  });
  const result = await dispatch(deps.handlers, 'getSettings', {}, { transport: 'ipc' });
  if (result.ok) current = result.value as Settings;
  else log.warn(`could not read settings, using defaults: ${result.error.message}`);
  deps.onChange(current, undefined);
  return { current: () => current, dispose: unsubscribe };
}
