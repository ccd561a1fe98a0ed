import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeKanboard, seedStandardBoard, type StandardBoard } from '../../fakes/kanboard';
import { useTempDirs } from '../../helpers/tmp';
import { EXAMPLE_AGENT, startHarness, waitFor, type AgentSpec, type Harness } from './harness';

/** The pickup and ask-a-human loops on a Kanboard board (the fake JSON-RPC server), and two instances sharing it. */
const tempDir = useTempDirs();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const COLUMNS = ['Backlog', 'Ready', 'Work in progress', 'Ready for Review', 'Blocked — Needs Input', 'Done'];

const researcher: AgentSpec = {
  id: 'researcher',
  board: 'kb',
  workflow: 'pickup',
  routes: { labels: ['needs-ai'] },
  provider: { type: 'command', command: EXAMPLE_AGENT },
};

async function kanboard(): Promise<{ fake: FakeKanboard; board: StandardBoard }> {
  const fake = await FakeKanboard.start();
  cleanup.push(() => fake.stop());
  return { fake, board: seedStandardBoard(fake, { columns: COLUMNS }) };
}

async function deckhand(fake: FakeKanboard, board: StandardBoard, dir: string): Promise<Harness> {
  mkdirSync(dir, { recursive: true });
  const harness = await startHarness({
    dir,
    agents: [researcher],
    keychain: { 'kb-token': board.appToken },
    config: {
      boards: [
        {
          id: 'kb',
          type: 'kanboard',
          url: fake.url,
          project: board.projectName,
          token: { keychain: 'kb-token' },
          poll: { interval: '2s' },
          columns: {
            todo: 'Ready',
            working: 'Work in progress',
            review: 'Ready for Review',
            blocked: 'Blocked — Needs Input',
          },
        },
      ],
    },
  });
  cleanup.push(() => harness.close());
  return harness;
}

const task = (fake: FakeKanboard, id: number) => fake.store.task(id)!;
const columnOf = (fake: FakeKanboard, id: number): string =>
  fake.store.projectColumns(task(fake, id).project_id).find((c) => c.id === task(fake, id).column_id)!.title;
const tagsOf = (fake: FakeKanboard, id: number): string[] => Object.values(fake.store.tagList(id));

describe('agents on Kanboard', () => {
  it('pickup: claims, writes notes and moves the card to review', async () => {
    const { fake, board } = await kanboard();
    const harness = await deckhand(fake, board, tempDir());
    const id = await fake.human('alice').createTask(board.projectId, {
      title: 'Check the cache',
      description: 'Why is it stale?',
      column: 'Ready',
      tags: ['needs-ai'],
    });
    const run = await harness.runIn({ taskId: String(id) }, ['done', 'failed'], 30_000);
    expect(run.outcome).toMatch(/^completed; moved to Ready for Review/);
    expect(columnOf(fake, id)).toBe('Ready for Review');
    expect(fake.store.metadataOf(id)).toMatchObject({ agent_notes: expect.stringContaining('Read "Check the cache"') });
    expect(task(fake, id).title).toBe('Check the cache');
    const state = harness.core.engine.base.get('kb', String(id))!.fields;
    expect(state.labels).toEqual(['needs-ai']);
  });

  it('ask a human: the question is one Kanboard comment; an answer there plus a move back resumes the run', async () => {
    const { fake, board } = await kanboard();
    const harness = await deckhand(fake, board, tempDir());
    const id = await fake.human('alice').createTask(board.projectId, {
      title: 'Pick a region',
      description: 'ask: Which region do we deploy to?',
      column: 'Ready',
      tags: ['needs-ai'],
    });
    const waiting = await harness.runIn({ taskId: String(id) }, ['waiting-for-human'], 30_000);
    expect(columnOf(fake, id)).toBe('Blocked — Needs Input');
    const questions = fake.store.comments.filter((c) => c.task_id === id && c.comment.includes('Which region'));
    expect(questions).toHaveLength(1);

    await fake.human('alice').comment(id, 'eu-central-1');
    await fake.human('alice').moveTask(id, 'Ready');
    const done = await harness.runIn({ runId: waiting.id }, ['done', 'failed'], 30_000);
    expect(done).toMatchObject({ state: 'done', answer: 'eu-central-1', round: 1 });
    expect(columnOf(fake, id)).toBe('Ready for Review');
    expect(fake.store.metadataOf(id)).toMatchObject({
      agent_notes: expect.stringContaining('The answer: eu-central-1'),
    });
  });

  it('two Deckhand instances on one board never work the same task', async () => {
    const { fake, board } = await kanboard();
    const root = tempDir();
    const [a, b] = [await deckhand(fake, board, join(root, 'a')), await deckhand(fake, board, join(root, 'b'))];
    expect(a.core.agents.claims.instanceId()).not.toBe(b.core.agents.claims.instanceId());
    // Both instances queue every task while paused, then race for them the moment they resume.
    for (const h of [a, b]) await h.call('pauseAgent', { agentId: 'researcher' });
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      ids.push(
        await fake.human('bob').createTask(board.projectId, {
          title: `Shared ${i}`,
          description: 'work',
          column: 'Ready',
          tags: ['needs-ai'],
        }),
      );
    }
    await waitFor(() => [a, b].every((h) => h.runs().length === 4), 20_000, 'both instances to queue every task');
    await Promise.all([a, b].map((h) => h.call('resumeAgent', { agentId: 'researcher' })));
    const settled = (h: Harness): boolean => h.runs().every((r) => ['done', 'failed'].includes(r.state));
    await waitFor(() => settled(a) && settled(b), 25_000, 'both instances to settle');

    for (const id of ids) {
      const notes = String(fake.store.metadataOf(id).agent_notes ?? '');
      const runs = [a, b].flatMap((h) => h.runs({ taskId: String(id) }));
      // Exactly one instance worked each task: one signature on the board, one completed run across both.
      expect(notes.match(/run #\d+\)/g)).toHaveLength(1);
      expect(runs.filter((r) => r.outcome?.startsWith('completed'))).toHaveLength(1);
      expect(runs.filter((r) => r.outcome?.startsWith('skipped'))).toHaveLength(1);
      expect(columnOf(fake, id)).toBe('Ready for Review');
      expect(tagsOf(fake, id).filter((t) => t.startsWith('claim:'))).toEqual([]);
    }
  }, 60_000);
});
