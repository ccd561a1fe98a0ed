import type { Page } from '@playwright/test';
import { startFocalboardFixture } from '../boards/focalboard';
import { startLinearFixture } from '../boards/linear';
import { startNotionFixture } from '../boards/notion';
import { startPlaneFixture } from '../boards/plane';
import { startTaigaFixture, TAIGA_PASSWORD } from '../boards/taiga';
import { startWekanFixture, WEKAN_PASSWORD } from '../boards/wekan';
import type { BoardAdapter } from '../../src/main/core/boards/contract/adapter';
import type { TaskRef } from '../../src/shared/model';
import { expect, test } from './fixtures';
import { callCore, expectLive, openView } from './helpers';

/**
 * Every board type a person connects from the Boards view's form, against its
 * fake server on loopback: the form's fields are enough to connect (the secret
 * goes to the keychain), the board's cards are synced in, and an edit made on
 * the board arrives after "Sync now". (Writes back are the agents' workflows,
 * tested per board under test/integration/boards.)
 */
interface Connectable {
  type: string;
  label: string;
  start(): Promise<{ adapter: BoardAdapter; form: Record<string, string>; stop(): Promise<void> }>;
}

const BOARDS: Connectable[] = [
  {
    type: 'plane',
    label: 'Plane',
    async start() {
      const fx = await startPlaneFixture();
      const { fake } = fx;
      const form = {
        'Plane URL (optional)': fake.url,
        Workspace: fake.workspaceSlug,
        Project: fake.project.identifier,
        'API key': fake.apiKey,
      };
      return { adapter: fx.adapter, form, stop: fx.stop };
    },
  },
  {
    type: 'taiga',
    label: 'Taiga',
    async start() {
      const fx = await startTaigaFixture();
      const form = {
        'Taiga URL': fx.fake.url,
        Project: fx.fake.projectSlug,
        Username: 'admin',
        Password: TAIGA_PASSWORD,
      };
      return { adapter: fx.adapter, form, stop: fx.stop };
    },
  },
  {
    type: 'linear',
    label: 'Linear',
    async start() {
      const fx = await startLinearFixture();
      const form = { 'API URL (optional)': fx.fake.url, Team: fx.fake.team.key, 'Personal API key': fx.fake.apiKey };
      return { adapter: fx.adapter, form, stop: fx.stop };
    },
  },
  {
    type: 'notion',
    label: 'Notion',
    async start() {
      const fx = await startNotionFixture();
      const form = {
        'API URL (optional)': fx.fake.url,
        Database: fx.fake.store.databaseId,
        'Integration secret': fx.fake.token,
      };
      return { adapter: fx.adapter, form, stop: fx.stop };
    },
  },
  {
    type: 'wekan',
    label: 'WeKan',
    async start() {
      const fx = await startWekanFixture();
      const form = {
        'WeKan URL': fx.fake.url,
        Board: fx.fake.board.title,
        Username: 'admin',
        Password: WEKAN_PASSWORD,
      };
      return { adapter: fx.adapter, form, stop: fx.stop };
    },
  },
  {
    type: 'focalboard',
    label: 'Focalboard',
    async start() {
      const fx = await startFocalboardFixture();
      const form = { 'Focalboard URL': fx.fake.url, Board: fx.fake.board.title, 'Session token': fx.fake.token };
      return { adapter: fx.adapter, form, stop: fx.stop };
    },
  },
];

async function addBoardFromForm(page: Page, board: Connectable, form: Record<string, string>): Promise<void> {
  await openView(page, 'Boards');
  await page.getByRole('button', { name: 'Add board' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a board' });
  await dialog.getByLabel('Type').selectOption(board.type);
  await dialog.getByLabel('Id', { exact: true }).fill(board.type);
  await dialog.getByLabel('Name (optional)', { exact: true }).fill(`My ${board.label}`);
  for (const [label, value] of Object.entries(form)) await dialog.getByLabel(label, { exact: true }).fill(value);
  await dialog.getByRole('button', { name: 'Test connection' }).click();
  await expect(dialog.getByTestId('connection-result')).toContainText('Connected', { timeout: 20_000 });
  await dialog.getByRole('button', { name: 'Add board' }).click();
  await expect(dialog).toHaveCount(0);
}

test.describe('connect each board type from the Boards view', () => {
  for (const board of BOARDS) {
    test(`${board.label}: connected from its form, synced both ways`, async ({ page, server, diagnostics }) => {
      test.setTimeout(90_000);
      const fx = await board.start();
      try {
        // In the board's first column, so the Board view shows it whatever that column is called.
        const [firstColumn] = await fx.adapter.listColumns();
        const seeded = await fx.adapter.createTask({
          fields: { title: `Made on ${board.label} before connecting`, status: firstColumn! },
          marker: `e2e-seed-${board.type}`,
        });
        await page.goto(server.url);
        await expectLive(page);
        await addBoardFromForm(page, board, fx.form);

        // The board's cards arrive with the first sync (remote boards are edited in their own UI, so through the API).
        const row = page.getByTestId('boards-table').getByRole('row', { name: new RegExp(`My ${board.label}`) });
        await expect(row).toContainText('added here');
        const titleOf = async (): Promise<string | null | undefined> =>
          (
            await callCore<TaskRef[]>(page.request, server.url, 'describeTasks', {
              tasks: [{ boardId: board.type, taskId: seeded.id }],
            })
          )[0]?.title;
        await expect.poll(titleOf, { timeout: 30_000 }).toBe(seeded.title);

        // An edit on the board arrives with "Sync now" rather than waiting out the poll.
        await fx.adapter.updateTask(seeded.id, { title: `Renamed on ${board.label}` });
        await row.getByRole('button', { name: `Sync now (My ${board.label})` }).click();
        await expect(row).toContainText(/Synced at/, { timeout: 20_000 });
        await expect.poll(titleOf, { timeout: 20_000 }).toBe(`Renamed on ${board.label}`);

        // Its board page says it is synced and when it last polled.
        await row.getByRole('button', { name: `Open board My ${board.label}` }).click();
        await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Board: My ${board.label}`);
        await expect(page.getByText(`Edit My ${board.label} in its own UI`)).toBeVisible();
        expect(diagnostics.pageErrors).toEqual([]);
      } finally {
        await fx.stop();
      }
    });
  }
});
