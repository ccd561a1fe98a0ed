import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { _electron as electron, expect, test, type ElectronApplication } from '@playwright/test';

const ROOT = join(__dirname, '..', '..');
const SKIP_LINE = 'skipped: Electron binary not available';

/**
 * The Electron binary's path, or undefined when it is not installed.
 * Reads what `require('electron')` would return instead of calling it:
 * since Electron 45, requiring the package starts a download when the binary is missing.
 */
function electronBinary(): string | undefined {
  let pkgDir: string;
  try {
    pkgDir = dirname(require.resolve('electron/package.json', { paths: [ROOT] }));
  } catch {
    return undefined;
  }
  const pathFile = join(pkgDir, 'path.txt');
  if (!existsSync(pathFile)) return undefined;
  const relative = readFileSync(pathFile, 'utf8').trim();
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  const binary = override ? join(override, relative) : join(pkgDir, 'dist', relative);
  return existsSync(binary) ? binary : undefined;
}

const binary = electronBinary();
if (!binary) console.log(SKIP_LINE);

test.describe('desktop app (Electron)', () => {
  test.skip(!binary, SKIP_LINE);

  let app: ElectronApplication | undefined;
  let dataDir = '';

  test.beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'deckhand-electron-'));
  });

  test.afterEach(async () => {
    await app?.close();
    app = undefined;
    rmSync(dataDir, { recursive: true, force: true });
  });

  function launch(): Promise<ElectronApplication> {
    return electron.launch({
      executablePath: binary!,
      // Chromium refuses to run as root with its sandbox on (CI containers); the renderer sandbox still applies.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), join(ROOT, 'out', 'main', 'index.js')],
      cwd: ROOT,
      // A fresh data folder per test; it also keys the single-instance lock, so a running Deckhand does not interfere.
      // Test hooks expose the tray (a native menu cannot be clicked from here); see src/main/shell/test-hooks.ts.
      env: { ...process.env, DECKHAND_DATA: dataDir, DECKHAND_LOG_LEVEL: 'warn', DECKHAND_TEST_HOOKS: '1' },
    });
  }

  type TraySnapshot = { status: string; tooltip: string; menu: { id: string; label: string }[] };
  const hooks = 'deckhandTest';
  const traySnapshot = (electronApp: ElectronApplication): Promise<TraySnapshot> =>
    electronApp.evaluate(
      (_electron, name) => (globalThis as unknown as Record<string, { tray(): TraySnapshot }>)[name]!.tray(),
      hooks,
    );
  const clickTray = (electronApp: ElectronApplication, id: string): Promise<boolean> =>
    electronApp.evaluate(
      (_electron, [name, entry]) =>
        (globalThis as unknown as Record<string, { clickTray(id: string): boolean }>)[name!]!.clickTray(entry!),
      [hooks, id],
    );

  test('opens one sandboxed window with the app frame and only the preload bridge', async () => {
    expect(existsSync(join(ROOT, 'out', 'main', 'index.js')), 'run `npm run build` first').toBe(true);
    app = await launch();
    const window = await app.firstWindow();
    await expect(window.getByRole('navigation')).toBeVisible();
    await expect(window.locator('body')).toContainText('Deckhand');

    // contextBridge only works with context isolation on, so a working bridge proves it holds;
    // no require/process proves Node stayed out of the page.
    const page = await window.evaluate(async () => {
      const w = window as unknown as {
        deckhandBridge?: { invoke(name: string, input: unknown): Promise<{ ok: boolean }> };
        require?: unknown;
        process?: unknown;
      };
      return {
        bridgeKeys: w.deckhandBridge ? Object.keys(w.deckhandBridge).sort() : [],
        require: typeof w.require,
        process: typeof w.process,
        health: (await w.deckhandBridge?.invoke('health', {}))?.ok,
      };
    });
    expect(page).toEqual({
      bridgeKeys: ['invoke', 'onEvent'],
      require: 'undefined',
      process: 'undefined',
      health: true,
    });

    const windows = await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().length);
    expect(windows).toBe(1);
    // The core opened its database in the folder we gave it, not in the user's real one.
    expect(existsSync(join(dataDir, 'deckhand.db'))).toBe(true);
  });

  test('the tray tells the truth, and its menu pauses and resumes all agents', async () => {
    app = await launch();
    const window = await app.firstWindow();
    await expect(window.getByTestId('pause-state')).toHaveText('Agents running');
    const first = await traySnapshot(app);
    expect(first.tooltip).toMatch(/^Deckhand: /);
    expect(first.menu.map((i) => i.id)).toEqual(expect.arrayContaining(['open', 'pause-all', 'sync-now', 'quit']));

    expect(await clickTray(app, 'pause-all')).toBe(true);
    await expect(window.getByTestId('pause-state')).toHaveText('All agents paused');
    await expect.poll(async () => (await traySnapshot(app!)).status).toBe('paused');
    expect((await traySnapshot(app)).menu.map((i) => i.id)).toContain('resume-all');

    expect(await clickTray(app, 'resume-all')).toBe(true);
    await expect(window.getByTestId('pause-state')).toHaveText('Agents running');
    await expect.poll(async () => (await traySnapshot(app!)).status).not.toBe('paused');
  });

  test('closing the window keeps Deckhand in the tray, and Open brings the window back', async () => {
    app = await launch();
    const window = await app.firstWindow();
    await expect(window.getByRole('navigation')).toBeVisible();
    const visible = (): Promise<number> =>
      app!.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows().filter((w) => w.isVisible()).length);
    // The window's close button: a tray app hides its window instead of quitting.
    await app.evaluate(({ BrowserWindow }) => BrowserWindow.getAllWindows()[0]!.close());
    await expect.poll(visible).toBe(0);
    expect((await traySnapshot(app)).menu.map((i) => i.id)).toContain('open');

    expect(await clickTray(app, 'open')).toBe(true);
    await expect.poll(visible).toBe(1);
    await expect(window.getByRole('navigation')).toBeVisible();
  });
});
