import { describe, expect, it } from 'vitest';
import { localDay } from '../../../src/main/core/agents/budget';
import { useTempDirs } from '../../helpers/tmp';
import { BOARD, EXAMPLE_AGENT, startHarness, type AgentSpec, type Harness, closeAfterEach } from './harness';

const tempDir = useTempDirs();
let harness: Harness | undefined;
closeAfterEach();

const agents: AgentSpec[] = [
  {
    id: 'researcher',
    board: BOARD,
    workflow: 'pickup',
    routes: { labels: ['needs-ai'] },
    provider: { type: 'command', command: EXAMPLE_AGENT },
  },
  {
    id: 'secretary',
    board: BOARD,
    workflow: 'digest',
    digest: { assign_to: 'lead' },
    provider: { type: 'command', command: EXAMPLE_AGENT },
  },
];

const at = (hour: number): Date => {
  const d = new Date();
  d.setHours(hour, 0, 0, 0);
  return d;
};

describe('daily digest', () => {
  it('makes one digest task per day from the sync log, assigned to the lead, however often Deckhand restarts', async () => {
    const dir = tempDir();
    let now = at(8);
    const runtime = { now: () => now };
    harness = await startHarness({ dir, agents, runtime });
    // 08:00: not due yet (default schedule 09:00).
    expect(harness.runs({ agentId: 'secretary' })).toEqual([]);

    const task = harness.create({ title: 'Summarise the RFC', description: 'Short please', labels: ['needs-ai'] });
    await harness.runIn({ taskId: task.id }, ['done']);

    // 09:00: the schedule fires.
    now = at(9);
    const runId = harness.core.agents.triggerDigest('secretary', 'schedule');
    expect(runId).toBeDefined();
    const run = await harness.runIn({ runId }, ['done', 'failed']);
    expect(run.state).toBe('done');
    const digests = (): ReturnType<Harness['tasks']> => harness!.tasks().filter((t) => t.labels.includes('digest'));
    expect(digests()).toHaveLength(1);
    const digest = digests()[0]!;
    expect(run.resultTaskId).toBe(digest.id);
    expect(digest.title).toBe(`Daily digest ${localDay(now)} (secretary)`);
    expect(digest.assignee).toBe('lead');
    expect(digest.description).toContain('Summarise the RFC: now in Ready for Review (researcher)');

    // The cron firing again the same day, and restarts (each catches up on a due digest), make nothing new.
    expect(harness.core.agents.triggerDigest('secretary', 'schedule')).toBeUndefined();
    for (const hour of [10, 23]) {
      await harness.close();
      now = at(hour);
      harness = await startHarness({ dir, agents, runtime });
      await harness.core.agents.whenIdle();
      expect(digests()).toHaveLength(1);
      expect(harness.runs({ agentId: 'secretary' })).toHaveLength(1);
    }

    // The next day, started after 09:00: one catch-up digest.
    await harness.close();
    now = new Date(at(10).getTime() + 24 * 60 * 60_000);
    harness = await startHarness({ dir, agents, runtime });
    const next = await harness
      .runIn({ agentId: 'secretary' }, ['done'])
      .then(() => harness!.runs({ agentId: 'secretary' }).find((r) => r.trigger === 'catch-up'));
    expect(next).toBeDefined();
    await harness.runIn({ runId: next!.id }, ['done']);
    expect(digests().map((d) => d.title)).toEqual([
      `Daily digest ${localDay(at(9))} (secretary)`,
      `Daily digest ${localDay(now)} (secretary)`,
    ]);
  });
});
