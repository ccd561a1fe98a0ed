import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../src/main/core/api/dispatch';
import { createCore, type Core } from '../../../src/main/core/app';
import { NOTES_HEADER } from '../../../src/main/core/boards/kanboard/agent-notes';
import { startServer, type RunningServer } from '../../../src/main/core/server/http-server';
import { FakeKanboard, seedStandardBoard, type StandardBoard } from '../../fakes/kanboard';
import { writeKanboardConfig } from '../../helpers/kanboard-config';
import { useTempDirs } from '../../helpers/tmp';
import { submitAfterRead } from '../../helpers/agent-basis';

const tempDir = useTempDirs();
const HOOK_TOKEN = 'hook-token-e2e-7d1c44';
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const fn of cleanup.splice(0).reverse()) await fn();
});

interface Running {
  fake: FakeKanboard;
  board: StandardBoard;
  core: Core;
  server: RunningServer;
}

/** Deckhand with a config file whose kanboard board points at the fake; secrets come from env refs. */
async function boot(
  columns: Record<string, string> = { todo: 'Ready', working: 'Work in progress' },
): Promise<Running> {
  const fake = await FakeKanboard.start();
  cleanup.push(() => fake.stop());
  const board = seedStandardBoard(fake, { tasks: 3 });
  const dir = tempDir();
  const { configPath, secrets } = writeKanboardConfig(dir, fake, board, { webhookToken: HOOK_TOKEN, columns });
  const core = await createCore({
    dataDir: join(dir, 'data'),
    configPath,
    secrets,
    startEngine: false,
  });
  cleanup.push(() => core.close());
  const server = await startServer(core, { host: '127.0.0.1', port: 0, staticDir: tempDir() });
  cleanup.push(() => server.close());
  fake.setWebhook(`${server.url}/webhooks/kb`, HOOK_TOKEN);
  return { fake, board, core, server };
}

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function logEntries(core: Core, filter: Record<string, string>): Promise<Record<string, unknown>[]> {
  const result = await dispatch(core.handlers, 'listLog', { filter }, { transport: 'http' });
  if (!result.ok) throw new Error(result.error.message);
  return (result.value as { entries: Record<string, unknown>[] }).entries;
}

describe('kanboard through the engine', () => {
  it('learns of a human edit from a Kanboard webhook, and delivers agent notes to metadata and the marked comment', async () => {
    const { fake, core } = await boot();
    const runner = core.engine.runner('kb');
    await runner.fullReconcile();
    const taskId = String(fake.store.tasks[0]!.id);
    expect(core.engine.base.get('kb', taskId)?.fields.title).toBe('Task 1');

    await fake.human('alice').updateTask(Number(taskId), { title: 'Renamed by Alice' });
    expect(fake.deliveries.at(-1)).toEqual({ event: 'task.update', status: 202 });
    const changed = await until('the human edit in the log', async () => {
      const entries = await logEntries(core, { taskId, action: 'field.changed' });
      return entries.find((e) => e.field === 'title');
    });
    expect(changed).toMatchObject({ actor: 'human', before: 'Task 1', after: 'Renamed by Alice' });
    expect(changed.reason).toMatch(/webhook/);
    expect(core.engine.base.get('kb', taskId)?.fields.title).toBe('Renamed by Alice');

    const submitted = submitAfterRead(core.engine, {
      kind: 'update',
      boardId: 'kb',
      taskId,
      actor: 'agent:test',
      patch: { agentNotes: 'Checked the logs; the cache is stale.' },
      reason: 'test',
    });
    expect(submitted.queued).toBe(true);
    await runner.drainOutbox();
    expect(fake.store.metadataOf(Number(taskId))).toEqual({ agent_notes: 'Checked the logs; the cache is stale.' });
    const comments = fake.store.comments.filter((c) => c.task_id === Number(taskId));
    expect(comments.map((c) => c.comment)).toEqual([`${NOTES_HEADER}\n\nChecked the logs; the cache is stale.`]);
    expect(fake.store.task(Number(taskId))?.title).toBe('Renamed by Alice');
    expect(core.engine.outbox.counts().pending).toBe(0);
    const written = await logEntries(core, { taskId, action: 'field.written' });
    expect(written).toEqual([expect.objectContaining({ field: 'agentNotes', actor: 'agent:test' })]);

    // The comment the write posted comes back as a webhook; it is our own write, never a human change.
    await runner.flushHints();
    const humanNotes = (await logEntries(core, { taskId, action: 'field.changed' })).filter(
      (e) => e.field === 'agentNotes',
    );
    expect(humanNotes).toEqual([]);
  });

  it('answers webhooks: 401 for a wrong token, 200 for a redelivery, 202 for a new event', async () => {
    const { fake, core, server } = await boot();
    await core.engine.runner('kb').fullReconcile();
    const body = JSON.stringify({
      event_name: 'task.update',
      event_data: { task_id: fake.store.tasks[1]!.id, task: { id: fake.store.tasks[1]!.id, project_id: 1 } },
      event_author: 'alice',
    });
    const post = (token: string): Promise<Response> =>
      fetch(`${server.url}/webhooks/kb?token=${token}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      });
    expect((await post('wrong')).status).toBe(401);
    expect((await post(HOOK_TOKEN)).status).toBe(202);
    const again = await post(HOOK_TOKEN);
    expect(again.status).toBe(200);
    expect(((await again.json()) as { message: string }).message).toMatch(/already handled/);
    const malformed = await fetch(`${server.url}/webhooks/kb?token=${HOOK_TOKEN}`, {
      method: 'POST',
      body: '{',
      headers: { 'content-type': 'application/json' },
    });
    expect(malformed.status).toBe(400);
  });

  it('polls changes when webhooks are lost, and shows a clear error for a missing column', async () => {
    const { fake, core } = await boot();
    const runner = core.engine.runner('kb');
    await runner.fullReconcile();
    fake.webhook = null;
    const task = fake.store.tasks[2]!;
    await fake.human('bob').updateTask(task.id, { assignee: 'carol', tags: ['needs-ai'] });
    await runner.poll();
    expect(core.engine.base.get('kb', String(task.id))?.fields).toMatchObject({
      assignee: 'carol',
      labels: ['needs-ai'],
    });

    const broken = await boot({ review: 'Ready for Review' });
    const state = broken.core.getState().boards.find((b) => b.id === 'kb');
    expect(state?.status).toBe('error');
    expect(state?.error).toMatch(
      /columns\.review is "Ready for Review".*"Backlog", "Ready", "Work in progress", "Done"/,
    );
  });

  it('keeps the board in error while Kanboard fails, then recovers without losing the change', async () => {
    const { fake, core } = await boot();
    const runner = core.engine.runner('kb');
    await runner.fullReconcile();
    const task = fake.store.tasks[0]!;
    await fake.human('alice').updateTask(task.id, { description: 'edited during the outage' });
    fake.faults.push({ status: 500, body: 'Internal Server Error', times: 5 });
    await runner.poll();
    const down = core.getState().boards.find((b) => b.id === 'kb');
    expect(down?.error).toMatch(/poll failed: Kanboard answered HTTP 500/);
    fake.faults.length = 0;
    await runner.poll();
    expect(core.getState().boards.find((b) => b.id === 'kb')?.error).toBeUndefined();
    expect(core.engine.base.get('kb', String(task.id))?.fields.description).toBe('edited during the outage');
  });
});
