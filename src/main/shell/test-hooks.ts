import type { TrayController } from './tray';

/** What the Electron end-to-end tests may reach in the main process, and nothing more. */
export interface DeckhandTestHooks {
  tray(): ReturnType<TrayController['snapshot']> | undefined;
  clickTray(id: string): boolean;
}

/**
 * With DECKHAND_TEST_HOOKS=1 only (Playwright's `_electron` tests set it), exposes the tray on `globalThis`, since a
 * native tray menu cannot be clicked from a test. A normal start installs nothing.
 */
export function installTestHooks(env: NodeJS.ProcessEnv, tray: () => TrayController | undefined): boolean {
  if (env.DECKHAND_TEST_HOOKS !== '1') return false;
  const hooks: DeckhandTestHooks = {
    tray: () => tray()?.snapshot(),
    clickTray: (id) => tray()?.click(id) ?? false,
  };
  Object.assign(globalThis, { deckhandTest: hooks });
  return true;
}
