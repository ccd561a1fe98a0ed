import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import { startServer, type RunningServer } from '../../../src/main/core/server/http-server';
import type { Task } from '../../../src/shared/task';
import { BOARD, startHarness, waitFor, type AgentSpec, type Harness, type HarnessOptions } from '../agents/harness';
import { ROOT } from '../../helpers/cli';

/** A fresh token per agent and test file: read from the environment like `{ env: NAME }` on a server. */
export const TOKENS = {
  coder: randomBytes(24).toString('hex'),
  reviewer: randomBytes(24).toString('hex'),
};
process.env.DH_TEST_MCP_CODER = TOKENS.coder;
process.env.DH_TEST_MCP_REVIEWER = TOKENS.reviewer;

/** The two MCP agents of these tests: `coder` works `needs-ai` tasks, `reviewer` works `needs-review` ones. */
export function mcpAgents(board = BOARD, over: Record<string, unknown> = {}): AgentSpec[] {
  return [
    {
      id: 'coder',
      board,
      workflow: 'pickup',
      routes: { labels: ['needs-ai'] },
      provider: { type: 'mcp', token: { env: 'DH_TEST_MCP_CODER' } },
      ...over,
    },
    {
      id: 'reviewer',
      board,
      workflow: 'pickup',
      routes: { labels: ['needs-review'] },
      provider: { type: 'mcp', token: { env: 'DH_TEST_MCP_REVIEWER' } },
    },
  ];
}

export interface McpCore {
  harness: Harness;
  server: RunningServer;
  url: string;
  close(): Promise<void>;
}

/** A real core (SQLite file, config file) behind the real HTTP server on 127.0.0.1. */
export async function startMcpCore(options: HarnessOptions): Promise<McpCore> {
  const harness = await startHarness(options);
  const server = await startServer(harness.core, {
    host: '127.0.0.1',
    port: 0,
    staticDir: join(ROOT, 'out', 'renderer'),
  });
  return {
    harness,
    server,
    url: server.url,
    close: async () => {
      await server.close();
      await harness.close();
    },
  };
}

/** The SDK's own client over Streamable HTTP, as Claude Code or Cursor connect with a bearer header. */
export async function httpClient(url: string, token: string, agent?: string): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL('/mcp', url), {
    requestInit: { headers: { authorization: `Bearer ${token}`, ...(agent ? { 'x-deckhand-agent': agent } : {}) } },
  });
  return connect(transport);
}

/** The SDK's own client over stdio, talking to `deckhand mcp` as a child process (run from source under tsx). */
export async function stdioClient(
  url: string,
  agent: string,
  env: Record<string, string>,
  extraArgs: string[] = [],
): Promise<Client> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: ['--import', 'tsx', join(ROOT, 'src', 'main', 'cli.ts'), 'mcp', '--agent', agent, '--url', url, ...extraArgs],
    cwd: ROOT,
    env: { ...(process.env as Record<string, string>), ...env },
    stderr: 'pipe',
  });
  return connect(transport);
}

async function connect(transport: Transport): Promise<Client> {
  const client = new Client({ name: 'deckhand-test', version: '1.0.0' });
  await client.connect(transport);
  return client;
}

// Tests assert on arbitrary response shapes; `any` keeps those assertions readable.
/* eslint-disable @typescript-eslint/no-explicit-any */
export interface ToolAnswer {
  isError: boolean;
  value: any;
}

/** Calls a tool and returns its structured result (the error object when it was refused). */
export async function tool(client: Client, name: string, args: Record<string, unknown> = {}): Promise<ToolAnswer> {
  const result = await client.callTool({ name, arguments: args });
  return { isError: result.isError === true, value: result.structuredContent as any };
}
/* eslint-enable @typescript-eslint/no-explicit-any */

/** Waits until list_my_work shows the task (the engine has synced the person's change). */
export async function untilListed(client: Client, taskId: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  for (;;) {
    const { value } = await tool(client, 'list_my_work');
    if ((value.tasks as { id: string }[]).some((t) => t.id === taskId)) return;
    if (Date.now() > deadline) throw new Error(`task ${taskId} never showed in list_my_work`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** What the flows need from a board: a person's actions, and reads of the board itself (not Deckhand's copy). */
export interface BoardSide {
  boardId: string;
  createRouted(title: string, labels?: string[]): Promise<string>;
  personEdit(taskId: string, patch: { title?: string; status?: string }): Promise<void>;
  personComment(taskId: string, body: string): Promise<void>;
  read(taskId: string): Promise<Task>;
  comments(taskId: string): Promise<string[]>;
  children(taskId: string): Promise<{ title: string }[]>;
  columns: { todo: string; working: string; review: string; blocked: string };
}

/** The local board, edited as a person edits it in the UI (through its store). */
export function localSide(core: McpCore): BoardSide {
  const { harness } = core;
  const adapter = () => harness.core.engine.adapterFor(BOARD)!;
  return {
    boardId: BOARD,
    createRouted: async (title, labels = ['needs-ai']) => harness.create({ title, labels, status: 'To do' }).id,
    personEdit: async (id, patch) => void harness.edit(id, patch),
    personComment: async (id, body) => harness.comment(id, body),
    read: async (id) => (await adapter().getTask(id))!,
    comments: async (id) => (await adapter().listComments(id)).map((c) => c.body),
    children: async (id) => harness.tasks().filter((t) => t.parentId === id),
    columns: {
      todo: 'To do',
      working: 'Work in progress',
      review: 'Ready for Review',
      blocked: 'Blocked — Needs Input',
    },
  };
}

export { waitFor };
