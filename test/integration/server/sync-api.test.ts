import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { startServer, type RunningServer } from '../../../src/main/core/server/http-server';
import { call, runCli } from '../../helpers/cli';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();
const running: { core: Core; server: RunningServer }[] = [];
afterEach(async () => {
  for (const { core, server } of running.splice(0)) {
    await server.close();
    await core.close();
  }
});

async function boot(dataDir = tempDir()) {
  const core = await createCore({ dataDir, startEngine: false });
  const server = await startServer(core, { host: '127.0.0.1', port: 0, staticDir: tempDir() });
  running.push({ core, server });
  await core.engine.runner('local').fullReconcile();
  return { core, url: server.url };
}

describe('sync log over the contract', () => {
  it('lists, filters, pages backwards and exports JSONL', async () => {
    const { core, url } = await boot();
    const taskId = core.localBoards.listTasks('local')[0]!.id;
    core.localBoards.updateTask('local', taskId, { status: 'Done' }, 'human:test');
    await core.engine.runner('local').flushHints();

    const all = (await call(url, 'listLog', {})).json.value.entries as { seq: number; action: string }[];
    expect(all.map((e) => e.action)).toEqual(expect.arrayContaining(['task.discovered', 'field.changed']));

    const changed = (await call(url, 'listLog', { filter: { action: 'field.', taskId } })).json.value.entries;
    expect(changed).toEqual([expect.objectContaining({ field: 'status', after: 'Done', actor: 'human', taskId })]);
    const byText = (await call(url, 'listLog', { filter: { text: 'DONE' } })).json.value.entries;
    expect(byText.length).toBeGreaterThanOrEqual(1);

    const newest = (await call(url, 'listLog', { before: 1_000_000, limit: 2 })).json.value.entries;
    expect(newest.map((e: { seq: number }) => e.seq)).toEqual([all.at(-1)!.seq, all.at(-2)!.seq]);

    const bad = await call(url, 'listLog', { limit: 5000 });
    expect(bad.status).toBe(400);
    expect(bad.json.error.problems[0].path).toBe('limit');

    const jsonl = await (await fetch(`${url}/api/log.jsonl?taskId=${taskId}`)).text();
    const lines = jsonl
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { taskId: string });
    expect(lines.length).toBeGreaterThanOrEqual(2);
    expect(lines.every((l) => l.taskId === taskId)).toBe(true);

    const cli = await runCli(['log', '--url', url, '--task', taskId]);
    expect(cli.code).toBe(0);
    expect(cli.stdout).toMatch(
      /human {2}field\.changed {2}local\/\S+\.status {2}"[^"]+" → "Done" {2}\(changed on the board/,
    );
  });
});

describe('ownership over the contract', () => {
  it('reads defaults, saves a new version, and names a bad field', async () => {
    const { url } = await boot();
    const initial = (await call(url, 'getOwnership', { boardId: 'local' })).json.value;
    expect(initial.version).toBe(0);
    expect(initial.rules.title).toEqual({ owner: 'human', policy: 'human-wins' });
    const saved = await call(url, 'setOwnership', {
      boardId: 'local',
      rules: { status: { owner: 'shared', policy: 'ask' } },
    });
    expect(saved.json.value).toMatchObject({
      version: 1,
      updatedBy: 'human:http',
      rules: { status: { policy: 'ask' } },
    });
    const bad = await call(url, 'setOwnership', {
      boardId: 'local',
      rules: { title: { owner: 'human', policy: 'merge' } },
    });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toMatch(/title\.policy/);
    expect((await call(url, 'getOwnership', { boardId: 'nope' })).status).toBe(404);
    const log = (await call(url, 'listLog', { filter: { action: 'ownership.changed' } })).json.value.entries;
    expect(log).toHaveLength(1);
  });
});

describe('board pause over the contract', () => {
  it('pauses one board with who and why, and keeps it across a restart', async () => {
    const dataDir = tempDir();
    const first = await boot(dataDir);
    const paused = (await call(first.url, 'pauseBoard', { boardId: 'local', reason: 'migrating' })).json.value;
    expect(paused.boards[0]).toMatchObject({ id: 'local', status: 'paused' });
    // The status says who paused and why, not just "paused" (issue 17, item 8).
    expect((await call(first.url, 'getState')).json.value.boards[0].pause).toMatchObject({
      paused: true,
      by: 'human:http',
      reason: 'migrating',
    });
    const { core, server } = running.pop()!;
    await server.close();
    await core.close();
    const second = await boot(dataDir);
    expect((await call(second.url, 'getState')).json.value.boards[0].status).toBe('paused');
    await call(second.url, 'resumeBoard', { boardId: 'local' });
    expect((await call(second.url, 'getState')).json.value.boards[0].status).not.toBe('paused');
    expect((await call(second.url, 'pauseBoard', { boardId: 'ghost' })).status).toBe(404);
  });

  it('sync now is a full reconcile: a deletion an incremental poll cannot see is applied at once', async () => {
    const { core, url } = await boot();
    // Most boards (Kanboard, Plane, Taiga, ...) cannot report a deletion in an incremental poll, and a board
    // without webhooks set up tells nobody; make the local board behave like them, so only a full listing
    // notices the task is gone.
    const adapter = core.engine.adapterFor('local')!;
    const changedSince = adapter.listChangedSince.bind(adapter);
    adapter.listChangedSince = async (since) => ({ ...(await changedSince(since)), deletedIds: [] });
    await core.engine.runner('local').flushHints();
    core.engine.runner('local').hint = () => undefined;
    const [gone, ...kept] = core.localBoards.listTasks('local').map((t) => t.id);
    core.localBoards.deleteTask('local', gone!, 'human:test');

    const synced = await call(url, 'syncNow', { boardId: 'local' });
    expect(synced.json.value).toEqual({ boards: ['local'] });
    expect(core.engine.base.liveIds('local').sort()).toEqual(kept.sort());
    const deleted = (await call(url, 'listLog', { filter: { action: 'task.deleted' } })).json.value.entries;
    expect(deleted).toEqual([expect.objectContaining({ taskId: gone, reason: 'gone (full reconcile)' })]);
  });

  it('resuming a board paused by the deletion brake applies the deletions', async () => {
    const { core, url } = await boot();
    const store = core.localBoards;
    const ids = store.listTasks('local').map((t) => t.id);
    store.batch(() => ids.forEach((id) => store.deleteTask('local', id, 'human:test')));
    await core.engine.runner('local').fullReconcile();
    const paused = (await call(url, 'getState')).json.value.boards[0];
    expect(paused.status).toBe('paused');
    expect(paused.pause.by).toBe('system:mass-deletion-brake');
    expect(paused.pause.reason).toMatch(/tasks vanished from the board in one full reconcile/);
    await call(url, 'resumeBoard', { boardId: 'local' });
    await core.engine.runner('local').fullReconcile();
    expect(core.engine.base.liveIds('local')).toEqual([]);
    const deleted = (await call(url, 'listLog', { filter: { action: 'task.deleted' } })).json.value.entries;
    expect(deleted).toHaveLength(ids.length);
  });
});
