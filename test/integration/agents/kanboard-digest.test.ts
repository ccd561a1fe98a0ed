import { afterEach, describe, expect, it } from 'vitest';
import { localDay } from '../../../src/main/core/agents/budget';
import { startFakeLlm } from '../../fakes/llm/server';
import type { TaskRow } from '../../fakes/kanboard/store';
import { useTempDirs } from '../../helpers/tmp';
import { EXAMPLE_AGENT, type AgentSpec, type Harness } from './harness';
import { columnOf, startKanboardBoard, tagsOf, type KanboardBoard } from '../../boards/kanboard';
import { startOnKanboard } from './kanboard-setup';

/** The daily digest on a Kanboard board: one digest task per day, assigned to the lead, across restarts. */
const tempDir = useTempDirs();
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

const researcher: AgentSpec = {
  id: 'researcher',
  board: 'kb',
  workflow: 'pickup',
  routes: { labels: ['needs-ai'] },
  provider: { type: 'command', command: EXAMPLE_AGENT },
};

const secretary = (provider: Record<string, unknown>): AgentSpec => ({
  id: 'secretary',
  board: 'kb',
  workflow: 'digest',
  digest: { assign_to: 'lead' },
  provider,
});

const at = (hour: number): Date => {
  const d = new Date();
  d.setHours(hour, 0, 0, 0);
  return d;
};

const digests = ({ fake }: KanboardBoard): TaskRow[] =>
  fake.store.tasks.filter((t) => tagsOf(fake, t.id).includes('digest'));

/**
 * Works one routed task at 08:00, lets the 09:00 digest run, then restarts Deckhand twice on the same data
 * directory and Kanboard (each start catches up on a due digest): still one digest, assigned to the lead.
 */
async function oneDigestAcrossRestarts(kb: KanboardBoard, agents: AgentSpec[]): Promise<{ digest: TaskRow }> {
  const { fake, board } = kb;
  const dir = tempDir();
  let now = at(8);
  const runtime = { now: () => now };
  let harness: Harness = await startOnKanboard(kb, dir, agents, { runtime });
  const close = async (): Promise<void> => harness.close();
  cleanup.push(() => close());
  expect(harness.runs({ agentId: 'secretary' })).toEqual([]); // 08:00: not due yet

  const id = await fake.human('alice').createTask(board.projectId, {
    title: 'Summarise the RFC',
    description: 'Short please',
    column: 'Ready',
    tags: ['needs-ai'],
  });
  await harness.runIn({ taskId: String(id) }, ['done'], 30_000);

  now = at(9);
  const runId = harness.core.agents.triggerDigest('secretary', 'schedule');
  expect(runId).toBeDefined();
  const run = await harness.runIn({ runId }, ['done', 'failed'], 30_000);
  expect(run.state).toBe('done');
  expect(digests(kb)).toHaveLength(1);
  const digest = digests(kb)[0]!;
  expect(run.resultTaskId).toBe(String(digest.id));
  expect(digest.title).toBe(`Daily digest ${localDay(now)} (secretary)`);
  expect(fake.store.user(digest.owner_id)?.username).toBe('lead');
  expect(columnOf(fake, digest.id)).toBe('Ready');

  expect(harness.core.agents.triggerDigest('secretary', 'schedule')).toBeUndefined();
  for (const hour of [10, 23]) {
    await harness.close();
    now = at(hour);
    harness = await startOnKanboard(kb, dir, agents, { runtime });
    await harness.core.agents.whenIdle();
    await harness.core.engine.runner('kb').fullReconcile();
    await harness.core.agents.whenIdle();
    expect(digests(kb)).toHaveLength(1);
    expect(harness.runs({ agentId: 'secretary' })).toHaveLength(1);
    // The digest is the agent's own create: seen again on the board, it triggers nothing.
    expect(harness.runs({ agentId: 'researcher' })).toHaveLength(1);
  }
  return { digest };
}

describe('daily digest on Kanboard', () => {
  it('command: one digest task per day from the sync log, assigned to the lead, however often Deckhand restarts', async () => {
    const kb = await startKanboardBoard(cleanup);
    const { digest } = await oneDigestAcrossRestarts(kb, [
      researcher,
      secretary({ type: 'command', command: EXAMPLE_AGENT }),
    ]);
    expect(digest.description).toContain('Summarise the RFC: now in Ready for Review (researcher)');
    expect(kb.fake.store.metadataOf(digest.id).agent_notes).toMatch(/^Made by agent secretary from the sync log/);
  }, 60_000);

  it('openai (streaming): the model writes the digest from the facts; a lost answer on the create still makes one task', async () => {
    const kb = await startKanboardBoard(cleanup);
    const llm = await startFakeLlm();
    cleanup.push(() => llm.close());
    llm.setHandler((request) => ({
      content: {
        notes: request.text.includes('Summarise the RFC') ? 'Yesterday: the RFC was summarised.' : 'Quiet day.',
        question: null,
        subtasks: null,
      },
    }));
    // The digest's create reaches Kanboard but its answer is lost; the retry finds it by its marker.
    kb.fake.faults.push({
      when: (methods) => methods.includes('createTask'),
      afterRun: true,
      destroy: true,
    });
    const { digest } = await oneDigestAcrossRestarts(kb, [
      researcher,
      secretary({ type: 'openai', base_url: llm.url, model: 'fake-model', stream: true }),
    ]);
    expect(kb.fake.faults).toHaveLength(0);
    expect(digest.description).toBe('Yesterday: the RFC was summarised.');
    expect(llm.requests).toHaveLength(1); // one model call for the day, across both restarts
    expect(llm.requests[0]!.text).toContain('Summarise the RFC');
    expect(llm.requests[0]!.stream).toBe(true); // the provider's `stream: true`: SSE chunks
  }, 60_000);
});
