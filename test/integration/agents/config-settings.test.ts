import { describe, expect, it } from 'vitest';
import type { AgentNotification } from '../../../src/shared/model';
import type { FakeLlm } from '../../fakes/llm/server';
import { useTempDirs } from '../../helpers/tmp';
import {
  BOARD,
  EXAMPLE_AGENT,
  startHarness,
  waitFor,
  type AgentSpec,
  type Harness,
  closeAfterEach,
  startLlm,
  openaiWriter,
} from './harness';

/**
 * The runtime settings a config file sets (agent_defaults, per-agent keys, LLM provider keys), each shown to
 * change what the runtime does. The harness passes no runtime setting for any of them: the config decides.
 */
const tempDir = useTempDirs();
let harness: Harness | undefined;
let llm: FakeLlm | undefined;
closeAfterEach();

const asker = (id: string, label: string, extra: Record<string, unknown> = {}): AgentSpec => ({
  id,
  board: BOARD,
  workflow: 'pickup',
  routes: { labels: [label] },
  provider: { type: 'command', command: EXAMPLE_AGENT, timeout: '30s' },
  ...extra,
});

const notifications = (h: Harness): AgentNotification[] =>
  h.events.filter((e) => e.type === 'agent.notification').map((e) => e.payload as AgentNotification);

describe('agent settings from the config file', () => {
  it('resume_on: answer resumes on a written answer alone; answer_and_move (the default) also needs the move', async () => {
    harness = await startHarness({
      dir: tempDir(),
      config: { agent_defaults: { resume_on: 'answer' } },
      agents: [asker('quick', 'quick'), asker('strict', 'strict', { resume_on: 'answer_and_move' })],
    });
    const quick = harness.create({ title: 'Region', description: 'ask: Which region?', labels: ['quick'] });
    const strict = harness.create({ title: 'Zone', description: 'ask: Which zone?', labels: ['strict'] });
    const quickRun = await harness.runIn({ taskId: quick.id }, ['waiting-for-human']);
    const strictRun = await harness.runIn({ taskId: strict.id }, ['waiting-for-human']);

    harness.comment(quick.id, 'eu-west-1');
    harness.comment(strict.id, 'zone b');
    const done = await harness.runIn({ runId: quickRun.id }, ['done']);
    expect(done).toMatchObject({ answer: 'eu-west-1', round: 1 });
    expect(harness.task(quick.id).agentNotes).toContain('The answer: eu-west-1');

    // The strict agent's task sat in Blocked with an answer through several answer polls: still waiting.
    await new Promise((r) => setTimeout(r, 500));
    await harness.core.agents.checkWaiting();
    expect(harness.runs({ taskId: strict.id })[0]!.state).toBe('waiting-for-human');
    harness.edit(strict.id, { status: 'To do' });
    expect(await harness.runIn({ runId: strictRun.id }, ['done'])).toMatchObject({ answer: 'zone b' });
  });

  it('question_timeout: a question unanswered that long raises one agent.notification; the default 24h does not', async () => {
    harness = await startHarness({
      dir: tempDir(),
      agents: [asker('eager', 'eager', { question_timeout: '300ms' }), asker('patient', 'patient')],
    });
    const eager = harness.create({ title: 'A', description: 'ask: Now?', labels: ['eager'] });
    const patient = harness.create({ title: 'B', description: 'ask: Later?', labels: ['patient'] });
    const run = await harness.runIn({ taskId: eager.id }, ['waiting-for-human']);
    await harness.runIn({ taskId: patient.id }, ['waiting-for-human']);
    const notes = await waitFor(() => (notifications(harness!).length > 0 ? notifications(harness!) : undefined));
    expect(notes).toEqual([expect.objectContaining({ kind: 'question-unanswered', runId: run.id, taskId: eager.id })]);
    await new Promise((r) => setTimeout(r, 400));
    await harness.core.agents.checkWaiting();
    expect(notifications(harness)).toHaveLength(1);
    expect([...harness.core.logEntries({ action: 'agent.question.unanswered' })]).toHaveLength(1);
  });

  it('claim_stale_after: a rival claim label older than it is removed and the task worked', async () => {
    harness = await startHarness({
      dir: tempDir(),
      config: { agent_defaults: { claim_stale_after: '200ms' } },
      agents: [asker('researcher', 'needs-ai')],
    });
    const task = harness.create({
      title: 'Abandoned',
      description: 'Left by an instance that went away',
      status: 'To do',
      labels: ['needs-ai', 'claim:researcher@ffffff'],
    });
    const first = await harness.runIn({ taskId: task.id }, ['done']);
    expect(first.outcome).toBe('skipped: claimed on the board by researcher@ffffff');
    await new Promise((r) => setTimeout(r, 250));
    harness.edit(task.id, { status: 'Backlog' });
    const second = await waitFor(() =>
      harness!.runs({ taskId: task.id }).find((r) => r.id !== first.id && r.state === 'done'),
    );
    expect(second.outcome).toMatch(/^completed/);
    expect(harness.task(task.id).labels).toEqual(['needs-ai']);
    const released = [...harness.core.logEntries({ action: 'agent.claim.stale-released' })];
    expect(released).toHaveLength(1);
  });

  it('provider timeout: a model slower than it is a failed attempt, retried, and the run then completes', async () => {
    llm = await startLlm();
    llm.enqueue({ delayMs: 1_500, content: { notes: 'Too late.', question: null, subtasks: null } });
    harness = await startHarness({
      dir: tempDir(),
      agents: [openaiWriter(llm, { provider: { timeout: '300ms' } })],
    });
    const task = harness.create({ title: 'Tagline', description: 'Short', labels: ['needs-ai'] });
    const run = await harness.runIn({ taskId: task.id }, ['done', 'failed']);
    expect(run).toMatchObject({ state: 'done', attempt: 1 });
    const retries = [...harness.core.logEntries({ action: 'agent.run.retry' })];
    expect(retries).toHaveLength(1);
    expect(retries[0]!.reason).toMatch(/^attempt 1 failed: openai fake-model did not answer in time/);
    expect(harness.task(task.id).agentNotes).toContain('Fake model notes for:');
    expect(harness.task(task.id).agentNotes).not.toContain('Too late.');
  });

  it('provider stream: true asks for SSE, false for one JSON body, whatever the runtime default', async () => {
    const server = await startLlm();
    llm = server;
    const writer = (id: string, stream: boolean): AgentSpec => ({
      id,
      board: BOARD,
      workflow: 'pickup',
      routes: { labels: [id] },
      provider: { type: 'openai', base_url: server.url, model: `model-${id}`, stream },
    });
    for (const runtimeStream of [false, true]) {
      harness = await startHarness({
        dir: tempDir(),
        runtime: { stream: runtimeStream },
        agents: [writer('streamed', true), writer('whole', false)],
      });
      for (const id of ['streamed', 'whole']) {
        const task = harness.create({ title: `For ${id}`, description: 'x', labels: [id] });
        const run = await harness.runIn({ taskId: task.id }, ['done', 'failed']);
        expect(run.state).toBe('done');
        expect(harness.task(task.id).agentNotes).toContain(`Fake model notes for:`);
      }
      await harness.close();
      harness = undefined;
    }
    const byModel = (model: string): boolean[] => server.requests.filter((r) => r.model === model).map((r) => r.stream);
    expect(byModel('model-streamed')).toEqual([true, true]);
    expect(byModel('model-whole')).toEqual([false, false]);
  });
});
