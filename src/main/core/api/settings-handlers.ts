import type { Handlers } from './dispatch';
import type { CoreServices } from './services';

export function settingsHandlers(s: CoreServices): Pick<Handlers, 'getSettings' | 'updateSettings'> {
  return {
    getSettings: () => s.settings.getPreferences(),
    updateSettings: (patch) => {
      const next = s.settings.updatePreferences(patch);
      s.events.emit('settings.changed', next);
      return next;
    },
  };
}
