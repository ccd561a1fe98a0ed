import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import type { AgentRun } from '../../src/shared/model';
import { expect, test } from './fixtures';
import { callCore, captureBothSchemes, card, expectLive, expectNoSeriousViolations } from './helpers';

// The embedded default must use its offline demo agent, whatever happens to listen on localhost.
process.env.DECKHAND_PROBE_LOCAL_LLM = '0';

const ROOT = join(__dirname, '..', '..');
const NOTES_AGENT = join(ROOT, 'examples', 'agents', 'notes-agent.mjs');

/** `deckhand serve --config FILE`, for a test that needs agents other than the embedded demo. */
function startServeWithConfig(
  config: string,
  dataDir: string,
): Promise<{ url: string; stop(): Promise<number | null> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(ROOT, 'bin', 'deckhand.cjs'), 'serve', '--config', config, '--data', dataDir, '--port', '0'],
      { cwd: ROOT, env: process.env, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let output = '';
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /deckhand serving on (http:\/\/[^\s]+)/.exec(output);
      if (match) {
        resolve({
          url: match[1]!,
          stop: () => {
            if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    });
    child.once('error', reject);
    void exited.then((code) => reject(new Error(`deckhand serve exited with ${code}:\n${output}`)));
  });
}

function agentCard(page: Page, id: string): Locator {
  return page.locator(`[data-testid="agent-card"][data-agent-id="${id}"]`);
}

