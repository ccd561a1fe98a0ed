import { afterEach, describe, expect, it } from 'vitest';
import { useTempDirs } from '../../helpers/tmp';
import { columnOf, startKanboardBoard, tagsOf } from '../../boards/kanboard';
import { waitFor, type AgentSpec } from './harness';
import { startOnKanboard } from './kanboard-setup';

/** A run that fails for good on a Kanboard board (the fake JSON-RPC server over real HTTP) gives its task back. */
const tempDir = useTempDirs();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

/** A command agent that always fails, as a model server that stays unreachable. */
const failing: AgentSpec = {
  id: 'researcher',
  board: 'kb',
  workflow: 'pickup',
  routes: { labels: ['needs-ai'] },
  provider: {
    type: 'command',
    command: [process.execPath, '-e', 'process.stderr.write("model server unreachable"); process.exit(3)'],
  },
};

describe('a failed run on Kanboard', () => {
  it('even after a board hiccup mid-claim, removes its claim and moves the card back out of the working column, logged with why', async () => {
    const kb = await startKanboardBoard(cleanup);
    const { fake, board } = kb;
    const harness = await startOnKanboard(kb, tempDir(), [failing], { settings: { maxAttempts: 2 } });
    cleanup.push(() => harness.close());
    // The claim is two Kanboard calls: the move to the working column, then the label. The label's call meets a
    // 503 (not executed), so the claim is taken again on the next look, with the card already in the working column.
    let moved = false;
    fake.faults.push({
      when: (methods) => {
        if (methods.includes('moveTaskPosition')) moved = true;
        return moved && methods.includes('updateTask');
      },
      status: 503,
      body: 'Service Unavailable',
    });
    const id = await fake.human('alice').createTask(board.projectId, {
      title: 'Check the cache',
      column: 'Ready',
      tags: ['needs-ai'],
    });
    const run = await harness.runIn({ taskId: String(id) }, ['failed'], 30_000);
    expect(run.error).toMatch(/exited with code 3/);
    expect(fake.faults).toEqual([]);
    await waitFor(() => columnOf(fake, id) === 'Ready' && tagsOf(fake, id).length === 1, 15_000, 'the card back');
    expect(tagsOf(fake, id)).toEqual(['needs-ai']);
    const released = [...harness.core.logEntries({ taskId: String(id) })].filter(
      (e) => e.actor === 'agent:researcher' && /released its claim \(failed\)/.test(e.reason ?? ''),
    );
    expect(released.length).toBeGreaterThan(0);
    expect(released.map((e) => e.reason).join('\n')).toMatch(/back to Ready.*exited with code 3/s);
  }, 40_000);
});
