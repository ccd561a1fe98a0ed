import { describe, expect, it } from 'vitest';
import type { AgentNotification } from '../../../src/shared/model';
import type { FakeLlm } from '../../fakes/llm/server';
import { useTempDirs } from '../../helpers/tmp';
import {
  BOARD,
  EXAMPLE_AGENT,
  startHarness,
  waitFor,
  type Harness,
  closeAfterEach,
  startLlm,
  openaiWriter,
} from './harness';

const tempDir = useTempDirs();
let harness: Harness | undefined;
let llm: FakeLlm | undefined;
closeAfterEach();

describe('budgets', () => {
  it('reaching runs per day pauses the agent with the reason shown; the next day it resumes by itself', async () => {
    const dir = tempDir();
    let now = new Date();
    const agents = [
      {
        id: 'researcher',
        board: BOARD,
        workflow: 'pickup' as const,
        routes: { labels: ['needs-ai'] },
        provider: { type: 'command', command: EXAMPLE_AGENT },
        budget: { runs_per_day: 1 },
      },
    ];
    harness = await startHarness({ dir, agents, runtime: { now: () => now } });
    const first = harness.create({ title: 'One', labels: ['needs-ai'] });
    await harness.runIn({ taskId: first.id }, ['done']);
    const second = harness.create({ title: 'Two', labels: ['needs-ai'] });

    const summary = await waitFor(() => {
      const s = harness!.core.agents.summaries()[0]!;
      return s.pause.paused ? s : undefined;
    });
    expect(summary.status).toBe('paused');
    expect(summary.pause).toMatchObject({ by: 'system:budget' });
    expect(summary.pause.reason).toMatch(/^daily budget reached: 1 of 1 runs today/);
    expect(summary.budget).toMatchObject({ runs: 1, runsPerDay: 1 });
    const notice = harness.events.find((e) => e.type === 'agent.notification')?.payload as AgentNotification;
    expect(notice).toMatchObject({ kind: 'budget-reached', agentId: 'researcher' });
    expect(harness.runs({ taskId: second.id })[0]!.state).toBe('queued');

    await harness.close();
    now = new Date(now.getTime() + 24 * 60 * 60_000);
    harness = await startHarness({ dir, agents, runtime: { now: () => now } });
    await harness.runIn({ taskId: second.id }, ['done']);
    expect(harness.core.agents.summaries()[0]!.pause.paused).toBe(false);
  });

  it("a model without a price leaves the day's cost unknown (counted apart), not $0", async () => {
    llm = await startLlm();
    llm.setHandler(() => ({
      content: { notes: 'ok', question: null, subtasks: null },
      usage: { prompt_tokens: 40, completion_tokens: 20 },
    }));
    harness = await startHarness({ dir: tempDir(), agents: [openaiWriter(llm)] });
    const a = harness.create({ title: 'A', labels: ['needs-ai'] });
    await harness.runIn({ taskId: a.id }, ['done']);
    expect(harness.core.agents.summaries()[0]!.budget).toMatchObject({ runs: 1, tokens: 60, uncostedCalls: 1 });
  });

  it('reaching tokens per day pauses the agent after the run that crossed it', async () => {
    llm = await startLlm();
    llm.setHandler(() => ({
      content: { notes: 'ok', question: null, subtasks: null },
      usage: { prompt_tokens: 40, completion_tokens: 20 },
    }));
    harness = await startHarness({
      dir: tempDir(),
      agents: [openaiWriter(llm, { budget: { tokens_per_day: 50 } })],
    });
    const a = harness.create({ title: 'A', labels: ['needs-ai'] });
    const b = harness.create({ title: 'B', labels: ['needs-ai'] });
    await harness.runIn({ taskId: a.id }, ['done']);
    const s = await waitFor(() => harness!.core.agents.summaries()[0]!.pause.reason);
    expect(s).toMatch(/^daily budget reached: 60 of 50 tokens today/);
    expect(harness.runs({ taskId: b.id })[0]!.state).toBe('queued');
    expect(llm.requests).toHaveLength(1);
  });

  it('with a price on the model, runs have a cost and the cost budget pauses the agent', async () => {
    llm = await startLlm();
    llm.setHandler(() => ({
      content: { notes: 'ok', question: null, subtasks: null },
      usage: { prompt_tokens: 1_000, completion_tokens: 500 },
    }));
    harness = await startHarness({
      dir: tempDir(),
      agents: [
        // $3 in and $15 out per million tokens: one run is 1,000 × 3 + 500 × 15 = 10,500 millionths of a dollar.
        openaiWriter(llm, { provider: { price: { input: 3, output: 15 } }, budget: { cost_per_day: 0.01 } }),
      ],
    });
    const a = harness.create({ title: 'A', labels: ['needs-ai'] });
    const b = harness.create({ title: 'B', labels: ['needs-ai'] });
    const run = await harness.runIn({ taskId: a.id }, ['done']);
    expect(run.cost).toBeCloseTo(0.0105, 10);
    const reason = await waitFor(() => harness!.core.agents.summaries()[0]!.pause.reason);
    expect(reason).toMatch(/^daily budget reached: \$0\.0105 of \$0\.0100 today/);
    expect(harness.core.agents.summaries()[0]!.budget).toMatchObject({
      cost: 0.0105,
      costPerDay: 0.01,
      uncostedCalls: 0,
    });
    expect(harness.runs({ taskId: b.id })[0]!.state).toBe('queued');
    expect(llm.requests).toHaveLength(1);
  });
});
