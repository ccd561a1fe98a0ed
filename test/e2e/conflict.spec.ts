import type { BoardTasks } from '../../src/shared/contract';
import type { Conflict, SyncLogEntry } from '../../src/shared/model';
import { expect, test } from './fixtures';
import { callCore, captureBothSchemes, card, column, expectLive, nav, openView } from './helpers';
import { startInProcess, type InProcessServer } from './in-process';
import { submitAfterRead } from '../helpers/agent-basis';

/**
 * A person and an agent change the same fields of a task; the ownership
 * policy for those fields is "ask", so the conflicts wait for the person, who
 * settles them from the keyboard and sees the board follow.
 *
 * How the agent's write is made: the agent runtime's calls are not part of the
 * contract yet, so the test plays the agent through `core.engine.submitIntent`
 * on a core it runs in-process (see in-process.ts). Everything the person does
 * goes through the UI.
 */
test.describe('conflicts', () => {
  let app: InProcessServer;
  test.beforeEach(async () => {
    app = await startInProcess();
  });
  // eslint-disable-next-line no-empty-pattern -- Playwright needs the fixtures argument to pass testInfo
  test.afterEach(async ({}, testInfo) => {
    // The in-process core logs to this process, not to a server log; keep its sync log with a failure.
    if (testInfo.status !== testInfo.expectedStatus) {
      const entries = [...app.core.logEntries({ boardId: 'local' })].map((e) => JSON.stringify(e)).join('\n');
      await testInfo.attach('sync-log.jsonl', { body: entries, contentType: 'application/x-ndjson' });
    }
    await app.stop();
  });

  test('an agent write collides with a person’s edit under "ask"; resolve from the keyboard and see the board change', async ({
    page,
    request,
    diagnostics,
  }) => {
    test.setTimeout(90_000);
    const { core, url } = app;
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(url);
    await expectLive(page);
    // The engine's first sync has seen the sample task (its base is what both sides change).
    await expect.poll(() => core.engine.base.get('local', '1')?.fields.status).toBe('To do');

    // 1. Status and labels: ask a person when both sides change them.
    await openView(page, 'Ownership');
    const table = page.getByTestId('ownership-table');
    await table.getByLabel('Conflict policy for status').selectOption('ask');
    await table.getByLabel('Conflict policy for labels').selectOption('ask');
    await expect(table.locator('tr[data-field="labels"]')).toContainText(
      'when both change it, the conflict waits in the inbox for a person',
    );
    await page.getByRole('button', { name: 'Save as version 1' }).click();
    await expect(page.getByTestId('ownership-version')).toContainText('Version 1 · saved by you (web UI)');

    // 2. Hold the board, so the agent's write waits while the person edits.
    await openView(page, 'Boards');
    await page.getByRole('button', { name: 'Pause (Local board)' }).click();
    await expect(page.getByTestId('boards-table').getByRole('row', { name: /Local board/ })).toContainText('paused');

    // 3. The agent's write: status and labels of "Welcome to Deckhand".
    const submitted = submitAfterRead(core.engine, {
      kind: 'update',
      boardId: 'local',
      taskId: '1',
      actor: 'agent:researcher',
      patch: { status: 'Ready for Review', labels: ['docs', 'getting-started'] },
      reason: 'drafted the welcome note',
    });
    expect(submitted).toMatchObject({ queued: true, refused: [] });
    const outbox = page.getByTestId('outbox-table');
    await expect(outbox.getByRole('row', { name: /Update task 1/ })).toContainText('pending');
    await captureBothSchemes(page, 'boards-paused-outbox');

    // 4. The person, meanwhile, moves the card to Done (keyboard) and relabels it (dialog).
    await openView(page, 'Board', 'Board: Local board');
    await card(page, 'Welcome to Deckhand').focus();
    await page.keyboard.press('m');
    await page.keyboard.press('6');
    await page.keyboard.press('Enter');
    await expect(column(page, 'Done')).toContainText('Welcome to Deckhand');
    await card(page, 'Welcome to Deckhand').click();
    const edit = page.getByRole('dialog', { name: 'Edit card #1' });
    await edit.getByLabel('Labels').fill('getting-started, welcome');
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect(edit).toHaveCount(0);

    // 5. Resume: the outbox delivers, the merge finds both sides changed both fields, and asks.
    await openView(page, 'Boards');
    await page.getByRole('button', { name: 'Resume (Local board)' }).click();
    // Background work (deliver, merge, open two conflicts), not a UI response: allow a busy machine more time.
    await expect(nav(page, 'Conflicts')).toHaveAccessibleName('Conflicts 2 open', { timeout: 15_000 });

    await openView(page, 'Conflicts');
    const cards = page.getByTestId('conflict-card');
    await expect(cards).toHaveCount(2);
    const status = cards.filter({ hasText: 'Status of' });
    const labels = cards.filter({ hasText: 'Labels of' });
    await expect(status.getByRole('heading')).toHaveText('Status of “Welcome to Deckhand”');
    await expect(status.getByTestId('side-base')).toHaveText('To do');
    await expect(status.getByTestId('side-human')).toContainText('Done');
    await expect(status.getByTestId('side-agent')).toContainText('Ready for Review');
    // Label sets as chips: what each side added to the base is marked.
    await expect(labels.getByTestId('side-human').locator('.chip-added')).toHaveText(/welcome/);
    await expect(labels.getByTestId('side-agent').locator('.chip-added')).toHaveText(/docs/);
    await expect(page.getByTestId('key-hints')).toContainText('h keep human');
    await captureBothSchemes(page, 'conflicts-open');

    // 6. Keyboard only: j to the labels conflict, a to take the agent's, Enter to accept.
    await expect(status).toHaveClass(/is-active/);
    await page.keyboard.press('j');
    await expect(labels).toHaveClass(/is-active/);
    await expect(labels).toBeFocused();
    await page.keyboard.press('a');
    await expect(labels.getByRole('radio', { name: /Take agent/ })).toBeChecked();
    await page.keyboard.press('Enter');
    await expect(cards).toHaveCount(1);

    // Then the status: e opens the editor with the person's value, change it, Enter accepts.
    await expect(status).toHaveClass(/is-active/);
    await page.keyboard.press('e');
    const editor = status.getByLabel('New value for status');
    await expect(editor).toBeFocused();
    await expect(editor).toHaveValue('Done');
    await captureBothSchemes(page, 'conflicts-editing');
    await editor.selectOption('Backlog');
    await editor.press('Enter');
    await expect(cards).toHaveCount(0);
    await expect(page.getByText('No open conflicts')).toBeVisible();
    const resolved = page.getByTestId('resolved-list');
    const items = resolved.locator('.resolved-item');
    await expect(items).toHaveCount(2);
    await expect(items.filter({ hasText: 'Status' })).toContainText('you (web UI) edited value: Backlog');
    await expect(items.filter({ hasText: 'Labels' })).toContainText("you (web UI) took the agent's value");
    await expect(nav(page, 'Conflicts')).toHaveAccessibleName('Conflicts');

    // 7. The board follows: the edited status and the agent's labels.
    await openView(page, 'Board', 'Board: Local board');
    await expect(column(page, 'Backlog')).toContainText('Welcome to Deckhand');
    await expect(card(page, 'Welcome to Deckhand').getByRole('list', { name: 'Labels' })).toHaveText(
      /docs\s*getting-started/,
    );
    const board = await callCore<BoardTasks>(request, url, 'listTasks', { boardId: 'local' });
    expect(board.tasks.find((t) => t.id === '1')).toMatchObject({
      status: 'Backlog',
      labels: ['docs', 'getting-started'],
    });
    const all = await callCore<Conflict[]>(request, url, 'listConflicts', { state: 'all' });
    expect(all.map((c) => [c.field, c.state, c.resolvedBy]).sort()).toEqual([
      ['labels', 'resolved', 'human:http'],
      ['status', 'resolved', 'human:http'],
    ]);

    // 8. The log says who resolved it and how.
    await openView(page, 'Activity');
    await page.getByLabel('Kind').selectOption('conflict.');
    const rows = page.getByRole('listbox', { name: /Sync log entries/ }).getByRole('option');
    await expect(rows).toHaveCount(4);
    await rows.filter({ hasText: 'task 1 · status' }).filter({ hasText: 'Conflict resolved' }).click();
    const detail = page.getByTestId('log-detail');
    await expect(detail).toContainText('you (web UI)');
    await expect(detail).toContainText('human:http');
    await expect(detail.getByTestId('log-after')).toHaveText('Backlog');
    await expect(detail).toContainText('edited value');
    const log = await callCore<{ entries: SyncLogEntry[] }>(request, url, 'listLog', {
      filter: { taskId: '1', action: 'field.written' },
    });
    expect(log.entries.map((e) => [e.actor, e.field, e.after])).toEqual(
      expect.arrayContaining([
        ['human:http', 'labels', ['docs', 'getting-started']],
        ['human:http', 'status', 'Backlog'],
      ]),
    );
    expect(diagnostics.consoleErrors).toEqual([]);
  });
});
