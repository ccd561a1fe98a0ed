import { afterEach, describe, expect, it } from 'vitest';
import type { Fault } from '../../fakes/kanboard/server';
import { columnOf, startKanboard, startKanboardBoard } from '../../boards/kanboard';
import { useTempDirs } from '../../helpers/tmp';
import { EXAMPLE_AGENT, type AgentSpec } from './harness';
import { startOnKanboard } from './kanboard-setup';

/**
 * The agent notes' mirror comment on Kanboard (the fake JSON-RPC server over real HTTP) when the board's answer
 * to the write that posts it is garbage: the notes and their one mirror comment both end up on the card.
 */
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

const BROKEN: Record<string, Omit<Fault, 'when'>> = {
  'truncated JSON before the calls ran': { status: 200, body: '[{"jsonrpc":"2.0","id":1,"result":' },
  'an HTML page with 200 before the calls ran': { status: 200, body: '<html><body>Maintenance</body></html>' },
  'truncated JSON after the calls ran': { afterRun: true, status: 200, body: '[{"jsonrpc":"2.0","id":1,"res' },
  'a dropped connection after the calls ran': { afterRun: true, destroy: true },
};

describe('the notes mirror comment on Kanboard converges', () => {
  for (const [what, fault] of Object.entries(BROKEN)) {
    it(`${what}: the notes land in metadata and in exactly one mirror comment`, async () => {
      const kb = await startKanboardBoard(cleanup);
      const { fake, board } = kb;
      const harness = await startOnKanboard(kb, tempDir(), [researcher]);
      cleanup.push(() => harness.close());
      fake.faults.push({ when: (methods) => methods.includes('createComment'), ...fault });
      const id = await fake.human('alice').createTask(board.projectId, {
        title: 'Check the cache',
        column: 'Ready',
        tags: ['needs-ai'],
      });
      const run = await harness.runIn({ taskId: String(id) }, ['done', 'failed'], 30_000);
      expect(run.state).toBe('done');
      expect(fake.faults).toEqual([]);
      expect(columnOf(fake, id)).toBe('Ready for Review');
      const notes = String(fake.store.metadataOf(id).agent_notes);
      expect(notes).toContain('Read "Check the cache"');
      const mirrors = fake.store.comments.filter((c) => c.task_id === id && c.comment.includes('Agent notes'));
      expect(mirrors).toHaveLength(1);
      expect(mirrors[0]!.comment).toContain(notes);
    }, 40_000);
  }

  it('notes already in metadata with their mirror missing (left by an older Deckhand): writing them again posts it once', async () => {
    const kb = await startKanboard();
    cleanup.push(() => kb.stop());
    const id = await kb.fake.human('alice').createTask(kb.board.projectId, { title: 'Old card', column: 'Ready' });
    await kb.adapter.updateTask(String(id), { agentNotes: 'Found the bug.' });
    const mirrors = () => kb.fake.store.comments.filter((c) => c.task_id === id && c.comment.includes('Agent notes'));
    kb.fake.store.comments.splice(kb.fake.store.comments.indexOf(mirrors()[0]!), 1);
    expect(kb.fake.store.metadataOf(id).agent_notes).toBe('Found the bug.');

    await kb.adapter.updateTask(String(id), { agentNotes: 'Found the bug.' });
    await kb.adapter.updateTask(String(id), { agentNotes: 'Found the bug.' });
    expect(mirrors()).toHaveLength(1);
    expect(mirrors()[0]!.comment).toContain('Found the bug.');
  });
});
