import { afterEach, describe, expect, it } from 'vitest';
import { FakeKanboard, seedStandardBoard } from '../../fakes/kanboard';
import { columnOf } from '../../boards/kanboard';
import { useTempDirs } from '../../helpers/tmp';
import { EXAMPLE_AGENT, startHarness } from './harness';

/**
 * Kanboard's default columns (Backlog, Ready, Work in progress, Done; the fake
 * creates a project with them as Kanboard does) have no review or blocked
 * column (issue 15): the connection test says so, and a finished task goes to
 * Done with an outcome that says why, instead of staying in Work in progress.
 */
const tempDir = useTempDirs();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

describe('a board without review and blocked columns', () => {
  it('is warned about at connect time, and on-done goes to Done and says so', async () => {
    const fake = await FakeKanboard.start();
    cleanup.push(() => fake.stop());
    const board = seedStandardBoard(fake);
    const harness = await startHarness({
      dir: tempDir(),
      keychain: { 'kb-token': board.appToken },
      config: {
        boards: [
          {
            id: 'kb',
            type: 'kanboard',
            url: fake.url,
            project: board.projectName,
            token: { keychain: 'kb-token' },
            poll: { interval: '2s' },
          },
        ],
      },
      agents: [
        {
          id: 'researcher',
          board: 'kb',
          workflow: 'pickup',
          routes: { labels: ['needs-ai'] },
          provider: { type: 'command', command: EXAMPLE_AGENT, timeout: '30s' },
        },
      ],
    });
    cleanup.push(() => harness.close());

    const tested = await harness.call('testBoardConnection', {
      type: 'kanboard',
      settings: { url: fake.url, project: board.projectName, token: board.appToken },
    });
    expect(tested.value, JSON.stringify(tested.value)).toMatchObject({
      ok: true,
      columns: ['Backlog', 'Ready', 'Work in progress', 'Done'],
      warnings: [
        expect.stringMatching(/^no review column .*agents move finished tasks to "Done"/),
        expect.stringMatching(/^no blocked column/),
      ],
      missingRoles: ['review', 'blocked'],
    });
    // An existing column mapped to each role (what the connection form offers): no warning, nothing missing.
    const mapped = await harness.call('testBoardConnection', {
      type: 'kanboard',
      settings: {
        url: fake.url,
        project: board.projectName,
        token: board.appToken,
        'columns.review': 'Done',
        'columns.blocked': 'Backlog',
      },
    });
    expect(mapped.value.ok).toBe(true);
    expect(mapped.value.warnings).toBeUndefined();
    expect(mapped.value.missingRoles).toBeUndefined();
    expect(mapped.value.canCreateColumns).toBe(true);

    const id = await fake.human('alice').createTask(board.projectId, {
      title: 'Check the cache',
      description: 'Why is it stale?',
      column: 'Ready',
      tags: ['needs-ai'],
    });
    const run = await harness.runIn({ taskId: String(id) }, ['done', 'failed'], 30_000);
    expect(run.outcome).toBe('completed; moved to Done (the board has no review column)');
    expect(columnOf(fake, id)).toBe('Done');

    // After the run (which saw the default columns): or Deckhand adds them (Kanboard's addColumn): named as it recognises them, once, and logged.
    const settings = { url: fake.url, project: board.projectName, token: board.appToken };
    const created = await harness.call('testBoardConnection', {
      type: 'kanboard',
      settings,
      createColumns: ['review', 'blocked'],
    });
    expect(created.value).toMatchObject({ ok: true, created: ['Ready for Review', 'Blocked — Needs Input'] });
    expect(created.value.warnings).toBeUndefined();
    const again = await harness.call('testBoardConnection', { type: 'kanboard', settings, createColumns: ['review'] });
    expect(again.value.created).toBeUndefined();
    expect(fake.store.projectColumns(board.projectId).map((c) => c.title)).toEqual([
      'Backlog',
      'Ready',
      'Work in progress',
      'Done',
      'Ready for Review',
      'Blocked — Needs Input',
    ]);
    const logged = [...harness.core.logEntries({ action: 'board.column-created' })];
    expect(logged.map((e) => (e.after as { column: string }).column)).toEqual([
      'Ready for Review',
      'Blocked — Needs Input',
    ]);
    const local = await harness.call('testBoardConnection', { type: 'local', settings: {} });
    expect(local.value.canCreateColumns).toBe(false);
  });
});
