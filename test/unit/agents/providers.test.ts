import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { embeddedAgents, findLocalLlm } from '../../../src/main/core/agents/embedded';
import { CommandProvider } from '../../../src/main/core/agents/providers/command';
import { DEMO_BANNER, DemoProvider } from '../../../src/main/core/agents/providers/demo';
import { ProviderError } from '../../../src/main/core/agents/providers/errors';
import { createProvider } from '../../../src/main/core/agents/providers';
import { LlmProvider } from '../../../src/main/core/agents/providers/llm';
import type { AgentInput } from '../../../src/main/core/agents/types';
import { EnvSecretStore } from '../../../src/main/core/secrets/env-store';
import { startFakeLlm, type FakeLlm } from '../../fakes/llm/server';
import { useTempDirs } from '../../helpers/tmp';

const tempDir = useTempDirs();
let llm: FakeLlm | undefined;
afterEach(async () => {
  await llm?.close();
  llm = undefined;
});

const input: AgentInput = {
  protocol: 1,
  agent: { id: 'a', role: 'researcher', workflow: 'pickup' },
  run: { id: 7, round: 0 },
  instructions: 'Do the task.',
  task: {
    id: 't1',
    title: 'Measure the thing',
    description: 'Please',
    status: 'To do',
    labels: ['needs-ai'],
    assignee: null,
    priority: 0,
    agentNotes: '',
    parentId: null,
    dueDate: null,
  },
  comments: [{ author: 'alice', body: 'soon please', createdAt: '2026-01-01T00:00:00Z' }],
  question: null,
  answer: null,
  digest: null,
};
const call = () => ({ input, signal: new AbortController().signal });

