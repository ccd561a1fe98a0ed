import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { callNames } from '../../../src/shared/contract';
import { KeychainSecretStore } from '../../../src/main/core/secrets/keychain-store';
import { call, runCli, startServe } from '../../helpers/cli';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();

/** Every file under dir, recursively, as raw bytes (the SQLite file, its WAL and SHM included). */
function allBytes(dir: string): Buffer {
  const parts: Buffer[] = [];
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    parts.push(statSync(full).isDirectory() ? allBytes(full) : readFileSync(full));
  }
  return Buffer.concat(parts);
}

/** A valid, harmless input for each call, so the test covers the whole contract as it grows. */
const SAMPLE_INPUTS: Record<string, unknown> = {
  updateSettings: { notifications: true },
  setSecret: { name: 'leak-probe-2', value: 'another-value-1234' },
  deleteSecret: { name: 'leak-probe-2' },
  pauseAll: { reason: 'leak test' },
  getOwnership: { boardId: 'local' },
  setOwnership: { boardId: 'local', rules: { status: { owner: 'shared', policy: 'ask' } } },
  resolveConflict: { id: 1, take: 'human' },
  retryOutbox: { id: 1 },
  pauseBoard: { boardId: 'local', reason: 'leak test' },
  resumeBoard: { boardId: 'local' },
  listTasks: { boardId: 'local' },
  createTask: { boardId: 'local', fields: { title: 'leak test task' } },
  updateTask: { boardId: 'local', taskId: '1', patch: { description: 'edited in the leak test' } },
  moveTask: { boardId: 'local', taskId: '1', status: 'Done' },
  deleteTask: { boardId: 'local', taskId: '2' },
  listComments: { boardId: 'local', taskId: '1' },
  addComment: { boardId: 'local', taskId: '1', body: 'a comment' },
  testBoardConnection: { type: 'local', settings: {} },
  saveBoard: { id: 'leak-board', type: 'local', settings: {} },
  removeBoard: { id: 'leak-board' },
  // agent runtime (issue 5): the embedded default's demo agent
  pauseAgent: { agentId: 'demo', reason: 'leak test' },
  resumeAgent: { agentId: 'demo' },
  getRun: { id: 999_999 },
  retryRun: { id: 999_999 },
  dismissRun: { id: 999_999 },
  // onboarding (issue 6): harmless choices for the default agent
  setDefaultAgentBoard: { boardId: 'local' },
  setDefaultAgentModel: { type: 'demo' },
  testAgentModel: { type: 'demo' },
  createFirstTask: { boardId: 'local' },
  completeOnboarding: { outcome: 'completed' },
  // agents managed in the UI (issue 15): an MCP agent is made, its token rotated, and it is removed
  saveAgent: {
    create: true,
    agent: { id: 'leak-mcp', board: 'local', routes: { labels: ['leak'] }, provider: { type: 'mcp' } },
  },
  rotateMcpToken: { agentId: 'leak-mcp' },
  removeAgent: { agentId: 'leak-mcp' },
  // the inbox (issue 15)
  answerQuestion: { runId: 999_999, answer: 'an answer' },
  describeTasks: { tasks: [{ boardId: 'local', taskId: '1' }] },
};

/** Calls that cannot succeed on a fresh data dir; they must still fail cleanly. */
const EXPECTED_ERRORS: Record<string, string> = {
  resolveConflict: 'not_found',
  retryOutbox: 'not_found',
  getRun: 'not_found',
  retryRun: 'not_found',
  dismissRun: 'not_found',
  answerQuestion: 'not_found',
};

describe('a stored secret never leaks', () => {
  it('is in the keychain but not in the data dir, the logs, any API response or any event', async () => {
    const data = tempDir();
    const viaApi = `api-secret-${randomUUID()}`;
    const viaCli = `cli-secret-${randomUUID()}`;
    const serve = await startServe(['--data', data], { DECKHAND_LOG_LEVEL: 'debug' });

    const events: string[] = [];
    const ws = new WebSocket(serve.url.replace('http', 'ws') + '/api/events');
    ws.on('message', (d) => events.push(String(d)));
    await new Promise((resolve) => ws.once('open', resolve));

    const responses: string[] = [];
    const set = await call(serve.url, 'setSecret', { name: 'leak-probe', value: viaApi });
    expect(set.json).toEqual({ ok: true, value: { name: 'leak-probe' } });
    responses.push(JSON.stringify(set.json));
    expect((await runCli(['secrets', 'set', 'leak-probe-cli'], { input: viaCli })).code).toBe(0);

    for (const name of callNames) {
      const res = await call(serve.url, name, SAMPLE_INPUTS[name] ?? {});
      if (EXPECTED_ERRORS[name]) expect(res.json.error?.code, name).toBe(EXPECTED_ERRORS[name]);
      else expect(res.json.ok, `${name}: ${JSON.stringify(res.json)}`).toBe(true);
      responses.push(JSON.stringify(res.json));
    }
    // A bad call echoes problems, never the value it was given.
    responses.push(JSON.stringify((await call(serve.url, 'setSecret', { name: 'bad name', value: viaApi })).json));
    responses.push(await (await fetch(`${serve.url}/api/health`)).text());
    expect(responses.join('\n')).toContain('leak-probe');

    ws.close();
    expect(await serve.stop()).toBe(0);
    const { stdout, stderr } = serve.output();

    const keychain = new KeychainSecretStore();
    expect(await keychain.get('leak-probe')).toBe(viaApi);
    expect(await keychain.get('leak-probe-cli')).toBe(viaCli);

    for (const secret of [viaApi, viaCli]) {
      expect(allBytes(data).includes(Buffer.from(secret)), 'data dir').toBe(false);
      expect(stdout + stderr, 'server output').not.toContain(secret);
      expect(responses.join('\n'), 'API responses').not.toContain(secret);
      expect(events.join('\n'), 'events').not.toContain(secret);
    }
    expect(stderr).toMatch(/\[api\] call setSecret/); // debug logging was on, so there was output to search
    await keychain.delete('leak-probe');
    await keychain.delete('leak-probe-cli');
  });
});
