import { homedir } from 'node:os';
import { join } from 'node:path';

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
