import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core } from '../../../src/main/core/app';
import { secretNameFor } from '../../../src/main/core/boards/saved-boards';
import { KeychainSecretStore } from '../../../src/main/core/secrets/keychain-store';
import { startServer, type RunningServer } from '../../../src/main/core/server/http-server';
import { call } from '../../helpers/cli';
import { useTempDirs } from '../../helpers/tmp';
import { startFakeTaiga } from '../../fakes/taiga';

// Board connections store secrets in the real keychain (a throwaway one under `npm test`).
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
  return { core, url: server.url };
}

describe('board connections', () => {
  it('lists the board types with the settings their forms need', async () => {
    const { url } = await boot();
    const types = (await call(url, 'listBoardTypes')).json.value as {
      type: string;
      fields: { key: string; kind: string }[];
    }[];
    const kanboard = types.find((t) => t.type === 'kanboard')!;
    expect(kanboard.fields.map((f) => f.key)).toEqual(expect.arrayContaining(['url', 'project', 'username', 'token']));
    expect(kanboard.fields.find((f) => f.key === 'token')!.kind).toBe('secret');
  });

  it('adds a second local board that syncs at once, and survives a restart', async () => {
    const dataDir = tempDir();
    const first = await boot(dataDir);
    const saved = await call(first.url, 'saveBoard', { id: 'side', type: 'local', name: 'Side project', settings: {} });
    expect(saved.json.value).toMatchObject({ id: 'side', name: 'Side project', source: 'app' });
    expect(first.core.engine.hasBoard('side')).toBe(true);
    const state = (await call(first.url, 'getState')).json.value;
    expect(state.boards.map((b: { id: string }) => b.id)).toEqual(['local', 'side']);
    const { core, server } = running.pop()!;
    await server.close();
    await core.close();
    const second = await boot(dataDir);
    expect(second.core.engine.hasBoard('side')).toBe(true);
    const log = (await call(second.url, 'listLog', { filter: { action: 'board.' } })).json.value.entries;
    expect(log).toEqual([expect.objectContaining({ action: 'board.added', boardId: 'side', actor: 'human:http' })]);
    expect((await call(second.url, 'removeBoard', { id: 'side' })).json.value).toEqual({ removed: true });
    expect(second.core.engine.hasBoard('side')).toBe(false);
  });

  it('keeps a token in the keychain only: never in a response, the data dir or the log', async () => {
    const { url, core } = await boot();
    const token = `kb-token-${randomUUID()}`;
    const settings = { url: 'http://127.0.0.1:9/jsonrpc.php', project: 'Demo', username: 'jsonrpc', token };
    const bodies: string[] = [];
    const tested = await call(url, 'testBoardConnection', { type: 'kanboard', id: 'kb', settings });
    bodies.push(JSON.stringify(tested.json));
    expect(tested.json.value.ok).toBe(false);
    const saved = await call(url, 'saveBoard', { id: 'kb', type: 'kanboard', settings });
    bodies.push(JSON.stringify(saved.json));
    expect(saved.json.value.settings.token).toEqual({ secretSet: true });
    for (const method of ['listBoardConnections', 'getState', 'listLog']) {
      bodies.push(JSON.stringify((await call(url, method)).json));
    }
    expect(bodies.join('\n')).not.toContain(token);
    expect(await new KeychainSecretStore().get(secretNameFor('kb', 'token'))).toBe(token);
    // Saving again without a token keeps the stored one.
    const again = await call(url, 'saveBoard', { id: 'kb', type: 'kanboard', settings: { ...settings, token: '' } });
    expect(again.json.value.settings.token).toEqual({ secretSet: true });
    await call(url, 'removeBoard', { id: 'kb' });
    expect(await new KeychainSecretStore().get(secretNameFor('kb', 'token'))).toBeUndefined();
    expect(core.getState().boards.map((b) => b.id)).toEqual(['local']);
  });

  it('connects a Taiga board from the form: a wrong password is named, the right one goes to the keychain only', async () => {
    const { url, core } = await boot();
    const taiga = await startFakeTaiga();
    try {
      const settings = { url: taiga.url, project: taiga.projectSlug, username: 'admin', password: '123123' };
      const wrong = await call(url, 'testBoardConnection', {
        type: 'taiga',
        id: 'tg',
        settings: { ...settings, password: 'not-it' },
      });
      expect(wrong.json.value).toMatchObject({ ok: false });
      expect(JSON.stringify(wrong.json)).toMatch(/check the username and password for admin/);
      const tested = await call(url, 'testBoardConnection', { type: 'taiga', id: 'tg', settings });
      expect(tested.json.value).toMatchObject({ ok: true });
      expect(JSON.stringify(tested.json)).toMatch(/6 columns/);
      const saved = await call(url, 'saveBoard', { id: 'tg', type: 'taiga', settings });
      expect(saved.json.value.settings.password).toEqual({ secretSet: true });
      expect(JSON.stringify(saved.json)).not.toContain('123123');
      expect(await new KeychainSecretStore().get(secretNameFor('tg', 'password'))).toBe('123123');
      expect(core.engine.hasBoard('tg')).toBe(true);
      await call(url, 'removeBoard', { id: 'tg' });
    } finally {
      await taiga.close();
    }
  });

  it('names the bad field, and refuses to shadow a board from the config file', async () => {
    const { url } = await boot();
    const missing = await call(url, 'saveBoard', { id: 'kb', type: 'kanboard', settings: { url: 'not a url' } });
    expect(missing.status).toBe(400);
    expect(missing.json.error.message).toMatch(/project: Project is required/);
    expect(missing.json.error.message).toMatch(/token: API token is required/);
    const badUrl = await call(url, 'saveBoard', {
      id: 'kb',
      type: 'kanboard',
      settings: { url: 'ftp://x', project: 'Demo', username: 'jsonrpc', token: 'secret-value' },
    });
    expect(badUrl.json.error.message).toMatch(/^url: /);
    const shadow = await call(url, 'saveBoard', { id: 'local', type: 'local', settings: {} });
    expect(shadow.json.error.message).toMatch(/declared in the config file/);
    const badId = await call(url, 'saveBoard', { id: 'Has Spaces', type: 'local', settings: {} });
    expect(badId.json.error.problems[0].path).toBe('id');
    const unknown = await call(url, 'saveBoard', { id: 'x', type: 'trello', settings: {} });
    expect(unknown.json.error.message).toMatch(/unknown or unavailable board type "trello"/);
  });
});
