import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { apiKeyNameFor } from '../../../src/main/core/agents/embedded';
import { createCore, type Core } from '../../../src/main/core/app';
import { dispatch } from '../../../src/main/core/api/dispatch';
import { KeychainSecretStore } from '../../../src/main/core/secrets/keychain-store';
import type { DeckhandEvent } from '../../../src/shared/contract';
import type { OnboardingInfo } from '../../../src/shared/model';
import { startFakeLlm, type FakeLlm } from '../../fakes/llm/server';
import { useTempDirs } from '../../helpers/tmp';
import { waitFor } from './harness';

const tempDir = useTempDirs();
const keychain = new KeychainSecretStore();
let core: Core | undefined;
let llm: FakeLlm | undefined;
afterEach(async () => {
  await core?.close();
  await llm?.close();
  core = undefined;
  llm = undefined;
  await keychain.delete(apiKeyNameFor('demo')).catch(() => false);
});

/** The embedded default (no config file) on a real SQLite file and the real OS keychain. */
async function start(dataDir: string, servers: { name: string; baseUrl: string }[] = []): Promise<Core> {
  return createCore({
    dataDir,
    runner: { pollIntervalMs: 2_000, minPollMs: 1_500, coalesceMs: 5 },
    agents: { probeLocalLlm: servers.length > 0, localLlmServers: servers, demoDelayMs: 10 },
  });
}

// Tests assert on arbitrary response shapes; `any` keeps those assertions readable.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function call(c: Core, name: string, input: unknown = {}): Promise<{ ok: boolean; value?: any; error?: any }> {
  const result = await dispatch(c.handlers, name, input, { transport: 'http' });
  return result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error };
}

async function onboarding(c: Core): Promise<OnboardingInfo> {
  const res = await call(c, 'getOnboarding');
  expect(res.ok).toBe(true);
  return res.value as OnboardingInfo;
}

function allBytes(dir: string): Buffer {
  return Buffer.concat(
    readdirSync(dir, { withFileTypes: true }).map((e) =>
      e.isDirectory() ? allBytes(join(dir, e.name)) : readFileSync(join(dir, e.name)),
    ),
  );
}

