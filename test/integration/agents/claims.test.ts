import { describe, expect, it } from 'vitest';
import { useTempDirs } from '../../helpers/tmp';
import { BOARD, EXAMPLE_AGENT, startHarness, waitFor, type Harness, closeAfterEach } from './harness';

const tempDir = useTempDirs();
let harness: Harness | undefined;
closeAfterEach();

const agent = {
  id: 'researcher',
  board: BOARD,
  workflow: 'pickup' as const,
  routes: { labels: ['needs-ai'] },
  provider: { type: 'command', command: EXAMPLE_AGENT },
};

describe('claims across instances', () => {
  it('leaves a task another Deckhand instance has claimed', async () => {
    harness = await startHarness({ dir: tempDir(), agents: [agent] });
    // Another instance (same agent id, different instance) claimed it on the board.
    const task = harness.create({ title: 'Theirs', status: 'To do', labels: ['needs-ai', 'claim:researcher@ffffff'] });
    const run = await harness.runIn({ taskId: task.id }, ['done']);
    expect(run.outcome).toBe('skipped: claimed on the board by researcher@ffffff');
    expect(harness.task(task.id)).toEqual(task);
  });

  it('removes a claim that went stale (its instance went away) and then works the task', async () => {
    harness = await startHarness({ dir: tempDir(), agents: [agent], settings: { staleClaimMs: 200 } });
    const task = harness.create({
      title: 'Abandoned',
      status: 'To do',
      labels: ['needs-ai', 'claim:researcher@ffffff'],
    });
    const first = await harness.runIn({ taskId: task.id }, ['done']);
    expect(first.outcome).toMatch(/^skipped: claimed on the board/);
    await new Promise((r) => setTimeout(r, 250));
    // A person nudges it again (any routed change starts a new run).
    harness.edit(task.id, { status: 'Backlog' });
    const second = await waitFor(() =>
      harness!.runs({ taskId: task.id }).find((r) => r.id !== first.id && r.state === 'done'),
    );
    expect(second.outcome).toMatch(/^completed/);
    const after = harness.task(task.id);
    expect(after.labels).toEqual(['needs-ai']);
    expect(after.status).toBe('Ready for Review');
    expect([...harness.core.logEntries({ action: 'agent.claim.stale-released' })]).toHaveLength(1);
  });

  it('on restart, a claim label left by a run that is no longer active comes off', async () => {
    const dir = tempDir();
    harness = await startHarness({ dir, agents: [agent] });
    const task = harness.create({ title: 'Left behind', description: 'x', status: 'To do', labels: ['needs-ai'] });
    const run = await harness.runIn({ taskId: task.id }, ['done']);
    // Simulate a crash that lost the release: the claim row and label are back, the run is finished.
    const label = harness.core.agents.claims.take({
      boardId: BOARD,
      taskId: task.id,
      agentId: 'researcher',
      runId: run.id,
      label: `claim:researcher@${harness.core.agents.claims.instanceId()}`,
    }).label;
    harness.edit(task.id, { labels: ['needs-ai', label] });
    await harness.close();
    harness = await startHarness({ dir, agents: [agent] });
    await waitFor(() => harness!.task(task.id).labels.length === 1);
    expect(harness.task(task.id).labels).toEqual(['needs-ai']);
    expect(harness.core.agents.claims.all()).toEqual([]);
  });
});

describe('embedded default', () => {
  it('starts with the offline demo agent, which works the sample needs-ai task within seconds', async () => {
    const { createCore } = await import('../../../src/main/core/app');
    const dir = tempDir();
    const core = await createCore({
      dataDir: dir,
      runner: { pollIntervalMs: 2_000, minPollMs: 1_500 },
      agents: { probeLocalLlm: false, demoDelayMs: 10 },
    });
    try {
      expect(core.getState().agents).toEqual([
        expect.objectContaining({ id: 'demo', board: 'local', provider: 'demo (offline, no AI)' }),
      ]);
      const sample = core.localBoards.listTasks('local').find((t) => t.labels.includes('needs-ai'))!;
      await waitFor(() => core.agents.listRuns({}).find((r) => r.state === 'done'), 15_000);
      const after = core.localBoards.getTask('local', sample.id)!;
      expect(after.status).toBe('Ready for Review');
      expect(after.agentNotes).toMatch(/^\[Demo agent: offline, no AI model was used\]/);
    } finally {
      await core.close();
    }
  });
});
