import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { call, startServe, type ServeProcess } from '../../helpers/cli';
import { useTempDirs } from '../../helpers/tmp';
import { httpClient, mcpAgents, tool, TOKENS, untilListed } from './harness';

/**
 * SIGKILL while an MCP write is in flight: a real `deckhand serve` child kills
 * itself at a named engine point (DECKHAND_CRASH_AT) during the client's call.
 * The client retries the same call (same request id) against the restarted
 * server; the board must hold the effect exactly once, and a write that was
 * only queued when the process died must still arrive.
 */
const tempDir = useTempDirs();
const servers: ServeProcess[] = [];
const clients: Client[] = [];
afterEach(async () => {
  for (const c of clients.splice(0)) await c.close().catch(() => undefined);
  for (const s of servers.splice(0)) if (s.child.exitCode === null && s.child.signalCode === null) await s.stop();
});

async function serve(dir: string, env: NodeJS.ProcessEnv = {}): Promise<ServeProcess> {
  const server = await startServe(['--config', join(dir, 'deckhand.yml'), '--data', join(dir, 'data')], env);
  servers.push(server);
  return server;
}

async function connect(url: string): Promise<Client> {
  const client = await httpClient(url, TOKENS.coder);
  clients.push(client);
  return client;
}

function died(server: ServeProcess): Promise<NodeJS.Signals | null> {
  if (server.child.exitCode !== null || server.child.signalCode !== null)
    return Promise.resolve(server.child.signalCode);
  return new Promise((resolve) => server.child.once('exit', (_code, signal) => resolve(signal)));
}

async function comments(url: string, taskId: string): Promise<string[]> {
  const { json } = await call(url, 'listComments', { boardId: 'home', taskId });
  return (json.value as { body: string }[]).map((c) => c.body);
}

/** A task claimed by `coder` on a server that then stopped cleanly: the crash run starts from here. */
async function claimedTask(dir: string): Promise<string> {
  writeFileSync(
    join(dir, 'deckhand.yml'),
    stringify({ schema_version: 1, boards: [{ id: 'home', type: 'local' }], agents: mcpAgents('home') }),
  );
  const first = await serve(dir);
  const created = await call(first.url, 'createTask', {
    boardId: 'home',
    fields: { title: 'Crash me', labels: ['needs-ai'], status: 'To do' },
  });
  const id = created.json.value.id as string;
  const client = await connect(first.url);
  await untilListed(client, id);
  expect((await tool(client, 'claim_task', { task_id: id })).isError).toBe(false);
  expect(await first.stop('SIGTERM')).toBe(0);
  return id;
}

describe('SIGKILL during an MCP write', () => {
  for (const point of ['after-board-write', 'after-outbox-commit'] as const) {
    it(`comment killed ${point}: after the restart and the client's retry, the comment is there once`, async () => {
      const dir = tempDir();
      const id = await claimedTask(dir);
      const crashing = await serve(dir, { DECKHAND_CRASH_AT: point });
      const exit = died(crashing);
      const client = await connect(crashing.url);
      const args = { task_id: id, body: 'Root cause: the TTL unit.', request_id: 'comment-1' };
      await expect(tool(client, 'comment', args)).rejects.toThrow();
      expect(await exit).toBe('SIGKILL');

      const restarted = await serve(dir);
      // Not lost: a write queued before the kill is delivered by the restarted engine, before any retry.
      if (point === 'after-outbox-commit') {
        const deadline = Date.now() + 15_000;
        while (!(await comments(restarted.url, id)).includes(args.body) && Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      const retry = await tool(await connect(restarted.url), 'comment', args);
      expect(retry.isError).toBe(false);
      expect(retry.value.effects[0]).toMatchObject({ duplicate: true, state: 'done' });
      expect((await comments(restarted.url, id)).filter((c) => c === args.body)).toHaveLength(1);
    });
  }

  it('subtasks killed after the first board write: the retry creates the rest, none twice', async () => {
    const dir = tempDir();
    const id = await claimedTask(dir);
    const crashing = await serve(dir, { DECKHAND_CRASH_AT: 'after-board-write' });
    const exit = died(crashing);
    const args = {
      task_id: id,
      subtasks: [
        { title: 'First half', estimate: '1h' },
        { title: 'Second half', estimate: '2h' },
      ],
      request_id: 'split-1',
    };
    await expect(tool(await connect(crashing.url), 'create_subtasks', args)).rejects.toThrow();
    expect(await exit).toBe('SIGKILL');

    const restarted = await serve(dir);
    const retry = await tool(await connect(restarted.url), 'create_subtasks', args);
    expect(retry.isError).toBe(false);
    const { json } = await call(restarted.url, 'listTasks', { boardId: 'home' });
    const children = (json.value.tasks as { title: string; parentId: string | null }[]).filter(
      (t) => t.parentId === id,
    );
    expect(children.map((c) => c.title).sort()).toEqual(['First half', 'Second half']);
  });
});
