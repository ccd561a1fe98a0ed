/** Applies the start-at-login setting with the platform's mechanism (see login-item.ts for the rules). */
import { app } from 'electron';
import { createLogger } from '../core/logger';
import { HIDDEN_ARG, loginItemPlan } from './login-item';
import { applyAutostart } from './xdg-autostart';

const log = createLogger('shell');

export function applyStartAtLogin(enabled: boolean): void {
  // Unpackaged (npm run dev / electron .), the executable is Electron itself and needs the app folder.
  const command = app.isPackaged ? [process.execPath] : [process.execPath, app.getAppPath()];
  const plan = loginItemPlan({ enabled, platform: process.platform, command, env: process.env });
  try {
    if (plan.kind === 'system') app.setLoginItemSettings(plan.settings);
    else applyAutostart(plan);
  } catch (err) {
    log.warn(`could not ${enabled ? 'turn on' : 'turn off'} start at login`, err);
  }
}

/** True when the system started us at login: stay in the tray until asked. */
export function startedAtLogin(): boolean {
  if (process.argv.includes(HIDDEN_ARG)) return true;
  return process.platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true;
}
