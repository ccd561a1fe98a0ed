import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { _electron as electron, expect, test } from '@playwright/test';

/** The path of the Electron binary, or why there is none (it cannot be downloaded on every machine). */
function electronBinary(): { path?: string; reason?: string } {
  try {
    const path = createRequire(__filename)('electron') as unknown as string;
    return existsSync(path) ? { path } : { reason: `no binary at ${path}` };
  } catch (err) {
    return { reason: err instanceof Error ? err.message.split('\n')[0] : String(err) };
  }
}

const binary = electronBinary();
if (!binary.path) console.log(`skipped: Electron binary not available (${binary.reason})`);

test.describe('desktop app (Electron)', () => {
  test.skip(!binary.path, 'skipped: Electron binary not available');

  test('opens one sandboxed window with the app frame and only the preload bridge', async () => {
    const app = await electron.launch({
      executablePath: binary.path!,
      args: [join(__dirname, '..', '..', 'out', 'main', 'index.js')],
      env: { ...process.env, DECKHAND_DATA: '' },
    });
    const window = await app.firstWindow();
    await expect(window.getByRole('navigation')).toBeVisible();
    await expect(window.locator('body')).toContainText('Deckhand');
    const globals = await window.evaluate(() => ({
      bridge: typeof (window as unknown as { deckhandBridge?: unknown }).deckhandBridge,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(globals).toEqual({ bridge: 'object', require: 'undefined', process: 'undefined' });
    await app.close();
  });
});
