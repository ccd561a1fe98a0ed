import { afterEach, describe, expect, it } from 'vitest';
import type { InboxItem, InboxQuestion } from '../../../src/shared/model';
import { useTempDirs } from '../../helpers/tmp';
import { columnOf, startKanboardBoard } from '../../boards/kanboard';
import { BOARD, closeAfterEach, EXAMPLE_AGENT, startHarness, waitFor, type Harness } from './harness';
import { startOnKanboard } from './kanboard-setup';

/**
 * The inbox (issue 15): a person answers an agent's question from Deckhand,
 * on the local board and on Kanboard (the fake JSON-RPC server over HTTP), and
 * the same run resumes with the answer; failed runs wait there until retried.
 */
const tempDir = useTempDirs();
closeAfterEach();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const researcher = (board: string) => ({
  id: 'researcher',
  board,
  workflow: 'pickup' as const,
  routes: { labels: ['needs-ai'] },
  provider: { type: 'command', command: EXAMPLE_AGENT, timeout: '30s' },
});

async function inbox(harness: Harness): Promise<InboxItem[]> {
  const listed = await harness.call('listInbox', {});
  expect(listed.ok).toBe(true);
  return listed.value as InboxItem[];
}

describe('the inbox', () => {
  it('lists a question with its task title; the answer is the person’s comment, the card moves back, the run resumes', async () => {
    const harness = await startHarness({ dir: tempDir(), agents: [researcher(BOARD)] });
    const task = harness.create({
      title: 'Pick a database',
      description: 'ask: Which database do we already run in production?',
      status: 'To do',
      labels: ['needs-ai'],
    });
    const waiting = await harness.runIn({ taskId: task.id }, ['waiting-for-human']);
    const items = await inbox(harness);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      kind: 'question',
      key: `question:${waiting.id}`,
      runId: waiting.id,
      agentId: 'researcher',
      question: 'Which database do we already run in production?',
      task: { boardId: BOARD, taskId: task.id, title: 'Pick a database', url: `#/board/${BOARD}?task=${task.id}` },
      resumeOn: 'answer-and-move',
      blockedColumn: 'Blocked — Needs Input',
    });
    const returnColumn = (items[0] as InboxQuestion).returnColumn;
    expect(returnColumn).toBeTruthy();
    expect(returnColumn).not.toBe('Blocked — Needs Input');
    expect(harness.core.getState().counts.inbox).toBe(1);

    const answered = await harness.call('answerQuestion', { runId: waiting.id, answer: '  Postgres 16, on db-1.  ' });
    expect(answered.ok).toBe(true);
    expect(answered.value.movedTo).toBe(returnColumn);
    const done = await harness.runIn({ runId: waiting.id }, ['done', 'failed']);
    expect(done).toMatchObject({ state: 'done', round: 1, answer: 'Postgres 16, on db-1.' });
    expect(harness.task(task.id).agentNotes).toContain('The answer: Postgres 16, on db-1.');
    const comments = harness.core.localBoards.listComments(BOARD, task.id);
    // The question, then the person's answer (with the person as its author), nothing else.
    expect(comments).toHaveLength(2);
    expect(comments[1]).toMatchObject({ body: 'Postgres 16, on db-1.', author: 'human:http' });
    expect([...harness.core.logEntries({ action: 'agent.question.answered' })]).toEqual([
      expect.objectContaining({ actor: 'human:http', taskId: task.id, after: 'Postgres 16, on db-1.' }),
    ]);
    expect(await inbox(harness)).toEqual([]);
    expect(harness.core.getState().counts.inbox).toBe(0);

    // Answering again is refused with the reason; a blank answer names the field.
    const again = await harness.call('answerQuestion', { runId: waiting.id, answer: 'Postgres' });
    expect(again.error).toMatchObject({
      code: 'invalid_input',
      message: expect.stringContaining('only a run waiting'),
    });
    const blank = await harness.call('answerQuestion', { runId: waiting.id, answer: '   ' });
    expect(blank.error.code).toBe('invalid_input');
    expect(blank.error.problems).toEqual([expect.objectContaining({ path: 'answer' })]);
    const unknown = await harness.call('answerQuestion', { runId: 999, answer: 'x' });
    expect(unknown.error.code).toBe('not_found');
  });

  it('on Kanboard: the answer is one Kanboard comment, the card leaves Blocked, the run resumes', async () => {
    const kb = await startKanboardBoard(cleanup);
    const { fake, board } = kb;
    const harness = await startOnKanboard(kb, tempDir(), [researcher('kb')]);
    cleanup.push(() => harness.close());
    const id = await fake.human('alice').createTask(board.projectId, {
      title: 'Pick a region',
      description: 'ask: Which region do we deploy to?',
      column: 'Ready',
      tags: ['needs-ai'],
    });
    const waiting = await harness.runIn({ taskId: String(id) }, ['waiting-for-human'], 30_000);
    expect(columnOf(fake, id)).toBe('Blocked — Needs Input');
    const [item] = await inbox(harness);
    expect(item).toMatchObject({
      kind: 'question',
      task: {
        title: 'Pick a region',
        url: expect.stringMatching(
          new RegExp(`^${fake.url}/?\\?controller=TaskViewController&action=show&task_id=${id}$`),
        ),
      },
      returnColumn: 'Work in progress',
    });

    const first = await harness.call('answerQuestion', { runId: waiting.id, answer: 'eu-central-1' });
    expect(first.ok).toBe(true);
    const done = await harness.runIn({ runId: waiting.id }, ['done', 'failed'], 30_000);
    expect(done).toMatchObject({ state: 'done', answer: 'eu-central-1', round: 1 });
    expect(columnOf(fake, id)).toBe('Ready for Review');
    expect(fake.store.comments.filter((c) => c.task_id === id && c.comment === 'eu-central-1')).toHaveLength(1);
  });

  it('a failed run waits in the inbox until it is retried', async () => {
    const harness = await startHarness({
      dir: tempDir(),
      settings: { maxAttempts: 1 },
      agents: [
        { ...researcher(BOARD), provider: { type: 'command', command: [process.execPath, '-e', 'process.exit(3)'] } },
      ],
    });
    const task = harness.create({ title: 'Write the release notes', status: 'To do', labels: ['needs-ai'] });
    const failed = await harness.runIn({ taskId: task.id }, ['failed']);
    const items = await inbox(harness);
    expect(items).toEqual([
      expect.objectContaining({
        kind: 'failed-run',
        runId: failed.id,
        task: expect.objectContaining({ title: 'Write the release notes' }),
        error: expect.stringContaining('3'),
      }),
    ]);
    expect((await harness.call('retryRun', { id: failed.id })).ok).toBe(true);
    expect((await inbox(harness)).filter((i) => i.kind === 'failed-run' && i.runId === failed.id)).toEqual([]);
  });

  it('a failed run dismissed from the inbox stays out of it after a restart, and the log says who let it be', async () => {
    const dir = tempDir();
    const agents = [
      { ...researcher(BOARD), provider: { type: 'command', command: [process.execPath, '-e', 'process.exit(3)'] } },
    ];
    let harness = await startHarness({ dir, settings: { maxAttempts: 1 }, agents });
    const task = harness.create({ title: 'Tag the release', status: 'To do', labels: ['needs-ai'] });
    const failed = await harness.runIn({ taskId: task.id }, ['failed']);
    expect((await inbox(harness)).map((i) => i.key)).toEqual([`failed:${failed.id}`]);

    const dismissed = await harness.call('dismissRun', { id: failed.id });
    expect(dismissed.ok).toBe(true);
    expect(dismissed.value).toMatchObject({ id: failed.id, state: 'failed' });
    expect(await inbox(harness)).toEqual([]);
    const entries = [...harness.core.logEntries({ taskId: task.id })].filter((e) => e.action === 'agent.run.dismissed');
    expect(entries).toEqual([
      expect.objectContaining({
        actor: expect.stringMatching(/^human:/),
        before: { error: expect.stringContaining('3') },
      }),
    ]);
    // A second dismissal changes nothing and logs nothing; a run that did not fail cannot be dismissed.
    expect((await harness.call('dismissRun', { id: failed.id })).ok).toBe(true);
    expect(
      [...harness.core.logEntries({ taskId: task.id })].filter((e) => e.action === 'agent.run.dismissed'),
    ).toHaveLength(1);

    await harness.close();
    harness = await startHarness({ dir, settings: { maxAttempts: 1 }, agents });
    expect(await inbox(harness)).toEqual([]);
    // Dismissed is not forbidden: the run can still be retried by hand.
    expect((await harness.call('retryRun', { id: failed.id })).ok).toBe(true);
  });

  it('describeTasks gives titles and links, and null for a task Deckhand never saw', async () => {
    const harness = await startHarness({ dir: tempDir(), agents: [] });
    const task = harness.create({ title: 'Plan the offsite', status: 'To do' });
    await waitFor(() => harness.core.engine.base.get(BOARD, task.id), 10_000, 'the engine to see the task');
    const refs = await harness.call('describeTasks', {
      tasks: [
        { boardId: BOARD, taskId: task.id },
        { boardId: BOARD, taskId: 'nope' },
      ],
    });
    expect(refs.value).toEqual([
      { boardId: BOARD, taskId: task.id, title: 'Plan the offsite', url: `#/board/${BOARD}?task=${task.id}` },
      { boardId: BOARD, taskId: 'nope', title: null, url: `#/board/${BOARD}?task=nope` },
    ]);
  });
});
