import { describe, expect, it } from 'vitest';
import type { FakeLlm } from '../../fakes/llm/server';
import { useTempDirs } from '../../helpers/tmp';
import { BOARD, startHarness, waitFor, type AgentSpec, type Harness, closeAfterEach, startLlm } from './harness';

const tempDir = useTempDirs();
let harness: Harness | undefined;
let llm: FakeLlm | undefined;
closeAfterEach();

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function writer(url: string): AgentSpec {
  return {
    id: 'writer',
    board: BOARD,
    workflow: 'pickup',
    routes: { labels: ['needs-ai'] },
    provider: { type: 'openai', base_url: url, model: 'fake-model' },
  };
}

describe('pause', () => {
  it('during a run: the running step ends at a safe point, nothing new starts, resume continues in order', async () => {
    llm = await startLlm();
    llm.setHandler((req) => {
      const user = req.messages.find((m) => m.role === 'user')!.content as string;
      return { delayMs: 600, content: { notes: `notes for ${user.split('\n')[0]}`, question: null, subtasks: null } };
    });
    harness = await startHarness({ dir: tempDir(), agents: [writer(llm.url)] });
    const a = harness.create({ title: 'A', description: 'first', labels: ['needs-ai'] });
    const b = harness.create({ title: 'B', description: 'second', labels: ['needs-ai'] });

    const running = await harness.runIn({ taskId: a.id }, ['running']);
    const paused = await harness.call('pauseAgent', { agentId: 'writer', reason: 'lunch' });
    expect(paused.value.agents[0]).toMatchObject({
      status: 'paused',
      pause: { paused: true, reason: 'lunch', by: 'human:http' },
    });

    // The model call in flight finishes and its output is saved, but nothing is written to the board.
    const stopped = await harness.runIn({ runId: running.id }, ['paused']);
    expect(stopped.tokensOut).toBeGreaterThan(0);
    expect(harness.task(a.id).agentNotes).toBe('');
    expect(harness.task(a.id).status).toBe('Work in progress');
    await sleep(800);
    expect(llm.requests).toHaveLength(1);
    expect(harness.runs({ taskId: b.id })[0]!.state).toBe('queued');

    await harness.call('resumeAgent', { agentId: 'writer' });
    const doneA = await harness.runIn({ runId: running.id }, ['done']);
    const doneB = await harness.runIn({ taskId: b.id }, ['done']);
    expect(harness.task(a.id).agentNotes).toContain('notes for Task 1: A');
    expect(harness.task(b.id).agentNotes).toContain('notes for Task 2: B');
    expect(llm.requests).toHaveLength(2); // A's saved output was applied, not asked for again
    expect(Date.parse(doneA.finishedAt!)).toBeLessThanOrEqual(Date.parse(doneB.startedAt!));
    const actions = [...harness.core.logEntries({ taskId: a.id })]
      .filter((e) => e.action.startsWith('agent.run.'))
      .map((e) => e.action);
    expect(actions).toEqual([
      'agent.run.queued',
      'agent.run.claimed',
      'agent.run.started',
      'agent.run.output',
      'agent.run.paused',
      'agent.run.resumed',
      'agent.run.done',
    ]);
  });

  it('survives a restart, and a paused queue waits then runs in order; pause all is honoured too', async () => {
    llm = await startLlm();
    const dir = tempDir();
    harness = await startHarness({ dir, agents: [writer(llm.url)] });
    await harness.call('pauseAgent', { agentId: 'writer' });
    const first = harness.create({ title: 'One', labels: ['needs-ai'] });
    const second = harness.create({ title: 'Two', labels: ['needs-ai'] });
    await waitFor(() => harness!.runs().length === 2);
    await harness.close();

    harness = await startHarness({ dir, agents: [writer(llm.url)] });
    expect((await harness.call('listAgents', {})).value[0]).toMatchObject({ status: 'paused', queued: 2 });
    await sleep(300);
    expect(llm.requests).toHaveLength(0);

    // Resume the agent but hold all agents: still nothing starts.
    await harness.call('pauseAll', { reason: 'maintenance' });
    await harness.call('resumeAgent', { agentId: 'writer' });
    await sleep(300);
    expect(llm.requests).toHaveLength(0);
    expect(harness.core.agents.summaries()[0]!.pause).toMatchObject({ paused: true, reason: 'maintenance' });

    await harness.call('resumeAll', {});
    const one = await harness.runIn({ taskId: first.id }, ['done']);
    const two = await harness.runIn({ taskId: second.id }, ['done']);
    expect(one.id).toBeLessThan(two.id);
    expect(Date.parse(one.finishedAt!)).toBeLessThanOrEqual(Date.parse(two.startedAt!));
    expect(llm.requests.map((r) => r.text.includes('One'))).toEqual([true, false]);
  });

  it('names an unknown agent', async () => {
    llm = await startLlm();
    harness = await startHarness({ dir: tempDir(), agents: [writer(llm.url)] });
    const res = await harness.call('pauseAgent', { agentId: 'nobody' });
    expect(res).toMatchObject({
      ok: false,
      error: { code: 'not_found', message: 'no agent "nobody"; agents are: writer' },
    });
  });
});
