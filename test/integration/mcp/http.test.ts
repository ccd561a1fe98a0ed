import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { useTempDirs } from '../../helpers/tmp';
import { closeAfterEach } from '../agents/harness';
import { mcpFlows } from './flows';
import { httpClient, localSide, mcpAgents, startMcpCore, tool, TOKENS, untilListed, type McpCore } from './harness';

/**
 * Deckhand as an MCP server (issue 14) over real Streamable HTTP: the SDK's own
 * Client against a real core (SQLite file, config file, the local board) served
 * on 127.0.0.1, authenticating as the `coder` MCP agent with its bearer token.
 */
const tempDir = useTempDirs();
closeAfterEach();

describe('MCP over Streamable HTTP, local board', () => {
  mcpFlows(async ({ ownership }) => {
    const core = await startMcpCore({ dir: tempDir(), agents: mcpAgents(), config: ownership ? { ownership } : {} });
    const coder = await httpClient(core.url, TOKENS.coder);
    return {
      harness: core.harness,
      side: localSide(core),
      coder,
      close: async () => {
        await coder.close();
        await core.server.close();
      },
    };
  });
});

const INITIALIZE = {
  jsonrpc: '2.0',
  id: 1,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '0' } },
};

/** A raw POST to /mcp with exactly these headers (node:http, so Host can be set as a rebinding page would). */
function post(url: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
  const target = new URL('/mcp', url);
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', ...headers },
      },
      (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(INITIALIZE));
  });
}

describe('MCP authentication and the browser checks', () => {
  const cores: McpCore[] = [];
  afterEach(async () => {
    for (const c of cores.splice(0)) await c.server.close();
  });
  const start = async (): Promise<McpCore> => {
    const core = await startMcpCore({ dir: tempDir(), agents: mcpAgents() });
    cores.push(core);
    return core;
  };

  it("answers its own token, and refuses a missing, wrong or other agent's token", async () => {
    const { url, harness } = await start();
    expect((await post(url, { authorization: `Bearer ${TOKENS.coder}` })).status).toBe(200);
    const missing = await post(url, {});
    expect(missing.status).toBe(401);
    expect(missing.body).toContain('missing bearer token');
    const wrong = await post(url, { authorization: 'Bearer not-a-token-of-anyone-here' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toContain('wrong token');
    // The reviewer's token, presented as the coder (the bridge names its agent): refused.
    const other = await post(url, { authorization: `Bearer ${TOKENS.reviewer}`, 'x-deckhand-agent': 'coder' });
    expect(other.status).toBe(401);
    expect(other.body).toContain("not agent coder's");
    // And the SDK's client with a wrong token fails to connect at all.
    await expect(httpClient(url, 'nope-nope-nope-nope')).rejects.toThrow();
    // A token is one agent: the reviewer's client sees the reviewer's work, not the coder's.
    const id = harness.create({ title: 'Coder only', labels: ['needs-ai'], status: 'To do' }).id;
    const reviewer = await httpClient(url, TOKENS.reviewer, 'reviewer');
    const got = await tool(reviewer, 'get_task', { task_id: id });
    expect(got.value.error.code).toBe('not_routed');
    await reviewer.close();
  });

  it('refuses a foreign Origin and a foreign Host (DNS rebinding), even with the right token', async () => {
    const { url } = await start();
    const auth = { authorization: `Bearer ${TOKENS.coder}` };
    const origin = await post(url, { ...auth, origin: 'http://evil.example' });
    expect(origin.status).toBe(403);
    expect(origin.body).toContain('cross-origin');
    const host = await post(url, { ...auth, host: 'evil.example:7717' });
    expect(host.status).toBe(403);
    // Our own origin (a page Deckhand served) is fine.
    expect((await post(url, { ...auth, origin: url })).status).toBe(200);
  });

  it("budgets apply: a claim is a run, and the claim over the day's budget pauses the agent", async () => {
    const core = await startMcpCore({ dir: tempDir(), agents: mcpAgents('home', { budget: { runs_per_day: 1 } }) });
    cores.push(core);
    const { harness, url } = core;
    const first = harness.create({ title: 'Within budget', labels: ['needs-ai'], status: 'To do' }).id;
    const second = harness.create({ title: 'Over budget', labels: ['needs-ai'], status: 'To do' }).id;
    const coder = await httpClient(url, TOKENS.coder);
    await untilListed(coder, second);
    expect((await tool(coder, 'claim_task', { task_id: first })).isError).toBe(false);
    const over = await tool(coder, 'claim_task', { task_id: second });
    expect(over.value.error).toMatchObject({ code: 'budget', message: expect.stringContaining('1 of 1 runs today') });
    expect(harness.task(second).labels).toEqual(['needs-ai']);
    const pause = harness.core.getState().agents.find((a) => a.id === 'coder')!.pause;
    expect(pause).toMatchObject({ paused: true, by: 'system:budget' });
    const write = await tool(coder, 'write_notes', { task_id: first, notes: 'after the budget' });
    expect(write.value.error).toMatchObject({ code: 'paused', pausedBy: 'system:budget' });
    await coder.close();
  });

  it('shows MCP agents in the state (connected after a call) and counts them for the tray', async () => {
    const { url, harness } = await start();
    const before = harness.core.getState().agents.find((a) => a.id === 'coder')!;
    expect(before.mcp).toEqual({ connected: false, calls: 0 });
    expect(before.provider).toContain('mcp');
    const coder = await httpClient(url, TOKENS.coder);
    await tool(coder, 'board_rules');
    const after = harness.core.getState().agents.find((a) => a.id === 'coder')!;
    expect(after.mcp).toMatchObject({ connected: true, lastTool: 'board_rules', calls: 1 });
    expect(harness.core.getState().agents.map((a) => a.id)).toEqual(['coder', 'reviewer']);
    await coder.close();
  });
});
