import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FakeLlm } from '../../fakes/llm/server';
import { useTempDirs } from '../../helpers/tmp';
import { BOARD, EXAMPLE_AGENT, startHarness, type Harness, closeAfterEach, startLlm } from './harness';

const tempDir = useTempDirs();

/** A command agent that always answers with the given JSON, whatever the task. */
function cannedAgent(dir: string, reply: unknown): string[] {
  const program = join(dir, 'canned-agent');
  writeFileSync(program, `#!/bin/sh\ncat >/dev/null\necho '${JSON.stringify(reply)}'\n`);
  chmodSync(program, 0o755);
  return [program];
}

let harness: Harness | undefined;
let llm: FakeLlm | undefined;
closeAfterEach();

describe('break down an epic', () => {
  it('creates each subtask once, with its estimate, linked to the epic, and a summary on the epic (command)', async () => {
    harness = await startHarness({
      dir: tempDir(),
      agents: [
        {
          id: 'planner',
          board: BOARD,
          workflow: 'breakdown',
          routes: { labels: ['epic'] },
          provider: { type: 'command', command: EXAMPLE_AGENT },
        },
      ],
    });
    const epic = harness.create({
      title: 'Ship the importer',
      description: 'Plan:\n- Parse the CSV (3h)\n- Map columns to fields (1d)\n- Write the import report (90m)',
      status: 'Backlog',
      labels: ['epic'],
    });
    const run = await harness.runIn({ taskId: epic.id }, ['done', 'failed']);
    expect(run.outcome).toMatch(/^completed; 3 subtask\(s\) created; moved to Ready for Review/);

    const children = harness.tasks().filter((t) => t.parentId === epic.id);
    expect(children.map((c) => c.title)).toEqual(['Parse the CSV', 'Map columns to fields', 'Write the import report']);
    expect(children.map((c) => c.description)).toEqual(['Estimate: 3h', 'Estimate: 1d', 'Estimate: 90m']);
    expect(children.every((c) => c.status === 'To do' && c.agentNotes.startsWith('Estimate: '))).toBe(true);
    const parent = harness.task(epic.id);
    expect(parent.agentNotes).toContain('Subtasks (3, about 12.5h in total):');
    expect(parent.agentNotes).toContain('- Map columns to fields — 1d');
    expect(parent.status).toBe('Ready for Review');
    expect(parent.labels).toEqual(['epic']);

    // The subtasks are our own creates: echoes, never triggers, and a retry of the run changes nothing.
    expect(harness.runs()).toHaveLength(1);
    await harness.core.engine.runner(BOARD).fullReconcile();
    await harness.core.agents.whenIdle();
    expect(harness.runs()).toHaveLength(1);
    expect(harness.tasks().filter((t) => t.parentId === epic.id)).toHaveLength(3);
  });

  it('asks for structured subtasks from an LLM and replays its saved plan on retry, never creating twice', async () => {
    llm = await startLlm();
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
    harness = await startHarness({
      dir: tempDir(),
      agents: [
        {
          id: 'planner',
          board: BOARD,
          workflow: 'breakdown',
          routes: { labels: ['epic'] },
          provider: { type: 'openai', base_url: llm.url, model: 'fake-model' },
        },
      ],
    });
    const epic = harness.create({ title: 'Launch', labels: ['epic'] });
    const first = await harness.runIn({ taskId: epic.id }, ['done', 'failed']);
    expect(first.state).toBe('done');
    expect(
      harness
        .tasks()
        .filter((t) => t.parentId === epic.id)
        .map((t) => t.title),
    ).toEqual(['Design', 'Build', 'Test']);
    expect(harness.tasks().find((t) => t.title === 'Design')!.description).toBe('Sketch it\n\nEstimate: 2h');

    // Replaying the whole run (as after a crash) submits the same planned intents: all duplicates.
    harness.core.agents.runs.update(first.id, { state: 'failed' });
    await harness.call('retryRun', { id: first.id });
    await harness.runIn({ runId: first.id }, ['done']);
    expect(harness.tasks().filter((t) => t.parentId === epic.id)).toHaveLength(3);
    expect(llm.requests).toHaveLength(1); // the saved output was replayed, the model not asked again
    const duplicates = [...harness.core.logEntries({ action: 'intent.duplicate' })];
    expect(duplicates.length).toBeGreaterThanOrEqual(3);
  });

  it("posts the agent's comment on the epic exactly once, also when the run is replayed (command)", async () => {
    const dir = tempDir();
    const command = cannedAgent(dir, {
      notes: 'Two steps.',
      subtasks: [
        { title: 'Schema', estimate: '2h' },
        { title: 'Importer', estimate: '1d' },
      ],
      comment: 'The importer depends on the schema; do them in order.',
    });
    harness = await startHarness({
      dir,
      agents: [
        {
          id: 'planner',
          board: BOARD,
          workflow: 'breakdown',
          routes: { labels: ['epic'] },
          provider: { type: 'command', command },
        },
      ],
    });
    const epic = harness.create({ title: 'Import', labels: ['epic'] });
    const first = await harness.runIn({ taskId: epic.id }, ['done', 'failed']);
    expect(first.state).toBe('done');
    const bodies = () => harness!.core.localBoards.listComments(BOARD, epic.id).map((c) => c.body);
    expect(bodies()).toEqual(['The importer depends on the schema; do them in order.']);

    // Replaying the run (as after a crash) submits the same comment intent: a duplicate, not a second comment.
    harness.core.agents.runs.update(first.id, { state: 'failed' });
    await harness.call('retryRun', { id: first.id });
    await harness.runIn({ runId: first.id }, ['done']);
    expect(bodies()).toEqual(['The importer depends on the schema; do them in order.']);
    expect(harness.tasks().filter((t) => t.parentId === epic.id)).toHaveLength(2);
  });
});
