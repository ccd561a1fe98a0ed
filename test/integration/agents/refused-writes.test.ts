import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../helpers/tmp';
import { BOARD, closeAfterEach, EXAMPLE_AGENT, startHarness } from './harness';

/**
 * Refused writes shown where people look (issue 15): with agent notes owned by
 * humans, the run's outcome says the notes were not written and why, and the
 * `write.refused` entry keeps what the agent tried to write and what stayed.
 */
const tempDir = useTempDirs();
closeAfterEach();

describe('a write ownership refuses', () => {
  it('is in the run outcome and in the log entry with the attempted value', async () => {
    const harness = await startHarness({
      dir: tempDir(),
      agents: [
        {
          id: 'researcher',
          board: BOARD,
          workflow: 'pickup',
          routes: { labels: ['needs-ai'] },
          provider: { type: 'command', command: EXAMPLE_AGENT, timeout: '30s' },
        },
      ],
      config: { ownership: { agent_notes: { owner: 'human' } } },
    });
    const task = harness.create({
      title: 'Check the cache',
      description: 'Why is it stale?',
      status: 'To do',
      labels: ['needs-ai'],
      agentNotes: 'Mine, hands off.',
    });
    const run = await harness.runIn({ taskId: task.id }, ['done', 'failed']);
    expect(run.state).toBe('done');
    expect(run.outcome).toMatch(/^completed; moved to Ready for Review; not written: agentNotes is owned by humans/);
    expect(harness.task(task.id).agentNotes).toBe('Mine, hands off.');

    const [refused, ...more] = [...harness.core.logEntries({ action: 'write.refused', taskId: task.id })];
    expect(more).toEqual([]);
    expect(refused).toMatchObject({
      actor: 'agent:researcher',
      field: 'agentNotes',
      before: 'Mine, hands off.',
      after: expect.stringContaining(`— researcher (run #${run.id})`),
      reason: expect.stringContaining('owned by humans'),
    });
  });
});
