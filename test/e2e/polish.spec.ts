import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { OwnershipSchema } from '../../src/shared/ownership';
import type { SavedBoardView } from '../../src/shared/board-types';
import type { AgentRun, AppState, InboxItem } from '../../src/shared/model';
import { FakeKanboard, seedStandardBoard } from '../fakes/kanboard';
import { expect, freshDataDir, startServe, test } from './fixtures';
import { callCore, captureBothSchemes, card, expectLive, nav, openView } from './helpers';

// The embedded default must use its offline demo agent, whatever happens to listen on localhost.
process.env.DECKHAND_PROBE_LOCAL_LLM = '0';

/**
 * Issue 15, what the app says must be true: the header with the only agent paused, a cost nobody reported, an
 * agent write that ownership refused (in the run, the log, and followed from the log to its card), a title
 * over the limit, and the Board and Ownership views at 1280 and 900 px.
 */

async function demoRunDone(page: Page, url: string, taskId?: string): Promise<AgentRun> {
  let done: AgentRun | undefined;
  await expect
    .poll(
      async () => {
        const runs = await callCore<AgentRun[]>(page.request, url, 'listRuns', taskId ? { taskId } : {});
        done = runs.find((r) => r.state === 'done');
        return done?.state;
      },
      { timeout: 20_000 },
    )
    .toBe('done');
  return done!;
}

