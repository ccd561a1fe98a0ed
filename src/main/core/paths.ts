import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The platform's app-data folder, the same one Electron's `userData` uses for
 * an app named Deckhand, so the CLI and the desktop app share one database.
 */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.DECKHAND_DATA) return env.DECKHAND_DATA;
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'Deckhand');
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'Deckhand');
  return join(env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), 'Deckhand');
}

/** Config files the desktop app picks up from its data folder, in this order. */
export const DESKTOP_CONFIG_NAMES = ['deckhand.yml', 'deckhand.yaml', 'deckhand.json'] as const;

/**
 * The config file the desktop app runs on: `DECKHAND_CONFIG` if set (it must exist: a typo should not silently
 * start the embedded default), else `deckhand.yml` (or .yaml, .json) in the data folder, else none (the embedded
 * default with onboarding).
 */
export function desktopConfigPath(
  dataDir: string,
  env: NodeJS.ProcessEnv = process.env,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  const named = env.DECKHAND_CONFIG?.trim();
  if (named) {
    const path = resolve(named);
    if (!exists(path)) throw new Error(`DECKHAND_CONFIG names ${path}, which does not exist`);
    return path;
  }
  return DESKTOP_CONFIG_NAMES.map((name) => join(dataDir, name)).find((path) => exists(path));
}
