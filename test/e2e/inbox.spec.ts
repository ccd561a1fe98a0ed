import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import type { BoardTask } from '../../src/shared/contract';
import type { AgentRun, InboxItem } from '../../src/shared/model';
import { columnOf, KB_COLUMNS, KB_COLUMN_ROLES } from '../boards/kanboard';
import { FakeKanboard, seedStandardBoard } from '../fakes/kanboard';
import { expect, freshDataDir, startServe, test } from './fixtures';
import { callCore, captureBothSchemes, expectLive, nav } from './helpers';

// The embedded default must use its offline demo agent, whatever happens to listen on localhost.
process.env.DECKHAND_PROBE_LOCAL_LLM = '0';

const NOTES_AGENT = join(__dirname, '..', '..', 'examples', 'agents', 'notes-agent.mjs');

async function openInbox(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/#/inbox`);
  await expectLive(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Inbox');
}

const question = (page: Page) => page.locator('[data-testid="inbox-item"][data-kind="question"]');

test.describe('inbox', () => {
  test('answer the demo agent from the inbox with the keyboard; the run resumes on the local board', async ({
    page,
    server,
    request,
    diagnostics,
  }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    // The demo agent asks what a card without a description should achieve.
    const task = await callCore<BoardTask>(request, server.url, 'createTask', {
      boardId: 'local',
      fields: { title: 'Plan the launch', labels: ['needs-ai'] },
    });
    await openInbox(page, server.url);
    await expect(nav(page, 'Inbox')).toHaveAccessibleName('Inbox 1 waiting');
    const item = question(page);
    await expect(item.getByRole('heading', { level: 2 })).toHaveText('Agent demo asks about “Plan the launch”');
    await expect(item.getByTestId('inbox-question')).toContainText('What should "Plan the launch" achieve?');
    await expect(item).toContainText(/moves the card from Blocked — Needs Input to \w/);

    // Screenshots and axe with a question waiting, at both widths.
    for (const width of [1280, 900]) {
      await page.setViewportSize({ width, height: 800 });
      await captureBothSchemes(page, `inbox-question-${width}`);
    }
    await page.setViewportSize({ width: 1120, height: 720 });

    // "Open on board" opens the card on the local board, then back to the inbox.
    await item.getByRole('link', { name: 'Open on board' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Board: Local board');
    await expect(page.getByRole('dialog')).toContainText('Plan the launch');
    await page.keyboard.press('Escape');
    await page.goBack();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Inbox');

    // Keyboard only: a focuses the answer box, Ctrl+Enter sends, the item leaves, the run finishes with the answer.
    await page.locator('body').focus();
    await page.keyboard.press('a');
    const box = question(page).getByLabel('Your answer');
    await expect(box).toBeFocused();
    await page.keyboard.type('A landing page and a launch post on Monday.');
    await page.keyboard.press('Control+Enter');
    await expect(page.getByText('Nothing is waiting on you')).toBeVisible();
    await expect(nav(page, 'Inbox')).toHaveAccessibleName('Inbox');
    await expect
      .poll(async () => {
        const runs = await callCore<AgentRun[]>(request, server.url, 'listRuns', { taskId: task.id });
        return runs[0] && { state: runs[0].state, answer: runs[0].answer, round: runs[0].round };
      })
      .toEqual({ state: 'done', answer: 'A landing page and a launch post on Monday.', round: 1 });
    const comments = await callCore<{ body: string; author: string }[]>(request, server.url, 'listComments', {
      boardId: 'local',
      taskId: task.id,
    });
    expect(comments.at(-1)).toMatchObject({
      body: 'A landing page and a launch post on Monday.',
      author: 'human:http',
    });
    await captureBothSchemes(page, 'inbox-empty');
    expect(diagnostics.consoleErrors).toEqual([]);
  });

  test('answer a question on a Kanboard board (the fake): one comment there, the card leaves Blocked, the run resumes', async ({
    page,
    request,
    diagnostics,
  }) => {
    const fake = await FakeKanboard.start();
    const board = seedStandardBoard(fake, { columns: KB_COLUMNS });
    const dataDir = freshDataDir();
    const configPath = join(dataDir, 'deckhand.yml');
    writeFileSync(
      configPath,
      JSON.stringify({
        schema_version: 1,
        boards: [
          {
            id: 'kb',
            type: 'kanboard',
            url: fake.url,
            project: board.projectName,
            token: { env: 'KB_TOKEN' },
            poll: { interval: '1s' },
            columns: KB_COLUMN_ROLES,
          },
        ],
        agents: [
          {
            id: 'researcher',
            board: 'kb',
            workflow: 'pickup',
            routes: { labels: ['needs-ai'] },
            provider: { type: 'command', command: [process.execPath, NOTES_AGENT] },
          },
        ],
      }),
    );
    const server = await startServe(join(dataDir, 'data'), 0, { configPath, env: { KB_TOKEN: board.appToken } });
    try {
      const id = await fake.human('alice').createTask(board.projectId, {
        title: 'Pick a region',
        description: 'ask: Which region do we deploy to?',
        column: 'Ready',
        tags: ['needs-ai'],
      });
      await openInbox(page, server.url);
      const item = question(page);
      await expect(item.getByRole('heading', { level: 2 })).toHaveText('Agent researcher asks about “Pick a region”', {
        timeout: 20_000,
      });
      const link = item.getByRole('link', { name: /Open on board/ });
      await expect(link).toHaveAttribute(
        'href',
        `${fake.url}/?controller=TaskViewController&action=show&task_id=${id}`,
      );
      await expect(link).toHaveAttribute('target', '_blank');
      expect(columnOf(fake, id)).toBe('Blocked — Needs Input');

      await item.getByLabel('Your answer').fill('eu-central-1');
      await item.getByRole('button', { name: 'Send answer' }).click();
      await expect(page.getByText('Nothing is waiting on you')).toBeVisible({ timeout: 20_000 });
      await expect
        .poll(async () => {
          const runs = await callCore<AgentRun[]>(request, server.url, 'listRuns', { taskId: String(id) });
          return runs[0]?.state;
        })
        .toBe('done');
      expect(columnOf(fake, id)).toBe('Ready for Review');
      expect(fake.store.comments.filter((c) => c.task_id === id && c.comment === 'eu-central-1')).toHaveLength(1);
      expect(await callCore<InboxItem[]>(request, server.url, 'listInbox')).toEqual([]);
      expect(diagnostics.pageErrors).toEqual([]);
    } finally {
      expect(await server.stop()).toBe(0);
      await fake.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
