import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../src/main/core/api/dispatch';
import { createCore, type Core } from '../../../src/main/core/app';
import { EnvSecretStore } from '../../../src/main/core/secrets/env-store';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();
const cores: Core[] = [];
afterEach(async () => {
  for (const core of cores.splice(0)) await core.close();
});

/** A core with the local board and a Kanboard board (which need not be reachable: it is only refused). */
async function boot(): Promise<Core> {
  const dir = tempDir();
  const config = join(dir, 'deckhand.yml');
  writeFileSync(
    config,
    [
      'schema_version: 1',
      'boards:',
      '  - { id: home, type: local }',
      '  - { id: kb, type: kanboard, url: "http://127.0.0.1:9/jsonrpc.php", project: 1, username: jsonrpc, token: { env: KB_TOKEN } }',
      'agents: []',
    ].join('\n'),
  );
  const env = new EnvSecretStore({ KB_TOKEN: 'x'.repeat(20) }, ['KB_TOKEN']);
  const core = await createCore({
    dataDir: join(dir, 'data'),
    configPath: config,
    startEngine: false,
    secrets: { keychain: env, env },
  });
  cores.push(core);
  return core;
}

const call = (core: Core, name: string, input: unknown) => dispatch(core.handlers, name, input, { transport: 'http' });

describe('local board calls', () => {
  it('create, update, move, comment and delete as human:<transport>, validated at the boundary', async () => {
    const core = await boot();
    const created = await call(core, 'createTask', {
      boardId: 'home',
      fields: { title: '  Plan the week ', labels: ['b', 'a'] },
    });
    expect(created).toMatchObject({
      ok: true,
      value: { title: 'Plan the week', status: 'Backlog', labels: ['a', 'b'] },
    });
    const id = (created as { value: { id: string } }).value.id;

    expect(await call(core, 'updateTask', { boardId: 'home', taskId: id, patch: { priority: 3 } })).toMatchObject({
      ok: true,
      value: { priority: 3 },
    });
    expect(await call(core, 'moveTask', { boardId: 'home', taskId: id, status: 'Done' })).toMatchObject({
      ok: true,
      value: { status: 'Done' },
    });
    expect(await call(core, 'addComment', { boardId: 'home', taskId: id, body: 'done?' })).toMatchObject({
      ok: true,
      value: { author: 'human:http', body: 'done?' },
    });
    const listed = await call(core, 'listTasks', { boardId: 'home' });
    expect(listed).toMatchObject({ ok: true, value: { boardId: 'home', columns: expect.arrayContaining(['Done']) } });
    expect(core.localBoards.listEvents('home').map((e) => e.actor)).toEqual(Array(4).fill('human:http'));
    expect(await call(core, 'deleteTask', { boardId: 'home', taskId: id })).toEqual({
      ok: true,
      value: { deleted: true },
    });
    expect(await call(core, 'deleteTask', { boardId: 'home', taskId: id })).toEqual({
      ok: true,
      value: { deleted: false },
    });
  });

  it('maps board errors to 400 (invalid, with the board message) and 404 (not found)', async () => {
    const core = await boot();
    expect(await call(core, 'moveTask', { boardId: 'home', taskId: '1', status: 'Nowhere' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
    const created = await call(core, 'createTask', { boardId: 'home', fields: { title: 'x' } });
    const id = (created as { value: { id: string } }).value.id;
    expect(await call(core, 'moveTask', { boardId: 'home', taskId: id, status: 'Nowhere' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/unknown status "Nowhere"/) },
    });
    expect(
      await call(core, 'updateTask', { boardId: 'home', taskId: id, patch: { dueDate: '2026-02-30' } }),
    ).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/dueDate/) },
    });
    // The contract's schema refuses shapes before the board sees them.
    expect(await call(core, 'updateTask', { boardId: 'home', taskId: id, patch: { owner: 'me' } })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', problems: [{ path: 'patch.owner', message: 'unknown key' }] },
    });
    expect(await call(core, 'listTasks', { boardId: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'not_found' },
    });
  });

  it('refuses boards that are not local: they are edited in their own UI', async () => {
    const core = await boot();
    expect(await call(core, 'listTasks', { boardId: 'kb' })).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', message: expect.stringMatching(/edit this board in its own UI/) },
    });
  });
});
