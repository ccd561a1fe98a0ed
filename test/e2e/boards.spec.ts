import type { SavedBoardView } from '../../src/shared/board-types';
import type { AppState } from '../../src/shared/model';
import { expect, test } from './fixtures';
import { callCore, captureBothSchemes, expectLive, openView, recordTraffic } from './helpers';

test.describe('boards', () => {
  test('add a board from the form, see it sync, pause and resume it, then remove it', async ({
    page,
    server,
    request,
    diagnostics,
  }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${server.url}/#/boards`);
    await expectLive(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Boards');
    const table = page.getByTestId('boards-table');
    await expect(table.getByRole('row', { name: /Local board/ })).toContainText('from the config file');

    await page.getByRole('button', { name: 'Add board' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a board' });
    // The form comes from the type's declared settings: Kanboard asks for its URL, project, user and token.
    await dialog.getByLabel('Type').selectOption('kanboard');
    await expect(dialog.getByLabel('JSON-RPC URL')).toBeVisible();
    await expect(dialog.getByLabel('API token')).toHaveAttribute('type', 'password');
    await dialog.getByLabel('Id').fill('Team Board');
    await expect(dialog.getByText(/Use lowercase letters/)).toBeVisible();
    await captureBothSchemes(page, 'boards-add-dialog');

    // A local board needs nothing else.
    await dialog.getByLabel('Type').selectOption('local');
    await dialog.getByLabel('Id').fill('scratch');
    await dialog.getByLabel('Name').fill('Scratch pad');
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect(dialog.getByTestId('connection-result')).toContainText('Connected: connected; 6 columns');
    await dialog.getByRole('button', { name: 'Add board' }).click();
    await expect(dialog).toHaveCount(0);
    const row = table.getByRole('row', { name: /Scratch pad/ });
    await expect(row).toContainText('added here');
    const state = await callCore<AppState>(request, server.url, 'getState');
    expect(state.boards.map((b) => b.id)).toEqual(['local', 'scratch']);

    // Pause and resume from the row; sync now reports back.
    await row.getByRole('button', { name: 'Pause (Scratch pad)' }).click();
    await expect(row).toContainText('paused');
    await expect(row.getByRole('button', { name: 'Sync now (Scratch pad)' })).toBeDisabled();
    await row.getByRole('button', { name: 'Resume (Scratch pad)' }).click();
    await expect(row).not.toContainText('paused');
    await row.getByRole('button', { name: 'Sync now (Scratch pad)' }).click();
    await expect(row).toContainText(/Synced at/);

    // Its board view: empty, with the columns to start from.
    await row.getByRole('button', { name: 'Open board Scratch pad' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Board: Scratch pad');
    await expect(page.getByText('This board has no cards yet.')).toBeVisible();
    await expect(page.locator('section.board-column')).toHaveCount(6);

    await openView(page, 'Boards');
    await row.getByRole('button', { name: 'Remove board Scratch pad' }).click();
    await row.getByRole('button', { name: 'Remove', exact: true }).click();
    await expect(table.getByRole('row', { name: /Scratch pad/ })).toHaveCount(0);
    const connections = await callCore<SavedBoardView[]>(request, server.url, 'listBoardConnections');
    expect(connections.map((c) => c.id)).toEqual(['local']);
    expect(diagnostics.consoleErrors).toEqual([]);
  });

  test('a connection test with a token: the failure is shown, and the token is in no response and not on the page', async ({
    page,
    server,
    diagnostics,
  }) => {
    const token = 'tok-e2e-7f3c9a1d55';
    const { bodies, frames } = recordTraffic(page);
    await page.goto(`${server.url}/#/boards`);
    await expectLive(page);
    await page.getByRole('button', { name: 'Add board' }).click();
    const dialog = page.getByRole('dialog', { name: 'Add a board' });
    await dialog.getByLabel('Type').selectOption('kanboard');
    await dialog.getByLabel('Id').fill('team');
    await dialog.getByLabel('JSON-RPC URL').fill('http://127.0.0.1:9/jsonrpc.php');
    await dialog.getByLabel('Project').fill('1');
    await dialog.getByLabel('Username').fill('jsonrpc');
    await dialog.getByLabel('API token').fill(token);
    await dialog.getByRole('button', { name: 'Test connection' }).click();
    await expect(dialog.getByTestId('connection-result')).toContainText('Could not connect');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toHaveCount(0);
    expect(await page.content()).not.toContain(token);
    expect(bodies.length).toBeGreaterThan(0);
    expect(bodies.filter((b) => b.includes(token))).toEqual([]);
    expect(frames.filter((f) => f.includes(token))).toEqual([]);
    expect(diagnostics.pageErrors).toEqual([]);
  });
});
