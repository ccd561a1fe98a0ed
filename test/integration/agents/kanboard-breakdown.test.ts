import { afterEach, describe, expect, it } from 'vitest';
import { startFakeLlm } from '../../fakes/llm/server';
import { useTempDirs } from '../../helpers/tmp';
import { EXAMPLE_AGENT, type AgentSpec } from './harness';
import { childrenOf, columnOf, startKanboardBoard, tagsOf } from '../../boards/kanboard';
import { startOnKanboard } from './kanboard-setup';

/** Break down an epic on a Kanboard board: subtasks linked by Kanboard's internal links, exactly once. */
const tempDir = useTempDirs();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const planner = (provider: Record<string, unknown>): AgentSpec => ({
  id: 'planner',
  board: 'kb',
  workflow: 'breakdown',
  routes: { labels: ['epic'] },
  provider,
});

describe('break down an epic on Kanboard', () => {
  it('command: one subtask per line with its estimate, each linked to the epic once, despite a lost answer', async () => {
    const kb = await startKanboardBoard(cleanup);
    const { fake, board } = kb;
    // The second subtask's create happens on the server, but its answer is lost: the retry must find it, not redo it.
    let creates = 0;
    fake.faults.push({
      when: (methods) => methods.includes('createTask') && ++creates === 2,
      afterRun: true,
      status: 502,
    });
    const harness = await startOnKanboard(kb, tempDir(), [planner({ type: 'command', command: EXAMPLE_AGENT })]);
    cleanup.push(() => harness.close());

    const epic = await fake.human('alice').createTask(board.projectId, {
      title: 'Ship the importer',
      description: 'Plan:\n- Parse the CSV (3h)\n- Map columns to fields (1d)\n- Write the import report (90m)',
      column: 'Backlog',
      tags: ['epic'],
    });
    const run = await harness.runIn({ taskId: String(epic) }, ['done', 'failed'], 30_000);
    expect(run.outcome).toMatch(/^completed; 3 subtask\(s\) created; moved to Ready for Review/);
    expect(fake.faults).toHaveLength(0); // the fault did fire

    const children = childrenOf(fake, epic);
    expect(children.map((c) => c.title)).toEqual(['Parse the CSV', 'Map columns to fields', 'Write the import report']);
    expect(children.map((c) => c.description)).toEqual(['Estimate: 3h', 'Estimate: 1d', 'Estimate: 90m']);
    for (const child of children) {
      expect(columnOf(fake, child.id)).toBe('Ready');
      expect(fake.store.metadataOf(child.id).agent_notes).toMatch(/^Estimate: /);
    }
    // Nothing else was created: three subtasks plus the epic, and one link each (plus its opposite).
    expect(fake.store.tasks).toHaveLength(4);
    expect(fake.store.taskLinks).toHaveLength(6);

    expect(columnOf(fake, epic)).toBe('Ready for Review');
    const notes = fake.store.metadataOf(epic).agent_notes ?? '';
    expect(notes).toContain('Subtasks (3, about 12.5h in total):');
    expect(notes).toContain('- Map columns to fields — 1d');
    expect(tagsOf(fake, epic)).toEqual(['epic']);

    // Replaying the whole run (as after a crash, or a person's retry) sends the same planned writes: all duplicates.
    harness.core.agents.runs.update(run.id, { state: 'failed' });
    expect((await harness.call('retryRun', { id: run.id })).ok).toBe(true);
    await harness.runIn({ runId: run.id }, ['done'], 30_000);
    await harness.core.engine.runner('kb').fullReconcile();
    await harness.core.agents.whenIdle();
    expect(fake.store.tasks).toHaveLength(4);
    expect(childrenOf(fake, epic)).toHaveLength(3);
    // The subtasks are the agent's own writes: they never trigger a run of their own.
    expect(harness.runs()).toHaveLength(1);
  }, 60_000);

  it('openai: structured subtasks from the model, retried after a failing attempt, created once', async () => {
    const kb = await startKanboardBoard(cleanup);
    const { fake, board } = kb;
    const llm = await startFakeLlm();
    cleanup.push(() => llm.close());
    llm.enqueue({ status: 503, errorMessage: 'model loading' });
    llm.setHandler(() => ({
      content: {
        notes: 'Three steps.',
        question: null,
        subtasks: [
          { title: 'Design', estimate: '2h', description: 'Sketch it' },
          { title: 'Build', estimate: '1d', description: null },
          { title: 'Test', estimate: '4h', description: null },
        ],
      },
    }));
    const harness = await startOnKanboard(kb, tempDir(), [
      planner({ type: 'openai', base_url: llm.url, model: 'fake-model' }),
    ]);
    cleanup.push(() => harness.close());

    const epic = await fake.human('bob').createTask(board.projectId, {
      title: 'Launch',
      description: 'The launch',
      column: 'Backlog',
      tags: ['epic'],
    });
    const run = await harness.runIn({ taskId: String(epic) }, ['done', 'failed'], 30_000);
    expect(run).toMatchObject({ state: 'done', attempt: 1 });
    expect(llm.requests).toHaveLength(2); // the 503, then the plan
    expect(llm.requests[1]!.schema).toBeDefined();
    const children = childrenOf(fake, epic);
    expect(children.map((c) => c.title)).toEqual(['Design', 'Build', 'Test']);
    expect(children.map((c) => c.description)).toEqual(['Sketch it\n\nEstimate: 2h', 'Estimate: 1d', 'Estimate: 4h']);
    expect(fake.store.metadataOf(epic).agent_notes).toContain('Subtasks (3, about 14h in total):');
    expect(columnOf(fake, epic)).toBe('Ready for Review');

    // A replay uses the saved plan: no second model call, no second subtask.
    harness.core.agents.runs.update(run.id, { state: 'failed' });
    await harness.call('retryRun', { id: run.id });
    await harness.runIn({ runId: run.id }, ['done'], 30_000);
    expect(llm.requests).toHaveLength(2);
    expect(fake.store.tasks).toHaveLength(4);
    expect(childrenOf(fake, epic)).toHaveLength(3);
    expect([...harness.core.logEntries({ action: 'intent.duplicate' })].length).toBeGreaterThanOrEqual(3);
  }, 60_000);
});
