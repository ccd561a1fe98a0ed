import { chmodSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalBoardStore } from '../../../src/main/core/boards/local/local-board-store';
import { closeDatabase, openDatabase } from '../../../src/main/core/store/database';
import { startFakeLlm, type FakeLlm } from '../../fakes/llm/server';
import { call, startServe, type ServeProcess } from '../../helpers/cli';
import { useTempDirs } from '../../helpers/tmp';
import { BOARD, EXAMPLE_AGENT, writeConfig, type AgentSpec, openaiWriter } from './harness';

/**
 * Crash mid-run: a real `deckhand serve` child is killed with SIGKILL at a
 * named point (it signals itself there, so the point is exact), then started
 * again on the same data directory. The board must end with exactly one
 * effect per intent: no duplicate subtasks, no duplicate digest, no lost notes.
 */
const tempDir = useTempDirs();
const servers: ServeProcess[] = [];
let llm: FakeLlm | undefined;
afterEach(async () => {
  for (const s of servers.splice(0)) if (s.child.exitCode === null && s.child.signalCode === null) await s.stop();
  await llm?.close();
  llm = undefined;
});

interface Task {
  id: string;
  title: string;
  description: string;
  status: string;
  labels: string[];
  agentNotes: string;
  parentId: string | null;
}
interface Run {
  id: number;
  state: string;
  taskId: string | null;
  agentId: string;
}

async function serve(dir: string, env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const server = await startServe(['--config', join(dir, 'deckhand.yml'), '--data', join(dir, 'data')], env);
  servers.push(server);
  return server;
}

async function tasks(url: string): Promise<Task[]> {
  return (await call(url, 'listTasks', { boardId: BOARD })).json.value.tasks as Task[];
}

async function runs(url: string): Promise<Run[]> {
  return (await call(url, 'listRuns', {})).json.value as Run[];
}

/** Resolves when the child is gone, with the signal that ended it. */
function died(server: ServeProcess): Promise<NodeJS.Signals | null> {
  if (server.child.exitCode !== null || server.child.signalCode !== null)
    return Promise.resolve(server.child.signalCode);
  return new Promise((resolve) => server.child.once('exit', (_code, signal) => resolve(signal)));
}

