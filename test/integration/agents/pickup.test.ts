import { describe, expect, it } from 'vitest';
import type { FakeLlm } from '../../fakes/llm/server';
import { useTempDirs } from '../../helpers/tmp';
import { BOARD, EXAMPLE_AGENT, startHarness, waitFor, type Harness, closeAfterEach, startLlm } from './harness';

const tempDir = useTempDirs();
let harness: Harness | undefined;
let llm: FakeLlm | undefined;
closeAfterEach();

const commandAgent = {
  id: 'researcher',
  role: 'researcher',
  board: BOARD,
  workflow: 'pickup' as const,
  routes: { labels: ['needs-ai', 'needs-research'] },
  provider: { type: 'command', command: EXAMPLE_AGENT, timeout: '30s' },
};

describe('pickup on the local board', () => {
  it('claims a routed task, writes notes and moves it to review (command provider)', async () => {
    harness = await startHarness({ dir: tempDir(), agents: [commandAgent] });
    const task = harness.create({
      title: 'Compare SQLite WAL modes',
      description: 'Which one is safer for us?',
      status: 'To do',
      labels: ['needs-research'],
    });
    const untouched = harness.create({ title: 'Human only', status: 'To do', labels: ['design'] });
    const excluded = harness.create({
      title: 'Review me',
      status: 'To do',
      labels: ['needs-ai', 'needs-human-review'],
    });

    const run = await harness.runIn({ taskId: task.id }, ['done', 'failed']);
    expect(run).toMatchObject({ state: 'done', agentId: 'researcher', workflow: 'pickup', trigger: 'created' });
    expect(run.outcome).toMatch(/completed; moved to Ready for Review/);

    const after = harness.task(task.id);
    expect(after.status).toBe('Ready for Review');
    expect(after.agentNotes).toContain('Read "Compare SQLite WAL modes": 6 word(s) of description');
    expect(after.agentNotes).toContain('— researcher (run #');
    expect(after.labels).toEqual(['needs-research']); // the claim label came off again
    expect(after.title).toBe(task.title);
    expect(after.description).toBe(task.description);

    // Never routed: no run, no change.
    expect(harness.runs({ taskId: untouched.id })).toEqual([]);
    expect(harness.runs({ taskId: excluded.id })).toEqual([]);
    expect(harness.task(untouched.id).version).toBe(untouched.version);
    expect(harness.task(excluded.id).version).toBe(excluded.version);

    // The claim happened on the board first: working column and claim label, then confirmed.
    const log = [...harness.core.logEntries({ taskId: task.id })];
    const claimWrite = log.find(
      (e) => e.action === 'field.written' && e.field === 'status' && e.after === 'Work in progress',
    );
    expect(claimWrite?.actor).toBe('agent:researcher');
    const labelsWritten = log.filter((e) => e.action === 'field.written' && e.field === 'labels').map((e) => e.after);
    expect(labelsWritten[0]).toEqual([expect.stringMatching(/^claim:researcher@[0-9a-f]{6}$/), 'needs-research']);
    const actions = log.filter((e) => e.action.startsWith('agent.run.')).map((e) => e.action);
    expect(actions).toEqual([
      'agent.run.queued',
      'agent.run.claimed',
      'agent.run.started',
      'agent.run.output',
      'agent.run.done',
    ]);

    // Inputs and outputs are in the run's steps.
    const full = await harness.call('getRun', { id: run.id });
    expect(full.value.steps).toHaveLength(1);
    expect(full.value.steps[0].input).toMatchObject({ protocol: 1, task: { id: task.id, title: task.title } });
    expect(full.value.steps[0].output.notes).toContain('Compare SQLite WAL modes');
    expect(full.value.steps[0].provider).toMatch(/^command /);

    // Every state change was an agent.state event.
    const states = harness.events
      .filter((e) => e.type === 'agent.state')
      .map((e) => (e.payload as { run?: { id: number; state: string } }).run)
      .filter((r) => r?.id === run.id)
      .map((r) => r!.state);
    expect(states).toEqual(expect.arrayContaining(['queued', 'claimed', 'running', 'done']));

    const agents = (await harness.call('listAgents', {})).value;
    expect(agents).toEqual([
      expect.objectContaining({
        id: 'researcher',
        status: 'idle',
        provider: expect.stringMatching(/^command /),
        budget: expect.objectContaining({ runs: 1 }),
      }),
    ]);
    expect(harness.core.getState().agents[0]).toMatchObject({ id: 'researcher', queued: 0 });
  });

  for (const stream of [false, true]) {
    it(`works with an OpenAI-compatible server (${stream ? 'SSE streaming' : 'one JSON answer'}), key from the keychain`, async () => {
      llm = await startLlm({ model: 'llama-test' });
      harness = await startHarness({
        dir: tempDir(),
        keychain: { 'llm-key': 'sk-test-123456' },
        runtime: { stream },
        agents: [
          {
            id: 'writer',
            board: BOARD,
            workflow: 'pickup',
            routes: { labels: ['needs-ai'] },
            provider: { type: 'openai', base_url: llm.url, model: 'llama-test', api_key: { keychain: 'llm-key' } },
          },
        ],
      });
      const task = harness.create({ title: 'Draft the release notes', description: 'For 0.2', labels: ['needs-ai'] });
      const run = await harness.runIn({ taskId: task.id }, ['done', 'failed']);
      expect(run.state).toBe('done');
      expect(harness.task(task.id).agentNotes).toContain(
        'Fake model notes for: Task ' + task.id + ': Draft the release notes',
      );
      expect(harness.task(task.id).status).toBe('Ready for Review');

      expect(llm.requests).toHaveLength(1);
      const request = llm.requests[0]!;
      expect(request.stream).toBe(stream);
      expect(request.schema).toMatchObject({ type: 'object', required: ['notes', 'question', 'subtasks'] });
      expect(request.headers.authorization).toBe('Bearer sk-test-123456');
      expect(request.text).toContain('Draft the release notes');
      expect(run.tokensIn).toBeGreaterThan(0);
      expect(run.tokensOut).toBeGreaterThan(0);
      const agent = harness.core.agents.summaries()[0]!;
      expect(agent.budget?.tokens).toBe(run.tokensIn + run.tokensOut);
    });
  }

  it('takes plain text from a model that ignores the schema as the notes', async () => {
    llm = await startLlm();
    llm.setHandler(() => ({ content: 'Just prose, no JSON at all.' }));
    harness = await startHarness({
      dir: tempDir(),
      agents: [
        {
          id: 'writer',
          board: BOARD,
          workflow: 'pickup',
          routes: { columns: ['todo'] },
          provider: { type: 'openai', base_url: llm.url, model: 'fake-model' },
        },
      ],
    });
    const task = harness.create({ title: 'Routed by column', status: 'To do' });
    await harness.runIn({ taskId: task.id }, ['done']);
    expect(harness.task(task.id).agentNotes).toMatch(/^Just prose, no JSON at all\./);
    // Not in the route column any more, and a later edit does not start it again.
    harness.edit(task.id, { description: 'edited' });
    await harness.core.agents.whenIdle();
    expect(harness.runs({ taskId: task.id })).toHaveLength(1);
  });

  it('two agents routed to the same task: only one works it', async () => {
    harness = await startHarness({
      dir: tempDir(),
      agents: [commandAgent, { ...commandAgent, id: 'second', routes: { labels: ['needs-ai'] } }],
    });
    const task = harness.create({ title: 'Contended', description: 'x', status: 'To do', labels: ['needs-ai'] });
    const runs = await waitFor(() => {
      const all = harness!.runs({ taskId: task.id });
      return all.length === 2 && all.every((r) => r.state === 'done') ? all : undefined;
    });
    const worked = runs.filter((r) => r.outcome?.startsWith('completed'));
    const skipped = runs.filter((r) => r.outcome?.startsWith('skipped'));
    expect(worked).toHaveLength(1);
    expect(skipped).toHaveLength(1);
    expect(harness.task(task.id).agentNotes.match(/run #/g)).toHaveLength(1);
  });
});
