import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { columnOf, KB_COLUMN_ROLES, startKanboardBoard, tagsOf } from '../../boards/kanboard';
import { call, startServe, type ServeProcess } from '../../helpers/cli';
import { useTempDirs } from '../../helpers/tmp';
import { EXAMPLE_AGENT, writeConfig, type AgentSpec } from './harness';

/**
 * A real `deckhand serve` child on a Kanboard board (the fake JSON-RPC server over real HTTP, in this process),
 * killed with SIGKILL the moment Kanboard receives the claim's move to the working column: the move happens,
 * Deckhand never hears back. The restarted Deckhand must recognise the claim as its own and finish the work.
 */
const tempDir = useTempDirs();
const cleanup: (() => Promise<void>)[] = [];
const servers: ServeProcess[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) if (s.child.exitCode === null && s.child.signalCode === null) await s.stop();
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

interface Run {
  id: number;
  state: string;
  taskId: string | null;
  outcome: string | null;
}

const researcher: AgentSpec = {
  id: 'researcher',
  board: 'kb',
  workflow: 'pickup',
  routes: { labels: ['needs-ai'] },
  provider: { type: 'command', command: EXAMPLE_AGENT },
};

async function serve(dir: string, token: string): Promise<ServeProcess> {
  const server = await startServe(['--config', join(dir, 'deckhand.yml'), '--data', join(dir, 'data')], {
    KB_TOKEN: token,
  });
  servers.push(server);
  return server;
}

function died(server: ServeProcess): Promise<NodeJS.Signals | null> {
  if (server.child.exitCode !== null || server.child.signalCode !== null)
    return Promise.resolve(server.child.signalCode);
  return new Promise((resolve) => server.child.once('exit', (_code, signal) => resolve(signal)));
}

async function settledRun(url: string, taskId: string): Promise<Run> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const runs = (await call(url, 'listRuns', {})).json.value as Run[];
    const run = runs.find((r) => r.taskId === taskId && ['done', 'failed'].includes(r.state));
    if (run) return run;
    if (Date.now() > deadline) throw new Error(`no settled run: ${JSON.stringify(runs)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('SIGKILL right after the claim moved the Kanboard card', () => {
  it('the restarted run recognises its claim, finishes the task once and never skips it', async () => {
    const { fake, board } = await startKanboardBoard(cleanup);
    const dir = tempDir();
    writeConfig(dir, [researcher], {
      boards: [
        {
          id: 'kb',
          type: 'kanboard',
          url: fake.url,
          project: board.projectName,
          token: { env: 'KB_TOKEN' },
          poll: { interval: '1s' },
          columns: KB_COLUMN_ROLES,
        },
      ],
    });
    const first = await serve(dir, board.appToken);
    const exit = died(first);
    // Kanboard receives the move and carries it out; the Deckhand that sent it is killed before the answer.
    fake.faults.push({
      when: (methods) => {
        if (!methods.includes('moveTaskPosition')) return false;
        first.child.kill('SIGKILL');
        return true;
      },
      afterRun: true,
      destroy: true,
    });
    const id = await fake.human('alice').createTask(board.projectId, {
      title: 'Check the cache',
      column: 'Ready',
      tags: ['needs-ai'],
    });
    expect(await exit).toBe('SIGKILL');
    expect(columnOf(fake, id)).toBe('Work in progress');

    const second = await serve(dir, board.appToken);
    const run = await settledRun(second.url, String(id));
    expect(run.state).toBe('done');
    expect(run.outcome).toMatch(/^completed; moved to Ready for Review/);
    expect(columnOf(fake, id)).toBe('Ready for Review');
    expect(tagsOf(fake, id)).toEqual(['needs-ai']);
    const notes = String(fake.store.metadataOf(id).agent_notes);
    expect(notes.match(/Read "Check the cache"/g)).toHaveLength(1);
    expect(
      fake.store.comments.filter((c) => c.task_id === id && c.comment.includes('Read "Check the cache"')),
    ).toHaveLength(1);
    const skipped = (await call(second.url, 'listLog', { filter: { action: 'agent.run.skipped' } })).json.value;
    expect(skipped.entries).toEqual([]);
  }, 90_000);
});
