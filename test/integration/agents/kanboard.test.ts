import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeLlm } from '../../fakes/llm/server';
import { startServer } from '../../../src/main/core/server/http-server';
import { useTempDirs } from '../../helpers/tmp';
import { EXAMPLE_AGENT, waitFor, type AgentSpec, type Harness } from './harness';
import {
  columnOf,
  kanboardConfig,
  kbTask,
  startKanboardBoard,
  tagsOf,
  type KanboardBoard,
} from '../../boards/kanboard';
import { startOnKanboard } from './kanboard-setup';

/** The pickup and ask-a-human loops on a Kanboard board (the fake JSON-RPC server), and two instances sharing it. */
const tempDir = useTempDirs();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const COMMAND = { type: 'command', command: EXAMPLE_AGENT };

const researcher = (provider: Record<string, unknown> = COMMAND): AgentSpec => ({
  id: 'researcher',
  board: 'kb',
  workflow: 'pickup',
  routes: { labels: ['needs-ai'] },
  provider,
});

async function deckhand(kb: KanboardBoard, dir: string, provider?: Record<string, unknown>): Promise<Harness> {
  const harness = await startOnKanboard(kb, dir, [researcher(provider)]);
  cleanup.push(() => harness.close());
  return harness;
}

/** The scripted OpenAI-compatible server on loopback; `answer` picks the reply from what the request says. */
async function model(answer: (text: string) => { notes: string; question: string | null }) {
  const llm = await startFakeLlm();
  cleanup.push(() => llm.close());
  llm.setHandler((req) => ({ content: { ...answer(req.text), subtasks: null } }));
  return { llm, provider: { type: 'openai', base_url: llm.url, model: 'fake-model' } };
}