test.describe('true text and layout (issue 15)', () => {
  test('a refused write shows in the run and the log, the log leads to its card; cost unknown; the paused agent', async ({
    page,
    server,
    diagnostics,
  }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    // The first page load finishes onboarding (see fixtures); the demo agent works from then on.
    await page.goto(server.url);
    await expectLive(page);
    // Agent notes owned by a person: the demo agent's notes are refused from now on.
    const current = await callCore<OwnershipSchema>(page.request, server.url, 'getOwnership', { boardId: 'local' });
    await callCore(page.request, server.url, 'setOwnership', {
      boardId: 'local',
      rules: { ...current.rules, agentNotes: { owner: 'human', policy: 'human-wins' } },
    });
    const task = await callCore<{ id: string }>(page.request, server.url, 'createTask', {
      boardId: 'local',
      // With a description the demo agent works it at once (without one it asks what the card should achieve).
      fields: {
        title: 'Summarise the changelog',
        description: 'List the user-facing changes since the last tag.',
        status: 'To do',
        labels: ['needs-ai'],
      },
    });
    const run = await demoRunDone(page, server.url, task.id);
    expect(run.outcome).toMatch(/not written: agentNotes/);

    await page.goto(`${server.url}/#/agents`);
    await expectLive(page);
    const row = page.locator(`[data-testid="run-row"][data-run-id="${run.id}"]`);
    await expect(row.locator('.run-outcome')).toContainText('not written: agentNotes');
    // The demo agent reports no cost: the day's cost is unknown, never $0.00.
    await expect(page.getByTestId('budget-cost')).toContainText(/unknown: \d+ calls? reported no cost/);
    await expect(page.getByTestId('budget-cost')).not.toContainText('$0.00');

    // The log entry holds the value the agent tried to write, and leads to the card.
    await page.goto(`${server.url}/#/activity?action=write.refused`);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Activity');
    const entry = page
      .getByRole('listbox', { name: /Sync log entries/ })
      .getByRole('option')
      .first();
    await expect(entry).toContainText('Write refused');
    await entry.click();
    const detail = page.getByTestId('log-detail');
    await expect(detail.getByTestId('log-after')).toContainText('Demo agent');
    await expect(detail.getByTestId('log-task-title')).toHaveText('“Summarise the changelog”');
    await detail.getByTestId('open-on-board').click();
    const dialog = page.getByRole('dialog', { name: `Edit card #${task.id}` });
    await expect(dialog).toBeVisible();
    await expect(dialog.getByRole('textbox', { name: 'Title' })).toHaveValue('Summarise the changelog');
    await page.keyboard.press('Escape');

    // Pausing the only agent: the header no longer says agents are running.
    await callCore(page.request, server.url, 'pauseAgent', { agentId: 'demo', reason: 'e2e' });
    await expect(page.getByTestId('pause-state')).toHaveText('The only agent is paused');
    expect(diagnostics.consoleErrors).toEqual([]);
  });

  test('a title over 500 characters is one message by the field; Ownership fits at 1280 and 900 px', async ({
    page,
    server,
    diagnostics,
  }) => {
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.goto(`${server.url}/#/board/local`);
    await expectLive(page);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(/Board/);
    await expect(card(page, 'Ask an agent for help')).toBeVisible();

    await captureBothSchemes(page, 'polish-board-1280');

    await page.getByRole('button', { name: 'New card' }).click();
    const dialog = page.getByRole('dialog', { name: 'New card' });
    await dialog.getByRole('textbox', { name: 'Title' }).fill('x'.repeat(523));
    await dialog.getByRole('button', { name: /^(Create|Save)/ }).click();
    await expect(dialog.getByText('Title must be at most 500 characters (this one has 523)')).toBeVisible();
    await expect(dialog.getByRole('alert')).toHaveCount(0);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByText('That did not work')).toHaveCount(0);

    await page.setViewportSize({ width: 900, height: 800 });
    await captureBothSchemes(page, 'polish-board-900');

    await openView(page, 'Ownership');
    await expect(page.getByTestId('ownership-table')).toBeVisible();
    // The table stays inside its card: any overflow scrolls within the card, not past it.
    const tableWrap = await page.locator('.ownership-table-wrap').boundingBox();
    const panel = await page
      .locator('.panel')
      .filter({ has: page.getByTestId('ownership-table') })
      .boundingBox();
    expect(tableWrap!.x + tableWrap!.width).toBeLessThanOrEqual(panel!.x + panel!.width + 1);
    await captureBothSchemes(page, 'polish-ownership-900');
    await page.setViewportSize({ width: 1280, height: 800 });
    await captureBothSchemes(page, 'polish-ownership-1280');
    expect(diagnostics.consoleErrors).toEqual([]);
  });

  test('Kanboard with its default columns: the warning offers existing columns for the missing roles, saved with the board', async ({
    page,
    diagnostics,
  }) => {
    const fake = await FakeKanboard.start();
    const board = seedStandardBoard(fake); // Backlog, Ready, Work in progress, Done
    const dataDir = freshDataDir();
    // No keychain on this server either way (the test runs outside a D-Bus session): the token is an env variable.
    const env = {
      DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/deckhand-bus',
      DISPLAY: '',
      KB_TOKEN: board.appToken,
    };
    const server = await startServe(dataDir, 0, { env });
    try {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.goto(`${server.url}/#/boards`);
      await expectLive(page);
      await page.getByRole('button', { name: 'Add board' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a board' });
      await dialog.getByLabel('Type').selectOption('kanboard');
      await dialog.getByLabel('Id').fill('team');
      await dialog.getByLabel('JSON-RPC URL').fill(fake.url);
      await dialog.getByLabel('Project').fill(board.projectName);
      await dialog.getByLabel('API token: environment variable').fill('KB_TOKEN');
      await dialog.getByRole('button', { name: 'Test connection' }).click();
      const warnings = dialog.getByTestId('connection-warnings');
      await expect(warnings).toContainText('no review column');
      await expect(warnings).toContainText('no blocked column');
      const mapping = dialog.getByTestId('role-mapping');
      await expect(mapping.getByRole('combobox')).toHaveCount(2);
      await mapping.getByLabel(/As the review column/).selectOption('Done');
      await mapping.getByLabel(/As the blocked column/).selectOption('Backlog');
      await captureBothSchemes(page, 'polish-role-mapping-1280');
      await page.setViewportSize({ width: 900, height: 800 });
      await captureBothSchemes(page, 'polish-role-mapping-900');
      await dialog.getByRole('button', { name: 'Test connection' }).click();
      await expect(dialog.getByTestId('connection-result')).toContainText('Connected: connected; 4 columns');
      await expect(warnings).toHaveCount(0);
      await dialog.getByRole('button', { name: 'Add board' }).click();
      await expect(dialog).toHaveCount(0);
      const saved = await callCore<SavedBoardView[]>(page.request, server.url, 'listBoardConnections');
      expect(saved.find((b) => b.id === 'team')?.settings).toMatchObject({
        'columns.review': 'Done',
        'columns.blocked': 'Backlog',
      });
      expect(diagnostics.pageErrors).toEqual([]);
    } finally {
      expect(await server.stop()).toBe(0);
      await fake.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  test('a failed run is dismissed from the inbox; it stays dismissed and the log says so', async ({
    page,
    diagnostics,
  }) => {
    const dataDir = freshDataDir();
    const configPath = join(dataDir, 'deckhand.yml');
    writeFileSync(
      configPath,
      JSON.stringify({
        schema_version: 1,
        boards: [{ id: 'local', type: 'local' }],
        agents: [
          {
            id: 'failing',
            board: 'local',
            workflow: 'pickup',
            routes: { labels: ['needs-ai'] },
            // A command that is not there fails for good at once (not retried): a config problem.
            provider: { type: 'command', command: ['/nonexistent/deckhand-agent'] },
          },
        ],
      }),
    );
    const server = await startServe(join(dataDir, 'data'), 0, { configPath });
    try {
      await page.setViewportSize({ width: 1280, height: 800 });
      await callCore(page.request, server.url, 'createTask', {
        boardId: 'local',
        fields: { title: 'Tag the release', status: 'To do', labels: ['needs-ai'] },
      });
      await page.goto(`${server.url}/#/inbox`);
      await expectLive(page);
      const item = page.locator('article').filter({ hasText: 'Agent failing failed on “Tag the release”' });
      await expect(item).toBeVisible({ timeout: 20_000 });
      await captureBothSchemes(page, 'polish-inbox-failed-1280');
      await page.setViewportSize({ width: 900, height: 800 });
      await captureBothSchemes(page, 'polish-inbox-failed-900');
      await item.getByRole('button', { name: 'Dismiss' }).click();
      await expect(item).toHaveCount(0);
      const inbox = await callCore<InboxItem[]>(page.request, server.url, 'listInbox');
      expect(inbox.filter((i) => i.kind === 'failed-run')).toEqual([]);
      const state = await callCore<AppState>(page.request, server.url, 'getState');
      expect(state.counts.inbox).toBe(0);
      await expect(nav(page, 'Inbox')).toHaveAccessibleName('Inbox');
      await page.goto(`${server.url}/#/activity?action=agent.run.dismissed`);
      const entry = page
        .getByRole('listbox', { name: /Sync log entries/ })
        .getByRole('option')
        .first();
      await expect(entry).toContainText('Failed run dismissed');
      await expect(entry).toContainText('you (web UI)');
      expect(diagnostics.consoleErrors).toEqual([]);
    } finally {
      expect(await server.stop()).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