/** Running (a zombie waiting for a reaper that containers may lack counts as gone). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  const stat = `/proc/${pid}/stat`;
  return !(existsSync(stat) && readFileSync(stat, 'utf8').split(') ')[1]?.startsWith('Z'));
}

function script(dir: string, body: string): string[] {
  const file = join(dir, 'agent.mjs');
  writeFileSync(file, body);
  return [process.execPath, file];
}

describe('command provider', () => {
  it('passes the task as JSON on stdin and takes plain text as notes', async () => {
    const command = script(
      tempDir(),
      `let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () => {
        const i = JSON.parse(s);
        process.stdout.write(i.task.title + ' / ' + i.comments[0].body + ' / ' + process.env.MY_SETTING + ' / ' + (process.env.OTHER_SECRET ?? 'no secret'));
      });`,
    );
    const provider = new CommandProvider({
      command,
      env: { ...process.env, MY_SETTING: 'on', OTHER_SECRET: undefined },
    });
    const result = await provider.run(call());
    expect(result.output).toEqual({ notes: 'Measure the thing / soon please / on / no secret' });
    expect(result.usage).toEqual({ inputTokens: 0, outputTokens: 0, cost: null });
  });

  it('reads protocol JSON with optional usage', async () => {
    const command = script(
      tempDir(),
      `process.stdout.write(JSON.stringify({ notes: 'n', question: 'q?', usage: { input_tokens: 12, output_tokens: 3, cost_usd: 0.01 } }));`,
    );
    const result = await new CommandProvider({ command, env: process.env }).run(call());
    expect(result.output).toEqual({ notes: 'n', question: 'q?' });
    expect(result.usage).toEqual({ inputTokens: 12, outputTokens: 3, cost: 0.01 });
  });

  it('a non-zero exit is a retryable failure with the end of stderr', async () => {
    const command = script(tempDir(), `process.stderr.write('line 1\\nboom'); process.exit(2);`);
    const err = await new CommandProvider({ command, env: process.env }).run(call()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ProviderError);
    expect(err).toMatchObject({ kind: 'exit', retryable: true });
    expect((err as Error).message).toMatch(/exited with code 2: line 1 \| boom/);
  });

  it('a timeout kills the program and everything it started', async () => {
    const dir = tempDir();
    const pidFile = join(dir, 'child.pid');
    const command = script(
      dir,
      `import { spawn } from 'node:child_process'; import { existsSync, readFileSync, writeFileSync } from 'node:fs';
       const c = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)'], { stdio: 'ignore' });
       writeFileSync(${JSON.stringify(pidFile)}, String(c.pid));
       setTimeout(() => {}, 60000);`,
    );
    const started = Date.now();
    const err = await new CommandProvider({ command, env: process.env, timeoutMs: 400, killGraceMs: 200 })
      .run(call())
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'timeout', retryable: true });
    expect(Date.now() - started).toBeLessThan(5000);
    const child = Number(readFileSync(pidFile, 'utf8'));
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(child)).toBe(false);
  });

  it('a program that does not exist is a config error', async () => {
    const err = await new CommandProvider({ command: ['/nonexistent/agent'], env: process.env })
      .run(call())
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'config', retryable: false });
  });

  it('gets only the secrets its own env maps, not the others the config uses', async () => {
    const command = script(
      tempDir(),
      `process.stdout.write(String(process.env.KB_TOKEN) + ' ' + process.env.API_KEY);`,
    );
    const provider = await createProvider(
      { type: 'command', command, env: { API_KEY: { env: 'MY_AGENT_KEY' } } },
      {
        secrets: { keychain: new EnvSecretStore({}), env: new EnvSecretStore({ MY_AGENT_KEY: 'k-123456' }) },
        secretEnvNames: ['KB_TOKEN', 'MY_AGENT_KEY'],
        baseEnv: { PATH: process.env.PATH, KB_TOKEN: 'board-secret' },
      },
    );
    expect((await provider.run(call())).output.notes).toBe('undefined k-123456');
  });
});

describe('LLM provider (OpenAI-compatible, against the scripted server)', () => {
  for (const stream of [false, true]) {
    it(`asks for structured output and reads it (${stream ? 'SSE' : 'JSON'})`, async () => {
      llm = await startFakeLlm();
      llm.enqueue({
        content: {
          notes: 'Plan ready',
          question: null,
          subtasks: [{ title: 'S1', estimate: '1h', description: null }],
        },
        usage: { prompt_tokens: 100, completion_tokens: 20 },
      });
      const provider = new LlmProvider({ kind: 'openai', model: 'm', baseUrl: llm.url, stream, apiKey: 'sk-1' });
      const result = await provider.run(call());
      expect(result.output).toEqual({ notes: 'Plan ready', subtasks: [{ title: 'S1', estimate: '1h' }] });
      expect(result.usage).toEqual({ inputTokens: 100, outputTokens: 20, cost: null });
      const req = llm.requests[0]!;
      expect(req.stream).toBe(stream);
      if (stream) expect(req.includeUsage).toBe(true);
      expect(req.responseFormat).toMatchObject({ type: 'json_schema', json_schema: { strict: true } });
      expect(req.messages.map((m) => m.role)).toEqual(['system', 'user']);
      expect(req.text).toContain('Measure the thing');
      expect(req.text).toContain('alice');
    });
  }

  it('prices a call from the usage the server reports, when a price is configured', async () => {
    llm = await startFakeLlm();
    llm.enqueue({
      content: { notes: 'n', question: null, subtasks: null },
      usage: { prompt_tokens: 2_000, completion_tokens: 100 },
    });
    const price = { input: 0.5, output: 1.5 };
    const provider = new LlmProvider({ kind: 'openai', model: 'm', baseUrl: llm.url, price });
    // 2,000 × $0.50 + 100 × $1.50 per million tokens.
    expect((await provider.run(call())).usage).toEqual({ inputTokens: 2_000, outputTokens: 100, cost: 0.00115 });
  });

  it('falls back to plain text: a model ignoring the schema, and a server refusing response_format', async () => {
    llm = await startFakeLlm();
    llm.enqueue({ content: 'Plain words.' });
    const provider = new LlmProvider({ kind: 'openai', model: 'm', baseUrl: llm.url });
    expect((await provider.run(call())).output).toEqual({ notes: 'Plain words.' });
    llm.enqueue({ status: 400, errorMessage: "'response_format' is not supported" }, { content: 'Second try.' });
    expect((await provider.run(call())).output).toEqual({ notes: 'Second try.' });
    expect(llm.requests[2]!.responseFormat).toBeUndefined();
  });

  it('maps 429 (with Retry-After), 5xx, timeouts and a dead server onto retryable errors', async () => {
    llm = await startFakeLlm();
    const provider = new LlmProvider({ kind: 'openai', model: 'm', baseUrl: llm.url, timeoutMs: 300 });
    llm.enqueue({ status: 429, retryAfter: '7' });
    await expect(provider.run(call())).rejects.toMatchObject({
      kind: 'rate_limited',
      retryable: true,
      retryAfterMs: 7000,
    });
    llm.enqueue({ status: 503 });
    await expect(provider.run(call())).rejects.toMatchObject({ kind: 'provider', retryable: true });
    llm.enqueue({ delayMs: 1000 });
    await expect(provider.run(call())).rejects.toMatchObject({ kind: 'timeout', retryable: true });
    const url = llm.url;
    await llm.close();
    llm = undefined;
    const dead = new LlmProvider({ kind: 'openai', model: 'm', baseUrl: url });
    await expect(dead.run(call())).rejects.toMatchObject({ kind: 'provider', retryable: true });
  });

  it('talks to Anthropic through its own SDK provider', async () => {
    // The Anthropic wire format differs; a stub checks the request and answers in it.
    let seen: { url: string; body: Record<string, unknown>; key: string | null } | undefined;
    const fetchStub: typeof fetch = async (url, init) => {
      seen = {
        url: String(url),
        body: JSON.parse(String(init?.body)) as Record<string, unknown>,
        key: new Headers(init?.headers).get('x-api-key'),
      };
      return new Response(
        JSON.stringify({
          id: 'msg_1',
          type: 'message',
          role: 'assistant',
          model: 'claude-test',
          content: [{ type: 'text', text: '{"notes": "from claude", "question": null, "subtasks": null}' }],
          stop_reason: 'end_turn',
          stop_sequence: null,
          usage: { input_tokens: 11, output_tokens: 5 },
        }),
        { status: 200, headers: { 'content-type': 'application/json' } },
      );
    };
    const provider = new LlmProvider({ kind: 'anthropic', model: 'claude-test', apiKey: 'sk-ant-1', fetch: fetchStub });
    const result = await provider.run(call());
    expect(result.output.notes).toBe('from claude');
    expect(result.usage).toMatchObject({ inputTokens: 11, outputTokens: 5 });
    expect(seen?.url).toMatch(/\/messages$/);
    expect(seen?.key).toBe('sk-ant-1');
    expect(seen?.body.model).toBe('claude-test');
  });
});

describe('demo provider', () => {
  it('is labelled as a demo in everything it writes', async () => {
    const demo = new DemoProvider(0);
    expect((await demo.run(call())).output.notes.startsWith(DEMO_BANNER)).toBe(true);
    const empty = { ...input, task: { ...input.task!, description: '' } };
    expect((await demo.run({ input: empty, signal: new AbortController().signal })).output.question).toMatch(
      /What should/,
    );
    const epic = { ...input, agent: { ...input.agent, workflow: 'breakdown' } };
    expect((await demo.run({ input: epic, signal: new AbortController().signal })).output.subtasks).toHaveLength(3);
  });
});

describe('embedded default', () => {
  it('offers a local OpenAI-compatible server when one answers, else the demo', async () => {
    llm = await startFakeLlm({ model: 'llama3.2:3b' });
    const dead = 'http://127.0.0.1:9/v1';
    const found = await findLocalLlm([
      { name: 'Ollama', baseUrl: dead },
      { name: 'LM Studio', baseUrl: llm.url },
    ]);
    expect(found).toEqual({ name: 'LM Studio', baseUrl: llm.url, model: 'llama3.2:3b' });
    expect(await findLocalLlm([{ name: 'Ollama', baseUrl: dead }])).toBeUndefined();
    const [demo] = await embeddedAgents({ probe: false });
    expect(demo).toMatchObject({ id: 'demo', board: 'local', workflow: 'pickup', provider: { type: 'demo' } });
    expect(demo!.routes.labels).toEqual(['needs-ai']);
  });
});
