import type { Handlers } from './dispatch';
import type { CoreServices } from './services';

/** health and getState: cheap, side-effect-free reads for the UI, the tray and `deckhand status`. */
export function systemHandlers(s: CoreServices): Pick<Handlers, 'health' | 'getState'> {
  return {
    health: () => ({
      ok: s.db.open,
      version: s.version,
      uptimeSeconds: Math.round((Date.now() - s.startedAt.getTime()) / 1000),
      schemaVersion: s.schemaVersion(),
    }),
    getState: () => s.state(),
  };
}
