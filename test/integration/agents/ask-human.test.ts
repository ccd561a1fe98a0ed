import { describe, expect, it } from 'vitest';
import type { AgentNotification } from '../../../src/shared/model';
import type { FakeLlm } from '../../fakes/llm/server';
import { useTempDirs } from '../../helpers/tmp';
import { BOARD, EXAMPLE_AGENT, startHarness, waitFor, type Harness, closeAfterEach, startLlm } from './harness';

const tempDir = useTempDirs();
let harness: Harness | undefined;
let llm: FakeLlm | undefined;
closeAfterEach();

const agent = {
  id: 'researcher',
  board: BOARD,
  workflow: 'pickup' as const,
  routes: { labels: ['needs-ai'] },
  provider: { type: 'command', command: EXAMPLE_AGENT, timeout: '30s' },
};

describe('ask a human', () => {
  it('blocks with one question; the answer plus a move back resumes the same run with the answer', async () => {
    harness = await startHarness({ dir: tempDir(), agents: [agent] });
    const task = harness.create({
      title: 'Pick a database',
      description: 'We need storage.\nask: Which database do we already run in production?',
      status: 'To do',
      labels: ['needs-ai'],
    });
    const waiting = await harness.runIn({ taskId: task.id }, ['waiting-for-human']);
    expect(waiting.question).toBe('Which database do we already run in production?');
    expect(harness.task(task.id).status).toBe('Blocked — Needs Input');
    const comments = harness.core.localBoards.listComments(BOARD, task.id);
    expect(comments).toHaveLength(1);
    expect(comments[0]!.body).toContain('Which database do we already run in production?');
    expect(harness.core.getState().counts.blockedOnHuman).toBe(1);
    expect(harness.core.agents.summaries()[0]).toMatchObject({ status: 'waiting', waitingForHuman: 1 });

    // An answer alone does not resume (the default needs the card moved back too) and asks nothing again.
    harness.comment(task.id, 'Postgres 16, on the db-1 host.');
    await harness.core.agents.checkWaiting();
    expect(harness.runs({ taskId: task.id })[0]).toMatchObject({ id: waiting.id, state: 'waiting-for-human' });

    harness.edit(task.id, { status: 'To do' });
    const done = await harness.runIn({ runId: waiting.id }, ['done', 'failed']);
    expect(done).toMatchObject({ id: waiting.id, state: 'done', round: 1, answer: 'Postgres 16, on the db-1 host.' });
    const after = harness.task(task.id);
    expect(after.status).toBe('Ready for Review');
    expect(after.agentNotes).toContain('I asked: Which database do we already run in production?');
    expect(after.agentNotes).toContain('The answer: Postgres 16, on the db-1 host.');
    expect(harness.runs({ taskId: task.id })).toHaveLength(1); // the same run, not a new one
    expect(harness.core.localBoards.listComments(BOARD, task.id)).toHaveLength(2); // still one question
    expect(harness.core.getState().counts.blockedOnHuman).toBe(0);

    // The second round's input carried the answer.
    const steps = (await harness.call('getRun', { id: waiting.id })).value.steps;
    expect(steps.map((s: { round: number }) => s.round)).toEqual([0, 1]);
    expect(steps[1].input).toMatchObject({
      question: 'Which database do we already run in production?',
      answer: 'Postgres 16, on the db-1 host.',
    });
  });

  it('with resumeOn answer, a comment alone resumes; an unanswered question raises one notification', async () => {
    llm = await startLlm();
    llm.setHandler((req) =>
      req.text.includes('A person answered')
        ? { content: { notes: 'Done, using the answer.', question: null, subtasks: null } }
        : { content: { notes: 'Need input.', question: 'Which region?', subtasks: null } },
    );
    harness = await startHarness({
      dir: tempDir(),
      settings: { resumeOn: 'answer', unansweredAfterMs: 300 },
      agents: [
        {
          id: 'ops',
          board: BOARD,
          workflow: 'pickup',
          routes: { labels: ['needs-ai'] },
          provider: { type: 'openai', base_url: llm.url, model: 'fake-model' },
        },
        { ...agent, id: 'other', routes: { labels: ['never'] } },
      ],
    });
    const task = harness.create({ title: 'Deploy', description: 'Somewhere', labels: ['needs-ai'] });
    const waiting = await harness.runIn({ taskId: task.id }, ['waiting-for-human']);
    expect(harness.task(task.id).agentNotes).toContain('Need input.');

    const notes = await waitFor(() => {
      const n = harness!.events
        .filter((e) => e.type === 'agent.notification')
        .map((e) => e.payload as AgentNotification);
      return n.length > 0 ? n : undefined;
    });
    expect(notes).toEqual([
      expect.objectContaining({ kind: 'question-unanswered', runId: waiting.id, taskId: task.id }),
    ]);
    await harness.core.agents.checkWaiting();
    expect(harness.events.filter((e) => e.type === 'agent.notification')).toHaveLength(1);
    expect([...harness.core.logEntries({ action: 'agent.question.unanswered' })]).toHaveLength(1);

    harness.comment(task.id, 'eu-west-1');
    const done = await harness.runIn({ runId: waiting.id }, ['done']);
    expect(done.answer).toBe('eu-west-1');
    expect(harness.task(task.id).agentNotes).toContain('Done, using the answer.');
    expect(llm.requests.at(-1)!.text).toContain('A person answered: eu-west-1');
  });

  it('a person who moves the waiting task to Done ends the run; the agent does not pick it up again', async () => {
    harness = await startHarness({ dir: tempDir(), agents: [agent] });
    const task = harness.create({ title: 'Q', description: 'ask: Which?', status: 'To do', labels: ['needs-ai'] });
    const waiting = await harness.runIn({ taskId: task.id }, ['waiting-for-human']);
    harness.edit(task.id, { status: 'Done' });
    const ended = await harness.runIn({ runId: waiting.id }, ['done', 'failed']);
    expect(ended.outcome).toMatch(/^skipped: a person moved the task to done/);
    await waitFor(() => harness!.task(task.id).labels.length === 1);
    expect(harness.task(task.id)).toMatchObject({ status: 'Done', labels: ['needs-ai'] });
    await harness.core.agents.whenIdle();
    expect(harness.runs({ taskId: task.id })).toHaveLength(1);
  });

  it('a question on a task a person then marks needs-human-review ends the run without touching it again', async () => {
    harness = await startHarness({ dir: tempDir(), agents: [agent] });
    const task = harness.create({ title: 'Q', description: 'ask: Really?', status: 'To do', labels: ['needs-ai'] });
    const waiting = await harness.runIn({ taskId: task.id }, ['waiting-for-human']);
    harness.comment(task.id, 'No.');
    harness.edit(task.id, { status: 'To do', labels: ['needs-ai', 'needs-human-review'] });
    const ended = await harness.runIn({ runId: waiting.id }, ['done', 'failed']);
    expect(ended.outcome).toMatch(/^skipped: labelled needs-human-review/);
    expect(harness.task(task.id).status).toBe('To do');
    expect(harness.task(task.id).labels).toEqual(['needs-ai', 'needs-human-review']);
  });
});
