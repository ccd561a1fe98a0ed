import { afterEach, describe, expect, it } from 'vitest';
import { startFakeLlm, type FakeLlm } from '../../fakes/llm/server';
import { useTempDirs } from '../../helpers/tmp';
import { BOARD, HUMAN, startHarness, waitFor, type Harness } from './harness';

const tempDir = useTempDirs();
let harness: Harness | undefined;
let llm: FakeLlm | undefined;
afterEach(async () => {
  await harness?.close();
  await llm?.close();
  harness = undefined;
  llm = undefined;
});

const worker = {
  id: 'worker',
  board: BOARD,
  workflow: 'pickup' as const,
  routes: { labels: ['needs-ai'] },
  provider: { type: 'demo' },
};

describe('reconfiguring an agent while it runs', () => {
  it('keeps its id and runs, uses the new provider for the next task, and sweeps a new board', async () => {
    llm = await startFakeLlm({ model: 'm1' });
    harness = await startHarness({
      dir: tempDir(),
      agents: [worker],
      config: {
        boards: [
          { id: BOARD, type: 'local' },
          { id: 'other', type: 'local' },
        ],
      },
      runtime: { demoDelayMs: 10 },
    });
    const first = harness.create({ title: 'First', description: 'demo', status: 'To do', labels: ['needs-ai'] });
    await harness.runIn({ taskId: first.id }, ['done']);
    expect(harness.task(first.id).agentNotes).toMatch(/^\[Demo agent/);

    const summary = await harness.core.agents.reconfigureAgent('worker', {
      provider: { type: 'openai', base_url: llm.url, model: 'm1' },
      role: 'assistant (m1)',
    });
    expect(summary).toMatchObject({ id: 'worker', role: 'assistant (m1)', provider: `openai m1 at ${llm.url}` });
    expect(harness.events.some((e) => e.type === 'agent.state' && e.payload.agent.provider === summary.provider)).toBe(
      true,
    );

    const second = harness.create({ title: 'Second', description: 'model', status: 'To do', labels: ['needs-ai'] });
    await harness.runIn({ taskId: second.id }, ['done']);
    expect(harness.task(second.id).agentNotes).toContain('Fake model notes for');
    expect(harness.runs({ agentId: 'worker' })).toHaveLength(2);

    // A task already waiting on the other board is swept in when the agent moves there.
    const waiting = harness.core.localBoards.createTask(
      'other',
      { title: 'Waiting elsewhere', description: 'x', status: 'To do', labels: ['needs-ai'] },
      HUMAN,
    );
    await new Promise((r) => setTimeout(r, 100));
    const onOther = (): number => harness!.runs().filter((r) => r.boardId === 'other').length;
    expect(onOther()).toBe(0);
    const moved = await harness.core.agents.reconfigureAgent('worker', { board: 'other' });
    expect(moved.board).toBe('other');
    await waitFor(
      () => harness!.runs().find((r) => r.boardId === 'other' && r.state === 'done'),
      15_000,
      'the swept run',
    );
    expect(harness.core.localBoards.getTask('other', waiting.id)!.status).toBe('Ready for Review');
    // Tasks on the old board are no longer its business.
    const old = harness.create({ title: 'Old board', description: 'x', status: 'To do', labels: ['needs-ai'] });
    await new Promise((r) => setTimeout(r, 200));
    expect(harness.runs({ taskId: old.id })).toEqual([]);

    await expect(harness.core.agents.reconfigureAgent('nobody', { role: 'x' })).rejects.toThrow(/no agent "nobody"/);
  });
});
