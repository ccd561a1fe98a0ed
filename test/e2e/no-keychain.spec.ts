import { rmSync } from 'node:fs';
import type { AppState } from '../../src/shared/model';
import { FakeKanboard, seedStandardBoard } from '../fakes/kanboard';
import { expect, freshDataDir, startServe, test } from './fixtures';
import { captureBothSchemes, expectLive } from './helpers';

/**
 * A server without an OS keychain (issue 15): `deckhand serve` with no Secret
 * Service to talk to (a D-Bus address that leads nowhere, as on a headless box).
 * The form says so before anyone types a token and takes an environment
 * variable instead; a token typed anyway is refused and the board never starts.
 * The Kanboard fake has Kanboard's default columns, so the connection test warns.
 */
const NO_KEYCHAIN = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/deckhand-bus', DISPLAY: '' };

test('a server with no keychain: tokens come from an environment variable; default Kanboard columns are warned about', async ({
  page,
  request,
  diagnostics,
}) => {
  const fake = await FakeKanboard.start();
  const board = seedStandardBoard(fake);
  const dataDir = freshDataDir();
  const server = await startServe(dataDir, 0, { env: { ...NO_KEYCHAIN, TEAM_KB_TOKEN: board.appToken } });
  try {
    // Typing a token is refused with the reason, and nothing is started.
    const refused = await request.post(`${server.url}/api/call/saveBoard`, {
      data: {
        id: 'typed',
        type: 'kanboard',
        settings: { url: fake.url, project: board.projectName, token: board.appToken },
      },
    });
    expect(refused.status()).toBe(503);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/No OS keychain/);
    const before = (await (await request.post(`${server.url}/api/call/getState`, { data: {} })).json()) as {
      value: AppState;
    };
    expect(before.value.boards.map((b) => b.id)).toEqual(['local']);

    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${server.url}/#/boards`);
    await expectLive(page);
    await page.getByRole('button', { name: 'Add board' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a board' });
    await dialog.getByLabel('Type').selectOption('kanboard');
    await expect(dialog.getByTestId('no-keychain')).toContainText('No keychain on this server');
    await expect(dialog.getByLabel('API token: environment variable')).toHaveAttribute('type', 'text');
    await dialog.getByLabel('Id').fill('team');
    await dialog.getByLabel('JSON-RPC URL').fill(fake.url);
    await dialog.getByLabel('Project').fill(board.projectName);
    await dialog.getByLabel('API token: environment variable').fill('TEAM_KB_TOKEN');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect(dialog.getByTestId('connection-result')).toContainText('Connected: connected; 4 columns');
    const warnings = dialog.getByTestId('connection-warnings');
    await expect(warnings).toContainText('no review column');
    await expect(warnings).toContainText('agents move finished tasks to "Done"');
    await expect(warnings).toContainText('no blocked column');
    await captureBothSchemes(page, 'boards-no-keychain-dialog');

    await dialog.getByRole('button', { name: 'Add board' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(page.getByTestId('boards-table').getByRole('row', { name: /team/ })).toContainText('added here');
    await expect
      .poll(async () => {
        const state = (await (await request.post(`${server.url}/api/call/getState`, { data: {} })).json()) as {
          value: AppState;
        };
        const team = state.value.boards.find((b) => b.id === 'team');
        return team && { status: team.status, synced: Boolean(team.lastPollAt) };
      })
      .toEqual({ status: 'idle', synced: true });
    expect(diagnostics.pageErrors).toEqual([]);
  } finally {
    expect(await server.stop()).toBe(0);
    await fake.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
