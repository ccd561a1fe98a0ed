import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AgentNotification } from '../../../src/shared/model';
import type { FakeLlm } from '../../fakes/llm/server';
import { useTempDirs } from '../../helpers/tmp';
import { BOARD, startHarness, waitFor, type Harness, closeAfterEach, startLlm, openaiWriter } from './harness';

const tempDir = useTempDirs();
let harness: Harness | undefined;
let llm: FakeLlm | undefined;
closeAfterEach();

/** A command agent that fails its first `failures` runs (exit 3, a message on stderr), then prints notes. */
function flakyScript(dir: string, failures: number): string[] {
  const file = join(dir, 'flaky.mjs');
  const counter = join(dir, 'count.txt');
  writeFileSync(
    file,
    `import { existsSync, readFileSync, writeFileSync } from 'node:fs';
const n = existsSync(${JSON.stringify(counter)}) ? Number(readFileSync(${JSON.stringify(counter)}, 'utf8')) : 0;
writeFileSync(${JSON.stringify(counter)}, String(n + 1));
if (n < ${failures}) { process.stderr.write('model server unreachable'); process.exit(3); }
process.stdout.write('worked on attempt ' + (n + 1));`,
  );
  return [process.execPath, file];
}

const commandAgent = (command: string[], extra: Record<string, unknown> = {}) => ({
  id: 'worker',
  board: BOARD,
  workflow: 'pickup' as const,
  routes: { labels: ['needs-ai'] },
  provider: { type: 'command', command, ...extra },
});

describe('failures and retries', () => {
  it('a non-zero exit is a failed attempt, retried per policy, then the run succeeds', async () => {
    const dir = tempDir();
    harness = await startHarness({ dir, agents: [commandAgent(flakyScript(dir, 2))] });
    const task = harness.create({ title: 'Flaky', labels: ['needs-ai'] });
    const run = await harness.runIn({ taskId: task.id }, ['done', 'failed']);
    expect(run).toMatchObject({ state: 'done', attempt: 2 });
    expect(harness.task(task.id).agentNotes).toContain('worked on attempt 3');
    const retries = [...harness.core.logEntries({ action: 'agent.run.retry' })];
    expect(retries).toHaveLength(2);
    expect(retries[0]!.reason).toMatch(/exited with code 3: model server unreachable/);
  });

  it('gives up after the last attempt: the run fails, the claim is released, the task goes back; retryRun tries again', async () => {
    const dir = tempDir();
    harness = await startHarness({ dir, agents: [commandAgent(flakyScript(dir, 3))] });
    const task = harness.create({ title: 'Broken', status: 'To do', labels: ['needs-ai'] });
    const run = await harness.runIn({ taskId: task.id }, ['failed']);
    expect(run.error).toMatch(/exited with code 3/);
    await waitFor(() => harness!.task(task.id).status === 'To do' && harness!.task(task.id).labels.length === 1);
    expect(harness.task(task.id).labels).toEqual(['needs-ai']);
    const notice = harness.events.find((e) => e.type === 'agent.notification')?.payload as AgentNotification;
    expect(notice).toMatchObject({ kind: 'run-failed', runId: run.id });
    expect(harness.core.agents.summaries()[0]!.lastError).toMatch(/exited with code 3/);

    const retried = await harness.call('retryRun', { id: run.id });
    expect(retried.value).toMatchObject({ id: run.id, state: 'queued', attempt: 0 });
    const done = await harness.runIn({ runId: run.id }, ['done']);
    expect(done.state).toBe('done');
    expect(harness.task(task.id).agentNotes).toContain('worked on attempt 4');
    const again = await harness.call('retryRun', { id: run.id });
    expect(again).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it('a command that runs past its timeout is killed and the attempt fails', async () => {
    const dir = tempDir();
    const file = join(dir, 'slow.mjs');
    writeFileSync(file, 'setTimeout(() => process.stdout.write("too late"), 10_000);');
    harness = await startHarness({
      dir,
      settings: { maxAttempts: 1 },
      agents: [commandAgent([process.execPath, file], { timeout: '300ms' })],
    });
    const task = harness.create({ title: 'Slow', labels: ['needs-ai'] });
    const run = await harness.runIn({ taskId: task.id }, ['failed']);
    expect(run.error).toMatch(/timed out after 300 ms/);
  });

  it('429 with Retry-After from the model server: retried after the delay it asked for', async () => {
    llm = await startLlm();
    llm.enqueue({ status: 429, retryAfter: '1', errorMessage: 'Rate limit reached' });
    harness = await startHarness({
      dir: tempDir(),
      agents: [openaiWriter(llm)],
    });
    const times: number[] = [];
    llm.setHandler((req) => {
      times.push(Date.now());
      return { content: req.schema ? { notes: 'after the limit', question: null, subtasks: null } : 'x' };
    });
    const task = harness.create({ title: 'Limited', labels: ['needs-ai'] });
    const run = await harness.runIn({ taskId: task.id }, ['done', 'failed']);
    expect(run).toMatchObject({ state: 'done', attempt: 1 });
    expect(llm.requests).toHaveLength(2);
    const retry = [...harness.core.logEntries({ action: 'agent.run.retry' })][0]!;
    expect(retry.reason).toMatch(/HTTP 429 Rate limit reached; retrying in 1s/);
    const firstAt = Date.parse(retry.at);
    expect(times[0]! - firstAt).toBeGreaterThanOrEqual(900);
  });

  for (const cause of ['a missing key', 'HTTP 401'] as const) {
    it(`a provider error that retrying cannot fix (${cause}) fails at once`, async () => {
      llm = await startLlm();
      llm.setHandler(() => ({ status: 401, errorMessage: 'Invalid API key' }));
      const keyRef = cause === 'a missing key' ? { env: 'DECKHAND_TEST_NO_SUCH_KEY' } : { keychain: 'stale-key' };
      harness = await startHarness({
        dir: tempDir(),
        keychain: { 'stale-key': 'sk-revoked-0000' },
        agents: [openaiWriter(llm, { provider: { api_key: keyRef } })],
      });
      const task = harness.create({ title: 'No key', labels: ['needs-ai'] });
      const run = await harness.runIn({ taskId: task.id }, ['failed']);
      expect(run.attempt).toBe(1);
      if (cause === 'a missing key') {
        expect(run.error).toMatch(/environment variable DECKHAND_TEST_NO_SUCH_KEY is not set/);
        expect(llm.requests).toHaveLength(0);
      } else {
        expect(run.error).toMatch(/HTTP 401 Invalid API key \(check the API key\)/);
        expect(run.error).not.toContain('sk-revoked-0000');
        expect(llm.requests).toHaveLength(1);
      }
    });
  }
});