async function openAgents(page: Page, url: string): Promise<Locator> {
  await page.goto(`${url}/#/agents`);
  await expectLive(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Agents');
  const demo = agentCard(page, 'demo');
  await expect(demo.getByRole('heading', { level: 2 })).toHaveText('demo');
  await expect(demo).toContainText('demo (offline, no AI)');
  // The embedded board's sample task "Ask an agent for help" is labelled needs-ai: the demo agent takes it at start.
  const rows = demo.getByTestId('run-row');
  await expect(rows).toHaveCount(1);
  await expect(rows.first()).toHaveAttribute('data-state', 'done');
  await expect(demo.getByTestId('agent-status')).toHaveText('idle');
  await expect(page.getByRole('status', { name: 'Loading' })).toHaveCount(0);
  return demo;
}

/** Opens the local board in a second window, as a person with two windows would. */
async function openBoard(page: Page, url: string): Promise<void> {
  await page.goto(`${url}/#/board/local`);
  await expectLive(page);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Board: Local board');
}

/** Creates a card through the board's New card dialog and returns its id. */
async function createCard(page: Page, title: string, description: string, labels: string): Promise<string> {
  await page.getByRole('button', { name: 'New card' }).click();
  const dialog = page.getByRole('dialog', { name: 'New card' });
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByLabel('Description').fill(description);
  await dialog.getByLabel('Labels').fill(labels);
  await dialog.getByRole('button', { name: 'Create card' }).click();
  await expect(dialog).toHaveCount(0);
  const created = card(page, title);
  await expect(created).toBeVisible();
  const id = await created.getAttribute('data-task-id');
  expect(id).toBeTruthy();
  return id!;
}

test.describe('agents view', () => {
  test('watch a task picked up by the demo agent live', async ({ page, context, server, diagnostics }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    const demo = await openAgents(page, server.url);
    const rows = demo.getByTestId('run-row');
    await expect(demo.getByTestId('agent-queue')).toHaveText('0');
    await expect(demo.getByTestId('agent-waiting')).toHaveText('0');
    await expect(demo.getByTestId('agent-current')).toHaveText('nothing right now');
    await expect(demo.getByTestId('agent-last-error')).toHaveText('none');
    await expect(demo.getByTestId('budget-runs')).toContainText('1, no limit');

    const board = await context.newPage();
    await openBoard(board, server.url);
    const title = 'Summarise the user interviews';
    const taskId = await createCard(
      board,
      title,
      'Five interviews from last week; list the top three pains.',
      'needs-ai',
    );

    // Without any reload, the Agents window shows the new run and sees it finish.
    await expect(rows).toHaveCount(2);
    const run = rows.first();
    await expect(run).toContainText(`task #${taskId}`);
    await expect(run).toContainText('pickup');
    await expect(run).toContainText('created');
    await expect(run).toHaveAttribute('data-state', 'done');
    await expect(run.getByTestId('run-state')).toHaveText('done');
    await expect(run).toContainText('completed; moved to');
    // The demo uses no model: no tokens, and a cost nobody knows is a dash, not $0.
    await expect(run.locator('td').nth(2)).toHaveText('0 / 0');
    await expect(run.locator('td').nth(3)).toHaveText('—');
    await expect(run.locator('td').nth(4)).toHaveText(/\d+ ms|\d+\.\d s/);
    await expect(demo.getByTestId('budget-runs')).toContainText('2, no limit');
    await expect(demo.getByTestId('agent-status')).toHaveText('idle');

    // Keyboard: the runs' buttons are a list that ↓ and ↑ move through; Enter opens the detail.
    const runButton = run.getByRole('button', { name: new RegExp(`^Run #\\d+: task #${taskId}, done`) });
    await runButton.focus();
    await page.keyboard.press('ArrowDown');
    await expect(rows.nth(1).getByRole('button', { name: /^Run #\d+/ })).toBeFocused();
    await page.keyboard.press('k');
    await expect(runButton).toBeFocused();
    await page.keyboard.press('Enter');
    const detail = page.getByRole('dialog', { name: /^Run #\d+ · demo$/ });
    await expect(detail).toBeVisible();
    await expect(detail.getByTestId('run-outcome')).toContainText('completed; moved to');
    const notes = detail.getByTestId('run-output-notes');
    await expect(notes).toContainText('[Demo agent: offline, no AI model was used]');
    await expect(notes).toContainText(`I read "${title}"`);
    await detail.getByText('Raw text from the provider').click();
    await expect(detail.getByTestId('run-raw-text')).toContainText('"notes":');
    await expect(detail.getByRole('button', { name: 'Retry run' })).toHaveCount(0);
    await captureBothSchemes(page, 'agents-run-detail');
    await page.keyboard.press('Escape');
    await expect(detail).toHaveCount(0);
    await expect(runButton).toBeFocused();

    // The agent's notes reached the card on the board.
    const worked = card(board, title);
    await worked.getByText('Agent notes').click();
    await expect(worked.locator('.agent-notes-text')).toContainText('[Demo agent: offline, no AI model was used]');
    await expect(worked.locator('.agent-notes-text')).toContainText('— demo (run #');

    // The task link goes to the board the run worked on.
    await runButton.click();
    await detail.getByRole('link', { name: `task #${taskId} on local` }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText('Board: Local board');
    expect(diagnostics.consoleErrors).toEqual([]);
  });

  test('a task without a description: the agent asks, and the run waits for a person', async ({
    page,
    context,
    server,
  }) => {
    const demo = await openAgents(page, server.url);
    const board = await context.newPage();
    await openBoard(board, server.url);
    const taskId = await createCard(board, 'Plan the offsite', '', 'needs-ai');

    const run = demo.getByTestId('run-row').first();
    await expect(run).toContainText(`task #${taskId}`);
    await expect(run.getByTestId('run-state')).toHaveText('waiting for you');
    await expect(demo.getByTestId('agent-waiting')).toHaveText('1');
    await expect(demo.getByTestId('agent-status')).toHaveText('waiting');
    await run.getByRole('button', { name: /^Run #\d+/ }).click();
    const detail = page.getByRole('dialog', { name: /^Run #\d+ · demo$/ });
    await expect(detail.getByTestId('run-output-question')).toHaveText(
      'What should "Plan the offsite" achieve? Reply in a comment, then move the card back.',
    );
    await expect(detail).toContainText('No answer yet.');
  });

  test('pause an agent, see it idle, resume it, and see it catch up', async ({
    page,
    context,
    server,
    request,
    diagnostics,
  }) => {
    await page.emulateMedia({ colorScheme: 'light' });
    const demo = await openAgents(page, server.url);
    const rows = demo.getByTestId('run-row');

    await demo.getByRole('button', { name: 'Pause agent demo' }).click();
    await expect(demo.getByTestId('agent-status')).toHaveText('paused');
    await expect(demo.getByTestId('agent-pause-line')).toHaveText(/^Paused by you \(web UI\) at \d/);
    const resume = demo.getByRole('button', { name: 'Resume agent demo' });
    await expect(resume).toBeEnabled();

    const board = await context.newPage();
    await openBoard(board, server.url);
    const first = await createCard(board, 'Draft the changelog', 'Everything merged since 0.1.', 'needs-ai');
    const second = await createCard(board, 'Check the broken links', 'The docs site has a few 404s.', 'needs-ai');

    // Both are queued and nobody works on them while the agent is paused.
    await expect(demo.getByTestId('agent-queue')).toHaveText('2');
    await expect(rows).toHaveCount(3);
    await expect(rows.nth(0)).toContainText(`task #${second}`);
    await expect(rows.nth(1)).toContainText(`task #${first}`);
    await expect(rows.nth(0)).toHaveAttribute('data-state', 'queued');
    await expect(rows.nth(1)).toHaveAttribute('data-state', 'queued');
    await expect(demo.getByTestId('agent-status')).toHaveText('paused');
    await expect(demo.getByTestId('agent-current')).toHaveText('nothing right now');
    await expect(card(board, 'Draft the changelog').getByText('Agent notes')).toHaveCount(0);
    await captureBothSchemes(page, 'agents-paused');

    // Resume: it catches up, oldest first.
    await resume.click();
    await expect(demo.getByRole('button', { name: 'Pause agent demo' })).toBeVisible();
    await expect(rows.nth(1)).toHaveAttribute('data-state', 'done');
    await expect(rows.nth(0)).toHaveAttribute('data-state', 'done');
    await expect(demo.getByTestId('agent-queue')).toHaveText('0');
    await expect(demo.getByTestId('agent-status')).toHaveText('idle');
    await expect(demo.getByTestId('agent-pause-line')).toHaveText('Resumed: queued runs start now.');
    const runs = await callCore<AgentRun[]>(request, server.url, 'listRuns', { agentId: 'demo', limit: 2 });
    const [later, earlier] = runs;
    expect(earlier?.taskId).toBe(first);
    expect(later?.taskId).toBe(second);
    expect(Date.parse(earlier!.finishedAt!)).toBeLessThanOrEqual(Date.parse(later!.startedAt!));
    await expect(card(board, 'Check the broken links').getByText('Agent notes')).toBeVisible();

    // The pause on all agents holds this one too; its own switch waits for Resume all.
    await page.getByRole('button', { name: 'Pause all' }).click();
    await expect(demo.getByTestId('agent-pause-line')).toHaveText(
      /^All agents are paused by you \(web UI\) at .*Use Resume all/,
    );
    await expect(demo.getByTestId('agent-status')).toHaveText('paused');
    await expect(demo.getByRole('button', { name: 'Resume agent demo' })).toBeDisabled();
    await page.getByRole('button', { name: 'Resume all' }).click();
    await expect(demo.getByRole('button', { name: 'Pause agent demo' })).toBeEnabled();
    await expect(demo.getByTestId('agent-status')).toHaveText('idle');
    expect(diagnostics.consoleErrors).toEqual([]);
  });

  test('retry a failed run once its cause is fixed', async ({ page, diagnostics }) => {
    // A config whose agent runs a program that is not installed yet: its first run fails for good
    // ("could not start"), a person installs the program, then retries the run from the Agents view.
    const dir = mkdtempSync(join(tmpdir(), 'deckhand-e2e-retry-'));
    const program = join(dir, 'notes-agent');
    const config = join(dir, 'deckhand.yml');
    writeFileSync(
      config,
      [
        'schema_version: 1',
        'boards:',
        '  - id: home',
        '    type: local',
        'agents:',
        '  - id: notes',
        '    role: note taker',
        '    board: home',
        '    workflow: pickup',
        '    routes: { labels: [needs-ai] }',
        `    provider: { type: command, command: [${JSON.stringify(program)}], timeout: 30s }`,
        '',
      ].join('\n'),
    );
    const server = await startServeWithConfig(config, join(dir, 'data'));
    try {
      await page.emulateMedia({ colorScheme: 'light' });
      await page.goto(`${server.url}/#/agents`);
      await expectLive(page);
      const notes = agentCard(page, 'notes');
      await expect(notes).toContainText('note taker');
      await expect(notes).toContainText(`command ${program}`);
      await expect(notes.getByText('No runs yet')).toBeVisible();

      const board = await page.context().newPage();
      await board.goto(`${server.url}/#/board/home`);
      await expectLive(board);
      const taskId = await createCard(board, 'Sum up the retro', 'What went well, what did not.', 'needs-ai');

      const run = notes.getByTestId('run-row').first();
      await expect(run).toContainText(`task #${taskId}`);
      await expect(run).toHaveAttribute('data-state', 'failed');
      await expect(run).toContainText(`could not start ${program}`);
      await expect(notes.getByTestId('agent-last-error')).toContainText(`could not start ${program}`);
      await expect(notes.getByTestId('agent-status')).toHaveText('idle');
      // The core's run-failed notification says so on the card, until the run moves on.
      await expect(notes.getByTestId('agent-pause-line')).toContainText(
        `Agent notes failed on task ${taskId}: could not start`,
      );
      await run.getByRole('button', { name: /^Run #\d+/ }).click();
      const detail = page.getByRole('dialog', { name: /^Run #\d+ · notes$/ });
      await expect(detail.getByRole('button', { name: 'Retry run' })).toBeVisible();
      await captureBothSchemes(page, 'agents-failed-run');
      await page.keyboard.press('Escape');
      await expect(detail).toHaveCount(0);

      // The person installs the program, then retries. This program waits for a go-ahead file before it
      // answers, so the test can watch the run while it is running, without guessing at timings.
      const goAhead = join(dir, 'go');
      writeFileSync(
        program,
        `#!/bin/sh\nwhile [ ! -f ${JSON.stringify(goAhead)} ]; do sleep 0.05; done\n` +
          `exec ${JSON.stringify(process.execPath)} ${JSON.stringify(NOTES_AGENT)}\n`,
      );
      chmodSync(program, 0o755);
      await run.getByRole('button', { name: /^Retry run #\d+$/ }).click();
      await expect(run).toHaveAttribute('data-state', 'running');
      await expect(notes.getByTestId('agent-status')).toHaveText('running');
      await expect(notes.getByTestId('agent-current')).toContainText(`(#${taskId})`);
      await expect(notes.getByTestId('agent-current').getByTestId('run-state')).toHaveText('running');
      await expect(card(board, 'Sum up the retro').getByTestId('agent-working')).toBeVisible();
      await captureBothSchemes(page, 'agents-running');
      // Still running once the retry's own answer is in: a late answer never sets a run back to queued.
      await expect(run.getByTestId('run-state')).toHaveText('running');
      writeFileSync(goAhead, '');
      await expect(run).toHaveAttribute('data-state', 'done');
      await expect(notes.getByTestId('agent-current')).toHaveText('nothing right now');
      await expect(run).toContainText('completed; moved to');
      await expect(run.getByRole('button', { name: /^Retry run/ })).toHaveCount(0);
      await expect(notes.getByTestId('agent-last-error')).toHaveText('none');
      await expect(notes.getByTestId('agent-pause-line')).toHaveText(
        'Not paused: it picks up routed tasks as they come.',
      );
      await expect(notes.getByTestId('run-row')).toHaveCount(1);
      await run.getByRole('button', { name: /^Run #\d+/ }).click();
      await expect(detail.getByTestId('run-output-notes')).toContainText('Read "Sum up the retro"');
      await page.keyboard.press('Escape');
      await card(board, 'Sum up the retro').getByText('Agent notes').click();
      await expect(card(board, 'Sum up the retro').locator('.agent-notes-text')).toContainText(
        'Read "Sum up the retro"',
      );
      expect(diagnostics.consoleErrors).toEqual([]);
    } finally {
      const code = await server.stop();
      rmSync(dir, { recursive: true, force: true });
      expect(code, 'deckhand serve exits 0 on SIGTERM').toBe(0);
    }
  });

  test('axe and screenshots of the Agents view in light and dark', async ({ page, server }) => {
    const demo = await openAgents(page, server.url);
    await expectNoSeriousViolations(page, 'agents view');
    await captureBothSchemes(page, 'agents');
    // Reachable by keyboard from the top: after the pause button, the card's actions, then the run's button.
    await demo.getByRole('button', { name: 'Pause agent demo' }).focus();
    const runButton = demo
      .getByTestId('run-row')
      .first()
      .getByRole('button', { name: /^Run #\d+/ });
    for (let i = 0; i < 8 && !(await runButton.evaluate((el) => el === document.activeElement)); i++) {
      await page.keyboard.press('Tab');
    }
    await expect(runButton).toBeFocused();
  });
});
