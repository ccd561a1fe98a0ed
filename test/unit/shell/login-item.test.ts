import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { autostartEntry, desktopExecArg, loginItemPlan } from '../../../src/main/shell/login-item';
import { applyAutostart } from '../../../src/main/shell/xdg-autostart';

describe('start at login plan', () => {
  it('Linux writes an XDG autostart entry under XDG_CONFIG_HOME, or ~/.config', () => {
    const plan = loginItemPlan({
      enabled: true,
      platform: 'linux',
      command: ['/opt/Deckhand/deckhand'],
      env: { XDG_CONFIG_HOME: '/home/ann/.cfg', HOME: '/home/ann' },
    });
    expect(plan).toEqual({
      kind: 'xdg-autostart',
      file: '/home/ann/.cfg/autostart/deckhand.desktop',
      contents: autostartEntry(['/opt/Deckhand/deckhand']),
    });
    const fallback = loginItemPlan({ enabled: false, platform: 'linux', command: ['x'], env: { HOME: '/home/ann' } });
    expect(fallback).toEqual({
      kind: 'xdg-autostart',
      file: '/home/ann/.config/autostart/deckhand.desktop',
      contents: null,
    });
  });

  it('an AppImage starts from the AppImage file, not its temporary mount', () => {
    const plan = loginItemPlan({
      enabled: true,
      platform: 'linux',
      command: ['/tmp/.mount_DeckhXYZ/deckhand'],
      env: { HOME: '/home/ann', APPIMAGE: '/home/ann/Apps/Deckhand 0.1.0.AppImage' },
    });
    expect(plan.kind === 'xdg-autostart' && plan.contents).toContain(
      'Exec="/home/ann/Apps/Deckhand 0.1.0.AppImage" --hidden',
    );
  });

  it('the entry starts hidden and quotes arguments as the Desktop Entry spec asks', () => {
    const entry = autostartEntry(['/usr/bin/electron', '/home/ann/dev/deck hand']);
    expect(entry.split('\n')).toEqual([
      '[Desktop Entry]',
      'Type=Application',
      'Name=Deckhand',
      'Comment=Two-way sync between your task board and your AI agents',
      'Exec=/usr/bin/electron "/home/ann/dev/deck hand" --hidden',
      'Terminal=false',
      'X-GNOME-Autostart-enabled=true',
      '',
    ]);
    expect(desktopExecArg('a"b$c`d\\e f')).toBe('"a\\"b\\$c\\`d\\\\e f"');
  });

  it('macOS and Windows use the system login items, hidden', () => {
    expect(
      loginItemPlan({ enabled: true, platform: 'darwin', command: ['/Applications/Deckhand.app/x'], env: {} }),
    ).toEqual({
      kind: 'system',
      settings: { openAtLogin: true, openAsHidden: true, args: ['--hidden'] },
    });
    expect(
      loginItemPlan({ enabled: false, platform: 'win32', command: ['C:\\Deckhand\\Deckhand.exe', 'app'], env: {} }),
    ).toEqual({
      kind: 'system',
      settings: {
        openAtLogin: false,
        openAsHidden: true,
        path: 'C:\\Deckhand\\Deckhand.exe',
        args: ['app', '--hidden'],
      },
    });
  });
});

describe('XDG autostart file', () => {
  const dirs: string[] = [];
  afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('is written (folders created) when turned on and removed when turned off; both are idempotent', () => {
    const home = mkdtempSync(join(tmpdir(), 'deckhand-autostart-'));
    dirs.push(home);
    const on = loginItemPlan({ enabled: true, platform: 'linux', command: ['/opt/deckhand'], env: { HOME: home } });
    const off = loginItemPlan({ enabled: false, platform: 'linux', command: ['/opt/deckhand'], env: { HOME: home } });
    if (on.kind !== 'xdg-autostart' || off.kind !== 'xdg-autostart') throw new Error('expected XDG plans on Linux');
    applyAutostart(on);
    applyAutostart(on);
    expect(readFileSync(on.file, 'utf8')).toContain('Exec=/opt/deckhand --hidden');
    applyAutostart(off);
    applyAutostart(off);
    expect(existsSync(on.file)).toBe(false);
  });
});