describe('agents on Kanboard', () => {
  it('pickup (command): claims, writes notes and moves the card to review', async () => {
    const kb = await startKanboardBoard(cleanup);
    const { fake, board } = kb;
    const harness = await deckhand(kb, tempDir());
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
    expect(kbTask(fake, id).title).toBe('Check the cache');
    const state = harness.core.engine.base.get('kb', String(id))!.fields;
    expect(state.labels).toEqual(['needs-ai']);
  });

  it('pickup (openai): the model sees the Kanboard task and its notes land in the card, claim removed', async () => {
    const kb = await startKanboardBoard(cleanup);
    const { fake, board } = kb;
    const { llm, provider } = await model(() => ({ notes: 'The TTL is 0 in prod; set it to 300.', question: null }));
    const harness = await deckhand(kb, tempDir(), provider);
    const id = await fake.human('alice').createTask(board.projectId, {
      title: 'Check the cache',
      description: 'Why is it stale?',
      column: 'Ready',
      tags: ['needs-ai'],
    });
    const run = await harness.runIn({ taskId: String(id) }, ['done', 'failed'], 30_000);
    expect(run).toMatchObject({ state: 'done', tokensIn: expect.any(Number) });
    expect(run.tokensIn + run.tokensOut).toBeGreaterThan(0);
    expect(llm.requests).toHaveLength(1);
    expect(llm.requests[0]!.text).toContain('Why is it stale?');
    expect(llm.requests[0]!.schema).toBeDefined();
    expect(columnOf(fake, id)).toBe('Ready for Review');
    expect(String(fake.store.metadataOf(id).agent_notes)).toContain('The TTL is 0 in prod; set it to 300.');
    // The notes are mirrored into one marked comment; the description, a human field, is untouched.
    expect(fake.store.comments.filter((c) => c.task_id === id && c.comment.includes('set it to 300'))).toHaveLength(1);
    expect(kbTask(fake, id).description).toBe('Why is it stale?');
    expect(tagsOf(fake, id)).toEqual(['needs-ai']);
  });

  for (const kind of ['command', 'openai'] as const) {
    it(`ask a human (${kind}): the question is one Kanboard comment; an answer there plus a move back resumes the run`, async () => {
      const kb = await startKanboardBoard(cleanup);
      const { fake, board } = kb;
      let provider: Record<string, unknown> | undefined;
      let requests: { text: string }[] = [];
      if (kind === 'openai') {
        const scripted = await model((text) =>
          text.includes('A person answered')
            ? { notes: 'The answer: eu-central-1. Deploying there.', question: null }
            : { notes: 'I need one fact first.', question: 'Which region do we deploy to?' },
        );
        provider = scripted.provider;
        requests = scripted.llm.requests;
      }
      const harness = await deckhand(kb, tempDir(), provider);
      const id = await fake.human('alice').createTask(board.projectId, {
        title: 'Pick a region',
        description: 'ask: Which region do we deploy to?',
        column: 'Ready',
        tags: ['needs-ai'],
      });
      const waiting = await harness.runIn({ taskId: String(id) }, ['waiting-for-human'], 30_000);
      expect(columnOf(fake, id)).toBe('Blocked — Needs Input');
      const questions = (): string[] =>
        fake.store.comments
          .filter((c) => c.task_id === id && c.comment.startsWith('Question from agent'))
          .map((c) => c.comment);
      expect(questions()).toEqual([expect.stringContaining('Which region do we deploy to?')]);

      await fake.human('alice').comment(id, 'eu-central-1');
      await fake.human('alice').moveTask(id, 'Ready');
      const done = await harness.runIn({ runId: waiting.id }, ['done', 'failed'], 30_000);
      expect(done).toMatchObject({ state: 'done', answer: 'eu-central-1', round: 1 });
      expect(columnOf(fake, id)).toBe('Ready for Review');
      expect(fake.store.metadataOf(id)).toMatchObject({
        agent_notes: expect.stringContaining('The answer: eu-central-1'),
      });
      // Still one question on the board after the resume.
      expect(questions()).toHaveLength(1);
      if (kind === 'openai') {
        expect(requests).toHaveLength(2);
        expect(requests[1]!.text).toContain('A person answered: eu-central-1');
      }
    });
  }

  it("a Kanboard comment webhook wakes a run waiting for the person's answer at once (no answer polling)", async () => {
    const kb = await startKanboardBoard(cleanup);
    const { fake, board } = kb;
    const harness = await startOnKanboard(kb, tempDir(), [researcher()], {
      // Answer polling is effectively off and the board poll is slow: only the webhook's comment hint can wake the run.
      settings: { answerPollMs: 600_000 },
      keychain: { 'kb-hook': 'hook-secret-token' },
      config: {
        boards: [{ ...kanboardConfig(kb), poll: { interval: '10m' }, webhook: { token: { keychain: 'kb-hook' } } }],
        agent_defaults: { resume_on: 'answer' },
      },
    });
    cleanup.push(() => harness.close());
    const server = await startServer(harness.core, { host: '127.0.0.1', port: 0, staticDir: tempDir() });
    cleanup.push(() => server.close());
    fake.setWebhook(`${server.url}/webhooks/kb`, 'hook-secret-token');

    const id = await fake.human('deckhand').createTask(board.projectId, {
      title: 'Pick a region',
      description: 'ask: Which region do we deploy to?',
      column: 'Ready',
      tags: ['needs-ai'],
    });
    const waiting = await harness.runIn({ taskId: String(id) }, ['waiting-for-human'], 30_000);
    // The person answers from the same account as Deckhand's token, and does not move the card.
    await fake.human('deckhand').comment(id, 'eu-central-1');
    const done = await harness.runIn({ runId: waiting.id }, ['done', 'failed'], 8_000);
    expect(done).toMatchObject({ state: 'done', answer: 'eu-central-1' });
    expect(fake.deliveries.map((d) => d.event)).toContain('comment.create');
  });

  it('two Deckhand instances on one board never work the same task', async () => {
    const kb = await startKanboardBoard(cleanup);
    const { fake, board } = kb;
    const root = tempDir();
    const [a, b] = [await deckhand(kb, join(root, 'a')), await deckhand(kb, join(root, 'b'))];
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
