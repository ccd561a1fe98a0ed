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

  test('opens one sandboxed window with the app frame and only the preload bridge', async () => {
    expect(existsSync(join(ROOT, 'out', 'main', 'index.js')), 'run `npm run build` first').toBe(true);
    app = await electron.launch({
      executablePath: binary!,
      // Chromium refuses to run as root with its sandbox on (CI containers); the renderer sandbox still applies.
      args: [...(process.getuid?.() === 0 ? ['--no-sandbox'] : []), join(ROOT, 'out', 'main', 'index.js')],
      cwd: ROOT,
      // A fresh data folder per test; it also keys the single-instance lock, so a running Deckhand does not interfere.
      env: { ...process.env, DECKHAND_DATA: dataDir, DECKHAND_LOG_LEVEL: 'warn' },
    });
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
});
