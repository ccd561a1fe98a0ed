import type { BoardTasks } from '../../src/shared/contract';
import { expect, test } from './fixtures';
import { callCore, captureBothSchemes, card, column, expectLive, openView } from './helpers';

test.describe('local board', () => {
  test('create and edit a card in a dialog, move it by drag and by keyboard', async ({
    page,
    server,
    request,
    diagnostics,
  }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${server.url}/#/board/local`);
    await expectLive(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Board: Local board');
    await expect(card(page, 'Welcome to Deckhand')).toBeVisible();
    await expect(column(page, 'Backlog').getByTestId('task-card')).toHaveCount(2);

    // The dialog opens with focus in it, keeps Tab inside, and Esc closes it, returning focus.
    const newCard = page.getByRole('button', { name: 'New card' });
    await newCard.click();
    const dialog = page.getByRole('dialog', { name: 'New card' });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByLabel('Title')).toBeFocused();
    for (let i = 0; i < 14; i++) {
      await page.keyboard.press('Tab');
      expect(await dialog.evaluate((d) => d.contains(document.activeElement)), `Tab ${i + 1} stays in the dialog`).toBe(
        true,
      );
    }
    await page.keyboard.press('Escape');
    await expect(dialog).toHaveCount(0);
    await expect(newCard).toBeFocused();

    // Create: a blank title is refused in place; then the card lands in its column.
    await newCard.click();
    await dialog.getByRole('button', { name: 'Create card' }).click();
    await expect(dialog.getByText('A card needs a title.')).toBeVisible();
    await dialog.getByLabel('Title').fill('Write the release notes');
    await dialog.getByLabel('Description').fill('Summarise what changed since 0.1 for the changelog.');
    await dialog.getByLabel('Column').selectOption('Backlog');
    await dialog.getByLabel('Priority').selectOption('High');
    await dialog.getByLabel('Assignee').fill('sam');
    // No needs-ai label: the demo agent must leave this card alone while the test moves it.
    await dialog.getByLabel('Labels').fill('docs, writing');
    await dialog.getByRole('button', { name: 'Create card' }).click();
    await expect(dialog).toHaveCount(0);
    const notes = card(page, 'Write the release notes');
    await expect(
      column(page, 'Backlog').getByTestId('task-card').filter({ hasText: 'Write the release notes' }),
    ).toBeVisible();
    await expect(notes).toContainText('High');
    await expect(notes).toContainText('sam');
    await expect(notes.getByRole('list', { name: 'Labels' })).toHaveText(/docs\s*writing/);

    let board = await callCore<BoardTasks>(request, server.url, 'listTasks', { boardId: 'local' });
    const created = board.tasks.find((t) => t.title === 'Write the release notes')!;
    expect(created).toMatchObject({ status: 'Backlog', priority: 3, assignee: 'sam', labels: ['docs', 'writing'] });

    // Edit: Enter on a focused card opens it.
    await notes.focus();
    await page.keyboard.press('Enter');
    const edit = page.getByRole('dialog', { name: `Edit card #${created.id}` });
    await expect(edit.getByLabel('Title')).toHaveValue('Write the release notes');
    await edit.getByLabel('Title').fill('Write the 0.2 release notes');
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect(edit).toHaveCount(0);
    const renamed = card(page, 'Write the 0.2 release notes');
    await expect(renamed).toBeVisible();

    // Drag it to another column.
    await renamed.dragTo(column(page, 'Work in progress'));
    await expect(column(page, 'Work in progress')).toContainText('Write the 0.2 release notes');
    await expect
      .poll(async () => (await callCore<BoardTasks>(request, server.url, 'listTasks', { boardId: 'local' })).tasks)
      .toContainEqual(expect.objectContaining({ id: created.id, status: 'Work in progress' }));

    // Drag within a column: onto the top half of another card puts it before that card.
    await card(page, 'Connect your own board (optional)').dragTo(card(page, 'Review what an agent did'), {
      targetPosition: { x: 20, y: 4 },
    });
    await expect(column(page, 'Backlog').getByRole('heading', { level: 3 })).toHaveText([
      'Connect your own board (optional)',
      'Review what an agent did',
    ]);

    // The keyboard way: m on a focused card, a column by number, Enter.
    const welcome = card(page, 'Welcome to Deckhand');
    await welcome.focus();
    await page.keyboard.press('m');
    const move = page.getByRole('dialog', { name: 'Move “Welcome to Deckhand”' });
    await expect(move.getByRole('radio', { name: /To do/ })).toBeFocused();
    await page.keyboard.press('6');
    await expect(move.getByRole('radio', { name: /Done/ })).toBeChecked();
    await page.keyboard.press('Enter');
    await expect(move).toHaveCount(0);
    await expect(column(page, 'Done')).toContainText('Welcome to Deckhand');
    await expect(card(page, 'Welcome to Deckhand')).toBeFocused();
    board = await callCore<BoardTasks>(request, server.url, 'listTasks', { boardId: 'local' });
    expect(board.tasks.find((t) => t.title === 'Welcome to Deckhand')?.status).toBe('Done');

    // The engine saw the person's edits and logged them.
    await openView(page, 'Activity');
    await page.getByLabel('Task', { exact: true }).fill(created.id);
    await expect(page.getByRole('option').filter({ hasText: 'Changed on the board' }).first()).toBeVisible();
    await expect(
      page
        .getByRole('option')
        .filter({ hasText: `task ${created.id} · status` })
        .first(),
    ).toContainText('“Backlog” → “Work in progress”');

    await openView(page, 'Board', 'Board: Local board');
    await captureBothSchemes(page, 'board-after-moves');
    await card(page, 'Write the 0.2 release notes').click();
    await captureBothSchemes(page, 'board-card-dialog');
    await page.keyboard.press('Escape');
    expect(diagnostics.consoleErrors).toEqual([]);
  });

  test('columns out of view are faded on their side, and reached by scrolling or by keyboard focus', async ({
    page,
    server,
    diagnostics,
  }) => {
    await page.goto(`${server.url}/#/board/local`);
    await expectLive(page);
    const columns = page.getByTestId('board-columns');
    await expect(card(page, 'Welcome to Deckhand')).toBeVisible();
    // At 1120 px four of the six columns fit; the rest are to the right.
    await expect(columns).toHaveAttribute('data-hidden-edges', 'end');
    await expect(column(page, 'Ready for Review')).toBeInViewport({ ratio: 1 });
    await expect(column(page, 'Done')).not.toBeInViewport();

    await columns.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    await expect(columns).toHaveAttribute('data-hidden-edges', 'start');
    await expect(column(page, 'Done')).toBeInViewport({ ratio: 1 });

    // Focus moving to a card in a hidden column brings the column into view.
    await columns.evaluate((el) => el.scrollTo({ left: 0 }));
    await expect(columns).toHaveAttribute('data-hidden-edges', 'end');
    await column(page, 'Done')
      .getByRole('button', { name: /Add card/ })
      .focus();
    await expect(column(page, 'Done')).toBeInViewport();
    await expect(columns).not.toHaveAttribute('data-hidden-edges', 'end');

    // With room for all six, nothing is hidden and nothing fades.
    await page.setViewportSize({ width: 1600, height: 800 });
    await expect(columns).toHaveAttribute('data-hidden-edges', 'none');
    expect(diagnostics.consoleErrors).toEqual([]);
  });

  test('board calls refuse bad input with 400 and unknown tasks with 404', async ({ server, request }) => {
    const post = (method: string, data: object) => request.post(`${server.url}/api/call/${method}`, { data });
    const unknownColumn = await post('moveTask', { boardId: 'local', taskId: '1', status: 'Nowhere' });
    expect(unknownColumn.status()).toBe(400);
    expect(((await unknownColumn.json()) as { error: { message: string } }).error.message).toMatch(
      /unknown status "Nowhere".*the columns are/,
    );
    const blank = await post('createTask', { boardId: 'local', fields: { title: '   ' } });
    expect(blank.status()).toBe(400);
    const missing = await post('updateTask', { boardId: 'local', taskId: '999', patch: { title: 'x' } });
    expect(missing.status()).toBe(404);
    const noBoard = await post('listTasks', { boardId: 'elsewhere' });
    expect(noBoard.status()).toBe(404);
  });
});