describe('onboarding on first start', () => {
  it('shows on the embedded default until completed, offers a local model that answers, and stays done', async () => {
    llm = await startFakeLlm({ model: 'llama-test' });
    const dir = tempDir();
    core = await start(dir, [
      { name: 'Nothing here', baseUrl: 'http://127.0.0.1:9/v1' },
      { name: 'Fake Ollama', baseUrl: llm.url },
    ]);
    const first = await onboarding(core);
    expect(first).toMatchObject({
      show: true,
      status: 'pending',
      embedded: true,
      agent: { id: 'demo', boardId: 'local', model: { type: 'demo', keySet: false } },
      localModels: [{ name: 'Fake Ollama', baseUrl: llm.url, model: 'llama-test' }],
      boards: [{ id: 'local', type: 'local' }],
    });
    const done = await call(core, 'completeOnboarding', {});
    expect(done.value).toMatchObject({ show: false, status: 'completed' });
    await core.close();
    core = await start(dir);
    expect(await onboarding(core)).toMatchObject({ show: false, status: 'completed', localModels: [] });
    expect((await call(core, 'restartOnboarding')).value).toMatchObject({ show: true, status: 'pending' });
    expect((await call(core, 'completeOnboarding', { outcome: 'skipped' })).value).toMatchObject({
      show: false,
      status: 'skipped',
    });
  });

  it('switches the default agent to an OpenAI-compatible model at once, keeps the key in the keychain only, and after a restart', async () => {
    llm = await startFakeLlm({ model: 'llama-test' });
    const dir = tempDir();
    const apiKey = `sk-onboarding-${randomUUID()}`;
    core = await start(dir);
    const events: DeckhandEvent[] = [];
    core.events.subscribe((e) => events.push(e));

    const tested = await call(core, 'testAgentModel', {
      type: 'openai',
      baseUrl: llm.url,
      model: 'llama-test',
      apiKey,
    });
    expect(tested.value).toMatchObject({ ok: true });
    expect(tested.value.message).toMatch(/llama-test at .* answered: "Fake model notes/);

    const set = await call(core, 'setDefaultAgentModel', {
      type: 'openai',
      baseUrl: llm.url,
      model: 'llama-test',
      apiKey,
    });
    expect(set.ok).toBe(true);
    expect(set.value.agent).toEqual({
      id: 'demo',
      boardId: 'local',
      model: {
        type: 'openai',
        label: `openai llama-test at ${llm.url}`,
        baseUrl: llm.url,
        model: 'llama-test',
        keySet: true,
      },
    });
    expect(await keychain.get(apiKeyNameFor('demo'))).toBe(apiKey);
    expect(core.getState().agents).toEqual([
      expect.objectContaining({ id: 'demo', provider: `openai llama-test at ${llm.url}` }),
    ]);

    // The next task the agent picks up goes to the model, with the key.
    const task = core.localBoards.createTask(
      'local',
      { title: 'Try the new model', description: 'Say hello.', status: 'To do', labels: ['needs-ai'] },
      'human:test',
    );
    await waitFor(() => core!.agents.listRuns({ taskId: task.id }).find((r) => r.state === 'done'), 15_000, 'run');
    expect(core.localBoards.getTask('local', task.id)!.agentNotes).toContain('Fake model notes for');
    const asked = llm.requests.find((r) => r.text.includes('Try the new model'))!;
    expect(asked.headers.authorization).toBe(`Bearer ${apiKey}`);

    // The key is in no response, event or log entry, nor in the data dir.
    expect(
      JSON.stringify([tested, set, await call(core, 'getOnboarding'), await call(core, 'listLog', {})]),
    ).not.toContain(apiKey);
    expect(JSON.stringify(events)).not.toContain(apiKey);
    expect(JSON.stringify([...core.logEntries({})])).not.toContain(apiKey);
    const changed = [...core.logEntries({ action: 'agent.reconfigured' })];
    expect(changed).toHaveLength(1);
    await core.close();
    expect(allBytes(dir).includes(Buffer.from(apiKey))).toBe(false);

    // After a restart the choice applies again, with the same agent id and no probing.
    core = await start(dir);
    expect(core.getState().agents).toEqual([
      expect.objectContaining({ id: 'demo', provider: `openai llama-test at ${llm.url}` }),
    ]);
    const again = core.localBoards.createTask(
      'local',
      { title: 'After the restart', description: 'Still the model?', status: 'To do', labels: ['needs-ai'] },
      'human:test',
    );
    await waitFor(() => core!.agents.listRuns({ taskId: again.id }).find((r) => r.state === 'done'), 15_000, 'run');
    expect(core.localBoards.getTask('local', again.id)!.agentNotes).toContain('Fake model notes for');

    // Back to the demo: at once.
    expect((await call(core, 'setDefaultAgentModel', { type: 'demo' })).value.agent.model).toEqual({
      type: 'demo',
      label: 'demo (offline, no AI)',
      keySet: false,
    });
  });

  it('validates at the boundary with field-named errors', async () => {
    core = await start(tempDir());
    const badUrl = await call(core, 'setDefaultAgentModel', { type: 'openai', baseUrl: 'localhost:11434', model: 'x' });
    expect(badUrl.error).toMatchObject({
      code: 'invalid_input',
      problems: [expect.objectContaining({ path: 'baseUrl' })],
    });
    expect(badUrl.error.message).toMatch(/baseUrl: must be an http:\/\/ or https:\/\/ URL/);
    const noModel = await call(core, 'setDefaultAgentModel', { type: 'openai', baseUrl: 'http://x/v1', model: ' ' });
    expect(noModel.error.problems).toEqual([expect.objectContaining({ path: 'model' })]);
    const anthropic = await call(core, 'setDefaultAgentModel', { type: 'anthropic', model: 'claude-test' });
    expect(anthropic.error).toMatchObject({ code: 'invalid_input' });
    expect(anthropic.error.message).toMatch(/^apiKey: required for Anthropic/);
    const board = await call(core, 'setDefaultAgentBoard', { boardId: 'nowhere' });
    expect(board.error.message).toMatch(/^boardId: no board "nowhere"; boards are: local/);
    // Nothing changed.
    expect((await onboarding(core)).agent).toMatchObject({ id: 'demo', boardId: 'local', model: { type: 'demo' } });
  });

  it('a model test reports a clear failure', async () => {
    llm = await startFakeLlm({
      model: 'llama-test',
      handler: () => ({ status: 401, errorMessage: 'Invalid API key' }),
    });
    core = await start(tempDir());
    const res = await call(core, 'testAgentModel', {
      type: 'openai',
      baseUrl: llm.url,
      model: 'llama-test',
      apiKey: 'wrong-key-123',
    });
    expect(res.value.ok).toBe(false);
    expect(res.value.message).toMatch(/HTTP 401/);
    expect(res.value.message).not.toContain('wrong-key-123');
    const down = await call(core, 'testAgentModel', { type: 'openai', baseUrl: 'http://127.0.0.1:9/v1', model: 'm' });
    expect(down.value.ok).toBe(false);
  });

  it('a model slower than the test says it did not answer within the wait, not that Deckhand is unreachable', async () => {
    llm = await startFakeLlm({ model: 'llama-test', handler: () => ({ delayMs: 1_500, content: 'OK' }) });
    core = await createCore({
      dataDir: tempDir(),
      agents: { probeLocalLlm: false, demoDelayMs: 10, modelTestTimeoutMs: 400 },
    });
    const res = await call(core, 'testAgentModel', { type: 'openai', baseUrl: llm.url, model: 'llama-test' });
    expect(res.value).toEqual({ ok: false, message: `llama-test at ${llm.url} did not answer within 0.4 s` });
  });

  it('moves the default agent to another board live, and keeps it there after a restart', async () => {
    const dir = tempDir();
    core = await start(dir);
    expect((await call(core, 'saveBoard', { id: 'scratch', type: 'local', settings: {} })).ok).toBe(true);
    const moved = await call(core, 'setDefaultAgentBoard', { boardId: 'scratch' });
    expect(moved.value.agent).toMatchObject({ id: 'demo', boardId: 'scratch' });
    const task = core.localBoards.createTask(
      'scratch',
      { title: 'On the new board', description: 'Pick me up.', status: 'To do', labels: ['needs-ai'] },
      'human:test',
    );
    await waitFor(() => core!.agents.listRuns({ taskId: task.id }).find((r) => r.state === 'done'), 15_000, 'run');
    expect(core.localBoards.getTask('scratch', task.id)!.status).toBe('Ready for Review');
    await core.close();
    core = await start(dir);
    expect((await onboarding(core)).agent).toMatchObject({ id: 'demo', boardId: 'scratch' });
    // A board removed later: the agent falls back to the local board.
    expect((await call(core, 'removeBoard', { id: 'scratch' })).ok).toBe(true);
    await core.close();
    core = await start(dir);
    expect((await onboarding(core)).agent).toMatchObject({ id: 'demo', boardId: 'local' });
  });

  it('with a config file there is no default agent to set up', async () => {
    const { writeConfig } = await import('./harness');
    const dir = tempDir();
    core = await createCore({
      dataDir: join(dir, 'data'),
      configPath: writeConfig(dir, []),
      agents: { probeLocalLlm: false },
    });
    expect(await onboarding(core)).toMatchObject({ show: false, embedded: false, agent: null, localModels: [] });
    const res = await call(core, 'setDefaultAgentModel', { type: 'demo' });
    expect(res.error).toMatchObject({ code: 'invalid_input' });
    expect(res.error.message).toMatch(/config file/);
  });
});

describe('re-running setup', () => {
  it('never moves the agent without asking, and makes the sample card only once', async () => {
    const dir = tempDir();
    core = await start(dir);
    expect((await call(core, 'saveBoard', { id: 'scratch', type: 'local', settings: {} })).ok).toBe(true);
    // First setup: the person keeps the local board and finishes.
    const first = await call(core, 'createFirstTask', { boardId: 'local' });
    expect(first.value).toMatchObject({ title: 'Say hello to Deckhand', labels: ['needs-ai'] });
    expect((await call(core, 'completeOnboarding', { outcome: 'completed' })).ok).toBe(true);

    // Setup again (#/welcome): choosing another board asks first and moves nothing.
    expect((await call(core, 'restartOnboarding')).ok).toBe(true);
    const asked = await call(core, 'setDefaultAgentBoard', { boardId: 'scratch' });
    expect(asked.error).toMatchObject({ code: 'invalid_input' });
    expect(asked.error.message).toMatch(/^move: agent demo works on board local; .*confirmation/);
    expect(core.agents.agentConfig('demo')!.board).toBe('local');
    // Said yes: it moves.
    const moved = await call(core, 'setDefaultAgentBoard', { boardId: 'scratch', move: true });
    expect(moved.value.agent).toMatchObject({ boardId: 'scratch' });

    // The sample card again on a re-run: the same card, not a second one, also after a restart.
    const again = await call(core, 'createFirstTask', { boardId: 'local' });
    expect(again.value.id).toBe(first.value.id);
    await core.close();
    core = await start(dir);
    expect((await call(core, 'createFirstTask', { boardId: 'local' })).value.id).toBe(first.value.id);
    const hello = core.localBoards.listTasks('local').filter((t) => t.title === 'Say hello to Deckhand');
    expect(hello).toHaveLength(1);
    // A remote board gets no card from Deckhand: the person labels one there.
    expect((await call(core, 'createFirstTask', { boardId: 'nowhere' })).error.message).toMatch(/^boardId:/);
  });
});
