import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createCore, type Core, type CoreOptions } from '../../../src/main/core/app';
import { mcpTokenNameFor } from '../../../src/main/core/agents/saved-agents';
import { EnvSecretStore } from '../../../src/main/core/secrets/env-store';
import { KeychainSecretStore } from '../../../src/main/core/secrets/keychain-store';
import { KeychainUnavailableError, type SecretStore } from '../../../src/main/core/secrets/secret-store';
import { startServer, type RunningServer } from '../../../src/main/core/server/http-server';
import { call } from '../../helpers/cli';
import { useTempDirs } from '../../helpers/tmp';
import { FAST_SETTINGS } from '../agents/harness';

// Agents managed over the real HTTP API, on a real SQLite file and the real (throwaway) keychain.
const tempDir = useTempDirs();
const running: { core: Core; server: RunningServer }[] = [];
afterEach(async () => {
  for (const { core, server } of running.splice(0)) {
    await server.close();
    await core.close();
  }
});

async function boot(dataDir = tempDir(), extra: Partial<CoreOptions> = {}) {
  const core = await createCore({
    dataDir,
    runner: { pollIntervalMs: 2_000, minPollMs: 1_500, coalesceMs: 5 },
    agents: { probeLocalLlm: false, demoDelayMs: 10, settings: FAST_SETTINGS },
    ...extra,
  });
  const server = await startServer(core, { host: '127.0.0.1', port: 0, staticDir: tempDir() });
  running.push({ core, server });
  return { core, url: server.url, dataDir };
}

async function stop(): Promise<void> {
  const { core, server } = running.pop()!;
  await server.close();
  await core.close();
}

async function until<T>(probe: () => Promise<T | undefined> | T | undefined, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Every file under dir, as raw bytes (the SQLite file, its WAL and SHM included). */
function allBytes(dir: string): Buffer {
  return Buffer.concat(
    readdirSync(dir).map((name) => {
      const full = join(dir, name);
      return statSync(full).isDirectory() ? allBytes(full) : readFileSync(full);
    }),
  );
}

const helper = {
  id: 'helper',
  board: 'local',
  workflow: 'pickup',
  routes: { labels: ['helper'] },
  provider: { type: 'demo' },
  concurrency: 1,
  budget: { runs_per_day: 5 },
  on_done: { move_to: 'Done' },
  prompt: 'Be brief.',
};

async function runOf(url: string, agentId: string, taskId: string, state = 'done') {
  return until(async () => {
    const runs = (await call(url, 'listRuns', { agentId, taskId })).json.value as { state: string }[];
    return runs.find((r) => r.state === state);
  }, `a ${state} run of ${agentId} on task ${taskId}`);
}

function mcpInitialize(url: string, token: string): Promise<Response> {
  return fetch(new URL('/mcp', url), {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json, text/event-stream',
      authorization: `Bearer ${token}`,
    },
    body: JSON.stringify({
      jsonrpc: '2.0',
      id: 1,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
    }),
  });
}

