import type { Page } from '@playwright/test';
import type { OnboardingInfo } from '../../src/shared/model';
import { FakeKanboard, seedStandardBoard } from '../fakes/kanboard';
import { startFakeLlm, type FakeLlm } from '../fakes/llm/server';
import { expect, test } from './fixtures';
import { callCore, captureBothSchemes, card, column, openView, recordTraffic } from './helpers';

test.use({ onboarding: true });

const steps = (page: Page) => page.getByRole('list', { name: 'Setup steps' });

async function expectStep(page: Page, n: number, heading: string): Promise<void> {
  await expect(steps(page).locator('[aria-current="step"]')).toContainText(`Step ${n}`);
  await expect(page.getByRole('heading', { level: 2 })).toHaveText(heading);
}

test.describe('onboarding on first start', () => {
  test('stay local, use the demo agent, watch the first task picked up, and land on the board', async ({
    page,
    server,
    request,
    diagnostics,
  }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(server.url);
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Set up Deckhand');
    await expect(page).toHaveTitle('Set up · Deckhand');

    // Step 1: the local board is chosen already.
    await expectStep(page, 1, 'Where should the agent pick up tasks?');
    const local = page.getByRole('radio', { name: /Stay on the local board/ });
    await expect(local).toBeChecked();
    await expect(page.getByRole('button', { name: 'Skip setup' })).toBeVisible();
    await captureBothSchemes(page, 'onboarding-board');
    const cardBox = await page.locator('.onboarding-card').boundingBox();

    // Keyboard only: Enter on the chosen option continues.
    await local.focus();
    await page.keyboard.press('Enter');
    await expectStep(page, 2, 'Which model should the agent use?');
    await expect(page.getByRole('heading', { level: 2 })).toBeFocused();
    // No layout jump between steps: the card keeps its place and height.
    expect(await page.locator('.onboarding-card').boundingBox()).toEqual(cardBox);
    const demo = page.getByRole('radio', { name: /Offline demo agent/ });
    await expect(demo).toBeChecked();
    await captureBothSchemes(page, 'onboarding-model');
    await page.keyboard.press('Tab');
    await expect(page.getByRole('radio').first()).toBeFocused();
    await page.keyboard.press('Enter');

    // Step 3: a needs-ai card is created and the agent works it while we watch.
    await expectStep(page, 3, 'See it work');
    await expect(page.locator('.onboarding-lead')).toContainText(
      'Agent demo picks it up, working with demo (offline, no AI).',
    );
    const doneBefore = await page.getByRole('button', { name: 'Done' }).boundingBox();
    await expect(page.getByTestId('first-task-status')).toHaveText(/Done: the task is in Ready for Review with/, {
      timeout: 20_000,
    });
    await expect(page.getByTestId('phase-review')).toHaveAttribute('data-state', 'done');
    await expect(page.getByTestId('first-task-notes')).toContainText('[Demo agent: offline, no AI model was used]');
    await expect(page.getByTestId('first-task-notes')).toContainText('Say hello to Deckhand');
    // The live progress and the notes arrive in reserved space: nothing moves.
    expect(await page.getByRole('button', { name: 'Done' }).boundingBox()).toEqual(doneBefore);
    expect(await page.locator('.onboarding-card').boundingBox()).toEqual(cardBox);
    await captureBothSchemes(page, 'onboarding-see-it-work');

    await page.getByRole('button', { name: 'Done' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Board: Local board');
    await expect(column(page, 'Ready for Review')).toContainText('Say hello to Deckhand');
    await expect(card(page, 'Say hello to Deckhand')).toBeVisible();

    // Done for good: a reload opens the app, not the setup.
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Board: Local board');
    await expect(page.getByRole('heading', { name: 'Set up Deckhand' })).toHaveCount(0);
    const info = await callCore<OnboardingInfo>(request, server.url, 'getOnboarding');
    expect(info).toMatchObject({ show: false, status: 'completed' });
    expect(diagnostics.consoleErrors).toEqual([]);
  });

  test('skip from the first step: the app opens and setup stays away', async ({ page, server, request }) => {
    await page.goto(server.url);
    await expectStep(page, 1, 'Where should the agent pick up tasks?');
    await page.getByRole('button', { name: 'Skip setup' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Activity');
    await page.reload();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Activity');
    expect(await callCore<OnboardingInfo>(request, server.url, 'getOnboarding')).toMatchObject({ status: 'skipped' });
    // It can be opened again.
    await page.goto(`${server.url}/#/welcome`);
    await expectStep(page, 1, 'Where should the agent pick up tasks?');
  });

  test('connect an OpenAI-compatible model: field errors, a model test, the first task done by the model, and the key never comes back', async ({
    page,
    server,
    request,
    diagnostics,
  }) => {
    let llm: FakeLlm | undefined;
    try {
      llm = await startFakeLlm({ model: 'llama-e2e' });
      const key = `sk-e2e-${Date.now()}-5d1c9e`;
      const { bodies, frames: sockets } = recordTraffic(page);

      await page.goto(server.url);
      await expectStep(page, 1, 'Where should the agent pick up tasks?');
      await page.getByRole('button', { name: 'Continue' }).click();
      await expectStep(page, 2, 'Which model should the agent use?');

      await page.getByRole('radio', { name: /OpenAI-compatible server/ }).check();
      await page.getByLabel('Base URL').fill('localhost:11434');
      await page.getByRole('textbox', { name: 'Model', exact: true }).fill('llama-e2e');
      await page.getByLabel('API key (optional)').fill(key);
      await expect(page.getByLabel('API key (optional)')).toHaveAttribute('type', 'password');
      await page.getByRole('button', { name: 'Continue' }).click();
      await expect(page.getByText(/must be an http:\/\/ or https:\/\/ URL/)).toBeVisible();
      await expect(page.getByLabel('Base URL')).toHaveAttribute('aria-invalid', 'true');
      await captureBothSchemes(page, 'onboarding-model-openai');

      await page.getByLabel('Base URL').fill(llm.url);
      await page.getByRole('button', { name: 'Test the model' }).click();
      await expect(page.getByTestId('model-test-result')).toContainText(/Works: llama-e2e at .* answered/);
      // Without an OS keychain (a bare CI shell) the key cannot be kept: the form says so and keeps the key out of
      // every answer; the model then runs without a key. In a keyring session (npm test) the key is stored.
      const keychain = await request.post(`${server.url}/api/call/listSecrets`, { data: {} });
      const haveKeychain = keychain.status() === 200;
      await page.getByRole('button', { name: 'Continue' }).click();
      if (!haveKeychain) {
        await expect(page.getByRole('alert')).toContainText('No OS keychain is available');
        await page.getByLabel('API key (optional)').fill('');
        await page.getByRole('button', { name: 'Continue' }).click();
      }

      await expectStep(page, 3, 'See it work');
      await expect(page.getByTestId('first-task-status')).toHaveText(/Done: the task is in Ready for Review with/, {
        timeout: 20_000,
      });
      await expect(page.getByTestId('first-task-notes')).toContainText('Fake model notes for');
      await expect(page.getByText(/openai llama-e2e at/)).toBeVisible();
      const asked = llm.requests.find((r) => r.text.includes('Say hello to Deckhand'));
      if (haveKeychain) expect(asked?.headers.authorization).toBe(`Bearer ${key}`);
      else expect(asked).toBeDefined();

      await page.getByRole('button', { name: 'Done' }).click();
      await expect(page.getByRole('heading', { level: 1 })).toHaveText('Board: Local board');
      const info = await callCore<OnboardingInfo>(request, server.url, 'getOnboarding');
      expect(info.agent?.model).toMatchObject({ type: 'openai', model: 'llama-e2e', keySet: haveKeychain });
      bodies.push(JSON.stringify(info));

      expect(bodies.length).toBeGreaterThan(5);
      expect(bodies.filter((b) => b.includes(key))).toEqual([]);
      expect(sockets.filter((s) => s.includes(key))).toEqual([]);
      expect(await page.content()).not.toContain(key);
      expect(server.output()).not.toContain(key);
      expect(diagnostics.pageErrors).toEqual([]);
    } finally {
      await llm?.close();
    }
  });

  test('connect a Kanboard board with its tokens, watch a card added there picked up within seconds, and no token ever comes back', async ({
    page,
    server,
    request,
    diagnostics,
  }) => {
    // The fake Kanboard speaks Kanboard's JSON-RPC wire format over real HTTP on 127.0.0.1 (test/fakes/kanboard).
    const fake = await FakeKanboard.start();
    try {
      const columns = ['Backlog', 'Ready', 'Work in progress', 'Ready for Review', 'Blocked — Needs Input', 'Done'];
      const board = seedStandardBoard(fake, { projectName: 'Team', columns });
      const token = board.appToken;
      // Kanboard's Settings > Webhooks points at Deckhand, with a token Deckhand checks on every delivery.
      const hookToken = `whk-e2e-${Date.now()}-b71e`;
      fake.setWebhook(`${server.url}/webhooks/team`, hookToken);
      const keychain = await request.post(`${server.url}/api/call/listSecrets`, { data: {} });
      expect(keychain.status(), 'the token goes to the OS keychain: run through npm test (a keyring session)').toBe(
        200,
      );
      const { bodies, frames: sockets } = recordTraffic(page);

      await page.goto(server.url);
      await expectStep(page, 1, 'Where should the agent pick up tasks?');
      await page.getByRole('button', { name: 'Connect a board…' }).click();
      const dialog = page.getByRole('dialog', { name: 'Add a board' });
      await dialog.getByLabel('Type').selectOption('kanboard');
      await dialog.getByLabel('Id').fill('team');
      await dialog.getByRole('textbox', { name: 'Name (optional)', exact: true }).fill('Team board');
      await dialog.getByLabel('JSON-RPC URL').fill(fake.endpoint);
      await dialog.getByLabel('Project').fill('Team');
      await dialog.getByLabel('Username').fill('jsonrpc');
      await dialog.getByLabel('API token', { exact: true }).fill(token);
      await dialog.getByLabel('Webhook token (optional)').fill(hookToken);
      await dialog.getByRole('button', { name: 'Test connection' }).click();
      await expect(dialog.getByTestId('connection-result')).toContainText('Connected');
      await dialog.getByRole('button', { name: 'Add board' }).click();
      await expect(dialog).toHaveCount(0);

      // The new board is chosen for the agent; the demo agent works it.
      await expect(page.getByRole('radio', { name: /Team board/ })).toBeChecked();
      await page.getByRole('button', { name: 'Continue' }).click();
      await expectStep(page, 2, 'Which model should the agent use?');
      await expect(page.getByRole('radio', { name: /Offline demo agent/ })).toBeChecked();
      await page.getByRole('button', { name: 'Continue' }).click();
      await expectStep(page, 3, 'See it work');
      // Deckhand writes nothing of its own on a person's real board: it asks for a card and waits for one.
      await expect(page.getByTestId('first-task-status')).toHaveText('Waiting for a card labelled needs-ai on team…');
      expect(fake.store.tasks).toHaveLength(0);
      await fake.human('alice').createTask(board.projectId, {
        title: 'Say hello to Deckhand',
        description: 'A first card for the agent.',
        column: 'Ready',
        tags: ['needs-ai'],
      });
      // The webhook brings it in at once (the poll is 15 s away), and the page follows the run.
      await expect(page.getByTestId('first-task-status')).toHaveText(/Done: the task is in Ready for Review with/, {
        timeout: 12_000,
      });
      await expect(page.getByTestId('first-task-notes')).toContainText('Say hello to Deckhand');
      await captureBothSchemes(page, 'onboarding-kanboard-done');

      // On Kanboard itself: the card is in review, with the agent's notes in its metadata.
      const created = fake.store.tasks.filter((t) => t.title === 'Say hello to Deckhand');
      expect(created).toHaveLength(1);
      const column = fake.store.projectColumns(board.projectId).find((c) => c.id === created[0]!.column_id);
      expect(column?.title).toBe('Ready for Review');
      expect(String(fake.store.metadataOf(created[0]!.id).agent_notes)).toContain('[Demo agent: offline');

      // The Boards view shows the webhook at work, and where Kanboard posts it.
      await page.getByRole('button', { name: 'Done' }).click();
      await openView(page, 'Boards');
      const row = page.getByTestId('boards-table').getByRole('row', { name: /Team board/ });
      await expect(row.getByTestId('board-webhook')).toContainText('receiving');
      await expect(row.getByTestId('board-webhook')).toContainText(`POST ${server.url}/webhooks/team`);
      await expect(
        page
          .getByTestId('boards-table')
          .getByRole('row', { name: /Local board/ })
          .getByTestId('board-webhook'),
      ).toContainText('not needed');
      await captureBothSchemes(page, 'boards-kanboard');

      const info = await callCore<OnboardingInfo>(request, server.url, 'getOnboarding');
      expect(info.agent?.boardId).toBe('team');
      bodies.push(JSON.stringify(info), JSON.stringify(await callCore(request, server.url, 'listBoardConnections')));
      expect(bodies.length).toBeGreaterThan(5);
      const content = await page.content();
      for (const secret of [token, hookToken]) {
        expect(bodies.filter((b) => b.includes(secret))).toEqual([]);
        expect(sockets.filter((s) => s.includes(secret))).toEqual([]);
        expect(content).not.toContain(secret);
        expect(server.output()).not.toContain(secret);
      }
      expect(diagnostics.pageErrors).toEqual([]);
    } finally {
      await fake.stop();
    }
  });
});
