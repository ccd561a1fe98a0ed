import { afterEach, describe, expect, it } from 'vitest';
import { useTempDirs } from '../../helpers/tmp';
import { columnOf, startKanboardBoard, tagsOf } from '../../boards/kanboard';
import { EXAMPLE_AGENT, waitFor, type AgentSpec } from './harness';
import { startOnKanboard } from './kanboard-setup';

/** Board outages while agent runs are queued: the runs wait for the board instead of spending their attempts. */
const tempDir = useTempDirs();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const researcher: AgentSpec = {
  id: 'researcher',
  board: 'kb',
  workflow: 'pickup',
  routes: { labels: ['needs-ai'] },
  provider: { type: 'command', command: EXAMPLE_AGENT },
};

describe('a board outage does not burn agent runs', () => {
  it('queued runs wait out an outage longer than their attempts would last, then all end done with notes once', async () => {
    const kb = await startKanboardBoard(cleanup);
    const { fake, board } = kb;
    // Three attempts 50 ms apart would be spent in well under a second; the board stays down for three.
    const harness = await startOnKanboard(kb, tempDir(), [researcher], {
      settings: { maxAttempts: 3, retryBaseMs: 50, deliveryTimeoutMs: 1_000 },
    });
    cleanup.push(() => harness.close());
    const ids: number[] = [];
    for (const title of ['Cache', 'Queue', 'Index']) {
      ids.push(await fake.human('alice').createTask(board.projectId, { title, column: 'Ready', tags: ['needs-ai'] }));
    }
    await waitFor(() => harness.runs().length === 3, 15_000, 'three queued runs');

    // The board goes down: every request gets the proxy's HTML error page, as behind a load balancer.
    fake.faults.push({ times: 1e9, status: 502, body: '<html><body><h1>502 Bad Gateway</h1></body></html>' });
    await new Promise((r) => setTimeout(r, 3_000));
    expect(harness.runs().filter((r) => r.state === 'failed')).toEqual([]);
    fake.faults.length = 0;

    for (const id of ids) {
      const run = await harness.runIn({ taskId: String(id) }, ['done', 'failed'], 30_000);
      expect(run).toMatchObject({ state: 'done', attempt: 0 });
    }
    for (const id of ids) {
      expect(columnOf(fake, id)).toBe('Ready for Review');
      expect(tagsOf(fake, id)).toEqual(['needs-ai']);
      const notes = String(fake.store.metadataOf(id).agent_notes);
      expect(notes).toContain('Read "');
      expect(
        fake.store.comments.filter((c) => c.task_id === id && c.comment.includes(notes.slice(0, 40))),
      ).toHaveLength(1);
    }
    const waits = [...harness.core.logEntries({ action: 'agent.run.board-wait' })];
    expect(waits.length).toBeGreaterThan(0);
    expect(waits[0]!.reason).toMatch(/502/);
    expect([...harness.core.logEntries({ action: 'agent.run.retry' })]).toEqual([]);
  }, 60_000);
});