describe('agents managed from the UI', () => {
  it('adds, edits, duplicates and removes an agent, live and across a restart', async () => {
    const first = await boot();
    const url = first.url;
    const added = await call(url, 'saveAgent', { create: true, agent: helper });
    expect(added.json.value.agent).toMatchObject({ id: 'helper', source: 'app', config: helper });
    expect(added.json.value.mcpToken).toBeUndefined();

    // Live: no restart, the new agent picks up a card with its label and moves it to its on-done column.
    const task = (
      await call(url, 'createTask', {
        boardId: 'local',
        fields: { title: 'Mine', description: 'Write a short note.', labels: ['helper'] },
      })
    ).json.value;
    await runOf(url, 'helper', task.id);
    expect(first.core.localBoards.getTask('local', task.id)!.status).toBe('Done');

    // Edit the routes: a card with the new label is picked up, one with the old label is not.
    const edited = await call(url, 'saveAgent', { agent: { ...helper, routes: { labels: ['other'] } } });
    expect(edited.json.value.agent.config.routes).toEqual({ labels: ['other'] });
    const other = (
      await call(url, 'createTask', {
        boardId: 'local',
        fields: { title: 'Other', description: 'Write a short note.', labels: ['other'] },
      })
    ).json.value;
    const old = (
      await call(url, 'createTask', {
        boardId: 'local',
        fields: { title: 'Old', description: 'Write a short note.', labels: ['helper'] },
      })
    ).json.value;
    await runOf(url, 'helper', other.id);
    expect((await call(url, 'listRuns', { agentId: 'helper', taskId: old.id })).json.value).toEqual([]);

    // Duplicate: the copy's fields under a new id (the editor fills the form from the original).
    const copy = await call(url, 'saveAgent', {
      create: true,
      agent: { ...helper, id: 'helper-copy', routes: { labels: ['copy'] } },
    });
    expect(copy.json.ok).toBe(true);
    const again = await call(url, 'saveAgent', { create: true, agent: { ...helper, routes: { labels: ['x'] } } });
    expect(again.json.error.problems).toEqual([
      { path: 'id', message: 'an agent "helper" already exists; pick another id' },
    ]);

    await stop();
    const second = await boot(first.dataDir);
    const views = (await call(second.url, 'listAgentConfigs')).json.value as {
      id: string;
      source: string;
      config: { routes?: unknown };
    }[];
    expect(views.map((v) => [v.id, v.source])).toEqual([
      ['demo', 'setup'],
      ['helper', 'app'],
      ['helper-copy', 'app'],
    ]);
    expect(views.find((v) => v.id === 'helper')!.config.routes).toEqual({ labels: ['other'] });

    expect((await call(second.url, 'removeAgent', { agentId: 'helper-copy' })).json.value).toEqual({ removed: true });
    expect(second.core.agents.hasAgent('helper-copy')).toBe(false);
    const log = (await call(second.url, 'listLog', { filter: { action: 'agent.' } })).json.value.entries as {
      action: string;
      actor: string;
    }[];
    expect(log.filter((e) => /^agent\.(added|updated|removed)$/.test(e.action)).map((e) => e.action)).toEqual([
      'agent.added',
      'agent.updated',
      'agent.added',
      'agent.removed',
    ]);
    await stop();
    const third = await boot(first.dataDir);
    expect(third.core.agents.agentConfigs().map((a) => a.id)).toEqual(['demo', 'helper']);
  });

  it('refuses a bad agent with the config schema, naming each bad field', async () => {
    const { url, core } = await boot();
    const problems = async (agent: Record<string, unknown>) => {
      const res = await call(url, 'saveAgent', { create: true, agent });
      expect(res.json.ok, JSON.stringify(res.json)).toBe(false);
      expect(res.json.error.code).toBe('invalid_input');
      return res.json.error.problems as { path: string; message: string }[];
    };
    expect(await problems({ ...helper, routes: {} })).toEqual([
      {
        path: 'routes',
        message: 'a pickup agent needs routes.labels or routes.columns to know which tasks are its own',
      },
    ]);
    expect(await problems({ ...helper, concurrency: 0 })).toEqual([
      { path: 'concurrency', message: 'must be a whole number between 1 and 64' },
    ]);
    expect(await problems({ ...helper, board: 'nope' })).toEqual([
      { path: 'board', message: 'unknown board "nope"; boards are: local' },
    ]);
    expect((await problems({ ...helper, provider: { type: 'openai', model: 'm' } })).map((p) => p.path)).toEqual([
      'provider.base_url',
    ]);
    expect((await problems({ ...helper, budget: { runs_per_day: -1 } })).map((p) => p.path)).toEqual([
      'budget.runs_per_day',
    ]);
    expect((await problems({ ...helper, workflow: 'ask' })).map((p) => p.path)).toEqual(['workflow']);
    expect((await problems({ ...helper, id: 'Bad Id' })).map((p) => p.path)).toEqual(['id']);
    const command = await problems({ ...helper, provider: { type: 'command', command: ['./x.sh'] } });
    expect(command).toEqual([{ path: 'provider.type', message: expect.stringContaining('config.yaml') }]);
    expect(core.agents.agentConfigs().map((a) => a.id)).toEqual(['demo']);
  });

  it('shows an agent the config file declares, and refuses to edit or remove it', async () => {
    const dir = tempDir();
    const configPath = join(dir, 'config.yaml');
    writeFileSync(
      configPath,
      [
        'schema_version: 1',
        'boards: [{ id: home, type: local }]',
        'agents:',
        '  - { id: declared, board: home, workflow: pickup, routes: { labels: [x] }, provider: { type: demo } }',
      ].join('\n'),
    );
    const { url } = await boot(tempDir(), { configPath });
    const views = (await call(url, 'listAgentConfigs')).json.value;
    expect(views).toEqual([
      expect.objectContaining({ id: 'declared', source: 'config', config: expect.objectContaining({ board: 'home' }) }),
    ]);
    const edit = await call(url, 'saveAgent', { agent: { ...helper, id: 'declared', board: 'home' } });
    expect(edit.json.error).toMatchObject({
      code: 'invalid_input',
      problems: [{ path: 'id', message: expect.stringContaining('config.yaml') }],
    });
    const remove = await call(url, 'removeAgent', { agentId: 'declared' });
    expect(remove.json.error.message).toContain('declared in config.yaml');
    // An app agent next to it is fine, on the config's board.
    expect((await call(url, 'saveAgent', { create: true, agent: { ...helper, board: 'home' } })).json.ok).toBe(true);
  });

  it("makes an MCP agent's token, returns it once, keeps it out of SQLite, and rotates it", async () => {
    const { url, core, dataDir } = await boot();
    const mcp = { id: 'coder', board: 'local', routes: { labels: ['needs-ai'] }, provider: { type: 'mcp' } };
    const made = await call(url, 'saveAgent', { create: true, agent: mcp });
    const once = made.json.value.mcpToken as { token: string; storedIn: { keychain: string } };
    expect(once.token).toMatch(/^[0-9a-f]{64}$/);
    expect(once.storedIn).toEqual({ keychain: mcpTokenNameFor('coder') });
    const keychain = new KeychainSecretStore();
    expect(await keychain.get(mcpTokenNameFor('coder'))).toBe(once.token);
    expect((await mcpInitialize(url, once.token)).status).toBe(200);

    // Never again: not from an edit, a list, the state, the agents, the log; not in the data dir.
    const edited = await call(url, 'saveAgent', { agent: { ...mcp, budget: { runs_per_day: 3 } } });
    expect(edited.json.value.mcpToken).toBeUndefined();
    const bodies = [JSON.stringify(edited.json)];
    for (const method of ['listAgentConfigs', 'getState', 'listAgents', 'listLog']) {
      bodies.push(JSON.stringify((await call(url, method)).json));
    }
    expect(bodies.join('\n')).not.toContain(once.token);
    expect(bodies.join('\n')).toContain(mcpTokenNameFor('coder'));
    expect(core.agents.summaries().find((a) => a.id === 'coder')?.mcp).toMatchObject({ calls: 0 });

    const rotated = (await call(url, 'rotateMcpToken', { agentId: 'coder' })).json.value.mcpToken as { token: string };
    expect(rotated.token).not.toBe(once.token);
    expect((await mcpInitialize(url, once.token)).status).toBe(401);
    expect((await mcpInitialize(url, rotated.token)).status).toBe(200);

    await stop();
    for (const token of [once.token, rotated.token]) expect(allBytes(dataDir).includes(Buffer.from(token))).toBe(false);
    const again = await boot(dataDir);
    expect((await mcpInitialize(again.url, rotated.token)).status).toBe(200);
    expect((await call(again.url, 'removeAgent', { agentId: 'coder' })).json.value).toEqual({ removed: true });
    expect(await keychain.get(mcpTokenNameFor('coder'))).toBeUndefined();
    expect((await mcpInitialize(again.url, rotated.token)).status).toBe(401);
  });

  it('without a keychain, names the environment variable to set for the token', async () => {
    const noKeychain: SecretStore = {
      backend: 'keychain',
      get: () => Promise.reject(new KeychainUnavailableError('no D-Bus session in this test')),
      set: () => Promise.reject(new KeychainUnavailableError('no D-Bus session in this test')),
      delete: () => Promise.reject(new KeychainUnavailableError('no D-Bus session in this test')),
      list: () => Promise.reject(new KeychainUnavailableError('no D-Bus session in this test')),
    };
    const env: NodeJS.ProcessEnv = {};
    const { url, dataDir } = await boot(tempDir(), { secrets: { keychain: noKeychain, env: new EnvSecretStore(env) } });
    const mcp = { id: 'server-coder', board: 'local', routes: { labels: ['needs-ai'] }, provider: { type: 'mcp' } };
    const made = (await call(url, 'saveAgent', { create: true, agent: mcp })).json.value;
    expect(made.mcpToken.storedIn).toEqual({ env: 'DECKHAND_MCP_SERVER_CODER' });
    expect(made.agent.config.provider).toEqual({ type: 'mcp', token: { env: 'DECKHAND_MCP_SERVER_CODER' } });
    expect((await mcpInitialize(url, made.mcpToken.token)).status).toBe(401);
    // Once the person sets the variable in the service's environment and restarts it, the token works.
    await stop();
    env.DECKHAND_MCP_SERVER_CODER = made.mcpToken.token;
    const again = await boot(dataDir, { secrets: { keychain: noKeychain, env: new EnvSecretStore(env) } });
    expect((await mcpInitialize(again.url, made.mcpToken.token)).status).toBe(200);
  });
});
