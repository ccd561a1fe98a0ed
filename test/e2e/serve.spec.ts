import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { AppState, Health, Settings } from '../../src/shared/model';
import { expect, freshDataDir, startServe, test, type ServeHandle } from './fixtures';
import { callCore, expectLive, expectNoSeriousViolations, nav, openView, SCREENSHOTS, settled } from './helpers';

const VIEWS = [
  { id: 'activity', nav: 'Activity', heading: 'Activity' },
  { id: 'conflicts', nav: 'Conflicts', heading: 'Conflicts' },
  { id: 'ownership', nav: 'Ownership', heading: 'Ownership' },
  { id: 'agents', nav: 'Agents', heading: 'Agents' },
  { id: 'boards', nav: 'Boards', heading: 'Boards' },
  { id: 'board', nav: 'Board', heading: /^Board: / },
  { id: 'settings', nav: 'Settings', heading: 'Settings' },
] as const;

/** An expression string, because the tests are type-checked without the DOM library. */
function bodyBackground(page: Page): Promise<string> {
  return page.evaluate('getComputedStyle(document.body).backgroundColor') as Promise<string>;
}

test.describe('deckhand serve UI', () => {
  test('renders the frame from live core state', async ({ page, server, request, diagnostics }) => {
    const health = (await (await request.get(`${server.url}/api/health`)).json()) as Health;
    const state = await callCore<AppState>(request, server.url, 'getState');

    await page.goto(server.url);
    await expect(page.getByRole('banner')).toBeVisible();
    await expect(page.getByRole('navigation', { name: 'Views' })).toBeVisible();
    await expect(page.getByRole('main')).toBeVisible();
    await expectLive(page);

    await expect(page.getByTestId('version')).toHaveText(`Deckhand v${health.version}`);
    await expect(page.getByTestId('config-source')).toHaveText(state.configSource);
    await expect(page.getByTestId('pause-state')).toHaveText('Agents running');

    await openView(page, VIEWS[4].nav, VIEWS[4].heading);
    const boards = page.getByTestId('boards-table');
    const local = boards.getByRole('row', { name: /local/ });
    await expect(local).toBeVisible();
    await expect(local.getByRole('rowheader')).toContainText('local · from the config file'); // type and origin
    await expect(local.getByTestId('board-webhook')).toContainText('not needed');
    await expect(local).toContainText(state.boards[0]!.status);

    await local.getByRole('button', { name: /Open board/ }).click();
    await expect(nav(page, 'Board')).toHaveAttribute('aria-current', 'page');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Board: ${state.boards[0]!.name}`);
    expect(new URL(page.url()).hash).toBe('#/board/local');

    await openView(page, VIEWS[3].nav, VIEWS[3].heading);
    if (state.agents.length === 0) {
      await expect(
        page.getByText('No agents yet — use Add agent above, or declare one under agents: in your config'),
      ).toBeVisible();
    }

    await openView(page, VIEWS[1].nav, VIEWS[1].heading);
    expect(state.counts.conflicts).toBe(0);
    await expect(page.getByText('No open conflicts')).toBeVisible();

    expect(diagnostics.consoleErrors, 'no console errors').toEqual([]);
  });

  test('Pause all and Resume all round-trip through the core', async ({ page, server, request, diagnostics }) => {
    await page.goto(server.url);
    await expectLive(page);
    const pauseState = page.getByTestId('pause-state');
    await expect(pauseState).toHaveText('Agents running');

    await page.getByRole('button', { name: 'Pause all' }).click();
    await expect(pauseState).toHaveText('All agents paused');
    await expect(page.getByRole('banner')).toHaveClass(/is-paused/);
    const paused = await callCore<AppState>(request, server.url, 'getState');
    expect(paused.pause.paused).toBe(true);
    expect(paused.pause.by).toBe('human:http');

    await page.getByRole('button', { name: 'Resume all' }).click();
    await expect(pauseState).toHaveText('Agents running');
    expect((await callCore<AppState>(request, server.url, 'getState')).pause.paused).toBe(false);

    // A change made elsewhere (CLI, tray, another tab) reaches the page over the event socket.
    await callCore(request, server.url, 'pauseAll', { reason: 'maintenance window' });
    await expect(pauseState).toHaveText('All agents paused');
    await expect(page.getByTestId('pause-detail')).toContainText('maintenance window');
    await callCore(request, server.url, 'resumeAll');
    await expect(pauseState).toHaveText('Agents running');

    expect(diagnostics.consoleErrors, 'no console errors').toEqual([]);
  });

  test('navigation works from the keyboard', async ({ page, server, diagnostics }) => {
    await page.goto(server.url);
    await expectLive(page);
    await nav(page, 'Activity').focus();
    await page.keyboard.press('Tab');
    await expect(nav(page, 'Conflicts')).toBeFocused();
    await page.keyboard.press('Enter');
    await expect(nav(page, 'Conflicts')).toHaveAttribute('aria-current', 'page');
    await expect(nav(page, 'Activity')).not.toHaveAttribute('aria-current');
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Conflicts');
    // Back goes to the previous view.
    await page.goBack();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Activity');
    expect(diagnostics.consoleErrors).toEqual([]);
  });

  test('the theme setting is stored by the core and applied', async ({ page, server, request, diagnostics }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${server.url}/#/settings`);
    await expectLive(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Settings');
    const dark = page.getByRole('radio', { name: 'Dark' });
    await expect(page.getByRole('radio', { name: 'System' })).toBeChecked();
    await expect(dark).toBeEnabled();
    const lightBackground = await bodyBackground(page);

    await dark.check();
    await expect(page.locator('html')).toHaveAttribute('data-theme', 'dark');
    await expect.poll(async () => (await callCore<Settings>(request, server.url, 'getSettings')).theme).toBe('dark');
    expect(await bodyBackground(page)).not.toBe(lightBackground);

    // Another client changing it is reflected here through settings.changed.
    await callCore(request, server.url, 'updateSettings', { theme: 'system' });
    await expect(page.getByRole('radio', { name: 'System' })).toBeChecked();
    await expect(page.locator('html')).not.toHaveAttribute('data-theme');
    expect(diagnostics.consoleErrors).toEqual([]);
  });

  test('start at login and notifications are switches stored by the core', async ({
    page,
    server,
    request,
    diagnostics,
  }) => {
    await page.goto(`${server.url}/#/settings`);
    await expectLive(page);
    const login = page.getByRole('checkbox', { name: 'Start Deckhand at login' });
    const notifications = page.getByRole('checkbox', { name: 'Notifications' });
    await expect(login).not.toBeChecked();
    await expect(notifications).toBeChecked();
    // A browser tab says where the setting applies.
    await expect(login).toHaveAccessibleDescription(/Applies to the desktop app/);

    await login.focus();
    await page.keyboard.press('Space');
    await expect(login).toBeChecked();
    await notifications.click();
    await expect(notifications).not.toBeChecked();
    await expect
      .poll(async () => await callCore<Settings>(request, server.url, 'getSettings'))
      .toMatchObject({ startAtLogin: true, notifications: false });

    await page.reload();
    await expectLive(page);
    await expect(login).toBeChecked();
    await expect(notifications).not.toBeChecked();
    expect(diagnostics.consoleErrors).toEqual([]);
  });

  test('every view passes axe and is captured in light and dark', async ({ page, server, diagnostics }) => {
    // Fourteen axe passes and screenshots: more than the default minute on a loaded two-core machine.
    test.setTimeout(150_000);
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.goto(server.url);
    await expectLive(page);
    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      for (const view of VIEWS) {
        await openView(page, view.nav, view.heading);
        await settled(page);
        await expectNoSeriousViolations(page, `${view.id} in ${colorScheme}`);
        await page.screenshot({ path: join(SCREENSHOTS, `${view.id}-${colorScheme}.png`) });
      }
      // The paused frame has its own colours (the header band), so check and capture it too.
      await openView(page, VIEWS[0].nav, VIEWS[0].heading);
      await page.getByRole('button', { name: 'Pause all' }).click();
      await expect(page.getByTestId('pause-state')).toHaveText('All agents paused');
      await settled(page);
      await expectNoSeriousViolations(page, `activity (paused) in ${colorScheme}`);
      await page.screenshot({ path: join(SCREENSHOTS, `activity-paused-${colorScheme}.png`) });
      await page.getByRole('button', { name: 'Resume all' }).click();
      await expect(page.getByTestId('pause-state')).toHaveText('Agents running');
    }
    expect(diagnostics.consoleErrors).toEqual([]);
  });

  test('shows loading and error states without moving the frame', async ({ page, server, diagnostics }) => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    await page.route('**/api/call/getState', async (route) => {
      await held;
      await route.fulfill({
        status: 500,
        json: { ok: false, error: { code: 'internal', message: 'database is locked' } },
      });
    });
    // The core also pushes its state on the event socket whenever it changes (a first sync, an agent
    // run), which would end the loading state early; keep that socket open but silent.
    await page.routeWebSocket('**/api/events', () => {});
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(server.url);
    const pauseButton = page.getByRole('button', { name: 'Pause all' });
    await expect(page.getByRole('status', { name: 'Loading' })).toBeVisible();
    await expect(pauseButton).toBeDisabled();
    mkdirSync(SCREENSHOTS, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOTS, 'loading-light.png') });
    const loadingBox = await pauseButton.boundingBox();

    release();
    await expect(page.getByRole('alert')).toContainText('database is locked');
    await expect(page.getByTestId('pause-state')).toHaveText('State unavailable');
    await page.screenshot({ path: join(SCREENSHOTS, 'error-light.png') });

    await page.unroute('**/api/call/getState');
    await page.getByRole('button', { name: 'Try again' }).click();
    await expect(page.getByTestId('pause-state')).toHaveText('Agents running');
    await expect(pauseButton).toBeEnabled();
    expect(await pauseButton.boundingBox(), 'the header does not move when state arrives').toEqual(loadingBox);
    expect(diagnostics.pageErrors).toEqual([]);
  });

  test('goes offline when the server stops and refetches state when it is back', async ({
    page,
    request,
    diagnostics,
  }) => {
    const dirs = [freshDataDir(), freshDataDir()];
    const first = await startServe(dirs[0]!);
    let second: ServeHandle | undefined;
    try {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(first.url);
      await expectLive(page);
      await callCore(request, first.url, 'pauseAll', { reason: 'before restart' });
      await expect(page.getByTestId('pause-state')).toHaveText('All agents paused');

      expect(await first.stop(), 'first server exits 0 on SIGTERM').toBe(0);
      await expect(page.getByTestId('connection-status')).toHaveText(/Offline/);
      // The last known state stays on screen while offline.
      await expect(page.getByTestId('pause-state')).toHaveText('All agents paused');
      await expect(page.getByRole('contentinfo')).toContainText('reconnecting');
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, 'offline-light.png') });

      // A new core on the same port, with a fresh (unpaused) data directory: only a refetch can show that.
      second = await startServe(dirs[1]!, first.port);
      await expect(page.getByTestId('connection-status')).toHaveText(/Live/, { timeout: 20_000 });
      await expect(page.getByTestId('pause-state')).toHaveText('Agents running');
    } finally {
      await first.stop();
      const secondCode = second ? await second.stop() : 0;
      for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
      expect(secondCode, 'second server exits 0 on SIGTERM').toBe(0);
    }
    // Connection-refused errors are expected here; CSP and page errors are still checked by the fixture.
    expect(diagnostics.pageErrors).toEqual([]);
  });
});
