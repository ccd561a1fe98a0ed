import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect } from 'vitest';
import { stringify } from 'yaml';
import type { AgentRuntimeOptions } from '../../../src/main/core/agents/runtime';
import { createCore, type Core } from '../../../src/main/core/app';
import { dispatch } from '../../../src/main/core/api/dispatch';
import { EnvSecretStore } from '../../../src/main/core/secrets/env-store';
import type { SecretStore } from '../../../src/main/core/secrets/secret-store';
import type { BoardAdapter } from '../../../src/main/core/boards/contract/adapter';
import type { DeckhandEvent } from '../../../src/shared/contract';
import type { AgentRun } from '../../../src/shared/model';
import type { Task, TaskFields } from '../../../src/shared/task';
import { startFakeLlm, type FakeLlm } from '../../fakes/llm/server';

export const ROOT = join(__dirname, '..', '..', '..');
/** The documented example agent, run with this Node (no PATH lookup). */
export const EXAMPLE_AGENT = [process.execPath, join(ROOT, 'examples', 'agents', 'notes-agent.mjs')];
export const HUMAN = 'human:test';
export const BOARD = 'home';

export interface AgentSpec {
  id: string;
  workflow: 'pickup' | 'breakdown' | 'digest';
  [key: string]: unknown;
}

/** The breakdown agent (routed by the `epic` label) and the digest agent, both the example command agent, on one board. */
export function plannerAndSecretary(board: string, digestAssignee: string): AgentSpec[] {
  return [
    {
      id: 'planner',
      board,
      workflow: 'breakdown',
      routes: { labels: ['epic'] },
      provider: { type: 'command', command: EXAMPLE_AGENT },
    },
    {
      id: 'secretary',
      board,
      workflow: 'digest',
      digest: { assign_to: digestAssignee },
      provider: { type: 'command', command: EXAMPLE_AGENT },
    },
  ];
}

/**
 * The usual model agent of these tests: `writer`, picking up `needs-ai` tasks on the local board, asking the
 * scripted OpenAI-compatible server. `over` sets any other key; its `provider` keys are added to the openai ones.
 */
export function openaiWriter(
  llm: Pick<FakeLlm, 'url'>,
  over: { provider?: Record<string, unknown>; [key: string]: unknown } = {},
): AgentSpec {
  const { provider, ...rest } = over;
  return {
    id: 'writer',
    board: BOARD,
    workflow: 'pickup',
    routes: { labels: ['needs-ai'] },
    ...rest,
    provider: { type: 'openai', base_url: llm.url, model: 'fake-model', ...provider },
  };
}

export interface HarnessOptions {
  dir: string;
  agents: AgentSpec[];
  /** Extra config: ownership, more boards. */
  config?: Record<string, unknown>;
  runtime?: NonNullable<Parameters<typeof createCore>[0]['agents']>;
  settings?: AgentRuntimeOptions['settings'];
  /** Keychain entries (an in-memory keychain, so tests need no OS keyring). */
  keychain?: Record<string, string>;
}

/** A keychain in memory: the same interface the OS keychain store implements. */
export class MemoryKeychain implements SecretStore {
  readonly backend = 'keychain' as const;
  private readonly values: Map<string, string>;
  constructor(values: Record<string, string>) {
    this.values = new Map(Object.entries(values));
  }
  async get(name: string): Promise<string | undefined> {
    return this.values.get(name);
  }
  async set(name: string, value: string): Promise<void> {
    this.values.set(name, value);
  }
  async delete(name: string): Promise<boolean> {
    return this.values.delete(name);
  }
  async list(): Promise<string[]> {
    return [...this.values.keys()];
  }
}

export interface Harness {
  core: Core;
  events: DeckhandEvent[];
  /** A person's edit on the local board (through the store, as the UI does). */
  create(fields: Partial<TaskFields> & { title: string }): Task;
  edit(taskId: string, patch: Partial<TaskFields>): Task;
  comment(taskId: string, body: string): void;
  task(taskId: string): Task;
  tasks(): Task[];
  runs(filter?: { agentId?: string; taskId?: string }): AgentRun[];
  /** Waits until a run on the task (or the given run) reaches one of the states. */
  runIn(
    match: { taskId?: string; runId?: number; agentId?: string },
    states: AgentRun['state'][],
    timeoutMs?: number,
  ): Promise<AgentRun>;
  // Tests assert on arbitrary response shapes; `any` keeps those assertions readable.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  call(name: string, input: unknown): Promise<{ ok: boolean; value?: any; error?: any }>;
  close(): Promise<void>;
}

/** Fast timings so tests finish in seconds; the same code paths as production. */
export const FAST_SETTINGS: AgentRuntimeOptions['settings'] = {
  retryBaseMs: 50,
  answerPollMs: 100,
  deliveryTimeoutMs: 10_000,
};