async function settled(url: string, agentId: string): Promise<Run[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const all = (await runs(url)).filter((r) => r.agentId === agentId);
    if (all.length > 0 && all.every((r) => ['done', 'failed', 'waiting-for-human'].includes(r.state))) return all;
    if (Date.now() > deadline) throw new Error(`runs did not settle: ${JSON.stringify(all)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const planner: AgentSpec = {
  id: 'planner',
  board: BOARD,
  workflow: 'breakdown',
  routes: { labels: ['epic'] },
  provider: { type: 'command', command: EXAMPLE_AGENT },
};

describe('crash mid-run (SIGKILL) and restart', () => {
  for (const point of ['after-output', 'mid-apply'] as const) {
    it(`breakdown killed ${point}: the subtasks exist exactly once after the restart`, async () => {
      const dir = tempDir();
      writeConfig(dir, [planner]);
      const first = await serve(dir, { DECKHAND_AGENT_CRASH_AT: point });
      const exit = died(first);
      await call(first.url, 'createTask', {
        boardId: BOARD,
        fields: { title: 'Epic', description: '- One (1h)\n- Two (2h)\n- Three (3h)\n- Four (4h)', labels: ['epic'] },
      });
      expect(await exit).toBe('SIGKILL');
      // What the kill left behind: nothing yet, or some of the subtasks (the run not yet done).
      const db = openDatabase(join(dir, 'data'));
      const before = new LocalBoardStore(db).listTasks(BOARD).filter((t) => t.parentId !== null).length;
      closeDatabase(db);
      if (point === 'after-output') expect(before).toBe(0);
      else expect(before).toBeGreaterThanOrEqual(1);

      const second = await serve(dir);
      const [run] = await settled(second.url, 'planner');
      expect(run!.state).toBe('done');
      const all = await tasks(second.url);
      const epic = all.find((t) => t.title === 'Epic')!;
      const children = all.filter((t) => t.parentId === epic.id);
      expect(children.map((c) => c.title).sort()).toEqual(['Four', 'One', 'Three', 'Two']);
      expect(epic.agentNotes).toContain('Subtasks (4, about 10h in total):');
      expect(epic.status).toBe('Ready for Review');
      expect(epic.labels).toEqual(['epic']);
    });
  }

  it('a command agent left running by a killed Deckhand is stopped at the restart; its run then completes once', async () => {
    const dir = tempDir();
    const pids = join(dir, 'agent.pids');
    const goAhead = join(dir, 'go');
    const program = join(dir, 'slow-agent');
    // Notes its pid, works until told to finish (a coding agent mid-task), then answers like the example agent.
    writeFileSync(
      program,
      `#!/bin/sh\necho $$ >> ${JSON.stringify(pids)}\n` +
        `while [ ! -f ${JSON.stringify(goAhead)} ]; do sleep 0.05; done\n` +
        `exec ${EXAMPLE_AGENT.map((part) => JSON.stringify(part)).join(' ')}\n`,
    );
    chmodSync(program, 0o755);
    writeConfig(dir, [
      {
        id: 'coder',
        board: BOARD,
        workflow: 'pickup',
        routes: { labels: ['needs-ai'] },
        provider: { type: 'command', command: [program], timeout: '60s' },
      },
    ]);
    const agentPids = (): number[] =>
      existsSync(pids) ? readFileSync(pids, 'utf8').trim().split('\n').filter(Boolean).map(Number) : [];
    const alive = (pid: number): boolean => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const until = async (what: string, probe: () => boolean): Promise<void> => {
      const deadline = Date.now() + 25_000;
      while (!probe()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };

    const first = await serve(dir);
    const created = await call(first.url, 'createTask', {
      boardId: BOARD,
      fields: { title: 'Refactor the parser', description: 'Split it in two.', labels: ['needs-ai'] },
    });
    await until('the agent to start', () => agentPids().length === 1);
    const [orphan] = agentPids();
    // Deckhand records the agent right after spawning it; under load the agent can write its pid first. Kill only
    // once the record is on disk (a crash inside that window leaves an agent unrecorded: see the issue note).
    await until('Deckhand to record the agent', () =>
      existsSync(join(dir, 'data', 'agent-processes', `${orphan!}.json`)),
    );
    first.child.kill('SIGKILL');
    expect(await died(first)).toBe('SIGKILL');
    // Nothing stops it: Deckhand was killed, the agent works on.
    await new Promise((r) => setTimeout(r, 200));
    expect(alive(orphan!)).toBe(true);

    const second = await serve(dir);
    // The restart stops it before the interrupted run starts again (a second agent on the same task).
    await until('the orphaned agent to be stopped', () => !alive(orphan!));
    await until('the run to start again', () => agentPids().length === 2);
    writeFileSync(goAhead, '');
    const [run] = await settled(second.url, 'coder');
    expect(run).toMatchObject({ state: 'done', taskId: created.json.value.id });
    const task = (await tasks(second.url)).find((t) => t.id === created.json.value.id)!;
    expect(task.status).toBe('Ready for Review');
    expect(task.agentNotes.match(/Read "Refactor the parser"/g)).toHaveLength(1);
    const log = (await call(second.url, 'listLog', { filter: { action: 'agent.process.stopped' } })).json.value;
    expect(log.entries).toHaveLength(1);
    expect(log.entries[0].reason).toContain(`(pid ${orphan})`);
    expect(agentPids()).toHaveLength(2);
    expect(readdirSync(join(dir, 'data', 'agent-processes'))).toEqual([]);
  }, 90_000);

  it('pickup killed after the model answered: the notes land after the restart, without asking the model again', async () => {
    llm = await startFakeLlm();
    llm.setHandler(() => ({ content: { notes: 'The one true answer.', question: null, subtasks: null } }));
    const dir = tempDir();
    writeConfig(dir, [openaiWriter(llm)]);
    const first = await serve(dir, { DECKHAND_AGENT_CRASH_AT: 'after-output' });
    const exit = died(first);
    const created = await call(first.url, 'createTask', {
      boardId: BOARD,
      fields: { title: 'Answer me', labels: ['needs-ai'] },
    });
    expect(await exit).toBe('SIGKILL');
    expect(llm.requests).toHaveLength(1);

    const second = await serve(dir);
    await settled(second.url, 'writer');
    const task = (await tasks(second.url)).find((t) => t.id === created.json.value.id)!;
    expect(task.agentNotes).toContain('The one true answer.');
    expect(task.status).toBe('Ready for Review');
    expect(llm.requests).toHaveLength(1);
  });

  for (const [name, env] of [
    ['after the model answered', { DECKHAND_AGENT_CRASH_AT: 'after-output' }],
    ['between the board creating the digest and Deckhand recording it', { DECKHAND_CRASH_AT: 'after-board-write' }],
    ['after the digest was created, before the run was done', { DECKHAND_AGENT_CRASH_AT: 'mid-apply' }],
  ] as const) {
    it(`digest killed ${name}: one digest task after restarts`, async () => {
      llm = await startFakeLlm();
      llm.setHandler(() => ({ content: { notes: 'Quiet day.', question: null, subtasks: null } }));
      const dir = tempDir();
      writeConfig(dir, [
        {
          id: 'secretary',
          board: BOARD,
          workflow: 'digest',
          schedule: '0 0 * * *',
          digest: { assign_to: 'lead' },
          provider: { type: 'openai', base_url: llm.url, model: 'fake-model' },
        },
      ]);
      // Midnight has always passed: the digest is due the moment Deckhand starts.
      const first = await serve(dir, env);
      expect(await died(first)).toBe('SIGKILL');

      for (let restart = 0; restart < 2; restart++) {
        const next = await serve(dir);
        await settled(next.url, 'secretary');
        const digests = (await tasks(next.url)).filter((t) => t.labels.includes('digest'));
        expect(digests).toHaveLength(1);
        expect(digests[0]!.description).toBe('Quiet day.');
        expect(await runs(next.url)).toHaveLength(1);
        await next.stop();
      }
      expect(llm.requests).toHaveLength(1);
    });
  }

  it('a claim interrupted on the board (killed right after the claim write) is picked up again, once', async () => {
    const dir = tempDir();
    writeConfig(dir, [
      {
        id: 'researcher',
        board: BOARD,
        workflow: 'pickup',
        routes: { labels: ['needs-ai'] },
        provider: { type: 'command', command: EXAMPLE_AGENT },
      },
    ]);
    const first = await serve(dir, { DECKHAND_CRASH_AT: 'after-board-write' });
    const exit = died(first);
    const created = await call(first.url, 'createTask', {
      boardId: BOARD,
      fields: { title: 'Claim me', description: 'Some text', labels: ['needs-ai'] },
    });
    expect(await exit).toBe('SIGKILL');
    const second = await serve(dir);
    const [run] = await settled(second.url, 'researcher');
    expect(run!.state).toBe('done');
    const t = (await tasks(second.url)).find((x) => x.id === created.json.value.id);
    expect(t!.agentNotes.match(/run #/g)).toHaveLength(1);
    expect(t!.labels).toEqual(['needs-ai']);
    expect(t!.status).toBe('Ready for Review');
  });
});
