/**
 * Start at login, as a pure plan per platform, so the rules are unit-tested
 * without Electron. macOS and Windows have a system API (Electron's
 * setLoginItemSettings); Linux has none, so we write an XDG autostart entry
 * (~/.config/autostart/deckhand.desktop), which GNOME, KDE, Xfce and others read.
 */
import { join } from 'node:path';

/** The argument that tells the app it was started at login: stay in the tray. */
export const HIDDEN_ARG = '--hidden';

export type LoginItemPlan =
  | {
      kind: 'system';
      settings: { openAtLogin: boolean; openAsHidden: boolean; path?: string; args: string[] };
    }
  | { kind: 'xdg-autostart'; file: string; contents: string | null };

export interface LoginItemInput {
  enabled: boolean;
  platform: NodeJS.Platform;
  /** What launches this app: the executable, plus the app folder when running unpackaged. */
  command: readonly string[];
  env: { XDG_CONFIG_HOME?: string | undefined; HOME?: string | undefined; APPIMAGE?: string | undefined };
}

/** Quotes one Exec argument as the Desktop Entry spec asks: double quotes, with `"`, `` ` ``, `$` and `\` escaped. */
export function desktopExecArg(arg: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(arg)) return arg;
  return `"${arg.replace(/(["`$\\])/g, '\\$1')}"`;
}

export function autostartEntry(command: readonly string[]): string {
  const exec = [...command, HIDDEN_ARG].map(desktopExecArg).join(' ');
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Deckhand',
    'Comment=Two-way sync between your task board and your AI agents',
    `Exec=${exec}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n');
}

export function loginItemPlan(input: LoginItemInput): LoginItemPlan {
  if (input.platform === 'linux') {
    const configHome = input.env.XDG_CONFIG_HOME || join(input.env.HOME ?? '~', '.config');
    // An AppImage runs from a temporary mount; APPIMAGE is the file that stays.
    const command = input.env.APPIMAGE ? [input.env.APPIMAGE] : input.command;
    return {
      kind: 'xdg-autostart',
      file: join(configHome, 'autostart', 'deckhand.desktop'),
      contents: input.enabled ? autostartEntry(command) : null,
    };
  }
  const [path, ...rest] = input.command;
  return {
    kind: 'system',
    settings: {
      openAtLogin: input.enabled,
      // macOS ignores args; the shell asks it whether it opened us at login instead.
      openAsHidden: true,
      ...(input.platform === 'win32' && path ? { path } : {}),
      args: [...rest, HIDDEN_ARG],
    },
  };
}