export async function waitFor<T>(
  probe: () => T | undefined | false,
  timeoutMs = 15_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function writeConfig(dir: string, agents: AgentSpec[], extra: Record<string, unknown> = {}): string {
  const file = join(dir, 'deckhand.yml');
  writeFileSync(file, stringify({ schema_version: 1, boards: [{ id: BOARD, type: 'local' }], agents, ...extra }));
  return file;
}

/** What the current test started; closed when it ends (closing twice is harmless for both). */
const started: { close(): Promise<void> }[] = [];

/** Call once at the top of a test file: every harness and fake LLM a test starts is closed when the test ends. */
export function closeAfterEach(): void {
  afterEach(async () => {
    for (const item of started.splice(0).reverse()) await item.close();
  });
}

/** The scripted OpenAI-compatible server on loopback, closed after the test (see closeAfterEach). */
export async function startLlm(options?: Parameters<typeof startFakeLlm>[0]): Promise<FakeLlm> {
  const llm = await startFakeLlm(options);
  started.push(llm);
  return llm;
}

/** A core on a real SQLite file and the local board, with agents from a real config file. */
export async function startHarness(options: HarnessOptions): Promise<Harness> {
  const configPath = writeConfig(options.dir, options.agents, options.config);
  const dataDir = join(options.dir, 'data');
  const core = await createCore({
    dataDir,
    configPath,
    secrets: { keychain: new MemoryKeychain(options.keychain ?? {}), env: new EnvSecretStore(process.env) },
    // Polls no faster than the engine's 1 s outbox re-arm (see the report: a faster poll can starve the outbox).
    runner: { pollIntervalMs: 2_000, minPollMs: 1_500, coalesceMs: 5 },
    agents: { settings: { ...FAST_SETTINGS, ...options.settings }, ...options.runtime },
  });
  const events: DeckhandEvent[] = [];
  core.events.subscribe((e) => events.push(e));
  const store = core.localBoards;
  const strip = (t: Task & { createdAt?: string; position?: number }): Task => {
    const { createdAt: _c, position: _p, ...task } = t;
    return task;
  };
  const harness: Harness = {
    core,
    events,
    create: (fields) => strip(store.createTask(BOARD, fields, HUMAN)),
    edit: (id, patch) => strip(store.updateTask(BOARD, id, patch, HUMAN)),
    comment: (id, body) => void store.addComment(BOARD, id, body, HUMAN),
    task: (id) => strip(store.getTask(BOARD, id)!),
    tasks: () => store.listTasks(BOARD).map(strip),
    runs: (filter = {}) => core.agents.listRuns({ ...filter, limit: 500 }),
    async runIn(match, states, timeoutMs = 15_000) {
      return waitFor<AgentRun>(
        () =>
          core.agents
            .listRuns({ limit: 500, ...(match.agentId ? { agentId: match.agentId } : {}) })
            .find(
              (r) =>
                (match.runId === undefined || r.id === match.runId) &&
                (match.taskId === undefined || r.taskId === match.taskId) &&
                states.includes(r.state),
            ),
        timeoutMs,
        `a run ${JSON.stringify(match)} in ${states.join('|')}`,
      ).catch((err: Error) => {
        const runs = core.agents.listRuns({ limit: 50 }).map((r) => `#${r.id} ${r.taskId} ${r.state} ${r.error ?? ''}`);
        const log = [...core.logEntries({})]
          .slice(-30)
          .map((e) => `${e.actor} ${e.action} ${e.taskId ?? ''} ${e.reason ?? ''}`);
        throw new Error(`${err.message}\nruns:\n${runs.join('\n')}\nlog:\n${log.join('\n')}`);
      });
    },
    async call(name, input) {
      const result = await dispatch(core.handlers, name, input, { transport: 'http' });
      return result.ok ? { ok: true, value: result.value } : { ok: false, error: result.error };
    },
    close: () => core.close(),
  };
  started.push(harness);
  return harness;
}

/**
 * The day's digest by the `secretary` agent: queued now, or already by the schedule at start when the test runs
 * after its hour. It ends done with one digest task assigned to `assignee`, and a second trigger that day is refused.
 */
export async function expectOneDigest(
  harness: Harness,
  read: (id: string) => Promise<Task | null>,
  assignee: string,
): Promise<void> {
  harness.core.agents.triggerDigest('secretary', 'schedule');
  const digest = await harness.runIn({ agentId: 'secretary' }, ['done', 'failed'], 30_000);
  expect(digest.state).toBe('done');
  const made = (await read(digest.resultTaskId!))!;
  expect(made.title).toMatch(/^Daily digest .* \(secretary\)$/);
  expect(made.assignee).toBe(assignee);
  expect(made.labels).toContain('digest');
  expect(harness.core.agents.triggerDigest('secretary', 'schedule')).toBeUndefined();
}

/**
 * The ask-a-person workflow on a board: the waiting run posted its question as exactly one comment, the person's
 * answer (posted by `answer`) resumes it with that text, the answer reaches the notes, and the question is never
 * asked again. `blocked` is the column the card must sit in while it waits, where the board has one.
 */
export async function expectQuestionAnswered(
  harness: Harness,
  adapter: Pick<BoardAdapter, 'getTask' | 'listComments'>,
  options: { taskId: string; blocked?: string; answerText: string; answer: () => unknown },
): Promise<void> {
  const { taskId } = options;
  const waiting = await harness.runIn({ taskId }, ['waiting-for-human'], 30_000);
  const questions = async (): Promise<string[]> =>
    (await adapter.listComments(taskId)).map((c) => c.body).filter((b) => b.startsWith('Question from agent'));
  expect(await questions()).toEqual([expect.stringContaining('Which region do we deploy to?')]);
  if (options.blocked) expect((await adapter.getTask(taskId))!.status).toBe(options.blocked);

  await options.answer();
  const done = await harness.runIn({ runId: waiting.id }, ['done', 'failed'], 10_000);
  expect(done).toMatchObject({ state: 'done', answer: options.answerText });
  expect((await adapter.getTask(taskId))!.agentNotes).toContain(options.answerText);
  expect(await questions()).toHaveLength(1);
}
