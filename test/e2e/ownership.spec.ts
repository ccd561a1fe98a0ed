import type { OwnershipSchema } from '../../src/shared/ownership';
import type { SyncLogEntry } from '../../src/shared/model';
import { expect, test } from './fixtures';
import { callCore, captureBothSchemes, expectLive, openView } from './helpers';
import { startInProcess, type InProcessServer } from './in-process';
import { submitAfterRead } from '../helpers/agent-basis';

test.describe('ownership editor', () => {
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

  test('change who owns a field, save a new version, and see an agent write refused', async ({
    page,
    request,
    diagnostics,
  }) => {
    const { core, url } = app;
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(url);
    await expectLive(page);
    await expect.poll(() => core.engine.base.get('local', '3')?.fields.title).toBe('Review what an agent did');
    await openView(page, 'Ownership');
    const table = page.getByTestId('ownership-table');
    await expect(page.getByTestId('ownership-version')).toHaveText(
      /^Version 0 · Deckhand's built-in defaults \(no config file\)/,
    );
    const notes = table.locator('tr[data-field="agentNotes"]');
    const labels = table.locator('tr[data-field="labels"]');

    // Only the policies an owner allows are offered, and each row says what it means.
    const labelPolicy = table.getByLabel('Conflict policy for labels');
    await expect(labelPolicy.locator('option')).toHaveText([
      'Last write wins',
      'Human wins',
      'Agent wins',
      'Merge',
      'Ask me',
    ]);
    await expect(table.getByLabel('Conflict policy for status').locator('option')).not.toContainText(['Merge']);
    await expect(notes).toContainText(
      "Agents write it; people normally only read it; when both change it, the agent's value replaces the human edit.",
    );

    // Agent notes become a person's field: the AI-only policies go, and the meaning follows.
    await notes.getByRole('radio', { name: 'Human' }).check();
    await expect(table.getByLabel('Conflict policy for agent notes').locator('option')).toHaveText([
      'Human wins',
      'Ask me',
    ]);
    await expect(notes).toContainText('Agents may not write it; a human edit always stands.');
    await expect(notes).toContainText('edited');
    await labels.getByRole('radio', { name: 'AI' }).check();
    await expect(labelPolicy).toHaveValue('agent-wins');
    await expect(page.getByTestId('ownership-status')).toHaveText('2 unsaved changes');
    // Only the content area scrolls; the frame (header, navigation, status bar) never moves.
    expect(await page.evaluate(() => document.scrollingElement!.scrollTop)).toBe(0);
    await captureBothSchemes(page, 'ownership-editing');

    await page.getByRole('button', { name: 'Save as version 1' }).click();
    await expect(page.getByTestId('ownership-status')).toHaveText('Saved as version 1; it applies from now on.');
    await expect(page.getByTestId('ownership-version')).toContainText('Version 1 · saved by you (web UI)');
    await expect(notes).not.toContainText('edited');
    const saved = await callCore<OwnershipSchema>(request, url, 'getOwnership', { boardId: 'local' });
    expect(saved).toMatchObject({ version: 1, updatedBy: 'human:http' });
    expect(saved.rules.agentNotes).toEqual({ owner: 'human', policy: 'human-wins' });
    expect(saved.rules.labels).toEqual({ owner: 'ai', policy: 'agent-wins' });

    // It applies at once: an agent writing its notes now is refused, and the log says so, live.
    await openView(page, 'Activity');
    const result = submitAfterRead(core.engine, {
      kind: 'update',
      boardId: 'local',
      taskId: '3',
      actor: 'agent:researcher',
      patch: { agentNotes: 'Reviewed: looks fine.' },
      reason: 'review pass',
    });
    expect(result.refused.map((r) => r.field)).toEqual(['agentNotes']);
    const refused = page.getByRole('option').filter({ hasText: 'Write refused' }).first();
    await expect(refused).toContainText('task 3 · agentNotes');
    await refused.click();
    await expect(page.getByTestId('log-detail')).toContainText('agent researcher');
    const log = await callCore<{ entries: SyncLogEntry[] }>(request, url, 'listLog', {
      filter: { action: 'ownership.changed' },
    });
    expect(log.entries.map((e) => e.actor)).toEqual(['human:http']);
    expect(diagnostics.consoleErrors).toEqual([]);
  });

  test("the core's validation messages appear next to the field they are about", async ({ page, diagnostics }) => {
    await page.goto(app.url);
    await expectLive(page);
    await openView(page, 'Ownership');
    // The editor never offers an invalid pair, so bend the request on its way out: the real core answers.
    await page.route('**/api/call/setOwnership', async (route) => {
      const body = route.request().postDataJSON() as { rules: Record<string, unknown> };
      await route.continue({
        postData: JSON.stringify({ ...body, rules: { ...body.rules, labels: { owner: 'human', policy: 'merge' } } }),
      });
    });
    const table = page.getByTestId('ownership-table');
    await table.getByLabel('Conflict policy for status').selectOption('ask');
    await page.getByRole('button', { name: 'Save as version 1' }).click();
    await expect(page.getByTestId('ownership-status')).toContainText('Not saved');
    await expect(table.locator('tr[data-field="labels"]').getByRole('alert')).toContainText(
      'a field owned by human settles conflicts with human-wins or ask, not merge',
    );
    await expect(table.getByLabel('Conflict policy for labels')).toHaveAttribute('aria-invalid', 'true');
    // Nothing was saved.
    await expect(page.getByTestId('ownership-version')).toHaveText(/^Version 0/);
    expect(diagnostics.pageErrors).toEqual([]);
  });
});
