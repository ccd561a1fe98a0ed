import { chmodSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { expect, test } from './fixtures';
import { callCore, captureBothSchemes, expectLive, expectNoSeriousViolations } from './helpers';
import { startInProcess, type InProcessServer } from './in-process';

const NOTES_AGENT = join(__dirname, '..', '..', 'examples', 'agents', 'notes-agent.mjs');

/**
 * A person moves a card to Done while a (slow) command agent works on it. The
 * run detail says what changed under the run, the card stays in Done, and the
 * agent's move is logged as lost in Activity.
 */
test.describe('a run whose card changed under it', () => {
  let app: InProcessServer;
  let dir: string;
  test.beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'deckhand-e2e-slow-'));
    const program = join(dir, 'slow-agent');
    // Thinks until the test lets it answer, then answers like the example agent.
    writeFileSync(
      program,
      `#!/bin/sh\ntouch ${JSON.stringify(join(dir, 'started'))}\n` +
        `while [ ! -f ${JSON.stringify(join(dir, 'go'))} ]; do sleep 0.05; done\n` +
        `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(NOTES_AGENT)}\n`,
    );
    chmodSync(program, 0o755);
    const configPath = join(dir, 'deckhand.yml');
    writeFileSync(
      configPath,
      stringify({
        schema_version: 1,
        boards: [{ id: 'home', type: 'local' }],
        agents: [
          {
            id: 'coder',
            board: 'home',
            workflow: 'pickup',
            routes: { labels: ['needs-ai'] },
            provider: { type: 'command', command: [program], timeout: '60s' },
          },
        ],
      }),
    );
    app = await startInProcess({ configPath });
  });
  test.afterEach(async () => {
    await app.stop();
  });

  test('the run detail lists the move; the card stays in Done', async ({ page, request, diagnostics }) => {
    test.setTimeout(60_000);
    const { url } = app;
    const task = await callCore<{ id: string }>(request, url, 'createTask', {
      boardId: 'home',
      fields: { title: 'Tidy the changelog', labels: ['needs-ai'] },
    });
    await expect.poll(() => existsSync(join(dir, 'started'))).toBe(true);
    // The person finishes the card while the agent still thinks.
    await callCore(request, url, 'moveTask', { boardId: 'home', taskId: task.id, status: 'Done' });
    await expect
      .poll(async () => {
        const log = await callCore<{ entries: { actor: string; field?: string }[] }>(request, url, 'listLog', {
          filter: { taskId: task.id, action: 'field.changed' },
        });
        return log.entries.some((e) => e.actor === 'human' && e.field === 'status');
      })
      .toBe(true);
    writeFileSync(join(dir, 'go'), '');

    await page.emulateMedia({ colorScheme: 'light' });
    await page.goto(`${url}/#/agents`);
    await expectLive(page);
    const run = page.locator('[data-testid="agent-card"][data-agent-id="coder"]').getByTestId('run-row').first();
    await expect(run).toHaveAttribute('data-state', 'done');
    await expect(run).toContainText('skipped: moved to Done by a person during the run; left there');
    await run.getByRole('button', { name: /^Run #\d+/ }).click();
    const detail = page.getByRole('dialog', { name: /^Run #\d+ · coder$/ });
    const changed = detail.getByTestId('run-changed');
    await expect(changed).toContainText('Changed on the board while the agent worked:');
    await expect(changed.getByRole('listitem')).toHaveText(['moved to Done']);
    await expectNoSeriousViolations(page, 'run detail with changes');
    await captureBothSchemes(page, 'run-detail-changed');
    await page.keyboard.press('Escape');

    const board = await callCore<{ tasks: { id: string; status: string; agentNotes: string }[] }>(
      request,
      url,
      'listTasks',
      { boardId: 'home' },
    );
    const card = board.tasks.find((t) => t.id === task.id)!;
    expect(card.status).toBe('Done');
    expect(card.agentNotes).toContain('Read "Tidy the changelog"');
    expect(diagnostics.consoleErrors).toEqual([]);
    expect(diagnostics.pageErrors).toEqual([]);
  });
});
